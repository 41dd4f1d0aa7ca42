import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { ClusterInfo, DataVersion, KVTable, RegisterBrokerBody, TopicList, TopicRouteData, encodeRegisterBrokerBodyCompressed } from '../../protocol/bodies';
import { createRequest, SerializeType, type RemotingCommand } from '../../protocol/command';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { defaults, silentLogger } from '../common';
import { RemotingClient } from '../remoting';
import { NamesrvSchema } from './config';
import { NameServer } from './nameserver';

let clock = 1_700_000_000_000;
const now = (): number => clock;

function topic(name: string, perm = 6, queues = 4) {
  return { topicName: name, readQueueNums: queues, writeQueueNums: queues, perm, topicFilterType: 'SINGLE_TAG' as const, topicSysFlag: 0, order: false, attributes: new Map<string, string>() };
}

function registerValue(topics: string[], counter = 1) {
  return {
    filterServerList: [],
    topicConfigSerializeWrapper: {
      dataVersion: { counter, timestamp: 1_700_000_000_000 + counter, stateVersion: 0 },
      topicConfigTable: new Map(topics.map((t) => [t, topic(t, t === 'TBW102' ? 7 : 6, t === 'TBW102' ? 8 : 4)])),
    },
  };
}

function registerBody(topics: string[], counter = 1): Buffer {
  return RegisterBrokerBody.encode(registerValue(topics, counter));
}

function ext(o: Record<string, string | number | boolean>): Map<string, string> {
  return new Map(Object.entries(o).map(([k, v]) => [k, String(v)]));
}

