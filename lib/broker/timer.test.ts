import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequest } from '../../protocol/command';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import type { MessageView } from '../../protocol/message';
import { RocketClient } from '../client';
import { defaults, silentLogger } from '../common';
import { NameServer, NamesrvSchema } from '../nameserver';
import { defaultStoreConfig } from '../store';
import { DEQUEUE_EMPTY_SLOTS_PER_YIELD, TIMER_TOPIC } from '../timer';
import { Broker } from './broker';
import { BrokerRemotingSchema, BrokerSchema } from './config';
import { freeBrokerPort, freePort } from '../remoting/testing/ports';

/**
 * Timer messages end to end over real sockets (Java: HookUtils#transformTimerMessage, TimerMessageStore): the send
 * is rewritten to rmq_sys_wheel_timer, the message reaches its real topic not before its time with Java's
 * properties, the max delay is refused with Java's code and remark, and pending timers survive a clean restart
 * (delivered once) and a SIGKILL of the process.
 */
const APOGEE = path.join(__dirname, '..', 'bin', 'apogee.js');
const MAX_DELAY_REMARK =
  'timer message illegal, the delay time should not be bigger than the max delay 259200000ms; or if set del msg, the delay time should be bigger than the current time';

describe('lib/broker timer messages over real sockets', function () {
  this.timeout(60_000);
  let dir: string;
  let ns: NameServer;
  let broker: Broker;
  let client: RocketClient;
  let addr: string;

  async function startBroker(store: Record<string, string | number | boolean> = {}): Promise<void> {
    broker = await Broker.create({
      config: { ...defaults(BrokerSchema), listenPort: 0, brokerIP1: '127.0.0.1', namesrvAddr: `127.0.0.1:${ns.port}` },
      remotingConfig: { ...defaults(BrokerRemotingSchema), bindAddress: '127.0.0.1' },
      storeConfig: defaultStoreConfig({ storePathRootDir: path.join(dir, 'store'), mappedFileSizeCommitLog: 1024 * 1024, timerPrecisionMs: 100, ...store }),
      logger: silentLogger(),
    });
    await broker.start();
    addr = `127.0.0.1:${broker.port}`;
  }

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-timer-'));
    ns = new NameServer({ config: { ...defaults(NamesrvSchema), listenPort: 0, bindAddress: '127.0.0.1', kvConfigPath: path.join(dir, 'kv.json') }, logger: silentLogger() });
    await ns.start();
    await startBroker();
    client = new RocketClient({ namesrvAddr: `127.0.0.1:${ns.port}`, logger: silentLogger(), timeoutMs: 5000 });
  });

  afterEach(async () => {
    client.close();
    await broker.shutdown();
    await ns.close();
  });

  async function restart(store: Record<string, string | number | boolean> = {}): Promise<void> {
    await broker.shutdown();
    await startBroker(store);
  }

  /** Long-polls queue 0 of `topic` until `n` messages arrived (or the test times out). */
  async function receive(topic: string, n: number, from = 0): Promise<MessageView[]> {
    const got: MessageView[] = [];
    let offset = from;
    while (got.length < n) {
      const r = await client.pull(addr, 'timer_check', topic, 0, offset, { suspendMs: 1000 });
      if (r.code === ResponseCode.SUCCESS) {
        got.push(...r.messages);
        offset = r.nextBeginOffset;
      } else if (r.code !== ResponseCode.PULL_NOT_FOUND && r.code !== ResponseCode.PULL_RETRY_IMMEDIATELY) {
        await new Promise((res) => setTimeout(res, 100));
      }
    }
    return got;
  }

  it('rule DEQUEUE_EMPTY_SLOTS_PER_YIELD: a fresh store catches up over its empty wheel slots in steps, the event loop turning between them (issue 14)', async () => {
    await broker.shutdown();
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-timer-fresh-'));
    broker = await Broker.create({
      config: { ...defaults(BrokerSchema), listenPort: 0, brokerIP1: '127.0.0.1', namesrvAddr: `127.0.0.1:${ns.port}` },
      remotingConfig: { ...defaults(BrokerRemotingSchema), bindAddress: '127.0.0.1' },
      storeConfig: defaultStoreConfig({ storePathRootDir: path.join(fresh, 'store'), mappedFileSizeCommitLog: 1024 * 1024, timerPrecisionMs: 100 }),
      logger: silentLogger(),
    });
    const timer = broker.ctx.timer!;
    const first = timer.progress().readTimeMs;
    const caughtUp = Date.now() - 60_000;
    assert.ok(first < caughtUp, 'a fresh store starts reading about a wheel lap back');
    const started = broker.start();
    // One sample per turn of the event loop (setImmediate): how far the read time moved within one turn.
    const reads: number[] = [];
    for (let turn = 0; turn < 1_000_000 && (reads.at(-1) ?? first) < caughtUp; turn++) {
      await new Promise<void>((r) => setImmediate(r));
      reads.push(timer.progress().readTimeMs);
    }
    await started;
    addr = `127.0.0.1:${broker.port}`;
    assert.ok(reads.at(-1)! >= caughtUp, 'the read time caught up');
    let prev = first;
    let most = 0;
    for (const r of reads) {
      most = Math.max(most, r - prev);
      prev = r;
    }
    assert.ok(most <= DEQUEUE_EMPTY_SLOTS_PER_YIELD * 100, `the read time moved ${most} ms (${most / 100} slots) in one turn`);
    assert.ok(reads.length > 2, 'the catch-up took several turns');
  });

  it('rule: a timer send is stored in rmq_sys_wheel_timer with TIMER_OUT_MS/REAL_TOPIC/REAL_QID and reaches its real topic not before its time, as Java delivers it', async () => {
    await client.send('TimerT', Buffer.from('warm'), { queueId: 0 });
    const sentAt = Date.now();
    const r = await client.send('TimerT', Buffer.from('in one second'), { queueId: 0, properties: { TIMER_DELAY_SEC: '1' } });
    assert.equal(r.code, ResponseCode.SUCCESS);
    const parked = await client.pull(addr, 'timer_check', TIMER_TOPIC, 0, r.queueOffset);
    assert.equal(parked.messages.length, 1);
    const p = parked.messages[0]!.properties;
    assert.equal(p.get('REAL_TOPIC'), 'TimerT');
    assert.equal(p.get('REAL_QID'), '0');
    const out = Number(p.get('TIMER_OUT_MS'));
    assert.equal(out % 100, 0, 'TIMER_OUT_MS is rounded down to the precision');
    const [m] = (await receive('TimerT', 2)).slice(1);
    assert.equal(m!.body.toString(), 'in one second');
    assert.equal(m!.msgId, r.msgId, 'UNIQ_KEY kept');
    assert.ok(m!.storeTimestamp >= sentAt + 1000, 'not before the asked time');
    assert.ok(m!.storeTimestamp >= out + 100, 'delivered once its slot is over');
    const q = m!.properties;
    // As a 5.5.0 broker stores it (seen with the official client): REAL_TOPIC/REAL_QID and the sender's WAIT kept.
    assert.equal(q.get('REAL_TOPIC'), 'TimerT');
    assert.equal(q.get('REAL_QID'), '0');
    assert.equal(q.get('TIMER_OUT_MS'), String(out));
    assert.equal(q.get('TIMER_DELAY_SEC'), '1');
    assert.ok(Number(q.get('TIMER_ENQUEUE_MS')) <= out);
    assert.ok(Number(q.get('TIMER_DEQUEUE_MS')) >= out + 100);
  });

  it('rule: TIMER_DELIVER_MS and TIMER_DELAY_MS are timers too; a time already past is delivered at once without the wheel', async () => {
    const a = await client.send('TimerT2', Buffer.from('deliver-ms'), { queueId: 0, properties: { TIMER_DELIVER_MS: String(Date.now() + 500) } });
    const b = await client.send('TimerT2', Buffer.from('delay-ms'), { queueId: 0, properties: { TIMER_DELAY_MS: '300' } });
    const c = await client.send('TimerT2', Buffer.from('past'), { queueId: 0, properties: { TIMER_DELIVER_MS: String(Date.now() - 1000) } });
    for (const x of [a, b, c]) assert.equal(x.code, ResponseCode.SUCCESS);
    assert.equal(c.queueOffset, 0, 'the past one is stored in the real topic directly');
    const got = await receive('TimerT2', 3);
    assert.deepEqual(got.map((m) => m.body.toString()).sort(), ['delay-ms', 'deliver-ms', 'past']);
    assert.equal(got.find((m) => m.body.toString() === 'past')!.properties.get('TIMER_OUT_MS'), undefined);
  });

  it("bad input: beyond timerMaxDelaySec (3 days) or an unparsable time is MESSAGE_ILLEGAL with Java's remark; nothing is stored", async () => {
    const cases: Record<string, string>[] = [{ TIMER_DELAY_SEC: String(3 * 24 * 3600 + 60) }, { TIMER_DELIVER_MS: 'soon' }, { TIMER_DELAY_MS: '1.5' }];
    for (const props of cases) {
      const r = await client.send('TimerBad', Buffer.from('x'), { queueId: 0, properties: props });
      assert.equal(r.code, ResponseCode.MESSAGE_ILLEGAL, JSON.stringify(props));
      assert.equal(r.remark, MAX_DELAY_REMARK);
    }
    assert.equal(broker.store.getMaxOffsetInQueue(TIMER_TOPIC, 0), 0);
    const ok = await client.send('TimerBad', Buffer.from('x'), { queueId: 0, properties: { TIMER_DELAY_SEC: String(3 * 24 * 3600 - 60) } });
    assert.equal(ok.code, ResponseCode.SUCCESS, 'just under the max delay is accepted');
  });

  it('GET_TIMER_METRICS (61): a timer just under the max delay counts as pending under its real topic, as Java answers it (TimerMetrics#encode)', async () => {
    const metrics = async (): Promise<{ timingCount: Record<string, { count: number; timeStamp: number }>; dataVersion: { counter: number } }> => {
      const r = await client.remoting.invoke(addr, createRequest({ code: RequestCode.GET_TIMER_METRICS, opaque: 0, version: 513 }), 5000);
      assert.equal(r.code, ResponseCode.SUCCESS);
      return JSON.parse(r.body!.toString('utf8'));
    };
    assert.equal((await metrics()).timingCount['TimerFar'], undefined);
    const r = await client.send('TimerFar', Buffer.from('far'), { queueId: 0, properties: { TIMER_DELAY_SEC: String(3 * 24 * 3600 - 5) } });
    assert.equal(r.code, ResponseCode.SUCCESS);
    while (broker.ctx.timer!.progress().queueOffset < broker.store.getMaxOffsetInQueue(TIMER_TOPIC, 0)) await new Promise((res) => setTimeout(res, 20));
    const m = await metrics();
    assert.equal(m.timingCount['TimerFar']!.count, 1);
    assert.deepEqual(Object.keys(m), ['dataVersion', 'timingCount'], 'fastjson field order');
    assert.equal(broker.store.getMaxOffsetInQueue('TimerFar', 0), 0, 'parked, not delivered');
  });

  it('GET_TIMER_METRICS (61) without a timer store (timerWheelEnable=false): SYSTEM_ERROR with Java\'s remark', async () => {
    await restart({ timerWheelEnable: false });
    const r = await client.remoting.invoke(addr, createRequest({ code: RequestCode.GET_TIMER_METRICS, opaque: 0, version: 513 }), 5000);
    assert.equal(r.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(r.remark, 'The timer message store is null');
  });

  it('bound timerCongestNumEachSlot: beyond twice the timers a slot may hold, sends to it are refused with Java\'s flow-control remark', async () => {
    await restart({ timerCongestNumEachSlot: 1 });
    const due = String(Math.floor(Date.now() / 1000) * 1000 + 60_500);
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) codes.push((await client.send('TimerCongest', Buffer.from('x'), { queueId: 0, properties: { TIMER_DELIVER_MS: due } })).code);
    // Slot counts move when the service has enqueued the previous ones: wait for that, then the slot holds 2 (= 2 x 1).
    while (broker.ctx.timer!.progress().queueOffset < broker.store.getMaxOffsetInQueue(TIMER_TOPIC, 0)) await new Promise((r) => setTimeout(r, 20));
    const r = await client.send('TimerCongest', Buffer.from('x'), { queueId: 0, properties: { TIMER_DELIVER_MS: due } });
    assert.equal(r.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(r.remark, 'timer message is under flow control, max num limit is 2 or the current value is greater than 1 and less than 2, trigger random flow control');
    assert.equal(codes[0], ResponseCode.SUCCESS);
  });

  it('rule: timerStopEnqueue holds timers in rmq_sys_wheel_timer; one already due when enqueued skips the wheel (TIMER_ENQUEUE_MS = Long.MAX_VALUE, as Java)', async () => {
    broker.ctx.storeConfig.timerStopEnqueue = true;
    const r = await client.send('TimerHeld', Buffer.from('held'), { queueId: 0, properties: { TIMER_DELAY_MS: '200' } });
    assert.equal(r.code, ResponseCode.SUCCESS);
    const out = Number((await client.pull(addr, 'timer_check', TIMER_TOPIC, 0, r.queueOffset)).messages[0]!.properties.get('TIMER_OUT_MS'));
    while (Date.now() < out + 300) await new Promise((res) => setTimeout(res, 50));
    assert.equal(broker.store.getMaxOffsetInQueue('TimerHeld', 0), 0, 'nothing delivered while the enqueue is stopped');
    broker.ctx.storeConfig.timerStopEnqueue = false;
    const [m] = await receive('TimerHeld', 1);
    assert.equal(m!.properties.get('TIMER_ENQUEUE_MS'), '9223372036854775807');
  });

  it('rule: a DELAY level wins over timer properties (Java checkIfTimerMessage drops them)', async () => {
    const r = await client.send('TimerLvl', Buffer.from('x'), { queueId: 0, delayLevel: 1, properties: { TIMER_DELAY_SEC: '100' } });
    assert.equal(r.code, ResponseCode.SUCCESS);
    const [m] = await receive('TimerLvl', 1);
    assert.equal(m!.properties.get('TIMER_DELAY_SEC'), undefined);
  });

  it('rule: timers further than timerRollWindowSlot are rolled through rmq_sys_wheel_timer (TIMER_ROLL_TIMES) and still delivered not before their time', async () => {
    await restart({ timerRollWindowSlot: 5 });
    const sentAt = Date.now();
    const r = await client.send('TimerRoll', Buffer.from('rolled'), { queueId: 0, properties: { TIMER_DELAY_MS: '1500' } });
    assert.equal(r.code, ResponseCode.SUCCESS);
    const [m] = await receive('TimerRoll', 1);
    assert.ok(Number(m!.properties.get('TIMER_ROLL_TIMES')) >= 1);
    assert.ok(m!.storeTimestamp >= sentAt + 1500);
  });

  it("SWITCH_TIMER_ENGINE (5001) answers as a 5.5.0 broker without timerRocksDBEnable: F succeeds and restarts the enqueue, R and bad input are refused", async () => {
    const sw = (ext: Map<string, string> | null) => client.remoting.invoke(addr, createRequest({ code: RequestCode.SWITCH_TIMER_ENGINE, opaque: 0, version: 513, extFields: ext }), 5000);
    const r = await sw(new Map([['E_T', 'R']]));
    assert.equal(r.code, ResponseCode.INVALID_PARAMETER);
    assert.equal(r.remark, 'timerRocksDBEnable must be configured true when broker start');
    assert.equal((await sw(new Map([['E_T', 'X']]))).remark, 'param error');
    broker.ctx.storeConfig.timerStopEnqueue = true;
    const f = await sw(new Map([['E_T', 'F']]));
    assert.equal(f.code, ResponseCode.SUCCESS);
    assert.equal(f.remark, 'switch timer engine success');
    assert.equal(broker.ctx.storeConfig.timerStopEnqueue, false);
  });

  it('durability: timers pending at a clean shutdown are delivered after the restart, each exactly once', async () => {
    const sent: string[] = [];
    for (let i = 0; i < 20; i++) {
      const body = `pending-${i}`;
      const r = await client.send('TimerRestart', Buffer.from(body), { queueId: 0, properties: { TIMER_DELAY_MS: String(800 + (i % 5) * 100) } });
      assert.equal(r.code, ResponseCode.SUCCESS);
      sent.push(body);
    }
    const early = await client.send('TimerRestart', Buffer.from('early'), { queueId: 0, properties: { TIMER_DELAY_MS: '100' } });
    assert.equal(early.code, ResponseCode.SUCCESS);
    await receive('TimerRestart', 1);
    await restart();
    const got = await receive('TimerRestart', 21);
    // Delivered ones stay delivered: wait for a few more slots and count again.
    await new Promise((res) => setTimeout(res, 1000));
    const all = (await client.pull(addr, 'timer_check', 'TimerRestart', 0, 0, { maxMsgNums: 64 })).messages;
    assert.equal(all.length, 21, 'nothing delivered twice');
    assert.deepEqual(got.map((m) => m.body.toString()).sort(), [...sent, 'early'].sort());
    assert.ok(fs.statSync(path.join(dir, 'store', 'timerwheel')).size === 38_707_200);
    assert.ok(fs.existsSync(path.join(dir, 'store', 'config', 'timercheck')));
    assert.ok(fs.existsSync(path.join(dir, 'store', 'config', 'timermetrics')));
    assert.ok(fs.readdirSync(path.join(dir, 'store', 'timerlog')).length >= 1);
  });
});

