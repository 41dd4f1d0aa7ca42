import { strict as assert } from 'node:assert';
import { apogeeHelp, COMMANDS, START_SPECS, unknownCommand } from './apogee-help';

describe('lib/bin apogee --help', () => {
  it('lists every sub-command and every flag of `apogee start` with its default', () => {
    const h = apogeeHelp();
    for (const [name] of COMMANDS) assert.match(h, new RegExp(`^  ${name} `, 'm'), name);
    for (const s of START_SPECS) {
      const line = h.split('\n').find((l) => l.includes(`--${s.long}`));
      assert.ok(line !== undefined, `--${s.long} missing`);
      if (s.long !== 'help') assert.match(line, /default/, `--${s.long} shows no default`);
    }
  });

  it('documents every port: 9876, 10911, 10909 (listenPort-2), HA (listenPort+1), metrics 5557', () => {
    const h = apogeeHelp();
    for (const p of ['9876', '10911', '10909', '10912', '5557']) assert.ok(h.includes(p), p);
  });

  it('names the opt-in dashboard: its config keys, its flags, that it is off by default and on 127.0.0.1', () => {
    const h = apogeeHelp();
    for (const k of ['apogeeDashboardPort', 'apogeeDashboardHost', '--dashboardPort', '--dashboardHost']) assert.ok(h.includes(k), k);
    assert.match(h, /web dashboard off/);
    assert.match(h, /--dashboardHost.*127\.0\.0\.1/);
  });

  it('a wrong sub-command is named, with a suggestion when one is close', () => {
    assert.equal(unknownCommand('strat'), "unknown command 'strat'; did you mean 'start'? (apogee --help lists them)");
    assert.match(unknownCommand('versoin'), /did you mean 'version'/);
    assert.equal(unknownCommand('frobnicate'), "unknown command 'frobnicate' (apogee --help lists them)");
  });
});
