import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RequestCode } from '../../protocol/codes';
import { fullRunOnly, skipBecause } from '../common/testing/skip';
import { javaToolsSkipReason, startApogeeUnderTest, type ApogeeUnderTest } from '../broker/processors/testing/java-fixture';
import { javaLayout, MQADMIN_MAIN, runJava, toolsClasspath, type Run } from '../broker/processors/testing/java-tools';
import { STEPS, type Step } from './mqadmin-compare-writes-steps';

/**
 * The mqadmin commands that change state (and the few read-only ones whose output moves per run), Apogee's mqadmin
 * (`node dist/lib/bin/mqadmin.js`, a process, so its exit code counts) against the OFFICIAL mqadmin 5.5.0 (one JVM per
 * command, never two at once), both on one `apogee start`. Each step runs once per tool on its own names — every `X`
 * of a name (T_X, G_X, ...) becomes OURS for Apogee's tool and JAVA for the official one — and then reads the state
 * back with Apogee's read commands (themselves compared line for line in mqadmin-compare.compat.test.ts) or the
 * stored file / KV entry. The printed lines, the exit code and the read-back state must be equal once JAVA is
 * written OURS; values that differ per run (RT, message ids) are masked by name. The rows are in
 * mqadmin-compare-writes-steps.ts.
 */

