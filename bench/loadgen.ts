/**
 * Apogee's load generator on lib/client, run as a child process of bench/run.ts (so that its CPU is its own and
 * the harness's timers do not disturb its latencies). One mode per invocation; the result is one JSON line on
 * stdout starting with "RESULT ".
 *
 *   node dist/bench/loadgen.js send    --namesrv A --topic T --size 1024 --concurrency 16 --warmup 2 --seconds 10
 *                                      [--batch 0] [--serverPids 1,2] [--serialize ROCKETMQ|JSON] [--tls true]
 *                                      [--accessKey ak --secretKey sk] (send: every request signed, AclClientRPCHook)
 *   node dist/bench/loadgen.js fill    --namesrv A --topic T --size 1024 --mib 1024 [--batch 32] [--concurrency 8]
 *   node dist/bench/loadgen.js e2e     --namesrv A --topic T --rate 2000 --warmup 2 --seconds 10 [--size 128]
 *   node dist/bench/loadgen.js namesrv --namesrv A --brokers 10 --topics 100 --warmup 1 --seconds 5
 *                                      [--connections 4] [--inflight 16] [--phases route,register] [--regBodies 1]
 *   node dist/bench/loadgen.js sqlpull --namesrv A --topic T --msgs 20000 --matchEvery 10 (see bench/sqlpull.ts)
 *
 * send:    `concurrency` callers, each awaiting its previous send (the official Producer's -w threads); one
 *          connection, as the Java client uses one channel per broker. Latency: request written -> response read.
 * e2e:     messages sent at a fixed rate carry their send time; long-polling pulls on every queue (what a push
 *          consumer does: PULL_MESSAGE with FLAG_SUSPEND) receive them; latency = receive time - send time.
 * namesrv: 10 fake brokers (one connection each) REGISTER_BROKER with 100 topics (8 queues each, every broker
 *          hosts every topic), then GET_ROUTEINFO_BY_TOPIC on random topics from `connections` x `inflight`
 *          callers, then REGISTER_BROKER from each broker back to back. JSON serialization (the clients' default).
 */
import { crc32 } from 'node:zlib';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { RegisterBrokerBody, TopicConfig, type TopicConfig as TopicConfigT } from '../protocol/bodies';
import { createRequest, SerializeType } from '../protocol/command';
import { RequestCode, ResponseCode } from '../protocol/codes';
import { encodeHeader, RegisterBrokerRequestHeader } from '../protocol/headers';
import { SERVER_VERSION } from '../lib/common';
import { benchClient, bareRemoting, serverLoopDelay, type ServerLoopDelay } from './harness/ops';
import { UsageWindow, type WindowUsage } from './harness/proc';
import { Samples, sleep, type ClientLoop, type LatencySummary } from './harness/stats';
import { modeSqlPull } from './sqlpull';
import { arg } from './harness/args';

const num = (name: string, def?: number): number => Number(arg(name, def === undefined ? undefined : String(def)));

function pids(): number[] {
  const s = arg('serverPids', '');
  return s === '' ? [] : s.split(',').map(Number);
}

function window(): UsageWindow {
  return new UsageWindow({ server: pids() }, 500, 'loadgen');
}

/** What the load loops look at: count only while `measuring`; leave when `stop`. */
interface Gate {
  measuring: boolean;
  stop: boolean;
}

function clientLoopWindow(): { end(): ClientLoop } {
  const h = monitorEventLoopDelay({ resolution: 1 });
  const gc = { ms: 0, count: 0, maxMs: 0, minorMs: 0 };
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.ms += e.duration;
      gc.count++;
      if (e.duration > gc.maxMs) gc.maxMs = e.duration;
      // detail.kind: NODE_PERFORMANCE_GC_MINOR = 1 (a scavenge)
      if ((e as { detail?: { kind?: number } }).detail?.kind === 1) gc.minorMs += e.duration;
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  h.enable();
  return {
    end(): ClientLoop {
      h.disable();
      obs.disconnect();
      // The histogram counts the timer's own 1 ms period in every sample (nanoseconds).
      return { loopDelayP99Ms: Math.max(0, h.percentile(99) / 1e6 - 1), loopDelayMaxMs: Math.max(0, h.max / 1e6 - 1), gcMs: gc.ms, gcCount: gc.count, gcMaxMs: gc.maxMs, gcMinorMs: gc.minorMs };
    },
  };
}

