/**
 * Soak (issue 14 "Proof"): N minutes of mixed load against one `apogee start` (NameServer + broker), with
 *   - producers: lib/client sync sends at a fixed total rate to 4 topics, each body carrying a sequence number; every
 *     acknowledged sequence is remembered;
 *   - client churn: a new client every second that looks up a route, sends one (accounted) message and closes;
 *   - slow readers: raw sockets that keep sending PULL_MESSAGE for a full queue and never read (reopened when the
 *     server closes them, and recycled every minute);
 *   - topic churn: a topic created every 2 s (UPDATE_AND_CREATE_TOPIC) and the one ten steps older deleted
 *     (DELETE_TOPIC_IN_BROKER + DELETE_TOPIC_IN_NAMESRV);
 *   - SIGKILLs: the server killed every `--killEverySec` and restarted on the same store and ports.
 * Every 5 s it samples the server's RSS, its event-loop delay (GET_BROKER_RUNTIME_INFO eventLoopDelayP99Ms /
 * eventLoopDelayMaxMs, the server's last 60 s), acknowledged sends, errors and the worst route lookup of the interval.
 * At the end it SIGKILLs once more, restarts, pulls every queue of the 4 topics from offset 0 and checks that every
 * acknowledged sequence is there. Nothing is asserted on time; a lost acknowledged message fails the run (exit 1).
 *
 *   npm run bench -- --soak --minutes 30 [--rate 300] [--killEverySec 300] [--slowReaders 16] [--name NAME]
 *
 * Writes bench/results/<date>-soak-<name>.{json,md,svg} (md and svg: bench/soak/report.ts).
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRequest, encodeCommand, SerializeType } from '../../protocol/command';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import type { RocketClient } from '../../lib/client';
import { createLogger } from '../../lib/common';
import { ApogeeProcess, RunContext, repoRoot } from '../../compat-tests/runner';
import { benchClient, createTopicFields, serverLoopDelay } from '../harness/ops';
import { memInfo } from '../harness/proc';
import { sleep } from '../harness/stats';
import { soakMarkdown, soakSvg, type SoakResult, type SoakSample } from './report';

const argv = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1]! : def;
};

const TOPICS = ['soak_a', 'soak_b', 'soak_c', 'soak_d'];
const QUEUES = 4;
const BODY_BYTES = 512;

/** A body of BODY_BYTES that starts with the sequence number (decimal, then a space). */
function bodyOf(seq: number): Buffer {
  const b = Buffer.alloc(BODY_BYTES, 0x2e);
  b.write(`${seq} `, 0, 'latin1');
  return b;
}

function seqOf(body: Buffer): number {
  return Number(body.subarray(0, body.indexOf(0x20)).toString('latin1'));
}

/** A client that sends PULL_MESSAGE frames and never reads its socket (paused from the start). */
function slowReader(brokerAddr: string, stopped: () => boolean): () => void {
  let sock: net.Socket | null = null;
  let timer: NodeJS.Timeout | null = null;
  let opaque = 1;
  const [host, port] = brokerAddr.split(':');
  const open = (): void => {
    if (stopped()) return;
    const s = net.connect({ host: host!, port: Number(port) });
    sock = s;
    s.pause();
    s.on('error', () => undefined);
    s.on('close', () => {
      if (timer !== null) clearInterval(timer);
      timer = null;
      if (sock === s) setTimeout(open, 500);
    });
    s.on('connect', () => {
      timer = setInterval(() => {
        const ext = new Map([
          ['consumerGroup', 'soak_slow_reader'],
          ['topic', TOPICS[opaque % TOPICS.length]!],
          ['queueId', String(opaque % QUEUES)],
          ['queueOffset', '0'],
          ['maxMsgNums', '32'],
          ['sysFlag', '2'],
          ['commitOffset', '0'],
          ['suspendTimeoutMillis', '0'],
          ['subscription', '*'],
          ['subVersion', '0'],
          ['expressionType', 'TAG'],
        ]);
        s.write(encodeCommand(createRequest({ code: RequestCode.PULL_MESSAGE, opaque: opaque++, version: 453, extFields: ext, serializeType: SerializeType.ROCKETMQ })));
      }, 200);
    });
  };
  open();
  const recycle = setInterval(() => sock?.destroy(), 60_000);
  return () => {
    clearInterval(recycle);
    const s = sock;
    sock = null;
    s?.destroy();
  };
}

