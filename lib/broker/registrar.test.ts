import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RegisterBrokerBody } from '../../protocol/bodies';
import { createRequest, type RemotingCommand } from '../../protocol/command';
import { RequestCode } from '../../protocol/codes';
import { defaults, silentLogger } from '../common';
import { BrokerSchema } from './config';
import { newTopicConfig } from './metadata/topic-config-manager';
import { testTopicManager } from './metadata/testing/topic-manager';
import { Registrar } from './registrar';

/**
 * Registrar#registerAll: the promise settles only after a registration that STARTED after the call ended, so a
 * processor that created a topic answers once the NameServers know it (Java registers synchronously inside
 * createTopicInSendMessage(Back)Method). Callers arriving while one is in flight share one queued round.
 */
describe('lib/broker/registrar registerAll', () => {
  it('a call during an in-flight registration waits for a second one whose body holds the new topic', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-registrar-'));
    const bodies: string[] = [];
    const pending: (() => void)[] = [];
    const client = {
      invoke: (_addr: string, req: RemotingCommand): Promise<RemotingCommand> => {
        if (req.code !== RequestCode.REGISTER_BROKER) return Promise.resolve(createRequest({ code: 0, opaque: req.opaque, version: 0 }));
        bodies.push(req.body!.toString());
        return new Promise((resolve) => pending.push(() => resolve(createRequest({ code: 0, opaque: req.opaque, version: 0 }))));
      },
    };
    const topics = testTopicManager(dir, { topicsMax: 100 });
    const r = new Registrar({ config: { ...defaults(BrokerSchema), namesrvAddr: '127.0.0.1:1' }, brokerAddr: () => '127.0.0.1:2', haServerAddr: () => '127.0.0.1:3', topics, client: client as never, logger: silentLogger() });
    try {
      let firstDone = false;
      const first = r.registerAll().then(() => (firstDone = true));
      await new Promise((res) => setImmediate(res));
      assert.equal(bodies.length, 1);
      topics.createInSendMessageBack('%RETRY%g', 1, 6, 0);
      let secondDone = false;
      const second = r.registerAll().then(() => (secondDone = true));
      const third = r.registerAll();
      pending.shift()!();
      await first;
      assert.ok(firstDone);
      await new Promise((res) => setImmediate(res));
      assert.equal(secondDone, false, 'not settled by the round that started before the topic existed');
      assert.equal(bodies.length, 2, 'one queued round for both callers');
      assert.ok(bodies[1]!.includes('%RETRY%g'), 'the queued round carries the new topic');
      assert.ok(!bodies[0]!.includes('%RETRY%g'));
      pending.shift()!();
      await Promise.all([second, third]);
      assert.ok(secondDone);
    } finally {
      await r.shutdown();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Registrar#topicsChanged / registerIncrement (Java BrokerController#registerIncrementBrokerData): after a topic
 * change only the changed topics travel, with the current DataVersion; a burst in one turn shares one registration;
 * a deletion asks for a full one.
 */
describe('lib/broker/registrar registerIncrement', () => {
  it('a created topic is registered alone (not the whole table), with the DataVersion after the change', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-registrar-'));
    const bodies: { topics: string[]; counter: number }[] = [];
    const client = {
      invoke: (_addr: string, req: RemotingCommand): Promise<RemotingCommand> => {
        if (req.code === RequestCode.REGISTER_BROKER) {
          const b = RegisterBrokerBody.decode(req.body!);
          assert.ok(b.ok);
          const w = b.value.topicConfigSerializeWrapper;
          bodies.push({ topics: [...w.topicConfigTable.keys()], counter: w.dataVersion.counter });
        }
        return Promise.resolve(createRequest({ code: 0, opaque: req.opaque, version: 0 }));
      },
    };
    let r: Registrar | undefined;
    const topics = testTopicManager(dir, { topicsMax: 100, onChange: (tcs) => r?.topicsChanged(tcs) });
    r = new Registrar({ config: { ...defaults(BrokerSchema), namesrvAddr: '127.0.0.1:1' }, brokerAddr: () => '127.0.0.1:2', haServerAddr: () => '127.0.0.1:3', topics, client: client as never, logger: silentLogger() });
    try {
      await r.registerAll();
      const full = bodies[0]!.topics.length;
      assert.ok(full > 5, 'the first registration carries the whole table');
      topics.update([newTopicConfig('NEW1')]);
      await r.registerIncrement();
      assert.deepEqual(bodies[1], { topics: ['NEW1'], counter: topics.dataVersion.counter });
      // A burst in one turn of the event loop: one registration for all of it.
      topics.update([newTopicConfig('NEW2')]);
      topics.update([newTopicConfig('NEW3')]);
      await new Promise((res) => setImmediate(res));
      await r.registerIncrement();
      assert.deepEqual(bodies.slice(2).map((b) => b.topics), [['NEW2', 'NEW3']]);
      // Nothing changed: nothing sent.
      await r.registerIncrement();
      assert.equal(bodies.length, 3);
    } finally {
      await r.shutdown();
      await topics.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Registrar#start: the full registration at start, then one FIRST_ROUND_DELAY_MS later (Java's initialDelay of 10 s)
 * and every registerNameServerPeriod after that, so a broker started before its NameServer listens is routed soon.
 */
describe('lib/broker/registrar start', () => {
  it('a registration that failed at start is retried after the first-round delay, not a whole period later', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-registrar-'));
    const calls: number[] = [];
    const t0 = Date.now();
    const client = {
      invoke: (_addr: string, req: RemotingCommand): Promise<RemotingCommand> => {
        if (req.code !== RequestCode.REGISTER_BROKER) return Promise.resolve(createRequest({ code: 0, opaque: req.opaque, version: 0 }));
        calls.push(Date.now() - t0);
        if (calls.length === 1) return Promise.reject(new Error('cannot connect to 127.0.0.1:1: ECONNREFUSED'));
        return Promise.resolve(createRequest({ code: 0, opaque: req.opaque, version: 0 }));
      },
    };
    const topics = testTopicManager(dir, { topicsMax: 100 });
    const results: number[] = [];
    const r = new Registrar({
      config: { ...defaults(BrokerSchema), namesrvAddr: '127.0.0.1:1', registerNameServerPeriod: 60_000 },
      brokerAddr: () => '127.0.0.1:2',
      haServerAddr: () => '127.0.0.1:3',
      topics,
      client: client as never,
      logger: silentLogger(),
      onRegistered: (rs) => results.push(rs.length),
      firstRoundDelayMs: 200,
    });
    try {
      await r.start();
      assert.deepEqual(results, [0], 'the registration at start reached no NameServer');
      await new Promise((res) => setTimeout(res, 50));
      assert.equal(calls.length, 1, 'no second round before the delay');
      const end = Date.now() + 5_000;
      while (results.length < 2 && Date.now() < end) await new Promise((res) => setTimeout(res, 20));
      assert.deepEqual(results, [0, 1], 'the first periodic round registered');
      assert.ok(calls[1]! >= 200 && calls[1]! < 5_000, `second round at ${calls[1]} ms`);
    } finally {
      await r.shutdown();
      await topics.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
