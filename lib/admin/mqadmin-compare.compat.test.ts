import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HeartbeatData } from '../../protocol/bodies';
import { RequestCode } from '../../protocol/codes';
import { createRequest } from '../../protocol/command';
import { RocketClient } from '../client';
import { silentLogger } from '../common';
import { stopChild } from '../common/testing/child';
import { fullRunOnly } from '../common/testing/skip';
import { RemotingClient } from '../remoting';
import { freeBrokerPort, freePort } from '../remoting/testing/ports';
import { startApogee, waitApogeeReady } from '../broker/processors/testing/apogee-process';
import { hasJava, javaLayout, MQADMIN_MAIN, runJava, toolsClasspath } from '../broker/processors/testing/java-tools';
import { COMMANDS, runCommand } from './index';

/**
 * Apogee's mqadmin and the OFFICIAL mqadmin 5.5.0 (MQAdminStartup, one JVM per command, never two at once) run the
 * same read-only command against one `apogee start` process; their outputs must match line for line after
 * `normalize` (logback noise, trailing blanks; per-run values are named where they are masked). The data is seeded
 * first: topic CmpT (2 queues, 3 messages with key K1 and tag TagA in queue 0), an online consumer CmpCG (heartbeat)
 * with offset 1 committed on queue 0, and an online producer CmpPG. Needs java and the compat-tests tools
 * classpath; skipped with the reason otherwise.
 */