async function main(): Promise<void> {
  const minutes = Number(opt('minutes', '30'));
  const rate = Number(opt('rate', '300'));
  const killEverySec = Number(opt('killEverySec', '300'));
  const slowReaders = Number(opt('slowReaders', '16'));
  const name = opt('name', `${minutes}min`);
  const workDir = opt('workDir', path.join(os.tmpdir(), 'apogee-bench-soak'));
  const ctx = RunContext.create({ rootDir: workDir, keepRuns: 1, logger: createLogger({ name: 'soak', fd: 2, level: 'warn' }) });
  const server = await ApogeeProcess.start(ctx, {
    dir: path.join(ctx.dir, 'apogee'),
    name: 'apogee-soak',
    env: { APOGEE_LOG_LEVEL: 'warn' },
    brokerConfig: { autoCreateTopicEnable: true },
  });
  const log = (s: string): void => void process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
  const admin = benchClient(server.namesrvAddr, 10_000);
  const producers = [0, 1, 2, 3].map(() => benchClient(server.namesrvAddr, 5_000));
  const probe = benchClient(server.namesrvAddr, 5_000);
  const acked = new Set<number>();
  let seq = 0;
  let errors = 0;
  let churnClients = 0;
  let topicsCreated = 0;
  let topicErrors = 0;
  let lookupMaxMs = 0;
  let lookupFailures = 0;
  let down = false;
  const kills: number[] = [];
  const samples: SoakSample[] = [];
  let stop = false;
  const t0 = performance.now();
  const elapsedS = (): number => (performance.now() - t0) / 1000;

  const send = async (c: RocketClient, topic: string): Promise<void> => {
    const s = seq++;
    try {
      const r = await c.send(topic, bodyOf(s));
      if (r.code === ResponseCode.SUCCESS) acked.add(s);
      else errors++;
    } catch {
      errors++;
    }
  };
  const loops: Promise<void>[] = [];
  try {
    for (const t of TOPICS) {
      const r = await admin.call(server.brokerAddr, RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicFields(t, QUEUES));
      if (r.code !== ResponseCode.SUCCESS) throw new Error(`create ${t}: ${r.remark ?? r.code}`);
    }
    while ((await probe.routeOf(TOPICS[3]!, 0).catch(() => undefined)) === undefined) await sleep(100);
    log(`started: ${minutes} min, ${rate} msg/s, SIGKILL every ${killEverySec} s, ${slowReaders} slow readers`);

    // producers: each at rate/4 per second
    const gapMs = (4 * 1000) / rate;
    producers.forEach((c, i) =>
      loops.push(
        (async () => {
          let next = performance.now();
          while (!stop) {
            await send(c, TOPICS[i]!);
            next += gapMs;
            const wait = next - performance.now();
            if (wait > 0) await sleep(wait);
            else if (wait < -5000) next = performance.now();
          }
        })(),
      ),
    );
    // client churn + route lookups of new clients
    loops.push(
      (async () => {
        while (!stop) {
          const c = benchClient(server.namesrvAddr, 5_000);
          const t = performance.now();
          const route = await c.routeOf(TOPICS[churnClients % TOPICS.length]!, 0).catch(() => undefined);
          if (route === undefined) {
            if (!down) lookupFailures++;
          } else {
            lookupMaxMs = Math.max(lookupMaxMs, performance.now() - t);
            await send(c, TOPICS[churnClients % TOPICS.length]!);
          }
          churnClients++;
          c.close();
          await sleep(1000);
        }
      })(),
    );
    // topic churn
    loops.push(
      (async () => {
        for (let i = 0; !stop; i++) {
          try {
            const r = await admin.call(server.brokerAddr, RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicFields(`soak_churn_${i}`, QUEUES));
            if (r.code === ResponseCode.SUCCESS) topicsCreated++;
            else topicErrors++;
            if (i >= 10) {
              const old = new Map([['topic', `soak_churn_${i - 10}`]]);
              await admin.call(server.brokerAddr, RequestCode.DELETE_TOPIC_IN_BROKER, old);
              await admin.callNamesrv(RequestCode.DELETE_TOPIC_IN_NAMESRV, old);
            }
          } catch {
            if (!down) topicErrors++;
          }
          await sleep(2000);
        }
      })(),
    );
    let readers = Array.from({ length: slowReaders }, () => slowReader(server.brokerAddr, () => stop || down));

    const endAt = minutes * 60;
    let nextKill = killEverySec;
    let nextSample = 0;
    while (elapsedS() < endAt) {
      if (elapsedS() >= nextSample) {
        const loop = await serverLoopDelay(probe, server.brokerAddr);
        const mem = memInfo(server.pid ?? 0);
        samples.push({ tS: Math.round(elapsedS()), rssMiB: mem?.rssMiB ?? NaN, loopP99Ms: loop.p99Ms, loopMaxMs: loop.maxMs, acked: acked.size, errors, lookupMaxMs });
        lookupMaxMs = 0;
        nextSample += 5;
      }
      if (killEverySec > 0 && elapsedS() >= nextKill && elapsedS() < endAt - 30) {
        log(`SIGKILL #${kills.length + 1} at ${Math.round(elapsedS())} s (acked so far ${acked.size})`);
        down = true;
        readers.forEach((close) => close());
        kills.push(Math.round(elapsedS()));
        await server.kill();
        await server.start();
        down = false;
        readers = Array.from({ length: slowReaders }, () => slowReader(server.brokerAddr, () => stop || down));
        nextKill += killEverySec;
      }
      await sleep(500);
    }
    stop = true;
    readers.forEach((close) => close());
    await Promise.all(loops);

    // final SIGKILL, restart, then account for every acknowledged message
    log(`load done: ${acked.size} acknowledged, ${errors} send errors; final SIGKILL and check`);
    kills.push(Math.round(elapsedS()));
    await server.kill();
    await server.start();
    const checker = benchClient(server.namesrvAddr, 30_000);
    const found = new Set<number>();
    try {
      for (const topic of TOPICS) {
        for (let q = 0; q < QUEUES; q++) {
          let offset = 0;
          for (;;) {
            const r = await checker.pull(server.brokerAddr, 'soak_checker', topic, q, offset, { maxMsgNums: 32 });
            if (r.code !== ResponseCode.SUCCESS || r.messages.length === 0) break;
            for (const m of r.messages) found.add(seqOf(m.body));
            offset = r.nextBeginOffset;
          }
        }
      }
    } finally {
      checker.close();
    }
    let lost = 0;
    for (const s of acked) if (!found.has(s)) lost++;
    const result: SoakResult = {
      name,
      minutes,
      rate,
      killEverySec,
      slowReaders,
      acknowledged: acked.size,
      found: found.size,
      lost,
      sendErrors: errors,
      churnClients,
      topicsCreated,
      topicErrors,
      lookupFailures,
      kills,
      samples,
      command: `npm run bench -- --soak ${argv.filter((a) => a !== '--soak').join(' ')}`.trim(),
      commit: process.env.GIT_COMMIT ?? '',
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, loadavg: os.loadavg() },
    };
    const out = path.join(repoRoot(), 'bench', 'results', `${result.date.slice(0, 10)}-soak-${name}`);
    fs.writeFileSync(`${out}.json`, `${JSON.stringify(result, null, 1)}\n`);
    fs.writeFileSync(`${out}.md`, soakMarkdown(result, path.basename(out)));
    fs.writeFileSync(`${out}.svg`, soakSvg(result));
    log(`wrote ${out}.{json,md,svg}: acknowledged ${acked.size}, lost ${lost}`);
    if (lost > 0) process.exitCode = 1;
  } finally {
    stop = true;
    admin.close();
    probe.close();
    producers.forEach((c) => c.close());
    await server.stop();
  }
}

export function runSoak(): void {
  void main().catch((e: Error) => {
    process.stderr.write(`${e.stack ?? e.message}\n`);
    process.exitCode = 1;
  });
}

if (require.main === module) runSoak();
