import { strict as assert } from 'node:assert';
import type { Broker } from '../broker';
import { BrokerHarness } from '../broker/processors/testing/harness';
import { silentLogger } from '../common';
import type { NameServer } from '../nameserver';
import { COMMANDS, jfmt, runCommand } from './index';

/** Apogee's mqadmin sub-commands against a live NameServer and broker, output checked line by line. */
describe('lib/admin mqadmin commands', function () {
  this.timeout(20_000);
  let ns: NameServer;
  let broker: Broker;
  let nsAddr: string;
  let pair: BrokerHarness;

  before(async () => {
    pair = await BrokerHarness.start();
    ({ ns, broker, nsAddr } = pair);
  });

  after(async () => {
    await pair.close();
  });

  async function run(name: string, opts: Record<string, string> = {}): Promise<string[]> {
    const cmd = COMMANDS.find((c) => c.name === name);
    assert.ok(cmd, name);
    const out: string[] = [];
    await runCommand(cmd, nsAddr, new Map(Object.entries(opts)), silentLogger(), (l) => out.push(l));
    return out;
  }

  it('jfmt formats like java.lang.String#format', () => {
    assert.equal(jfmt('%-6s|%4d|%n', 'ab', 7), 'ab    |   7|\n');
  });

  it('clusterList shows the broker with its version', async () => {
    const out = await run('clusterList');
    assert.match(out[0]!, /^#Cluster Name/);
    assert.match(out[1]!, /^DefaultCluster\s+broker-a\s+0\s+127\.0\.0\.1:\d+\s+V5_5_0\s+0\.00\(\d+,\d+ms\)\s+0\.00\(\d+,\d+ms\|[^)]*\)\s+\d+-\d+\(0\.0w, 0\.0, 0\.0\)\s+\d+\s+\d+\.\d\d\s+\d\.\d{4}\s+true$/);
  });

  it('sendMessage, topicStatus, topicRoute and queryMsgById agree', async () => {
    const sent = await run('sendMessage', { topic: 'AdminT', body: 'hi', tags: 'T1', qid: '2' });
    assert.match(sent[1]!, /^broker-a\s+2\s+SEND_OK\s+[0-9A-F]{32}$/);
    // The auto-created topic reaches the NameServer with the broker's next (immediate, asynchronous) registration.
    for (let i = 0; i < 100 && (await ns.routes.pickupTopicRouteData('AdminT')) === undefined; i++) await new Promise((r) => setTimeout(r, 20));
    const status = await run('topicStatus', { topic: 'AdminT' });
    assert.ok(status.some((l) => /^broker-a\s+2\s+0\s+1\s/.test(l)), status.join('\n'));
    const route = (await run('topicRoute', { topic: 'AdminT' })).join('\n');
    assert.match(route, /"brokerName":"broker-a"/);
    const r = await broker.ctx.store.getMessage('AdminT', 2, 0, 1);
    const { createOffsetMsgId } = await import('../../protocol/message');
    const offsetId = createOffsetMsgId(broker.ctx.storeHost, Number(r!.messages[0]!.readBigInt64BE(28)));
    const shown = await run('queryMsgById', { topic: 'AdminT', msgId: offsetId, bodyFormat: 'UTF-8' });
    assert.ok(shown.some((l) => /^Message Body:\s+hi$/.test(l)), shown.join('\n'));
    assert.ok(shown.some((l) => /^Tags:\s+\[T1\]$/.test(l)));
  });

  it('KV config and write permission commands', async () => {
    assert.deepEqual(await run('updateKvConfig', { namespace: 'ORDER_TOPIC_CONFIG', key: 'AdminT', value: 'broker-a:4' }), ['create or update kv config to namespace success.']);
    assert.deepEqual(await run('getOrderTopicConfig'), ['AdminT=broker-a:4']);
    assert.deepEqual(await run('deleteKvConfig', { namespace: 'ORDER_TOPIC_CONFIG', key: 'AdminT' }), ['delete kv config from namespace success.']);
    const w = await run('wipeWritePerm', { brokerName: 'broker-a' });
    assert.match(w[0]!, /^wipe write perm of broker\[broker-a\] in name server\[127\.0\.0\.1:\d+\] OK, \d+$/);
    const a = await run('addWritePerm', { brokerName: 'broker-a' });
    assert.match(a[0]!, /OK, \d+$/);
  });

  it('updateTopic / deleteTopic through the cluster', async () => {
    const c = await run('updateTopic', { topic: 'AdminNew', clusterName: 'DefaultCluster', readQueueNums: '3', writeQueueNums: '3' });
    assert.match(c[0]!, /^create topic to 127\.0\.0\.1:\d+ success\.$/);
    assert.ok((await run('topicList')).includes('AdminNew'));
    await run('deleteTopic', { topic: 'AdminNew', clusterName: 'DefaultCluster' });
    assert.ok(!(await run('topicList')).includes('AdminNew'));
  });

  it('getNamesrvConfig and updateNamesrvConfig', async () => {
    await run('updateNamesrvConfig', { key: 'orderMessageEnable', value: 'true' });
    const out = await run('getNamesrvConfig');
    assert.ok(out.some((l) => /^orderMessageEnable\s+=  true$/.test(l)), out.join('\n'));
  });

  it('faults (Apogee): sets the fault keys through UPDATE_BROKER_CONFIG and shows the counts; bad rules are refused', async () => {
    const b = `127.0.0.1:${broker.port}`;
    const shown = await run('faults', { brokerAddr: b, enable: 'true', rules: 'code=SEND_MESSAGE|SEND_MESSAGE_V2,topic=FaultAdminT,action=error:SYSTEM_BUSY,times=1', seed: '7' });
    assert.equal(shown[0], `fault injection updated on ${b}`);
    assert.ok(shown.includes('apogeeFaultsEnable            : true'), shown.join('\n'));
    // The first send is refused (times=1); whatever our sendMessage does with it (retry or report), it is counted.
    await run('sendMessage', { topic: 'FaultAdminT', body: 'x' }).catch(() => []);
    const counts = await run('faults', { brokerAddr: b });
    assert.ok(counts.includes('apogeeFaultInjectedError      : 1'), counts.join('\n'));
    await assert.rejects(run('faults', { brokerAddr: b, rules: 'action=boom' }), /apogeeFaultRules rule #1 "action=boom": unknown action/);
    await assert.rejects(run('faults', { brokerAddr: b, enable: 'yes' }), /--enable must be true or false/);
    await run('faults', { brokerAddr: b, enable: 'false' });
    assert.equal(broker.ctx.faults.enabled, false);
  });

  it('updateTopic -b -o true merges the order conf as Java (DefaultMQAdminExtImpl#createOrUpdateOrderConf: HashMap order) and prints TopicConfig#toString', async () => {
    const b = `127.0.0.1:${broker.port}`;
    await run('updateKvConfig', { namespace: 'ORDER_TOPIC_CONFIG', key: 'OrdT', value: 'broker-b:1;broker-z:3' });
    const out = await run('updateTopic', { brokerAddr: b, topic: 'OrdT', writeQueueNums: '2', order: 'true', unit: 'true' });
    assert.deepEqual(out, ['set broker orderConf. isOrder=true, orderConf=[broker-a:2]', `create topic to ${b} success.`, 'TopicConfig [topicName=OrdT, readQueueNums=8, writeQueueNums=2, perm=RW-, topicFilterType=SINGLE_TAG, topicSysFlag=1, order=true, attributes={}]']);
    // String hashes put broker-z in bucket 0, broker-b in 8, broker-a in 11 of the 16.
    assert.ok((await run('getOrderTopicConfig')).includes('OrdT=broker-z:3;broker-b:1;broker-a:2'));
    await run('deleteKvConfig', { namespace: 'ORDER_TOPIC_CONFIG', key: 'OrdT' });
  });

  it('updateTopic -a sends the attributes header as Java (AttributeParser#parseToString), the broker stores them, refusals send nothing', async () => {
    const b = `127.0.0.1:${broker.port}`;
    const out = await run('updateTopic', { brokerAddr: b, topic: 'AttrT', readQueueNums: '1', writeQueueNums: '1', attributes: ' +message.type=NORMAL ' });
    assert.equal(out[1], 'TopicConfig [topicName=AttrT, readQueueNums=1, writeQueueNums=1, perm=RW-, topicFilterType=SINGLE_TAG, topicSysFlag=0, order=false, attributes={+message.type=NORMAL}]');
    assert.deepEqual([...(broker.ctx.topics.get('AttrT')?.attributes ?? [])], [['message.type', 'NORMAL']]);
    await assert.rejects(run('updateTopic', { brokerAddr: b, topic: 'AttrBadT', attributes: 'a=b' }), /add\/alter attribute format is wrong: a; /);
    assert.equal(broker.ctx.topics.get('AttrBadT'), undefined);
  });

  it('queryMsgById looks a client msgId up as a unique key; a group the broker says is offline is tracked NOT_ONLINE with its code and remark', async () => {
    const b = `127.0.0.1:${broker.port}`;
    await run('updateTopic', { brokerAddr: b, topic: 'UniqT', readQueueNums: '1', writeQueueNums: '1' });
    await run('updateTopic', { brokerAddr: b, topic: '%RETRY%TrackG', readQueueNums: '1', writeQueueNums: '1' });
    await run('updateSubGroup', { brokerAddr: b, groupName: 'TrackG' });
    const sent = await run('sendMessage', { topic: 'UniqT', body: 'hi', broker: 'broker-a', qid: '0' });
    const uniq = sent[1]!.trim().split(/\s+/).pop()!;
    const { RequestCode } = await import('../../protocol/codes');
    const { RocketClient } = await import('../client');
    const c = new RocketClient({ namesrvAddr: nsAddr, logger: silentLogger() });
    try {
      assert.equal((await c.call(b, RequestCode.UPDATE_CONSUMER_OFFSET, new Map([['consumerGroup', 'TrackG'], ['topic', 'UniqT'], ['queueId', '0'], ['commitOffset', '0']]))).code, 0);
      for (let i = 0; i < 100 && (await c.routeOf('%RETRY%TrackG', 0)) === undefined; i++) await new Promise((r) => setTimeout(r, 20));
    } finally {
      c.close();
    }
    const shown = await run('queryMsgById', { topic: 'UniqT', msgId: uniq });
    assert.ok(shown.some((l) => l === `Message Body Path:   /tmp/rocketmq/msgbodys/${uniq}`), shown.join('\n'));
    assert.ok(shown.some((l) => /^OffsetID: +[0-9A-F]{32}$/.test(l) && !l.endsWith(uniq)), shown.join('\n'));
    assert.ok(shown.join('\n').includes('MessageTrack [consumerGroup=TrackG, trackType=NOT_ONLINE, exceptionDesc=CODE:206 DESC:the consumer group[TrackG] not online]'), shown.join('\n'));
  });

  it('errors name the thing and what to do', async () => {
    await assert.rejects(run('topicRoute', { topic: 'NoSuch' }), /No topic route info in name server for the topic: NoSuch/);
    await assert.rejects(run('updateTopic', { topic: 'X' }), /give a broker \(-b host:port\) or a cluster \(-c name\)/);
    await assert.rejects(run('queryMsgById', { msgId: 'AB' }), /option --topic is required/);
  });
});
