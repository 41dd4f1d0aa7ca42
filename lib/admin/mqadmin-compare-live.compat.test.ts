import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { silentLogger } from '../common';
import { javaToolsSkipReason, startApogeeUnderTest, type ApogeeUnderTest } from '../broker/processors/testing/java-fixture';
import { CLIENT_SOURCE, javaLayout, kill, MQADMIN_MAIN, runJava, toolsClasspath } from '../broker/processors/testing/java-tools';
import { COMMANDS, runCommand } from './index';

/**
 * Apogee's mqadmin and the OFFICIAL mqadmin 5.5.0 against one `apogee start` with the official Java client 5.5.0
 * online, message trace on (a producer that sent 5 messages to LiveT, a push consumer of group LiveCG that consumed them): the
 * commands that need a live client (consumerStatus asks the consumer for its ConsumerRunningInfo through the broker)
 * or read messages (consumeMessage, queryMsgTraceById) print the same lines. Values that move between the two runs (pull timestamps,
 * TPS, the report file's time prefix) are masked by name. Needs java and the 5.5.0 classpath; skipped with the
 * reason otherwise.
 */
describe('lib/admin: Apogee mqadmin vs official mqadmin 5.5.0 with a live Java client (compat)', function () {
  this.timeout(600_000);
  const skipReason = javaToolsSkipReason();
  let a: ApogeeUnderTest | undefined;
  let client: ChildProcess | undefined;
  let consumerId = '';
  let firstMsgId = '';
  let jvm: string[] = [];

  before(async function () {
    if (skipReason !== undefined) {
      console.log(`      skipped: ${skipReason}`);
      this.skip();
    }
    a = await startApogeeUnderTest('apogee-mqadmin-live-', 'brokerName=broker-a\n');
    jvm = javaLayout(path.join(a.dir, 'tools'));
    const src = path.join(a.dir, 'CompatClient.java');
    fs.writeFileSync(src, CLIENT_SOURCE);
    client = spawn('java', [...javaLayout(path.join(a.dir, 'client')), '-cp', toolsClasspath('5.5.0')!.cp, src, a.nsAddr, 'LiveT', 'LivePG', 'LiveCG', '5', 'trace'], { cwd: a.dir, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`the Java client did not get ready: ${out}`)), 180_000);
      client!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /READY (\S+) (\S+)/.exec(out);
        if (m) {
          clearTimeout(t);
          consumerId = m[2]!;
          firstMsgId = /SENT (\S+) \S+ SEND_OK/.exec(out)?.[1] ?? '';
          resolve();
        }
      });
      client!.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      client!.once('exit', (code) => reject(new Error(`the Java client exited with ${code}: ${out}`)));
    });
  });

  after(async () => {
    client?.stdin?.end();
    await kill(client);
    await a?.stop();
  });

  async function ours(name: string, opts: Record<string, string | true>): Promise<string> {
    const cmd = COMMANDS.find((c) => c.name === name)!;
    const out: string[] = [];
    // consumerStatus writes its reports under the working directory, as Java does: use the test's dir.
    const cwd = process.cwd();
    process.chdir(path.join(a!.dir));
    try {
      await runCommand(cmd, a!.nsAddr, new Map(Object.entries(opts)), silentLogger(), (l) => out.push(l));
    } finally {
      process.chdir(cwd);
    }
    return out.join('\n');
  }

  const official = async (args: string[]): Promise<string> => (await runJava([...jvm, '-cp', toolsClasspath('5.5.0')!.cp, MQADMIN_MAIN, ...args, '-n', a!.nsAddr], a!.dir)).out;

  function normalize(s: string, mask: [RegExp, string][]): string[] {
    let t = s.replace(/^\d\d:\d\d:\d\d,\d{3} \|-.*$/gm, '');
    for (const [re, to] of mask) t = t.replace(re, to);
    return t.split('\n').map((l) => l.trimEnd()).filter((l, i, arr) => !(l === '' && (i === 0 || arr[i - 1] === ''))).join('\n').trim().split('\n');
  }

  const moving: [RegExp, string][] = [
    [/last(Pull|Lock|Consume)Timestamp=\d+/g, 'last$1Timestamp=<time>'],
    [/^(LiveT|%RETRY%LiveCG)( +)(\s+\d+\.\d\d){5}\s+\d+$/gm, '$1 <rt and tps>'],
    [/^\d{13}\//gm, '<now>/'],
    [/(\d+ +\S+ +\S+ +)\d{13}\//g, '$1<now>/'],
  ];

  const cases: { name: string; args: string[]; opts: Record<string, string | true>; expect?: RegExp }[] = [
    { name: 'consumerStatus', args: ['-g', 'LiveCG', '-i', '$CID'], opts: { consumerGroup: 'LiveCG', clientId: '$CID' }, expect: /^LiveT +broker-a +0 +\d+/m },
    { name: 'consumerStatus', args: ['-g', 'LiveCG'], opts: { consumerGroup: 'LiveCG' } },
    { name: 'consumeMessage', args: ['-t', 'LiveT'], opts: { topic: 'LiveT' } },
    { name: 'consumeMessage', args: ['-t', 'LiveT', '-c', '3'], opts: { topic: 'LiveT', MessageNumber: '3' } },
    { name: 'consumeMessage', args: ['-t', 'LiveT', '-b', 'broker-a', '-i', '1'], opts: { topic: 'LiveT', brokerName: 'broker-a', queueId: '1' } },
    { name: 'consumeMessage', args: ['-t', 'LiveT', '-b', 'broker-a', '-i', '1', '-o', '5'], opts: { topic: 'LiveT', brokerName: 'broker-a', queueId: '1', offset: '5' } },
    { name: 'consumeMessage', args: ['-t', 'LiveT', '-i', '1'], opts: { topic: 'LiveT', queueId: '1' } },
    { name: 'consumeMessage', args: ['-t', 'LiveT', '-c', '0'], opts: { topic: 'LiveT', MessageNumber: '0' } },
    { name: 'queryMsgTraceById', args: ['-i', '$MSG'], opts: { msgId: '$MSG' }, expect: /^Pub +LivePG .*success[\s\S]*^Sub +LiveCG .*success/m },
  ];

  for (const c of cases) {
    it(`${c.name} ${c.args.join(' ')}: same output`, async () => {
      const sub = (v: string): string => v.replace('$CID', consumerId).replace('$MSG', firstMsgId);
      const opts = Object.fromEntries(Object.entries(c.opts).map(([k, v]) => [k, typeof v === 'string' ? sub(v) : v]));
      const mine = normalize(await ours(c.name, opts), moving);
      const theirs = normalize(await official([c.name, ...c.args.map(sub)]), moving);
      assert.ok(mine.length > 0 && mine.join('').trim() !== '', 'Apogee printed nothing');
      if (c.expect !== undefined) assert.match(mine.join('\n'), c.expect);
      assert.deepEqual(mine, theirs, `ours:\n${mine.join('\n')}\n\nofficial:\n${theirs.join('\n')}`);
    });
  }
});