describe('lib/admin: Apogee mqadmin write commands vs official mqadmin 5.5.0, state read back (compat)', function () {
  this.timeout(900_000);
  const skipReason = javaToolsSkipReason();
  const BIN = path.join(__dirname, '..', 'bin', 'mqadmin.js');
  let a: ApogeeUnderTest | undefined;
  let jvm: string[] = [];
  let msgId = '';

  before(async function () {
    if (skipReason !== undefined) skipBecause(this, skipReason);
    a = await startApogeeUnderTest('apogee-mqadmin-writes-', 'brokerName=broker-a\n');
    jvm = javaLayout(path.join(a.dir, 'java'));
    // Seed: topic SrcT with one message (queryMsgById), group SrcCG with offset 1 committed on queue 0 and its retry
    // topic routed (cloneGroupOffset reads the source group's consume stats through that route, as Java's tool).
    for (const t of ['SrcT', '%RETRY%SrcCG']) {
      const r = await ours(['updateTopic', '-b', a.brokerAddr, '-t', t, '-r', '2', '-w', '2']);
      assert.equal(r.code, 0, r.out);
    }
    const s = await ours(['sendMessage', '-t', 'SrcT', '-p', 'seed-body', '-k', 'K1', '-c', 'TagA', '-b', 'broker-a', '-i', '0']);
    assert.equal(s.code, 0, s.out);
    msgId = /([0-9A-F]{32})/.exec(s.out)?.[1] ?? '';
    assert.notEqual(msgId, '', s.out);
    assert.equal((await ours(['updateSubGroup', '-b', a.brokerAddr, '-g', 'SrcCG'])).code, 0);
    const c = await a.client.call(a.brokerAddr, RequestCode.UPDATE_CONSUMER_OFFSET, new Map([['consumerGroup', 'SrcCG'], ['topic', 'SrcT'], ['queueId', '0'], ['commitOffset', '1']]));
    assert.equal(c.code, 0, c.remark ?? '');
  });

  after(async () => {
    await a?.stop();
  });

  /** Apogee's mqadmin as a process; no tools.yml (requests unsigned, as the official tool's here). */
  function ours(args: string[]): Promise<Run> {
    return new Promise((resolve) => {
      const env = { ...process.env };
      delete env['ROCKETMQ_HOME'];
      const p = spawn(process.execPath, [BIN, ...args, '-n', a!.nsAddr], { cwd: a!.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.stderr.on('data', (d: Buffer) => (out += d.toString()));
      p.on('close', (code) => resolve({ out, code }));
    });
  }

  const official = (args: string[]): Promise<Run> => runJava([...jvm, '-cp', toolsClasspath('5.5.0')!.cp, MQADMIN_MAIN, ...args, '-n', a!.nsAddr], a!.dir);

  /** Drops logback's start-up lines, trailing blanks and blank lines; applies the masks. */
  function normalize(s: string, mask: [RegExp, string][]): string[] {
    let t = s.replace(/^\d\d:\d\d:\d\d,\d{3} \|-.*$/gm, '');
    for (const [re, to] of mask) t = t.replace(re, to);
    return t.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '');
  }

  /** The state after a step, read by Apogee's tools: `cmd args [| substring]`, `kv <namespace> <key>`, `offset <group> <topic> <queueId>`, or `file <name under the data dir> <key path>`. */
  async function readBack(line: string, mask: [RegExp, string][]): Promise<string[]> {
    const [spec, filter] = line.split(' | ');
    const words = spec!.split(' ');
    if (words[0] === 'kv') {
      const r = await a!.client.call(a!.nsAddr, RequestCode.GET_KV_CONFIG, new Map([['namespace', words[1]!], ['key', words[2]!]]));
      return [`GET_KV_CONFIG code ${r.code} value ${r.extFields?.get('value') ?? '<none>'}`];
    }
    if (words[0] === 'offset') {
      const r = await a!.client.call(a!.brokerAddr, RequestCode.QUERY_CONSUMER_OFFSET, new Map([['consumerGroup', words[1]!], ['topic', words[2]!], ['queueId', words[3]!]]));
      return [`QUERY_CONSUMER_OFFSET code ${r.code} offset ${r.extFields?.get('offset') ?? '<none>'}`];
    }
    if (words[0] === 'file') {
      const found = findFile(path.join(a!.dir, 'data'), words[1]!);
      if (found === undefined) return [`${words[1]} not written`];
      let v: unknown = JSON.parse(fs.readFileSync(found, 'utf8'));
      for (const k of words.slice(2)) v = (v as Record<string, unknown> | undefined)?.[k];
      return [`${words.slice(2).join('.')} = ${JSON.stringify(v)}`];
    }
    const r = await ours(words);
    const lines = normalize(r.out, mask);
    return [`exit ${r.code}`, ...(filter === undefined ? lines : lines.filter((l) => l.includes(filter)))];
  }

  function findFile(dir: string, name: string): string | undefined {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        const f = findFile(p, name);
        if (f !== undefined) return f;
      } else if (e.name === name) return p;
    }
    return undefined;
  }

  /** The seeded message's offset msgId: the store host 127.0.0.1:<broker port> and commit-log offset 0 (the first message stored), in hex. */
  const offsetId = (): string => `7F000001${Number(a!.brokerAddr.split(':')[1]).toString(16).toUpperCase().padStart(8, '0')}${'0'.repeat(16)}`;

  /** One tool's run of a step: per command its exit code and lines, then the read-back state. */
  async function runStep(step: Step, who: 'OURS' | 'JAVA'): Promise<string[]> {
    const sub = (s: string): string => s.split('$B').join(a!.brokerAddr).split('$MSG').join(msgId).split('$OFFSETID').join(offsetId()).replace(/\b(\w+)_X\b/g, `$1_${who}`);
    const res: string[] = [];
    for (const cmd of step.run) {
      const args = sub(cmd).split(' ');
      const r = who === 'OURS' ? await ours(args) : await official(args);
      res.push(`$ ${cmd}`, `exit ${r.code}`, ...normalize(r.out, step.mask ?? []));
    }
    for (const line of step.read ?? []) res.push(`read ${line}`, ...(await readBack(sub(line), step.mask ?? [])));
    const addr = a!.brokerAddr.replace(/\./g, '\\.');
    return res.map((l) => l.replace(/_JAVA\b/g, '_OURS').replace(new RegExp(addr, 'g'), '<broker>').replace(new RegExp(a!.nsAddr.replace(/\./g, '\\.'), 'g'), '<namesrv>'));
  }

  for (const step of STEPS) {
    it(`${step.run.join(', ')}: same output, exit code and state`, async function () {
      if (step.ciCoveredBy !== undefined) fullRunOnly(this, step.ciCoveredBy);
      const mine = await runStep(step, 'OURS');
      const theirs = await runStep(step, 'JAVA');
      assert.match(mine.join('\n'), step.expect);
      assert.deepEqual(mine, theirs, `ours:\n${mine.join('\n')}\n\nofficial:\n${theirs.join('\n')}`);
    });
  }
});
