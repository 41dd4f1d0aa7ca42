import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClusterInfo, TopicRouteData } from '../../../protocol/bodies';
import { createRequest, type RemotingCommand } from '../../../protocol/command';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { encodeHeader, encodeSendMessageHeaderV2, EndTransactionRequestHeader, PullMessageRequestHeader, SendMessageRequestHeader } from '../../../protocol/headers';
import { PullSysFlag } from '../../../protocol/message';
import { defaults, silentLogger } from '../../common';
import { NameServer, NamesrvSchema } from '../../nameserver';
import { RemotingClient } from '../../remoting';
import { defaultStoreConfig } from '../../store';
import { Broker } from '../broker';
import { BrokerRemotingSchema, BrokerSchema } from '../config';
import { REJECT_REQUEST_REMARK } from './role-gate';
import { SlaveSynchronize } from './slave-synchronize';
import { freeBrokerPort, freePort } from '../../remoting/testing/ports';

describe('lib/broker/slave master + slave behind two NameServers', function () {
  this.timeout(30_000);
  const logger = silentLogger();
  let dir: string;
  let ns: NameServer[];
  let master: Broker;
  let slave: Broker;
  let client: RemotingClient;

  async function broker(name: string, brokerId: number, role: string, namesrvAddr: string, extra: Record<string, unknown> = {}): Promise<Broker> {
    const b = await Broker.create({
      config: { ...defaults(BrokerSchema), listenPort: await freeBrokerPort(), brokerIP1: '127.0.0.1', brokerName: 'bk-a', brokerId, namesrvAddr, registerBrokerTimeoutMills: 3000, ...extra },
      remotingConfig: { ...defaults(BrokerRemotingSchema), bindAddress: '127.0.0.1' },
      storeConfig: defaultStoreConfig({ storePathRootDir: path.join(dir, name), mappedFileSizeCommitLog: 1024 * 1024, brokerRole: role }),
      logger,
    });
    await b.start();
    return b;
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-cluster-'));
    ns = [];
    for (const i of [0, 1]) {
      const n = new NameServer({ config: { ...defaults(NamesrvSchema), listenPort: 0, bindAddress: '127.0.0.1', kvConfigPath: path.join(dir, `kv${i}.json`), configStorePath: path.join(dir, `ns${i}.properties`) }, logger });
      await n.start();
      ns.push(n);
    }
    // The middle address is dead (nothing listens): registration to the others must not wait for it.
    const dead = await freePort();
    const namesrvAddr = `127.0.0.1:${ns[0]!.port};127.0.0.1:${dead};127.0.0.1:${ns[1]!.port}`;
    master = await broker('m', 0, 'ASYNC_MASTER', namesrvAddr);
    slave = await broker('s', 1, 'SLAVE', namesrvAddr);
    client = new RemotingClient({ logger, version: 479 });
  });

  after(async () => {
    client.close();
    await slave.shutdown();
    await master.shutdown();
    for (const n of ns) await n.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function call(addr: string, code: number, ext: Iterable<[string, string]> | null = null, body: Buffer | null = null): Promise<RemotingCommand> {
    return client.invoke(addr, createRequest({ code, opaque: 0, version: 479, extFields: ext === null ? null : new Map(ext), body }), 8000);
  }

  it('the slave learns the master address and HA address (listenPort + 1) from the register answer', () => {
    assert.equal(slave.ctx.masterAddress.masterAddr, master.brokerAddr);
    assert.equal(slave.ctx.masterAddress.haMasterAddr, `127.0.0.1:${master.port + 1}`);
    const seen: string[] = [];
    slave.ctx.masterAddress.onMasterChanged((m, ha) => seen.push(`${m} ${ha}`));
    assert.deepEqual(seen, [`${master.brokerAddr} 127.0.0.1:${master.port + 1}`]);
    assert.equal(master.ctx.masterAddress.masterAddr, null, 'a master has no master');
  });

  it('both NameServers show brokerAddrs {0: master, 1: slave} in routes and clusterList', async () => {
    const created = await call(master.brokerAddr, RequestCode.UPDATE_AND_CREATE_TOPIC, [
      ['topic', 'T_CLUSTER'], ['defaultTopic', 'TBW102'], ['readQueueNums', '4'], ['writeQueueNums', '4'], ['perm', '6'], ['topicFilterType', 'SINGLE_TAG'], ['order', 'false'],
    ]);
    assert.equal(created.code, ResponseCode.SUCCESS, created.remark ?? '');
    await slave.ctx.registerNow();
    for (const n of ns) {
      const r = await call(`127.0.0.1:${n.port}`, RequestCode.GET_ROUTEINFO_BY_TOPIC, [['topic', 'T_CLUSTER']]);
      assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
      const route = TopicRouteData.decode(r.body!);
      assert.ok(route.ok);
      assert.deepEqual([...route.value.brokerDatas[0]!.brokerAddrs], [[0, master.brokerAddr], [1, slave.brokerAddr]]);
      const c = await call(`127.0.0.1:${n.port}`, RequestCode.GET_BROKER_CLUSTER_INFO);
      const info = ClusterInfo.decode(c.body!);
      assert.ok(info.ok);
      assert.deepEqual([...info.value.brokerAddrTable.get('bk-a')!.brokerAddrs].sort(), [[0, master.brokerAddr], [1, slave.brokerAddr]]);
    }
  });

  it('SlaveSynchronize copies topics, subscription groups, consumer offsets and delay offsets from the master and persists them', async () => {
    const g = await call(master.brokerAddr, RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, null, Buffer.from(JSON.stringify({ groupName: 'G_SYNC', consumeEnable: true, retryQueueNums: 1, retryMaxTimes: 16, brokerId: 0, whichBrokerWhenConsumeSlowly: 1 })));
    assert.equal(g.code, ResponseCode.SUCCESS, g.remark ?? '');
    master.ctx.offsets.commitOffset('G_SYNC', 'T_CLUSTER', 2, 42);
    const sc = slave.ctx;
    const sync = new SlaveSynchronize({
      masterAddr: () => sc.masterAddress.masterAddr,
      selfAddr: () => sc.brokerAddr,
      invoke: (a, r, t) => client.invoke(a, r, t),
      topics: sc.topics,
      groups: sc.groups,
      offsets: sc.offsets,
      schedule: sc.schedule,
      logger,
      now: Date.now,
    });
    assert.equal(sc.topics.get('T_CLUSTER'), undefined);
    await sync.syncAll();
    assert.deepEqual(sc.topics.get('T_CLUSTER'), master.ctx.topics.get('T_CLUSTER'));
    assert.deepEqual(sc.topics.names().sort(), master.ctx.topics.names().sort());
    assert.ok(sc.groups.get('G_SYNC') !== undefined);
    assert.equal(sc.offsets.queryOffset('G_SYNC', 'T_CLUSTER', 2), 42);
    const onDisk = (f: string) => fs.readFileSync(path.join(dir, 's', 'config', f), 'utf8');
    assert.ok(onDisk('topics.json').includes('T_CLUSTER'));
    assert.ok(onDisk('subscriptionGroup.json').includes('G_SYNC'));
    assert.ok(onDisk('consumerOffset.json').includes('T_CLUSTER@G_SYNC'));
    assert.ok(fs.existsSync(path.join(dir, 's', 'config', 'delayOffset.json')));
  });

  it('the slave refuses sends and (slaveReadEnable=false) pulls with SYSTEM_BUSY [REJECTREQUEST], END_TRANSACTION with SLAVE_NOT_AVAILABLE', async () => {
    const send = encodeHeader(SendMessageRequestHeader, { producerGroup: 'pg', topic: 'T_CLUSTER', defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 0, sysFlag: 0, bornTimestamp: Date.now(), flag: 0, properties: '', reconsumeTimes: 0 });
    const s = await call(slave.brokerAddr, RequestCode.SEND_MESSAGE, send, Buffer.from('x'));
    assert.deepEqual([s.code, s.remark], [ResponseCode.SYSTEM_BUSY, REJECT_REQUEST_REMARK]);
    const onMaster = await call(master.brokerAddr, RequestCode.SEND_MESSAGE, send, Buffer.from('x'));
    assert.equal(onMaster.code, ResponseCode.SUCCESS);
    const pull = encodeHeader(PullMessageRequestHeader, { consumerGroup: 'g', topic: 'T_CLUSTER', queueId: 0, queueOffset: 0, maxMsgNums: 32, sysFlag: PullSysFlag.FLAG_SUBSCRIPTION, commitOffset: 0, suspendTimeoutMillis: 0, subscription: '*', subVersion: 0, expressionType: 'TAG' });
    const p = await call(slave.brokerAddr, RequestCode.PULL_MESSAGE, pull);
    assert.deepEqual([p.code, p.remark], [ResponseCode.SYSTEM_BUSY, REJECT_REQUEST_REMARK]);
    slave.ctx.config.slaveReadEnable = true;
    try {
      const p2 = await call(slave.brokerAddr, RequestCode.PULL_MESSAGE, pull);
      // Nothing replicated here: not FOUND on a slave -> PULL_RETRY_IMMEDIATELY back to the master (suggestWhichBrokerId 0).
      assert.equal(p2.code, ResponseCode.PULL_RETRY_IMMEDIATELY, p2.remark ?? '');
      assert.equal(p2.extFields?.get('suggestWhichBrokerId'), '0');
    } finally {
      slave.ctx.config.slaveReadEnable = false;
    }
    const end = encodeHeader(EndTransactionRequestHeader, { producerGroup: 'pg', tranStateTableOffset: 0, commitLogOffset: 0, commitOrRollback: 8, fromTransactionCheck: false, msgId: 'x' });
    const e = await call(slave.brokerAddr, RequestCode.END_TRANSACTION, end);
    assert.equal(e.code, ResponseCode.SLAVE_NOT_AVAILABLE);
  });

  it('a master whose store is busy (isOSPageCacheBusy: a commit log write stuck past osPageCacheBusyTimeOutMills) refuses sends with SYSTEM_BUSY [REJECTREQUEST] before processing them; pulls go on', async () => {
    // The store's side (a real stalled write makes isOSPageCacheBusy true) is lib/store/os-page-cache-busy.test.ts;
    // here the broker's answer over a socket, with the store reporting the stall.
    const send = encodeHeader(SendMessageRequestHeader, { producerGroup: 'pg', topic: 'T_CLUSTER', defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 0, sysFlag: 0, bornTimestamp: Date.now(), flag: 0, properties: '', reconsumeTimes: 0 });
    const pull = encodeHeader(PullMessageRequestHeader, { consumerGroup: 'g', topic: 'T_CLUSTER', queueId: 0, queueOffset: 0, maxMsgNums: 32, sysFlag: PullSysFlag.FLAG_SUBSCRIPTION, commitOffset: 0, suspendTimeoutMillis: 0, subscription: '*', subVersion: 0, expressionType: 'TAG' });
    const store = master.ctx.store;
    const putsBefore = master.ctx.stats.putMessageTimesTotal;
    store.isOSPageCacheBusy = () => true;
    try {
      const v2 = encodeSendMessageHeaderV2({ producerGroup: 'pg', topic: 'T_CLUSTER', defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 0, sysFlag: 0, bornTimestamp: Date.now(), flag: 0, properties: '', reconsumeTimes: 0, unitMode: false, batch: false });
      for (const [code, header] of [[RequestCode.SEND_MESSAGE, send], [RequestCode.SEND_MESSAGE_V2, v2]] as const) {
        const r = await call(master.brokerAddr, code, header, Buffer.from('busy'));
        assert.deepEqual([r.code, r.remark], [ResponseCode.SYSTEM_BUSY, REJECT_REQUEST_REMARK], `code ${code}`);
      }
      assert.equal(master.ctx.stats.putMessageTimesTotal, putsBefore, 'nothing was stored');
      const p = await call(master.brokerAddr, RequestCode.PULL_MESSAGE, pull);
      assert.notEqual(p.code, ResponseCode.SYSTEM_BUSY, 'pulls are not gated by a busy store');
    } finally {
      delete (store as { isOSPageCacheBusy?: unknown }).isOSPageCacheBusy;
    }
    const ok = await call(master.brokerAddr, RequestCode.SEND_MESSAGE, send, Buffer.from('after'));
    assert.equal(ok.code, ResponseCode.SUCCESS, 'sends are served again once the write returns');
  });
});
