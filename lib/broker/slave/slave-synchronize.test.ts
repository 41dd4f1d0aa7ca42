import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TopicConfigAndMappingSerializeWrapper, type TopicConfig } from '../../../protocol/bodies';
import { createResponse, type RemotingCommand } from '../../../protocol/command';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { defaults, silentLogger } from '../../common';
import { defaultStoreConfig, MessageStore } from '../../store';
import { DelayLevelTable } from '../../../protocol/message';
import { BrokerSchema } from '../config';
import { ConsumerOffsetManager } from '../metadata/consumer-offset-manager';
import { SubscriptionGroupManager } from '../metadata/subscription-group-manager';
import { TopicConfigManager } from '../metadata/topic-config-manager';
import { ScheduleMessageService } from '../schedule/schedule-message-service';
import { SlaveSynchronize, SYNC_ALL_INTERVAL_MS, vipChannel } from './slave-synchronize';

/** Java BrokerOuterAPI#getAllTopicConfig's page loop and SlaveSynchronize's rules, against a scripted master. */
describe('lib/broker/slave SlaveSynchronize', () => {
  let dir: string;
  let store: MessageStore;
  let sync: (invoke: (addr: string, req: RemotingCommand) => RemotingCommand, master?: string | null) => { s: SlaveSynchronize; topics: TopicConfigManager; clock: { t: number } };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-slavesync-'));
    store = await MessageStore.open(defaultStoreConfig({ storePathRootDir: path.join(dir, 'store'), mappedFileSizeCommitLog: 1024 * 1024 }), { logger: silentLogger() });
    sync = (invoke, master = '127.0.0.1:10911') => {
      const logger = silentLogger();
      const clock = { t: 1_000_000 };
      const b = defaults(BrokerSchema);
      const topics = new TopicConfigManager({ storePathRootDir: dir, brokerClusterName: 'C', brokerName: 'b', autoCreateTopicEnable: true, defaultTopicQueueNums: 4, clusterTopicEnable: true, brokerTopicEnable: true, traceTopicEnable: false, msgTraceTopicName: b.msgTraceTopicName, timerWheelEnable: false, topicsMax: 1000, logger, now: () => clock.t, onChange: () => undefined });
      const s = new SlaveSynchronize({
        masterAddr: () => master,
        selfAddr: () => '127.0.0.1:20911',
        invoke: (addr, req) => Promise.resolve(invoke(addr, req)),
        topics,
        groups: new SubscriptionGroupManager({ storePathRootDir: dir, autoCreateSubscriptionGroup: true, groupsMax: 100, logger, now: () => clock.t }),
        offsets: new ConsumerOffsetManager(dir, logger, () => clock.t),
        schedule: new ScheduleMessageService({ store, levels: new DelayLevelTable('1s'), storePathRootDir: dir, logger, now: () => clock.t }),
        logger,
        now: () => clock.t,
      });
      return { s, topics, clock };
    };
  });

  after(async () => {
    await store.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const tc = (n: string): TopicConfig => ({ topicName: n, readQueueNums: 4, writeQueueNums: 4, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false, attributes: new Map() }) as TopicConfig;

  it('vipChannel is the master port - 2 (Java MixAll#brokerVIPChannel)', () => {
    assert.equal(vipChannel('10.0.0.1:10911'), '10.0.0.1:10909');
  });

  it('pages GET_ALL_TOPIC_CONFIG until totalTopicNum topics arrived, on the VIP channel, and takes the table whole', async () => {
    const all = ['A', 'B', 'C', 'D', 'E'];
    const dv = { counter: 7, stateVersion: 0, timestamp: 42 };
    const asked: { addr: string; seq: string | undefined }[] = [];
    const { s, topics } = sync((addr, req) => {
      if (req.code !== RequestCode.GET_ALL_TOPIC_CONFIG) return createResponse(req, ResponseCode.SYSTEM_ERROR, 'not scripted', 0);
      const seq = Number(req.extFields?.get('topicSeq'));
      asked.push({ addr, seq: req.extFields?.get('topicSeq') });
      const page = new Map(all.slice(seq, seq + 2).map((n) => [n, tc(n)]));
      const body = TopicConfigAndMappingSerializeWrapper.encode({ dataVersion: dv, topicConfigTable: page, mappingDataVersion: dv, topicQueueMappingDetailMap: new Map() });
      return createResponse(req, ResponseCode.SUCCESS, null, 0, new Map([['totalTopicNum', String(all.length)]]), body);
    });
    topics.update([tc('ONLY_ON_SLAVE')]);
    await s.syncAll();
    assert.deepEqual(asked.map((a) => a.seq), ['0', '2', '4'], 'three pages, the last one-topic page included');
    assert.ok(asked.every((a) => a.addr === '127.0.0.1:10909'));
    assert.deepEqual(topics.names().sort(), all, 'topics the master does not have are gone');
    assert.deepEqual(topics.dataVersion.counter, dv.counter + 1, "the master's version, bumped once (Java assignNewOne + updateDataVersion)");
  });

  it('asks nothing while the master is unknown, and a full sync runs at most once per 60 s', async () => {
    let calls = 0;
    const none = sync(() => {
      calls++;
      throw new Error('unexpected');
    }, null);
    await none.s.tick();
    assert.equal(calls, 0);
    let n = 0;
    const { s, clock } = sync((_a, req) => {
      n++;
      return createResponse(req, ResponseCode.SYSTEM_ERROR, 'down', 0);
    });
    await s.tick();
    const first = n;
    assert.ok(first > 0, 'every step asked (and failed without throwing)');
    clock.t += SYNC_ALL_INTERVAL_MS;
    await s.tick();
    assert.equal(n, first, 'not again within 60 s');
    clock.t += 1;
    await s.tick();
    assert.ok(n > first);
  });
});