describe('lib/nameserver NameServer over real sockets', () => {
  let dir: string;
  let ns: NameServer;
  let client: RemotingClient;
  let addr: string;

  async function call(code: number, fields: Record<string, string | number | boolean> = {}, body: Buffer | null = null, type: SerializeType = SerializeType.JSON): Promise<RemotingCommand> {
    return client.invoke(addr, createRequest({ code, opaque: 0, version: 513, extFields: ext(fields), body, serializeType: type }), 3000);
  }

  /** A topic's route as "brokerName:perm" pairs, sorted, or the response code when there is none. */
  async function routeOf(t: string): Promise<string | number> {
    const r = await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: t });
    if (r.code !== ResponseCode.SUCCESS) return r.code;
    const d = TopicRouteData.decode(r.body!);
    assert.ok(d.ok);
    return d.value.queueDatas.map((q) => `${q.brokerName}:${q.perm}`).sort().join(',');
  }

  async function register(brokerName: string, brokerAddr: string, topics: string[], opts: { brokerId?: number; counter?: number; compressed?: boolean; via?: RemotingClient } = {}) {
    const body = opts.compressed
      ? encodeRegisterBrokerBodyCompressed(registerValue(topics, opts.counter))
      : registerBody(topics, opts.counter);
    const c = opts.via ?? client;
    return c.invoke(
      addr,
      createRequest({
        code: RequestCode.REGISTER_BROKER,
        opaque: 0,
        version: 513,
        body,
        extFields: ext({
          brokerName,
          brokerAddr,
          clusterName: 'DefaultCluster',
          haServerAddr: brokerAddr.replace(/\d+$/, (p) => String(Number(p) + 1)),
          brokerId: opts.brokerId ?? 0,
          compressed: opts.compressed ?? false,
          bodyCrc32: (crc32(body) & 0x7fffffff) >>> 0,
          enableActingMaster: false,
          heartbeatTimeoutMillis: 10_000,
        }),
      }),
      3000,
    );
  }

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-ns-'));
    const config = { ...defaults(NamesrvSchema), listenPort: 0, bindAddress: '127.0.0.1', kvConfigPath: path.join(dir, 'kvConfig.json'), configStorePath: path.join(dir, 'namesrv.properties') };
    ns = new NameServer({ config, logger: silentLogger(), clock: now });
    await ns.start();
    addr = `127.0.0.1:${ns.port}`;
    client = new RemotingClient({ logger: silentLogger(), version: 513 });
  });

  afterEach(async () => {
    client.close();
    await ns.close();
  });

  it('registers a broker and serves its routes as compact standard JSON (Go parses brokerAddrs by hand)', async () => {
    const r = await register('broker-a', '127.0.0.1:10911', ['TBW102', 'TopicTest']);
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    const route = await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TopicTest' });
    assert.equal(route.code, ResponseCode.SUCCESS);
    const text = route.body!.toString();
    assert.match(text, /"brokerAddrs":\{"0":"127\.0\.0\.1:10911"\}/);
    assert.doesNotMatch(text, /\s/);
    const d = TopicRouteData.decode(route.body!);
    assert.ok(d.ok);
    assert.deepEqual(d.value.queueDatas, [{ brokerName: 'broker-a', perm: 6, readQueueNums: 4, topicSysFlag: 0, writeQueueNums: 4 }]);
    assert.equal(d.value.brokerDatas[0]!.cluster, 'DefaultCluster');
  });

  it('answers TOPIC_NOT_EXIST with Java remark for an unknown topic, in both serializations', async () => {
    for (const t of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
      const r = await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Nope' }, null, t);
      assert.equal(r.code, ResponseCode.TOPIC_NOT_EXIST);
      assert.equal(r.serializeType, t);
      assert.equal(r.remark, 'No topic route info in name server for the topic: Nope\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details.');
      assert.equal(r.body, null);
    }
  });

  it('a missing header field is a SYSTEM_ERROR naming the field', async () => {
    const r = await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, {});
    assert.equal(r.code, ResponseCode.SYSTEM_ERROR);
    assert.match(r.remark!, /the custom field <topic> is null/);
  });

  it('refuses a wrong CRC with "crc32 not match" and an unparseable body with a clear remark', async () => {
    const body = registerBody(['TBW102', 'T']);
    const bad = await call(RequestCode.REGISTER_BROKER, { brokerName: 'b', brokerAddr: '127.0.0.1:1', clusterName: 'C', haServerAddr: 'x', brokerId: 0, compressed: false, bodyCrc32: 12345 }, body);
    assert.equal(bad.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(bad.remark, 'crc32 not match');
    const junk = await call(RequestCode.REGISTER_BROKER, { brokerName: 'b', brokerAddr: '127.0.0.1:1', clusterName: 'C', haServerAddr: 'x', brokerId: 0, compressed: false, bodyCrc32: 0 }, Buffer.from('{not json'));
    assert.equal(junk.code, ResponseCode.SYSTEM_ERROR);
    assert.match(junk.remark!, /^Failed to decode RegisterBrokerBody/);
  });

  it('a repeated identical REGISTER_BROKER body (same CRC and length, decoded once) and then a changed one: routes follow both', async () => {
    assert.equal((await register('broker-a', '127.0.0.1:10911', ['A1', 'A2'], { counter: 1 })).code, ResponseCode.SUCCESS);
    assert.equal((await register('broker-a', '127.0.0.1:10911', ['A1', 'A2'], { counter: 1 })).code, ResponseCode.SUCCESS);
    assert.equal((await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'A2' })).code, ResponseCode.SUCCESS);
    assert.equal((await register('broker-a', '127.0.0.1:10911', ['A1', 'A2', 'A3'], { counter: 2 })).code, ResponseCode.SUCCESS);
    assert.equal((await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'A3' })).code, ResponseCode.SUCCESS);
    // Another broker with the same bytes is decoded for itself (the cache is per broker address).
    assert.equal((await register('broker-b', '127.0.0.1:10921', ['A1', 'A2', 'A3'], { counter: 2 })).code, ResponseCode.SUCCESS);
    const route = TopicRouteData.decode((await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'A3' })).body!);
    assert.ok(route.ok);
    assert.deepEqual(route.value.queueDatas.map((q) => q.brokerName).sort(), ['broker-a', 'broker-b']);
  });

  it('the same body again after the tables changed is applied in full, as Java: a deleted topic comes back, a wiped perm stays', async () => {
    const topics = ['TBW102', 'T1', 'T2'];
    await register('broker-a', '127.0.0.1:10911', topics);
    await register('broker-a', '127.0.0.1:10911', topics);
    assert.equal(await routeOf('T1'), 'broker-a:6');
    // Java RouteInfoManager#isTopicConfigChanged: a topic missing from the table is put back even when the data
    // version is the same.
    assert.equal((await call(RequestCode.DELETE_TOPIC_IN_NAMESRV, { topic: 'T1' })).code, ResponseCode.SUCCESS);
    assert.equal(await routeOf('T1'), ResponseCode.TOPIC_NOT_EXIST);
    await register('broker-a', '127.0.0.1:10911', topics);
    assert.equal(await routeOf('T1'), 'broker-a:6');
    // An existing topic with the same data version is left as it is: the wiped write perm stays until the broker's
    // data version changes.
    await call(RequestCode.WIPE_WRITE_PERM_OF_BROKER, { brokerName: 'broker-a' });
    await register('broker-a', '127.0.0.1:10911', topics);
    await register('broker-a', '127.0.0.1:10911', topics);
    assert.equal(await routeOf('T2'), 'broker-a:4');
    await register('broker-a', '127.0.0.1:10911', topics, { counter: 2 });
    assert.equal(await routeOf('T2'), 'broker-a:6');
  });

  it('the same body again over a new connection moves the broker to it: closing the old connection keeps the broker', async () => {
    const topics = ['TBW102', 'T1'];
    const first = new RemotingClient({ logger: silentLogger(), version: 513 });
    const second = new RemotingClient({ logger: silentLogger(), version: 513 });
    try {
      assert.equal((await register('broker-a', '127.0.0.1:10911', topics, { via: first })).code, ResponseCode.SUCCESS);
      assert.equal((await register('broker-a', '127.0.0.1:10911', topics, { via: second })).code, ResponseCode.SUCCESS);
      first.close();
      // The NameServer sees the close; a lookup after it still finds the broker.
      await new Promise((r) => setTimeout(r, 200));
      assert.equal((await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T1' })).code, ResponseCode.SUCCESS);
      second.close();
      let code: number = ResponseCode.SUCCESS;
      for (let i = 0; i < 50 && code === ResponseCode.SUCCESS; i++) {
        await new Promise((r) => setTimeout(r, 20));
        code = (await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T1' })).code;
      }
      assert.equal(code, ResponseCode.TOPIC_NOT_EXIST, 'closing the connection the broker registered over last removes it');
    } finally {
      first.close();
      second.close();
    }
  });

  it('rejects a first registration carrying exactly one topic, as a Java 5.x NameServer does', async () => {
    const r = await register('broker-x', '127.0.0.1:20911', ['OnlyOne']);
    assert.equal(r.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(r.remark, 'register broker failed');
  });

  it('accepts compressed registrations', async () => {
    const r = await register('broker-c', '127.0.0.1:30911', ['TBW102', 'Zipped'], { compressed: true });
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    assert.equal((await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Zipped' })).code, ResponseCode.SUCCESS);
  });

  it('slaves learn the master addresses; cluster info lists master and slave', async () => {
    await register('broker-a', '127.0.0.1:10911', ['TBW102', 'T1']);
    const s = await register('broker-a', '127.0.0.1:11911', ['TBW102', 'T1'], { brokerId: 1 });
    assert.equal(s.extFields!.get('masterAddr'), '127.0.0.1:10911');
    assert.equal(s.extFields!.get('haServerAddr'), '127.0.0.1:10912');
    const ci = await call(RequestCode.GET_BROKER_CLUSTER_INFO);
    const d = ClusterInfo.decode(ci.body!);
    assert.ok(d.ok);
    assert.deepEqual([...d.value.brokerAddrTable.get('broker-a')!.brokerAddrs], [[0, '127.0.0.1:10911'], [1, '127.0.0.1:11911']]);
    assert.deepEqual(d.value.clusterAddrTable.get('DefaultCluster'), ['broker-a']);
  });

  it('a closed broker connection removes the broker and its topics at once', async () => {
    const broker = new RemotingClient({ logger: silentLogger(), version: 513 });
    await register('broker-k', '127.0.0.1:40911', ['TBW102', 'Gone'], { via: broker });
    assert.equal((await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Gone' })).code, ResponseCode.SUCCESS);
    broker.close();
    for (let i = 0; i < 50 && (await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Gone' })).code === ResponseCode.SUCCESS; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal((await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Gone' })).code, ResponseCode.TOPIC_NOT_EXIST);
  });

  it('rule heartbeatTimeoutMillis: a broker that stops registering expires on the next scan', async () => {
    const broker = new RemotingClient({ logger: silentLogger(), version: 513 });
    await register('broker-e', '127.0.0.1:50911', ['TBW102', 'Expiring'], { via: broker });
    clock += 9_000;
    ns.scan();
    assert.equal((await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Expiring' })).code, ResponseCode.SUCCESS);
    clock += 2_000;
    ns.scan();
    assert.equal((await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Expiring' })).code, ResponseCode.TOPIC_NOT_EXIST);
    broker.close();
  });

  it('KV config: put, get, list, delete; persisted in kvConfig.json and loaded on restart', async () => {
    assert.equal((await call(RequestCode.PUT_KV_CONFIG, { namespace: 'ORDER_TOPIC_CONFIG', key: 'T', value: 'broker-a:4' })).code, 0);
    const g = await call(RequestCode.GET_KV_CONFIG, { namespace: 'ORDER_TOPIC_CONFIG', key: 'T' });
    assert.equal(g.extFields!.get('value'), 'broker-a:4');
    const l = await call(RequestCode.GET_KVLIST_BY_NAMESPACE, { namespace: 'ORDER_TOPIC_CONFIG' });
    const kv = KVTable.decode(l.body!);
    assert.ok(kv.ok);
    assert.equal(kv.value.table.get('T'), 'broker-a:4');
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'kvConfig.json'), 'utf8')), { configTable: { ORDER_TOPIC_CONFIG: { T: 'broker-a:4' } } });
    const miss = await call(RequestCode.GET_KV_CONFIG, { namespace: 'ORDER_TOPIC_CONFIG', key: 'nope' });
    assert.equal(miss.code, ResponseCode.QUERY_NOT_FOUND);
    assert.equal(miss.remark, 'No config item, Namespace: ORDER_TOPIC_CONFIG Key: nope');
    await ns.close();
    const config = { ...ns.config, listenPort: 0 };
    ns = new NameServer({ config, logger: silentLogger(), clock: now });
    await ns.start();
    addr = `127.0.0.1:${ns.port}`;
    assert.equal((await call(RequestCode.GET_KV_CONFIG, { namespace: 'ORDER_TOPIC_CONFIG', key: 'T' })).extFields!.get('value'), 'broker-a:4');
    assert.equal((await call(RequestCode.DELETE_KV_CONFIG, { namespace: 'ORDER_TOPIC_CONFIG', key: 'T' })).code, 0);
    assert.equal((await call(RequestCode.GET_KV_CONFIG, { namespace: 'ORDER_TOPIC_CONFIG', key: 'T' })).code, ResponseCode.QUERY_NOT_FOUND);
  });

  it('wipe/add write perm change every topic of a broker and report the count', async () => {
    await register('broker-a', '127.0.0.1:10911', ['TBW102', 'T1', 'T2']);
    const w = await call(RequestCode.WIPE_WRITE_PERM_OF_BROKER, { brokerName: 'broker-a' });
    assert.equal(w.extFields!.get('wipeTopicCount'), '3');
    const r = TopicRouteData.decode((await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T1' })).body!);
    assert.ok(r.ok);
    assert.equal(r.value.queueDatas[0]!.perm, 4);
    const a = await call(RequestCode.ADD_WRITE_PERM_OF_BROKER, { brokerName: 'broker-a' });
    assert.equal(a.extFields!.get('addTopicCount'), '3');
  });

  it('encoded routes are reused while nothing changes, and every change is seen by the next lookup', async () => {
    await register('broker-a', '127.0.0.1:10911', ['TBW102', 'T1']);
    assert.equal(await routeOf('T1'), 'broker-a:6');
    const v = ns.routes.version;
    assert.equal((await register('broker-a', '127.0.0.1:10911', ['TBW102', 'T1'])).code, ResponseCode.SUCCESS);
    assert.equal(ns.routes.version, v, 'a re-registration that changes nothing keeps the encoded routes');
    assert.equal(await routeOf('T1'), 'broker-a:6');
    await call(RequestCode.WIPE_WRITE_PERM_OF_BROKER, { brokerName: 'broker-a' });
    assert.equal(await routeOf('T1'), 'broker-a:4');
    await call(RequestCode.ADD_WRITE_PERM_OF_BROKER, { brokerName: 'broker-a' });
    assert.equal(await routeOf('T1'), 'broker-a:6');
    await register('broker-b', '127.0.0.1:10921', ['TBW102', 'T1']);
    assert.equal(await routeOf('T1'), 'broker-a:6,broker-b:6');
    assert.equal((await call(RequestCode.DELETE_TOPIC_IN_NAMESRV, { topic: 'T1', clusterName: 'DefaultCluster' })).code, 0);
    assert.equal(await routeOf('T1'), ResponseCode.TOPIC_NOT_EXIST);
    await register('broker-a', '127.0.0.1:10911', ['TBW102', 'T1'], { counter: 2 });
    assert.equal(await routeOf('T1'), 'broker-a:6');
    const u = await call(RequestCode.UNREGISTER_BROKER, { brokerName: 'broker-a', brokerAddr: '127.0.0.1:10911', clusterName: 'DefaultCluster', brokerId: 0 });
    assert.equal(u.code, ResponseCode.SUCCESS);
    assert.equal(await routeOf('T1'), ResponseCode.TOPIC_NOT_EXIST);
    assert.equal(await routeOf('TBW102'), 'broker-b:7');
  });

  it('topic lists and DELETE_TOPIC_IN_NAMESRV (whole, or per cluster)', async () => {
    await register('broker-a', '127.0.0.1:10911', ['TBW102', 'T1', '%RETRY%g1']);
    const all = TopicList.decode((await call(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER)).body!);
    assert.ok(all.ok);
    assert.deepEqual([...all.value.topicList].sort(), ['%RETRY%g1', 'T1', 'TBW102']);
    const byCluster = TopicList.decode((await call(RequestCode.GET_TOPICS_BY_CLUSTER, { cluster: 'DefaultCluster' })).body!);
    assert.ok(byCluster.ok);
    assert.equal(byCluster.value.topicList.length, 3);
    assert.equal((await call(RequestCode.DELETE_TOPIC_IN_NAMESRV, { topic: 'T1', clusterName: 'DefaultCluster' })).code, 0);
    assert.equal((await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T1' })).code, ResponseCode.TOPIC_NOT_EXIST);
  });

  it('GET/UPDATE_NAMESRV_CONFIG: properties text, black list, bad values refused, persisted', async () => {
    const g = await call(RequestCode.GET_NAMESRV_CONFIG);
    assert.match(g.body!.toString(), /^listenPort=0$/m);
    assert.match(g.body!.toString(), /^orderMessageEnable=false$/m);
    const u = await call(RequestCode.UPDATE_NAMESRV_CONFIG, {}, Buffer.from('orderMessageEnable=true\n'));
    assert.equal(u.code, 0);
    assert.match((await call(RequestCode.GET_NAMESRV_CONFIG)).body!.toString(), /^orderMessageEnable=true$/m);
    assert.match(fs.readFileSync(path.join(dir, 'namesrv.properties'), 'utf8'), /^orderMessageEnable=true$/m);
    const black = await call(RequestCode.UPDATE_NAMESRV_CONFIG, {}, Buffer.from('kvConfigPath=/tmp/x\n'));
    assert.equal(black.code, ResponseCode.NO_PERMISSION);
    assert.equal(black.remark, 'Can not update config in black list.');
    const badv = await call(RequestCode.UPDATE_NAMESRV_CONFIG, {}, Buffer.from('scanNotActiveBrokerInterval=soon\n'));
    assert.equal(badv.code, ResponseCode.SYSTEM_ERROR);
    assert.match(badv.remark!, /scanNotActiveBrokerInterval=soon: expected an integer/);
  });

  it('orderTopicConf fills routes from the KV table when orderMessageEnable', async () => {
    await register('broker-a', '127.0.0.1:10911', ['TBW102', 'Ordered']);
    await call(RequestCode.PUT_KV_CONFIG, { namespace: 'ORDER_TOPIC_CONFIG', key: 'Ordered', value: 'broker-a:4' });
    await call(RequestCode.UPDATE_NAMESRV_CONFIG, {}, Buffer.from('orderMessageEnable=true\n'));
    const r = TopicRouteData.decode((await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Ordered' })).body!);
    assert.ok(r.ok);
    assert.equal(r.value.orderTopicConf, 'broker-a:4');
  });

  it('rule routeTopicsMax: registrations beyond the bound are refused with a remark naming it', async () => {
    await ns.close();
    const config = { ...ns.config, listenPort: 0, routeTopicsMax: 3 };
    ns = new NameServer({ config, logger: silentLogger(), clock: now });
    await ns.start();
    addr = `127.0.0.1:${ns.port}`;
    assert.equal((await register('broker-a', '127.0.0.1:10911', ['TBW102', 'A', 'B'])).code, 0);
    const r = await register('broker-b', '127.0.0.1:20911', ['TBW102', 'C', 'D']);
    assert.equal(r.code, ResponseCode.SYSTEM_ERROR);
    assert.match(r.remark!, /routeTopicsMax 3/);
  });

  it('rule registerBodyTopicsPerStep: a 10k-topic REGISTER_BROKER is decoded in steps, so a lookup sent after it is answered before it (issue 14)', async () => {
    for (const compressed of [false, true]) {
      const topics = ['TBW102', ...Array.from({ length: 10_000 }, (_, i) => `Big${i}`)];
      const order: string[] = [];
      const big = register(`broker-big`, '127.0.0.1:40911', topics, { compressed, counter: compressed ? 3 : 2 }).then((r) => {
        order.push('register');
        return r;
      });
      // The lookup is written after the registration on the same connection; a decode in one go would answer it after.
      const lookup = call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'NoSuchTopic' }).then((r) => {
        order.push('lookup');
        return r;
      });
      assert.equal((await big).code, ResponseCode.SUCCESS);
      assert.equal((await lookup).code, ResponseCode.TOPIC_NOT_EXIST);
      assert.deepEqual(order, ['lookup', 'register'], compressed ? 'compressed' : 'plain');
      assert.equal((await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Big9999' })).code, ResponseCode.SUCCESS);
    }
  });

  it('registrations of one broker apply in arrival order even when the first one is decoded in steps', async () => {
    const topics = ['TBW102', ...Array.from({ length: 5_000 }, (_, i) => `Old${i}`)];
    const first = register('broker-o', '127.0.0.1:50911', topics, { counter: 1 });
    const second = register('broker-o', '127.0.0.1:50911', ['TBW102', 'New1', 'New2'], { counter: 2 });
    assert.equal((await first).code, ResponseCode.SUCCESS);
    assert.equal((await second).code, ResponseCode.SUCCESS);
    assert.equal((await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'New2' })).code, ResponseCode.SUCCESS);
    // The data version kept for the broker is the second registration's (counter 2), not the first's.
    const q = await call(
      RequestCode.QUERY_DATA_VERSION,
      { clusterName: 'DefaultCluster', brokerAddr: '127.0.0.1:50911', brokerName: 'broker-o', brokerId: 0 },
      DataVersion.encode({ counter: 1, timestamp: 1, stateVersion: 0 }),
    );
    const dv = DataVersion.decode(q.body!);
    assert.ok(dv.ok);
    assert.equal(dv.value.counter, 2);
  });
});