/**
 * Starts the load loops, lets them warm up for `warmupMs`, measures for `measureMs` (gate.measuring set, CPU and
 * RSS sampled by a UsageWindow), then stops them and waits until every loop has returned.
 */
async function measured(gate: Gate, warmupMs: number, measureMs: number, start: () => Promise<void>[]): Promise<{ seconds: number; usage: WindowUsage; clientLoop: ClientLoop }> {
  gate.stop = false;
  gate.measuring = false;
  const running = start();
  await sleep(warmupMs);
  gate.measuring = true;
  const w = window();
  const loop = clientLoopWindow();
  const t0 = performance.now();
  await sleep(measureMs);
  gate.measuring = false;
  const seconds = (performance.now() - t0) / 1000;
  const usage = w.end();
  const clientLoop = loop.end();
  gate.stop = true;
  await Promise.all(running);
  return { seconds, usage, clientLoop };
}

function result(r: unknown): void {
  process.stdout.write(`RESULT ${JSON.stringify(r)}\n`);
}

function body(size: number, fill = 0x61): Buffer {
  return Buffer.alloc(Math.max(1, size), fill);
}

export interface SendResultJson {
  mode: 'send';
  sent: number;
  errors: number;
  errorCodes: Record<string, number>;
  seconds: number;
  msgsPerSec: number;
  latency: LatencySummary;
  usage: WindowUsage;
  /** The broker's event-loop delay over its last 60 s, read right after the window (NaN on Java). */
  serverLoopDelay: ServerLoopDelay;
  /** The load generator's own loop and GC over the window. */
  clientLoop: ClientLoop;
}

async function modeSend(): Promise<void> {
  const namesrv = arg('namesrv');
  const topic = arg('topic');
  const size = num('size', 1024);
  const concurrency = num('concurrency', 16);
  const warmup = num('warmup', 2) * 1000;
  const seconds = num('seconds', 10) * 1000;
  const batch = num('batch', 0);
  const ser = arg('serialize', 'ROCKETMQ') === 'JSON' ? SerializeType.JSON : SerializeType.ROCKETMQ;
  const ak = arg('accessKey', '');
  const client = benchClient(namesrv, 10_000, ser, arg('tls', 'false') === 'true', ak === '' ? undefined : { accessKey: ak, secretKey: arg('secretKey', '') });
  const b = body(size);
  const bodies = batch > 0 ? Array.from({ length: batch }, () => b) : [];
  await client.publishQueues(topic); // route cached before the clock starts
  const lat = new Samples();
  const gate: Gate = { measuring: false, stop: false };
  let sent = 0;
  let errors = 0;
  const codes: Record<string, number> = {};
  const worker = async (): Promise<void> => {
    while (!gate.stop) {
      const t = performance.now();
      try {
        const r = batch > 0 ? await client.sendBatch(topic, bodies) : await client.send(topic, b);
        if (r.code !== ResponseCode.SUCCESS) {
          errors++;
          codes[r.code] = (codes[r.code] ?? 0) + 1;
          await sleep(10);
        } else if (gate.measuring) {
          lat.add((performance.now() - t) * 1000);
          sent += batch > 0 ? batch : 1;
        }
      } catch (e) {
        errors++;
        const k = (e as Error).message.slice(0, 60);
        codes[k] = (codes[k] ?? 0) + 1;
        await sleep(50);
      }
    }
  };
  const { seconds: elapsed, usage, clientLoop } = await measured(gate, warmup, seconds, () => Array.from({ length: concurrency }, worker));
  const brokerAddr = (await client.publishQueues(topic))[0]?.brokerAddr;
  const loop = brokerAddr === undefined ? { p99Ms: NaN, maxMs: NaN } : await serverLoopDelay(client, brokerAddr);
  client.close();
  const out: SendResultJson = { mode: 'send', sent, errors, errorCodes: codes, seconds: elapsed, msgsPerSec: sent / elapsed, latency: lat.summary(), usage, serverLoopDelay: loop, clientLoop };
  result(out);
}