describe('lib/broker timer messages: SIGKILL of the process', function () {
  this.timeout(90_000);

  function start(dir: string, nsPort: number, brokerPort: number, conf: string): ChildProcess {
    const log = fs.openSync(path.join(dir, 'apogee.log'), 'a');
    return spawn(process.execPath, [APOGEE, 'start', '--dataDir', path.join(dir, 'data'), '--namesrvPort', String(nsPort), '--brokerPort', String(brokerPort), '--brokerConfig', conf], {
      stdio: ['ignore', log, log],
      env: { ...process.env, APOGEE_LOG_LEVEL: 'warn' },
    });
  }

  async function waitReady(client: RocketClient): Promise<void> {
    for (let i = 0; i < 300; i++) {
      try {
        if ((await client.routeOf('TBW102', 0)) !== undefined) return;
      } catch {
        /* not yet */
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('apogee did not become ready');
  }

  it('durability: timers acknowledged before a SIGKILL are all delivered after the restart, none before its time', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-timer-kill-'));
    const conf = path.join(dir, 'broker.conf');
    fs.writeFileSync(conf, 'timerPrecisionMs=100\nmappedFileSizeCommitLog=4194304\n');
    const nsPort = await freePort();
    const brokerPort = await freeBrokerPort();
    let proc = start(dir, nsPort, brokerPort, conf);
    let client = new RocketClient({ namesrvAddr: `127.0.0.1:${nsPort}`, logger: silentLogger(), timeoutMs: 5000 });
    const acked = new Map<string, number>();
    try {
      await waitReady(client);
      for (let i = 0; i < 30; i++) {
        const body = `kill-${i}`;
        const due = Date.now() + 2000 + i * 50;
        const r = await client.send('TimerKill', Buffer.from(body), { queueId: 0, properties: { TIMER_DELIVER_MS: String(due) } });
        if (r.code === ResponseCode.SUCCESS) acked.set(body, due);
      }
      proc.kill('SIGKILL');
      await new Promise<void>((r) => (proc.exitCode !== null || proc.signalCode !== null ? r() : proc.once('exit', () => r())));
      client.close();
      assert.equal(acked.size, 30);
      proc = start(dir, nsPort, brokerPort, conf);
      client = new RocketClient({ namesrvAddr: `127.0.0.1:${nsPort}`, logger: silentLogger(), timeoutMs: 5000 });
      await waitReady(client);
      const seen = new Map<string, number>();
      let offset = 0;
      while (seen.size < acked.size) {
        const r = await client.pull(`127.0.0.1:${brokerPort}`, 'timer_check', 'TimerKill', 0, offset, { suspendMs: 1000 });
        if (r.code === ResponseCode.SUCCESS) {
          for (const m of r.messages) seen.set(m.body.toString(), m.storeTimestamp);
          offset = r.nextBeginOffset;
        }
      }
      for (const [body, due] of acked) assert.ok(seen.get(body)! >= due, `${body} not before its time`);
    } finally {
      client.close();
      proc.kill('SIGKILL');
    }
  });
});
