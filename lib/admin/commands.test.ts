import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RocketClient } from '../client';
import { silentLogger } from '../common';
import { stopChild } from '../common/testing/child';
import { startApogee, waitApogeeReady } from '../broker/processors/testing/apogee-process';
import { freeBrokerPort, freePort } from '../remoting/testing/ports';
import { RemotingClient } from '../remoting';
import { HeartbeatData } from '../../protocol/bodies';
import { RequestCode } from '../../protocol/codes';
import { createRequest } from '../../protocol/command';
import { spawnSync } from 'node:child_process';
import { COMMANDS, runCommand } from './index';

/**
 * The mqadmin sub-commands added for issue 17, each run against a real `apogee start` process (NameServer + broker),
 * output checked in the official tool's format. A second connection plays an online consumer (group AdmCG,
 * subscribed to AdmT) and producer (group AdmPG) by heartbeat, so the connection and progress commands have
 * something to show.
 */
describe('lib/admin mqadmin commands against an apogee process', function () {
  this.timeout(60_000);
  let dir = '';
  let apogee: ChildProcess | undefined;
  let client: RocketClient | undefined;
  let member: RemotingClient | undefined;
  let nsAddr = '';
  let brokerAddr = '';
  const sent: string[] = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-admin-proc-'));
    const conf = path.join(dir, 'broker.conf');
    fs.writeFileSync(conf, 'brokerName=broker-a\n');
    const nsPort = await freePort();
    const brokerPort = await freeBrokerPort();
    nsAddr = `127.0.0.1:${nsPort}`;
    brokerAddr = `127.0.0.1:${brokerPort}`;
    apogee = startApogee(dir, nsPort, brokerPort, conf);
    client = new RocketClient({ namesrvAddr: nsAddr, logger: silentLogger() });
    await waitApogeeReady(client);
    await run('updateTopic', { topic: 'AdmT', brokerAddr, readQueueNums: '2', writeQueueNums: '2' });
    for (let i = 0; i < 3; i++) {
      const out = await run('sendMessage', { topic: 'AdmT', body: `body-${i}`, key: 'K1', tags: 'TagA', qid: '0' });
      sent.push(out[1]!.trim().split(/\s+/).pop()!);
    }
    member = new RemotingClient({ logger: silentLogger(), version: 513 });
    const hb = HeartbeatData.encode({
      clientID: '127.0.0.1@adm-member',
      consumerDataSet: [{ groupName: 'AdmCG', consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET', unitMode: false, subscriptionDataSet: [{ topic: 'AdmT', subString: '*', expressionType: 'TAG', classFilterMode: false, tagsSet: [], codeSet: [], subVersion: 1n }] }],
      producerDataSet: [{ groupName: 'AdmPG' }],
    });
    const r = await member.invoke(brokerAddr, createRequest({ code: RequestCode.HEART_BEAT, opaque: 0, version: 513, body: hb }), 5000);
    assert.equal(r.code, 0, r.remark ?? '');
    // The heartbeat created %RETRY%AdmCG on the broker; its next registration routes it.
    for (let i = 0; i < 200 && (await client.routeOf('%RETRY%AdmCG', 0)) === undefined; i++) await new Promise((res) => setTimeout(res, 50));
  });

  after(async () => {
    member?.close();
    client?.close();
    await stopChild(apogee);
    if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
  });

  async function run(name: string, opts: Record<string, string | true> = {}): Promise<string[]> {
    const cmd = COMMANDS.find((c) => c.name === name);
    assert.ok(cmd, `command ${name} is registered`);
    const out: string[] = [];
    await runCommand(cmd, nsAddr, new Map(Object.entries(opts)), silentLogger(), (l) => out.push(...l.split('\n')));
    return out;
  }

  it('updateSubGroup / getConsumerConfig / deleteSubGroup (Java: UpdateSubGroupSubCommand, GetConsumerConfigSubCommand, DeleteSubscriptionGroupCommand)', async () => {
    const c = await run('updateSubGroup', { brokerAddr, groupName: 'AdmSG', retryMaxTimes: '5' });
    assert.equal(c[0], `create subscription group to ${brokerAddr} success.`);
    assert.match(c[1]!, /^SubscriptionGroupConfig\{groupName=AdmSG, consumeEnable=true, consumeFromMinEnable=false, consumeBroadcastEnable=false, .*retryMaxTimes=5, .*attributes=\{\}\}$/);
    const g = await run('getConsumerConfig', { groupName: 'AdmSG' });
    assert.equal(g[0], '=============================DefaultCluster:broker-a=============================');
    assert.ok(g.includes(`${'retryMaxTimes'.padEnd(40)}=  5`), g.join('\n'));
    assert.deepEqual(await run('deleteSubGroup', { brokerAddr, groupName: 'AdmSG' }), [`delete subscription group [AdmSG] from broker [${brokerAddr}] success.`]);
    // The broker (autoCreateSubscriptionGroup=true, Java SubscriptionGroupManager#findSubscriptionGroupConfig) answers
    // the next lookup with a fresh default config: the deleted one's retryMaxTimes=5 is gone.
    assert.ok((await run('getConsumerConfig', { groupName: 'AdmSG' })).includes(`${'retryMaxTimes'.padEnd(40)}=  16`));
  });

  it('queryMsgByKey, queryMsgByUniqueKey and queryMsgByOffset find the sent messages and write the body file', async () => {
    const k = await run('queryMsgByKey', { topic: 'AdmT', msgKey: 'K1' });
    assert.match(k[0]!, /^#Message ID\s+#QID\s+#Offset #IndexKey\s*$/);
    assert.match(k[1]!, /^[0-9A-F]{32}\s+0\s+\d\s+\d+@AdmT@K@K1@[0-9A-F]{32}@\d+\s*$/);
    assert.deepEqual(k.slice(1).map((l) => l.split(/\s+/)[0]).sort(), [...sent].sort());
    const u = await run('queryMsgByUniqueKey', { topic: 'AdmT', msgId: sent[1]! });
    assert.ok(u.includes(`${'Topic:'.padEnd(20)} AdmT`), u.join('\n'));
    assert.ok(u.includes(`${'Queue Offset:'.padEnd(20)} 1`), u.join('\n'));
    const o = await run('queryMsgByOffset', { topic: 'AdmT', brokerName: 'broker-a', queueId: '0', offset: '2', bodyFormat: 'UTF-8' });
    assert.match(o[0]!, /^OffsetID:\s+[0-9A-F]{32}$/);
    assert.ok(o.includes(`${'Message Body:'.padEnd(20)} body-2`), o.join('\n'));
    const file = o.find((l) => l.startsWith('Message Body Path:'))!.split(/\s+/).pop()!;
    assert.equal(fs.readFileSync(file, 'utf8'), 'body-2');
    // The consumer group AdmCG subscribes to AdmT and has not consumed offset 2 yet.
    assert.ok(o.includes('MessageTrack [consumerGroup=AdmCG, trackType=NOT_CONSUME_YET, exceptionDesc=null]'), o.join('\n'));
  });

  it('printMsg walks every queue with its range line; printMsgByQueue counts tags', async () => {
    const p = await run('printMsg', { topic: 'AdmT' });
    assert.ok(p.includes('minOffset=0, maxOffset=3, MessageQueue [topic=AdmT, brokerName=broker-a, queueId=0]'), p.join('\n'));
    assert.ok(p.includes('minOffset=0, maxOffset=0, MessageQueue [topic=AdmT, brokerName=broker-a, queueId=1]'), p.join('\n'));
    const msgs = p.filter((l) => l.startsWith('MSGID: '));
    assert.equal(msgs.length, 3);
    assert.match(msgs[0]!, /^MSGID: [0-9A-F]{32} MessageExt \[brokerName=broker-a, queueId=0, .*toString\(\)=Message\{topic='AdmT', flag=0, properties=\{.*KEYS=K1.*\}, body=\[98, 111, 100, 121, 45, 48\], transactionId='null'\}\] BODY: body-0$/);
    const q = await run('printMsgByQueue', { topic: 'AdmT', brokerName: 'broker-a', queueId: '0', calculate: 'true' });
    assert.deepEqual(q, [`Tag: ${'TagA'.padEnd(30)} Count: 3`]);
  });

  it('consumerConnection and producerConnection show the heartbeat members', async () => {
    const c = await run('consumerConnection', { consumerGroup: 'AdmCG' });
    assert.match(c[0]!, /^#ClientId\s+#ClientAddr\s+#Language\s+#Version$/);
    assert.match(c[1]!, /^127\.0\.0\.1@adm-member\s+127\.0\.0\.1:\d+\s+JAVA\s+V\d/);
    assert.ok(c.includes(`${'AdmT'.padEnd(20)} *`), c.join('\n'));
    assert.ok(c.includes('ConsumeType: CONSUME_PASSIVELY') && c.includes('MessageModel: CLUSTERING'), c.join('\n'));
    const p = await run('producerConnection', { producerGroup: 'AdmPG', topic: 'AdmT' });
    assert.match(p[0]!, /^0001  127\.0\.0\.1@adm-member\s+127\.0\.0\.1:\d+\s+JAVA\s+V\d/);
    await assert.rejects(run('consumerConnection', { consumerGroup: 'NoSuchCG' }), /No topic route info in name server for the topic: %RETRY%NoSuchCG/);
  });

  it('resetOffsetByTime, consumerProgress, skipAccumulatedMessage and cloneGroupOffset move and show offsets', async () => {
    const r = await run('resetOffsetByTime', { group: 'AdmCG', topic: 'AdmT', timestamp: '0' });
    assert.match(r[0]!, /^start reset consumer offset by specified, group\[AdmCG\], topic\[AdmT\], force\[true\], timestamp\(string\)\[0\], timestamp\(long\)\[0\]$/);
    assert.match(r[1]!, /^#brokerName\s+#queueId\s+#offset\s*$/);
    assert.ok(r.some((l) => /^broker-a\s+0\s+0\s*$/.test(l)), r.join('\n'));
    const p = await run('consumerProgress', { groupName: 'AdmCG' });
    assert.match(p[0]!, /^#Topic\s+#Broker Name\s+#QID\s+#Broker Offset\s+#Consumer Offset\s+#Diff\s+#Inflight\s*#LastTime$/);
    assert.ok(p.some((l) => /^AdmT\s+broker-a\s+0\s+3\s+0\s+3\s+/.test(l)), p.join('\n'));
    assert.ok(p.includes('Consume Diff Total: 3'), p.join('\n'));
    const s = await run('skipAccumulatedMessage', { group: 'AdmCG', topic: 'AdmT' });
    assert.ok(s.some((l) => /^broker-a\s+0\s+3\s*$/.test(l)), s.join('\n'));
    assert.ok((await run('consumerProgress', { groupName: 'AdmCG' })).includes('Consume Diff Total: 0'));
    await run('updateSubGroup', { brokerAddr, groupName: 'AdmCG2' });
    assert.deepEqual(await run('cloneGroupOffset', { srcGroup: 'AdmCG', destGroup: 'AdmCG2', topic: 'AdmT' }), ['clone group offset success. srcGroup[AdmCG], destGroup=[AdmCG2], topic[AdmT]']);
    // AdmCG2 has no %RETRY% topic route (never heartbeated); brokerConsumeStats sees its committed offsets.
    const b = await run('brokerConsumeStats', { brokerAddr });
    assert.match(b[0]!, /^#Topic\s+#Group\s+#Broker Name\s+#QID/);
    assert.ok(b.some((l) => /^AdmT\s+AdmCG2\s+broker-a\s+0\s+3\s+3\s+0\s+/.test(l)), b.join('\n'));
    assert.match(b[b.length - 1]!, /^Diff Total: \d+$/);
    const all = await run('consumerProgress');
    assert.ok(all.some((l) => /^AdmCG\s+1\s+V\S+\s+PUSH\s+CLUSTERING\s+0\s+0$/.test(l)), all.join('\n'));
  });

  it('topicClusterList, updateTopicPerm, updateBrokerConfig and updateOrderConf', async () => {
    assert.deepEqual(await run('topicClusterList', { topic: 'AdmT' }), ['DefaultCluster']);
    const p = await run('updateTopicPerm', { brokerAddr, topic: 'AdmT', perm: '4' });
    assert.deepEqual(p, [`update topic perm from 6 to 4 in ${brokerAddr} success.`, 'TopicConfig [topicName=AdmT, readQueueNums=2, writeQueueNums=2, perm=R--, topicFilterType=SINGLE_TAG, topicSysFlag=0, order=false, attributes={}].']);
    await client!.routeOf('AdmT', 0);
    await run('updateTopicPerm', { clusterName: 'DefaultCluster', topic: 'AdmT', perm: '6' });
    assert.deepEqual(await run('updateBrokerConfig', { brokerAddr, key: 'apogeeFaultSeed', value: '9' }), [`update broker config success, ${brokerAddr}`]);
    assert.ok((await run('getBrokerConfig', { brokerAddr })).some((l) => /^apogeeFaultSeed\s+=  9$/.test(l)));
    assert.deepEqual(await run('updateOrderConf', { topic: 'AdmT', method: 'put', orderConf: 'broker-a:2' }), ['update orderConf success. topic=[AdmT], orderConf=[broker-a:2]']);
    assert.deepEqual(await run('updateOrderConf', { topic: 'AdmT', method: 'get' }), ['get orderConf success. topic=[AdmT], orderConf=[broker-a:2] ']);
    assert.deepEqual(await run('updateOrderConf', { topic: 'AdmT', method: 'delete' }), ['delete orderConf success. topic=[AdmT]']);
    await assert.rejects(run('updateOrderConf', { topic: 'AdmT', method: 'put' }), /please set orderConf with option -v/);
  });

  it('cleanExpiredCQ, cleanUnusedTopic and deleteExpiredCommitLog answer success; neither -b nor -c is "false"', async () => {
    assert.deepEqual(await run('cleanExpiredCQ', { brokerAddr }), ['success']);
    assert.deepEqual(await run('cleanUnusedTopic', { cluster: 'DefaultCluster' }), ['success']);
    assert.deepEqual(await run('deleteExpiredCommitLog', { brokerAddr }), ['success']);
    assert.deepEqual(await run('cleanExpiredCQ'), ['false']);
  });

  it('checkMsgSendRT sends -a messages of -s bytes round the queues; sendMessage -b -i; setConsumeMode stores the mode on the broker', async () => {
    const r = await run('checkMsgSendRT', { topic: 'AdmT', amount: '3', size: '16' });
    assert.match(r[0]!, /^#Broker Name\s+#QID\s+#Send Result\s+#RT$/);
    assert.deepEqual(r.slice(1, 4).map((l) => l.split(/\s+/).slice(0, 3).join(' ')), ['broker-a 0 true', 'broker-a 1 true', 'broker-a 0 true']);
    assert.match(r[4]!, /^Avg RT: \d+\.\d\d$/);
    const s = await run('sendMessage', { topic: 'AdmT', body: 'x', broker: 'broker-a', qid: '1' });
    assert.match(s[1]!, /^broker-a\s+1\s+SEND_OK\s+[0-9A-F]{32}$/);
    await assert.rejects(run('sendMessage', { topic: 'AdmT', body: 'x', broker: 'broker-zz', qid: '1' }), /broker broker-zz serves no writable queue of AdmT/);
    // SET_MESSAGE_REQUEST_MODE (401): the broker stores the group's mode (Java: QueryAssignmentProcessor)
    assert.deepEqual(await run('setConsumeMode', { brokerAddr, topicName: 'AdmT', groupName: 'AdmCG', mode: 'POP' }), [
      `set consume mode to ${brokerAddr} success.`,
      'topic[AdmT] group[AdmCG] consume mode[POP] popShareQueueNum[0]',
    ]);
    const modes = JSON.parse(fs.readFileSync(path.join(dir, 'data', 'store', 'config', 'messageRequestMode.json'), 'utf8')) as { messageRequestModeMap: Record<string, Record<string, { mode: string }>> };
    assert.equal(modes.messageRequestModeMap['AdmT']?.['AdmCG']?.mode, 'POP');
    await assert.rejects(run('setConsumeMode', { brokerAddr, topicName: 'AdmT', groupName: 'AdmCG', mode: 'PUSH' }), /-m PUSH: use PULL or POP/);
  });

  it('updateTopicList / updateSubGroupList read a JSON array file; queryCq lists consume-queue units', async () => {
    const tf = path.join(dir, 'topics.json');
    fs.writeFileSync(tf, '[{"topicName":"AdmList1","readQueueNums":3,"writeQueueNums":3,"perm":6}]');
    assert.deepEqual(await run('updateTopicList', { brokerAddr, filename: tf }), [`submit batch of topic config to ${brokerAddr} success, please check the result later.`]);
    const gf = path.join(dir, 'groups.json');
    fs.writeFileSync(gf, '[{"groupName":"AdmListG","retryMaxTimes":4}]');
    assert.deepEqual(await run('updateSubGroupList', { clusterName: 'DefaultCluster', filename: gf }), [`submit batch of subscription group config to ${brokerAddr} success, please check the result later.`]);
    assert.ok((await run('getConsumerConfig', { groupName: 'AdmListG' })).includes(`${'retryMaxTimes'.padEnd(40)}=  4`));
    assert.deepEqual(await run('updateTopicList', { brokerAddr, filename: path.join(dir, 'missing.json') }), [`the file path ${path.join(dir, 'missing.json')} does not exists`]);
    const q = await run('queryCq', { topic: 'AdmT', queue: '0', index: '1', count: '1' });
    // 3 messages sent in before() and 2 by checkMsgSendRT (sends 1 and 3 of its round) are in queue 0.
    assert.deepEqual(q.slice(0, 3), ['Queue data: ', 'max: 5, min: 0', '======================================']);
    assert.equal(q[3], 'idx: 1');
    assert.match(q[4]!, /^ConsumeQueueData\{physicOffset=\d+, physicSize=\d+, tagsCode=-?\d+, extendDataJson='null', bitMap='null', eval=false, msg='null'\}$/);
  });

  it('producer lists the heartbeat producer; allocateMQ splits the readable queues as AllocateMessageQueueAveragely', async () => {
    const p = await run('producer', { broker: brokerAddr });
    assert.ok(p.some((l) => /^producer group \(AdmPG\) instance : clientId=127\.0\.0\.1@adm-member,remoteIP=127\.0\.0\.1:\d+, language=JAVA, version=\d+, lastUpdateTimestamp=\d+$/.test(l)), p.join('\n'));
    const a = JSON.parse((await run('allocateMQ', { topic: 'AdmT', ipList: 'x,y,z' })).join('')) as { result: Record<string, { queueId: number }[]> };
    assert.deepEqual(Object.keys(a.result).sort(), ['x', 'y', 'z']);
    assert.deepEqual(Object.values(a.result).map((l) => l.length).sort(), [0, 1, 1], 'two queues over three consumers');
  });

  it('statsAll prints one line per topic and consuming group (accumulation from consume stats)', async () => {
    const s = await run('statsAll', { topic: 'AdmT' });
    assert.match(s[0]!, /^#Topic\s+#Consumer Group\s+#Accumulation\s+#InTPS\s+#OutTPS\s+#InMsg24Hour\s+#OutMsg24Hour$/);
    assert.ok(s.some((l) => /^AdmT\s+AdmCG\s+\d+\s+\d+\.\d\d\s+\d+\.\d\d\s+\d+\s+\d+$/.test(l)), s.join('\n'));
    const all = await run('statsAll');
    assert.ok(all.some((l) => /^TBW102\s+0\s+\d+\.\d\d\s+\d+\s+NO_CONSUMER$/.test(l)), all.join('\n'));
    assert.ok(!all.some((l) => l.startsWith('%RETRY%')), 'retry and DLQ topics are skipped');
  });

  it('haStatus on a master without slaves: its commit-log max offset and an empty slave table', async () => {
    const h = await run('haStatus', { brokerAddr });
    assert.deepEqual(h.slice(0, 5), ['', `#MasterAddr\t${brokerAddr}`, h[2], '#SlaveNum\t0', '#InSyncSlaveNum\t0']);
    assert.match(h[2]!, /^#MasterCommitLogMaxOffset\t[1-9]\d*$/);
    assert.match(h[5]!, /^#SlaveAddr\s+#SlaveAckOffset\s+#Diff\s+#TransferSpeed\(KB\/s\)\s+#Status\s+#TransferFromWhere$/);
  });

  it('sendMsgStatus sends -c messages to the broker-name topic, one SendResult line each', async () => {
    const s = await run('sendMsgStatus', { brokerName: 'broker-a', count: '2', messageSize: '22' });
    assert.equal(s.length, 2);
    for (const l of s) assert.match(l, /^rt=\d+ms, SendResult=SendResult \[sendStatus=SEND_OK, msgId=[0-9A-F]{32}, offsetMsgId=[0-9A-F]{32}, messageQueue=MessageQueue \[topic=broker-a, brokerName=broker-a, queueId=\d+\], queueOffset=\d+, recallHandle=null\]$/);
  });

  it('exportConfigs writes <dir>/configs.json with the cluster scale and the master\'s main settings', async () => {
    const out = path.join(dir, 'export');
    assert.deepEqual(await run('exportConfigs', { clusterName: 'DefaultCluster', filePath: out }), [`export ${path.join(out, 'configs.json')} success`]);
    const j = JSON.parse(fs.readFileSync(path.join(out, 'configs.json'), 'utf8')) as { clusterScale: Record<string, number>; brokerConfigs: Record<string, Record<string, string>> };
    assert.deepEqual(j.clusterScale, { namesrvSize: 1, masterBrokerSize: 1, slaveBrokerSize: 0 });
    assert.equal(j.brokerConfigs['broker-a']!['brokerClusterName'], 'DefaultCluster');
    await assert.rejects(run('exportConfigs', { clusterName: 'NoSuchCluster', filePath: out }), /cluster NoSuchCluster not found; check -c against clusterList/);
  });

  it('setCommitLogReadAheadMode and switchTimerEngine print the broker\'s answer; refused values are named', async () => {
    assert.deepEqual(await run('setCommitLogReadAheadMode', { brokerAddr, commitLogReadAheadMode: '0' }), [`============${brokerAddr}============`, 'commitLog set readAhead mode rstStrset commitlog readahead mode success, mode: 0']);
    assert.deepEqual(await run('setCommitLogReadAheadMode', { brokerAddr, commitLogReadAheadMode: '7' }), ['set the read mode error; 0 is default, 1 random read']);
    await assert.rejects(run('setCommitLogReadAheadMode', { brokerAddr, commitLogReadAheadMode: '1' }), /random read mode \(1, MADV_RANDOM\) is not supported/);
    assert.deepEqual(await run('switchTimerEngine', { brokerAddr, engineType: 'F' }), [`switchTimerEngine to FILE_TIME_WHEEL success, ${brokerAddr}`]);
    await assert.rejects(run('switchTimerEngine', { brokerAddr, engineType: 'R' }), /timerRocksDBEnable must be configured true when broker start/);
  });

  it('updateColdDataFlowCtrGroupConfig / removeColdDataFlowCtrGroupConfig change the broker\'s cold-read thresholds', async () => {
    assert.deepEqual(await run('updateColdDataFlowCtrGroupConfig', { brokerAddr, consumerGroup: 'AdmCG', threshold: '2048' }), [`updateColdDataFlowCtrGroupConfig success, ${brokerAddr}`]);
    const info = await client!.call(brokerAddr, RequestCode.GET_COLD_DATA_FLOW_CTR_INFO);
    assert.match((info.body ?? Buffer.alloc(0)).toString(), /"AdmCG":2048/);
    assert.deepEqual(await run('removeColdDataFlowCtrGroupConfig', { clusterName: 'DefaultCluster', consumerGroup: 'AdmCG' }), [`remove broker cold read threshold success, ${brokerAddr}`]);
    const after = await client!.call(brokerAddr, RequestCode.GET_COLD_DATA_FLOW_CTR_INFO);
    assert.doesNotMatch((after.body ?? Buffer.alloc(0)).toString(), /"AdmCG"/);
  });

  it('the mqadmin binary parses the short options of the new commands (-g, -t, flag -a) as Java\'s commons-cli does', () => {
    const bin = path.join(__dirname, '..', 'bin', 'mqadmin.js');
    const r = spawnSync(process.execPath, [bin, 'queryMsgByUniqueKey', '-t', 'AdmT', '-i', sent[0]!, '-a', '-n', nsAddr], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Topic:\s+AdmT$/m);
    const bad = spawnSync(process.execPath, [bin, 'consumerConnection', '-g', 'NoSuchCG', '-n', nsAddr], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^mqadmin: No topic route info in name server for the topic: %RETRY%NoSuchCG/);
    const help = spawnSync(process.execPath, [bin, 'help', 'updateSubGroup'], { encoding: 'utf8', timeout: 30_000 });
    assert.match(help.stdout, /--attributes <value>/);
  });
});