async function modeFill(): Promise<void> {
  const namesrv = arg('namesrv');
  const topic = arg('topic');
  const size = num('size', 1024);
  const mib = num('mib', 1024);
  const batch = num('batch', 32);
  const concurrency = num('concurrency', 8);
  const client = benchClient(namesrv, 30_000);
  const b = body(size);
  const bodies = Array.from({ length: batch }, () => b);
  // Each stored 1 KiB body is ~1.2 KiB with its record header and properties; count bodies to reach `mib` of bodies.
  const total = Math.ceil((mib * 2 ** 20) / size);
  let next = 0;
  let acked = 0;
  let errors = 0;
  const t0 = Date.now();
  let lastReport = t0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const n = Math.min(batch, total - next);
      next += n;
      let done = false;
      while (!done) {
        try {
          const r = await client.sendBatch(topic, n === batch ? bodies : bodies.slice(0, n));
          if (r.code === ResponseCode.SUCCESS) {
            acked += n;
            done = true;
          } else {
            errors++;
            await sleep(20);
          }
        } catch {
          errors++;
          await sleep(100);
        }
      }
      if (Date.now() - lastReport > 2000) {
        lastReport = Date.now();
        process.stdout.write(`fill: ${acked}/${total} messages\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  client.close();
  result({ mode: 'fill', msgs: acked, bytes: acked * size, ms: Date.now() - t0, errors });
}

async function modeE2e(): Promise<void> {
  const namesrv = arg('namesrv');
  const topic = arg('topic');
  const rate = num('rate', 2000);
  const size = Math.max(16, num('size', 128));
  const warmup = num('warmup', 2) * 1000;
  const seconds = num('seconds', 10) * 1000;
  const producer = benchClient(namesrv, 10_000);
  const consumer = benchClient(namesrv, 10_000);
  const queues = await producer.publishQueues(topic);
  const group = `apogee_bench_e2e_${Date.now().toString(36)}`;
  // Start every queue at its current end, then pull with long polling (suspend 15 s, as push consumers do).
  const offsets = await Promise.all(queues.map((q) => consumer.maxOffset(q.brokerAddr, topic, q.queueId)));
  const e2e = new Samples();
  const sendLat = new Samples();
  let measuring = false;
  let stop = false;
  let received = 0;
  let sentMeasured = 0;
  let errors = 0;
  const pullers = queues.map(async (q, i) => {
    let offset = offsets[i]!;
    while (!stop) {
      try {
        const r = await consumer.pull(q.brokerAddr, group, topic, q.queueId, offset, { suspendMs: 15_000, maxMsgNums: 32 });
        const now = performance.now();
        if (r.code === ResponseCode.SUCCESS) {
          for (const m of r.messages) {
            // Byte 8 marks a message sent inside the measured window; it counts whenever it arrives (the drain
            // below waits for the last ones), so sent - received is what was really lost.
            if (m.body.length >= 9 && m.body[8] === 1) {
              e2e.add((now - m.body.readDoubleBE(0)) * 1000);
              received++;
            }
          }
        }
        if (r.nextBeginOffset >= 0) offset = r.nextBeginOffset;
      } catch {
        if (!stop) errors++;
        await sleep(20);
      }
    }
  });
  await sleep(200); // pulls are suspended on the broker before the first message
  const tick = 5;
  const perTick = rate / (1000 / tick);
  let credit = 0;
  let inflight = 0;
  const t0 = performance.now();
  let w: UsageWindow | undefined;
  let tMeasure = 0;
  const timer = setInterval(() => {
    const elapsed = performance.now() - t0;
    if (!measuring && elapsed >= warmup && w === undefined) {
      measuring = true;
      w = window();
      tMeasure = performance.now();
    }
    credit += perTick;
    while (credit >= 1 && inflight < 1024) {
      credit--;
      inflight++;
      const b = Buffer.alloc(size, 0x62);
      const t = performance.now();
      b.writeDoubleBE(t, 0);
      const m = measuring;
      b[8] = m ? 1 : 0;
      if (m) sentMeasured++;
      producer.send(topic, b).then(
        (r) => {
          inflight--;
          if (r.code !== ResponseCode.SUCCESS) errors++;
          else if (m) sendLat.add((performance.now() - t) * 1000);
        },
        () => {
          inflight--;
          errors++;
        },
      );
    }
  }, tick);
  await sleep(warmup + seconds);
  measuring = false;
  clearInterval(timer);
  const elapsed = (performance.now() - tMeasure) / 1000;
  // The last measured messages arrive (bounded: what has not arrived by then counts as lost).
  for (let waited = 0; received < sentMeasured && waited < 5000; waited += 50) await sleep(50);
  const usage = w!.end();
  const loop = queues[0] === undefined ? { p99Ms: NaN, maxMs: NaN } : await serverLoopDelay(producer, queues[0].brokerAddr);
  stop = true;
  producer.close();
  consumer.close();
  await Promise.allSettled(pullers);
  result({ mode: 'e2e', rate, sent: sentMeasured, received, errors, seconds: elapsed, e2e: e2e.summary(), send: sendLat.summary(), usage, serverLoopDelay: loop });
}

async function modeNamesrv(): Promise<void> {
  const namesrv = arg('namesrv');
  const brokers = num('brokers', 10);
  const topics = num('topics', 100);
  const warmup = num('warmup', 1) * 1000;
  const seconds = num('seconds', 5) * 1000;
  const connections = num('connections', 4);
  const inflight = num('inflight', 16);
  const phases = arg('phases', 'route,register').split(',');
  const topicNames = Array.from({ length: topics }, (_, i) => `BenchRouteTopic-${i}`);
  const table = new Map<string, TopicConfigT>();
  for (const t of topicNames) table.set(t, TopicConfig.make({ topicName: t, readQueueNums: 8, writeQueueNums: 8, perm: 6 }));
  const now = Date.now();
  // --regBodies N: each fake broker cycles through N bodies that differ in their data version (a broker whose
  // topics changed), so that every registration is decoded; 1 (default): the same body each time.
  const regBodies = num('regBodies', 1);
  const bodyOf = (counter: number): Buffer => RegisterBrokerBody.encode({
    filterServerList: [],
    topicConfigSerializeWrapper: {
      dataVersion: { counter, stateVersion: 0, timestamp: now },
      topicConfigTable: table,
      mappingDataVersion: { counter: 0, stateVersion: 0, timestamp: now },
      topicQueueMappingDetailMap: new Map(),
      topicQueueMappingInfoMap: new Map(),
    },
  } as never);
  const bodies = Array.from({ length: regBodies }, (_, i) => bodyOf(i + 1)).map((b) => ({ b, crc: (crc32(b) & 0x7fffffff) >>> 0 }));
  const regBody = bodies[0]!.b;
  let regSeq = 0;
  // One remoting client (one connection) per fake broker, kept open: a NameServer drops a broker whose channel closes.
  const fake = Array.from({ length: brokers }, (_, i) => ({ client: bareRemoting(), name: `bench-broker-${i}`, addr: `127.0.0.1:${31000 + i * 3}` }));
  const register = async (f: (typeof fake)[number]): Promise<number> => {
    const { b: body, crc: bodyCrc32 } = bodies[regSeq++ % bodies.length]!;
    const ext = encodeHeader(RegisterBrokerRequestHeader, {
      brokerName: f.name,
      brokerAddr: f.addr,
      clusterName: 'BenchCluster',
      haServerAddr: f.addr,
      brokerId: 0,
      enableActingMaster: false,
      compressed: false,
      bodyCrc32,
    });
    const r = await f.client.invoke(namesrv, createRequest({ code: RequestCode.REGISTER_BROKER, opaque: 0, version: SERVER_VERSION, extFields: ext, body }), 10_000);
    return r.code;
  };
  for (const f of fake) {
    const code = await register(f);
    if (code !== ResponseCode.SUCCESS) throw new Error(`REGISTER_BROKER ${f.name}: code ${code}`);
  }
  // Route lookups.
  const lookers = Array.from({ length: connections }, () => bareRemoting());
  const routeLat = new Samples();
  const gate: Gate = { measuring: false, stop: false };
  let ok = 0;
  let errors = 0;
  let routeBytes = 0;
  const looker = async (c: ReturnType<typeof bareRemoting>, seed: number): Promise<void> => {
    let i = seed;
    while (!gate.stop) {
      i = (i * 1103515245 + 12345) & 0x7fffffff;
      const topic = topicNames[i % topics]!;
      const t = performance.now();
      try {
        const r = await c.invoke(
          namesrv,
          createRequest({ code: RequestCode.GET_ROUTEINFO_BY_TOPIC, opaque: 0, version: SERVER_VERSION, extFields: new Map([['topic', topic]]), serializeType: SerializeType.JSON }),
          10_000,
        );
        if (r.code !== ResponseCode.SUCCESS) errors++;
        else if (gate.measuring) {
          routeLat.add((performance.now() - t) * 1000);
          ok++;
          routeBytes = r.body?.length ?? 0;
        }
      } catch {
        errors++;
        await sleep(20);
      }
    }
  };
  const runPhase = (start: () => Promise<void>[]): Promise<{ seconds: number; usage: WindowUsage }> => measured(gate, warmup, seconds, start);
  const route = phases.includes('route')
    ? await runPhase(() => lookers.flatMap((c, ci) => Array.from({ length: inflight }, (_, k) => looker(c, ci * 1000 + k + 1))))
    : { seconds: NaN, usage: window().end() };
  const routeResult = { ok, errors, msgsPerSec: ok / route.seconds, seconds: route.seconds, latency: routeLat.summary(), usage: route.usage, routeBodyBytes: routeBytes };
  // Registrations, one at a time per broker.
  const regLat = new Samples();
  let regOk = 0;
  let regErrors = 0;
  const registrar = async (f: (typeof fake)[number]): Promise<void> => {
    while (!gate.stop) {
      const t = performance.now();
      try {
        const code = await register(f);
        if (code !== ResponseCode.SUCCESS) regErrors++;
        else if (gate.measuring) {
          regLat.add((performance.now() - t) * 1000);
          regOk++;
        }
      } catch {
        regErrors++;
        await sleep(20);
      }
    }
  };
  const reg = phases.includes('register') ? await runPhase(() => fake.map((f) => registrar(f))) : { seconds: NaN, usage: window().end() };
  const regResult = { ok: regOk, errors: regErrors, msgsPerSec: regOk / reg.seconds, seconds: reg.seconds, latency: regLat.summary(), usage: reg.usage, bodyBytes: regBody.length };
  for (const c of lookers) c.close();
  for (const f of fake) f.client.close();
  result({ mode: 'namesrv', brokers, topics, connections, inflight, route: routeResult, register: regResult });
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  switch (mode) {
    case 'send':
      return modeSend();
    case 'fill':
      return modeFill();
    case 'e2e':
      return modeE2e();
    case 'namesrv':
      return modeNamesrv();
    case 'sqlpull':
      return result(await modeSqlPull(arg, measured));
    default:
      throw new Error(`unknown mode ${mode}; see the header of bench/loadgen.ts`);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`loadgen: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