describe('lib/admin: Apogee mqadmin vs official mqadmin 5.5.0 (compat)', function () {
  this.timeout(600_000);
  const tools = toolsClasspath('5.5.0');
  const skipReason = !hasJava() ? 'java is not on PATH' : tools === undefined ? 'no tools classpath (run compat-tests/setup.sh)' : undefined;
  let dir = '';
  let apogee: ChildProcess | undefined;
  let client: RocketClient | undefined;
  let member: RemotingClient | undefined;
  let nsAddr = '';
  let brokerAddr = '';
  let jvm: string[] = [];
  const sent: string[] = [];

  before(async function () {
    if (skipReason !== undefined) {
      console.log(`      skipped: ${skipReason}`);
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-mqadmin-cmp-'));
    const conf = path.join(dir, 'broker.conf');
    fs.writeFileSync(conf, 'brokerName=broker-a\n');
    nsAddr = `127.0.0.1:${await freePort()}`;
    const brokerPort = await freeBrokerPort();
    brokerAddr = `127.0.0.1:${brokerPort}`;
    apogee = startApogee(dir, Number(nsAddr.split(':')[1]), brokerPort, conf);
    client = new RocketClient({ namesrvAddr: nsAddr, logger: silentLogger() });
    await waitApogeeReady(client);
    jvm = javaLayout(path.join(dir, 'tools'));
    fs.writeFileSync(path.join(dir, 'topics.json'), '[{"topicName":"CmpList1","readQueueNums":2,"writeQueueNums":2,"perm":6}]');
    fs.writeFileSync(path.join(dir, 'groups.json'), '[{"groupName":"CmpListG1"},{"groupName":"CmpListG2","retryMaxTimes":3}]');
    await ours('updateTopic', { topic: 'CmpT', brokerAddr, readQueueNums: '2', writeQueueNums: '2' });
    for (let i = 0; i < 3; i++) sent.push((await ours('sendMessage', { topic: 'CmpT', body: `body-${i}`, key: 'K1', tags: 'TagA', qid: '0' })).trim().split(/\s+/).pop()!);
    member = new RemotingClient({ logger: silentLogger(), version: 513 });
    const hb = HeartbeatData.encode({
      clientID: '127.0.0.1@cmp-member',
      consumerDataSet: [{ groupName: 'CmpCG', consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET', unitMode: false, subscriptionDataSet: [{ topic: 'CmpT', subString: '*', expressionType: 'TAG', classFilterMode: false, tagsSet: [], codeSet: [], subVersion: 1n }] }],
      producerDataSet: [{ groupName: 'CmpPG' }],
    });
    assert.equal((await member.invoke(brokerAddr, createRequest({ code: RequestCode.HEART_BEAT, opaque: 0, version: 513, body: hb }), 5000)).code, 0);
    const c = await client.call(brokerAddr, RequestCode.UPDATE_CONSUMER_OFFSET, new Map([['consumerGroup', 'CmpCG'], ['topic', 'CmpT'], ['queueId', '0'], ['commitOffset', '1']]));
    assert.equal(c.code, 0, c.remark ?? '');
    for (let i = 0; i < 200 && (await client.routeOf('%RETRY%CmpCG', 0)) === undefined; i++) await new Promise((r) => setTimeout(r, 50));
  });

  after(async () => {
    member?.close();
    client?.close();
    await stopChild(apogee);
    if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
  });

  async function ours(name: string, opts: Record<string, string | true> = {}): Promise<string> {
    const cmd = COMMANDS.find((c) => c.name === name)!;
    const out: string[] = [];
    await runCommand(cmd, nsAddr, new Map(Object.entries(opts)), silentLogger(), (l) => out.push(l));
    return out.join('\n');
  }

  async function official(args: string[]): Promise<string> {
    const r = await runJava([...jvm, '-cp', tools!.cp, MQADMIN_MAIN, ...args, '-n', nsAddr], dir);
    return r.out;
  }

  /** Drops logback's start-up lines and trailing blanks; `mask` replaces per-run values in both outputs. */
  function normalize(s: string, mask: [RegExp, string][] = []): string[] {
    let t = s.replace(/^\d\d:\d\d:\d\d,\d{3} \|-.*$/gm, '');
    for (const [re, to] of mask) t = t.replace(re, to);
    return t.split('\n').map((l) => l.trimEnd()).filter((l, i, a) => !(l === '' && (i === 0 || a[i - 1] === ''))).join('\n').trim().split('\n');
  }

  const cases: { name: string; args: string[]; opts: Record<string, string | true>; mask?: [RegExp, string][]; full?: true }[] = [
    { name: 'topicClusterList', args: ['-t', 'CmpT'], opts: { topic: 'CmpT' } },
    { name: 'queryMsgByKey', args: ['-t', 'CmpT', '-k', 'K1'], opts: { topic: 'CmpT', msgKey: 'K1' } },
    { name: 'consumerConnection', args: ['-g', 'CmpCG'], opts: { consumerGroup: 'CmpCG' } },
    { name: 'producerConnection', args: ['-g', 'CmpPG', '-t', 'CmpT'], opts: { producerGroup: 'CmpPG', topic: 'CmpT' } },
    { name: 'consumerProgress', args: ['-g', 'CmpCG'], opts: { groupName: 'CmpCG' } },
    { name: 'getConsumerConfig', args: ['-g', 'CmpCG'], opts: { groupName: 'CmpCG' } },
    { name: 'printMsgByQueue', args: ['-t', 'CmpT', '-a', 'broker-a', '-i', '0', '-f', 'true'], opts: { topic: 'CmpT', brokerName: 'broker-a', queueId: '0', calculate: 'true' } },
    { name: 'printMsg', args: ['-t', 'CmpT'], opts: { topic: 'CmpT' } },
    { name: 'queryMsgByOffset', args: ['-t', 'CmpT', '-b', 'broker-a', '-i', '0', '-o', '2', '-f', 'UTF-8'], opts: { topic: 'CmpT', brokerName: 'broker-a', queueId: '0', offset: '2', bodyFormat: 'UTF-8' } },
    { name: 'brokerConsumeStats', args: ['-b', '$BROKER'], opts: { brokerAddr: '$BROKER' } },
    { name: 'queryMsgByUniqueKey', args: ['-t', 'CmpT', '-i', '$MSG'], opts: { topic: 'CmpT', msgId: '$MSG' } },
    { name: 'updateSubGroup', args: ['-b', '$BROKER', '-g', 'CmpSG', '-r', '3'], opts: { brokerAddr: '$BROKER', groupName: 'CmpSG', retryMaxTimes: '3' } },
    { name: 'getConsumerConfig', args: ['-g', 'CmpSG'], opts: { groupName: 'CmpSG' } },
    { name: 'consumerProgress', args: [], opts: {} },
    { name: 'resetOffsetByTime', args: ['-g', 'CmpCG', '-t', 'CmpT', '-s', '0'], opts: { group: 'CmpCG', topic: 'CmpT', timestamp: '0' } },
    { name: 'skipAccumulatedMessage', args: ['-g', 'CmpCG', '-t', 'CmpT'], opts: { group: 'CmpCG', topic: 'CmpT' } },
    { name: 'clusterList', args: [], opts: {}, mask: [[/(true|false)?\s+\d+\.\d\d(\s+\d\.\d{4}\s+)(true|false)$/gm, ' <hour>$2$3']] },
    { name: 'topicStatus', args: ['-t', 'CmpT'], opts: { topic: 'CmpT' } },
    { name: 'topicRoute', args: ['-t', 'CmpT'], opts: { topic: 'CmpT' } },
    { name: 'getNamesrvConfig', args: [], opts: {} },
    { name: 'getBrokerConfig', args: ['-b', '$BROKER'], opts: { brokerAddr: '$BROKER' } },
    { name: 'queryCq', args: ['-t', 'CmpT', '-q', '0', '-i', '0', '-c', '5'], opts: { topic: 'CmpT', queue: '0', index: '0', count: '5' } },
    { name: 'updateTopicList', args: ['-b', '$BROKER', '-f', '$DIR/topics.json'], opts: { brokerAddr: '$BROKER', filename: '$DIR/topics.json' } },
    // With -c Java also prints its usage text after the result lines (it falls through to printCommandLineHelp); Apogee does not.
    { name: 'updateSubGroupList', args: ['-b', '$BROKER', '-f', '$DIR/groups.json'], opts: { brokerAddr: '$BROKER', filename: '$DIR/groups.json' } },
    { name: 'allocateMQ', args: ['-t', 'CmpT', '-i', '10.0.0.1,10.0.0.2,10.0.0.3'], opts: { topic: 'CmpT', ipList: '10.0.0.1,10.0.0.2,10.0.0.3' } },
    { name: 'allocateMQ', args: ['-t', 'TBW102', '-i', 'a,b'], opts: { topic: 'TBW102', ipList: 'a,b' } },
    { name: 'producer', args: ['-b', '$BROKER'], opts: { broker: '$BROKER' }, mask: [[/lastUpdateTimestamp=\d+/g, 'lastUpdateTimestamp=<ms>']] },
    // The brokers' minute stats are sampled on a timer: the two runs may see different TPS and counts.
    { name: 'statsAll', args: ['-t', 'CmpT'], opts: { topic: 'CmpT' }, mask: [[/ +\d+\.\d\d +\d+\.\d\d +\d+ +\d+$/gm, ' <tps and counts>']] },
    { name: 'statsAll', args: [], opts: {}, mask: [[/ +\d+\.\d\d( +\d+\.\d\d)? +\d+ +(\d+|NO_CONSUMER)$/gm, ' <tps and counts> $2']] },
    { name: 'haStatus', args: ['-b', '$BROKER'], opts: { brokerAddr: '$BROKER' } },
    { name: 'sendMsgStatus', args: ['-b', 'broker-a', '-c', '3', '-s', '30'], opts: { brokerName: 'broker-a', count: '3', messageSize: '30' }, mask: [[/rt=\d+ms/g, 'rt=<ms>'], [/msgId=[0-9A-F]+, offsetMsgId=[0-9A-F]{32}/g, '<ids (the Java client id may hold an IPv6 address)>'], [/queueId=\d+\], queueOffset=\d+/g, '<queue>']] },
    { name: 'setCommitLogReadAheadMode', args: ['-b', '$BROKER', '-m', '0'], opts: { brokerAddr: '$BROKER', commitLogReadAheadMode: '0' } },
    { name: 'setCommitLogReadAheadMode', args: ['-c', 'DefaultCluster', '-m', '0'], opts: { clusterName: 'DefaultCluster', commitLogReadAheadMode: '0' } },
    { name: 'switchTimerEngine', args: ['-b', '$BROKER', '-e', 'F'], opts: { brokerAddr: '$BROKER', engineType: 'F' } },
    { name: 'updateColdDataFlowCtrGroupConfig', args: ['-b', '$BROKER', '-g', 'CmpCG', '-v', '1024'], opts: { brokerAddr: '$BROKER', consumerGroup: 'CmpCG', threshold: '1024' } },
    { name: 'removeColdDataFlowCtrGroupConfig', args: ['-c', 'DefaultCluster', '-g', 'CmpCG'], opts: { clusterName: 'DefaultCluster', consumerGroup: 'CmpCG' } },
    { name: 'updateOrderConf', args: ['-t', 'CmpT', '-m', 'put', '-v', 'broker-a:2'], opts: { topic: 'CmpT', method: 'put', orderConf: 'broker-a:2' } },
    { name: 'cleanExpiredCQ', args: ['-b', '$BROKER'], opts: { brokerAddr: '$BROKER' } },
    { name: 'getBrokerConfig', args: ['-c', 'DefaultCluster'], opts: { clusterName: 'DefaultCluster' } },
    { name: 'topicList', args: [], opts: {}, full: true },
    { name: 'topicList', args: ['-c'], opts: { clusterModel: true } },
    { name: 'clusterList', args: ['-m'], opts: { moreStats: true }, mask: [[/ +\d+ +\d+ +\d+ +\d+$/gm, ' <totals>']] },
    { name: 'getColdDataFlowCtrInfo', args: ['-b', '$BROKER'], opts: { brokerAddr: '$BROKER' } },
    { name: 'getColdDataFlowCtrInfo', args: ['-c', 'DefaultCluster'], opts: { clusterName: 'DefaultCluster' }, full: true },
    { name: 'resetMasterFlushOffset', args: ['-b', '$BROKER', '-o', '0'], opts: { brokerAddr: '$BROKER', offset: '0' } },
    { name: 'exportPopRecord', args: ['-b', '$BROKER'], opts: { brokerAddr: '$BROKER' } },
    { name: 'exportPopRecord', args: ['-c', 'DefaultCluster', '-d', 'false'], opts: { clusterName: 'DefaultCluster', dryRun: 'false' }, full: true },
  ];

  for (const c of cases) {
    it(`${c.name} ${c.args.join(' ')}: same output`, async function () {
      if (c.full) fullRunOnly(this, `the same command with other options is compared (${c.name})`);
      const sub = (v: string): string => v.replace('$BROKER', brokerAddr).replace('$MSG', sent[1] ?? '').replace('$DIR', dir);
      const opts = Object.fromEntries(Object.entries(c.opts).map(([k, v]) => [k, typeof v === 'string' ? sub(v) : v]));
      const mine = normalize(await ours(c.name, opts), c.mask);
      const theirs = normalize(await official([c.name, ...c.args.map(sub)]), c.mask);
      assert.deepEqual(mine, theirs, `ours:\n${mine.join('\n')}\n\nofficial:\n${theirs.join('\n')}`);
    });
  }

  for (const [flags, file] of [[['-b', '$BROKER', '-t'], 'topic.json'], [['-b', '$BROKER', '-g'], 'subscriptionGroup.json'], [['-b', '$BROKER', '-t', '-s'], 'topic.json'], [['-c', 'DefaultCluster'], 'metadata.json'], [['-c', 'DefaultCluster', '-g'], 'subscriptionGroup.json']] as const) {
    it(`exportMetadata ${flags.join(' ')} writes the same ${file} as the official tool`, async function () {
      if (flags.length !== 2) fullRunOnly(this, 'exportMetadata -c DefaultCluster (topics and groups of the cluster) is compared');
      const sub = (v: string): string => v.replace('$BROKER', brokerAddr);
      const opts: Record<string, string | true> = {};
      for (let i = 0; i < flags.length; i++) {
        const f = flags[i]!;
        if (f === '-b') opts.brokerAddr = sub(flags[++i]!);
        else if (f === '-c') opts.clusterName = flags[++i]!;
        else opts[({ '-t': 'topic', '-g': 'subscriptionGroup', '-s': 'specialTopic' } as Record<string, string>)[f]!] = true;
      }
      const mineDir = path.join(dir, `meta-ours-${flags.join('')}`);
      const javaDir = path.join(dir, `meta-java-${flags.join('')}`);
      const mine = normalize(await ours('exportMetadata', { ...opts, filePath: mineDir }));
      const theirs = normalize(await official(['exportMetadata', ...flags.map(sub), '-f', javaDir]));
      assert.deepEqual(mine, [`export ${path.join(mineDir, file)} success`]);
      assert.deepEqual(theirs, [`export ${path.join(javaDir, file)} success`]);
      // exportTime (-c) is the moment of the export.
      const read = (d: string): string => fs.readFileSync(path.join(d, file), 'utf8').replace(/"exportTime":\d+/, '"exportTime":<ms>');
      assert.equal(read(mineDir), read(javaDir));
    });
  }

  /** Runs a command that repeats until stopped (clusterRT): its output once `rows` lines matching `row` are printed, then it is killed. */
  async function firstRound(cmd: string, args: string[], row: RegExp, rows: number): Promise<string> {
    const p = spawn(cmd, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`${cmd} ${args.join(' ')} printed no ${rows} rows in 120 s: ${out}`)), 120_000);
        p.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if ((out.match(row) ?? []).length >= rows) {
            clearTimeout(t);
            resolve();
          }
        });
        p.once('exit', (code) => reject(new Error(`${cmd} exited with ${code} before its first round: ${out}`)));
      });
    } finally {
      p.kill('SIGKILL');
    }
    return out;
  }

  it('clusterRT -a 5 (repeats until stopped): the same first round, RT masked', async () => {
    const row = /^DefaultCluster +broker-a +\d+\.\d\d +5 +0 *$/gm;
    const mine = await firstRound(process.execPath, [path.join(__dirname, '..', 'bin', 'mqadmin.js'), 'clusterRT', '-a', '5', '-i', '60', '-n', nsAddr], row, 1);
    const theirs = await firstRound('java', [...jvm, '-cp', tools!.cp, MQADMIN_MAIN, 'clusterRT', '-a', '5', '-i', '60', '-n', nsAddr], row, 1);
    const mask: [RegExp, string][] = [[/ \d+\.\d\d /g, ' <rt> ']];
    assert.deepEqual(normalize(mine, mask), normalize(theirs, mask), `ours:\n${mine}\n\nofficial:\n${theirs}`);
  });

  it('exportMetrics writes the same metrics.json as the official tool (minute TPS and disk use masked)', async () => {
    const mine = normalize(await ours('exportMetrics', { clusterName: 'DefaultCluster', filePath: path.join(dir, 'metrics-ours') }));
    const theirs = normalize(await official(['exportMetrics', '-c', 'DefaultCluster', '-f', path.join(dir, 'metrics-java')]));
    assert.deepEqual(mine, [`export ${path.join(dir, 'metrics-ours', 'metrics.json')} success`]);
    assert.deepEqual(theirs, [`export ${path.join(dir, 'metrics-java', 'metrics.json')} success`]);
    const read = (d: string): string => fs.readFileSync(path.join(d, 'metrics.json'), 'utf8').replace(/("\w*(Tps|TPS)":)[\d.E-]+/g, '$1<tps>').replace(/("\w*DiskRatio":)"[\d.]+"/g, '$1<disk use of the machine>');
    assert.equal(read(path.join(dir, 'metrics-ours')), read(path.join(dir, 'metrics-java')));
  });

  it('exportConfigs writes the same configs.json as the official tool', async () => {
    const mine = normalize(await ours('exportConfigs', { clusterName: 'DefaultCluster', filePath: path.join(dir, 'export-ours') }));
    const theirs = normalize(await official(['exportConfigs', '-c', 'DefaultCluster', '-f', path.join(dir, 'export-java')]));
    assert.deepEqual(mine, [`export ${path.join(dir, 'export-ours', 'configs.json')} success`]);
    assert.deepEqual(theirs, [`export ${path.join(dir, 'export-java', 'configs.json')} success`]);
    assert.equal(fs.readFileSync(path.join(dir, 'export-ours', 'configs.json'), 'utf8'), fs.readFileSync(path.join(dir, 'export-java', 'configs.json'), 'utf8'));
  });
});
