import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freeBrokerPort, freePort } from '../remoting/testing/ports';

/**
 * `apogee start --dashboardPort`: the dashboard's port is validated with the others, before anything opens — a
 * taken port is exit 1 naming the setting, and the NameServer never says it serves. Its serving is proven in
 * lib/dashboard/dashboard.browser.test.ts.
 */
const APOGEE = path.join(__dirname, 'apogee.js');

describe('lib/bin apogee start --dashboardPort (start-up safety)', function () {
  this.timeout(60_000);

  it('a dashboard port in use: exits 1 naming dashboardPort / apogeeDashboardPort, nothing served', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-dash-start-'));
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const child = spawn(process.execPath, [APOGEE, 'start', '--dataDir', path.join(dir, 'data'), '--namesrvPort', String(await freePort()), '--brokerPort', String(await freeBrokerPort()), '--dashboardPort', String(taken)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
      const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      assert.equal(code, 1, err);
      assert.match(err, new RegExp(`127\\.0\\.0\\.1:${taken} \\(dashboardPort / apogeeDashboardPort\\) is in use`));
      assert.doesNotMatch(out, /NameServer 127/);
    } finally {
      blocker.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
