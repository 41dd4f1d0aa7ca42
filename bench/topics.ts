/**
 * Topic churn bench (issue 14): N topics created one by one with UPDATE_AND_CREATE_TOPIC (the request
 * `mqadmin updateTopic -b` sends; each awaited before the next), while another client runs a route lookup loop
 * (GET_ROUTEINFO_BY_TOPIC through the NameServer) and a send loop (SEND_MESSAGE_V2 to the broker) on their own
 * connections. Reports the creation time, per-create latency, the other client's worst waits, the server's
 * event-loop delay (GET_BROKER_RUNTIME_INFO eventLoopDelay* keys, when the server reports them) and peak RSS.
 * Results are observations: nothing here asserts a time.
 *
 * With `--list N` (issue 14, UPDATE_AND_CREATE_TOPIC_LIST): after a quiet wait so that the server's 60 s loop-delay
 * window no longer holds its start-up, `--topics` topics are created in lists of N (one UPDATE_AND_CREATE_TOPIC_LIST
 * per list, each awaited before the next), so the last lists land on 10k existing topics with --topics 11000; the
 * other client's loops run meanwhile. Reports per-list latency, the other client's worst waits and the server's
 * largest event-loop delay over the window (eventLoopDelayMaxMs: the longest block, to within its 10 ms sampling;
 * results from builds before commit 2f78054 add the 10 ms period itself).
 *
 *   npm run build && node dist/bench/topics.js --topics 5000 [--queues 8] [--name NAME] [--workDir DIR] [--cpuProf DIR]
 *   npm run build && node dist/bench/topics.js --topics 11000 --list 1000 [--name NAME]
 *   ... [--loopTrace FILE]   the server writes its loop gaps and GC pauses to FILE (bench/harness/loop-trace.ts)
 *
 * Writes bench/results/<date>-topics-<name>.json (raw summary + command) and prints one RESULT line.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CreateTopicListRequestBody, type TopicConfig } from '../protocol/bodies';
import { RequestCode, ResponseCode } from '../protocol/codes';
import { createLogger } from '../lib/common';
import { ApogeeProcess, RunContext } from '../compat-tests/runner';
import { benchClient, createTopicFields, sendDirect, serverLoopDelay } from './harness/ops';
import { memInfo } from './harness/proc';
import { apogeeRun } from './harness/systems';
import { Samples, sleep, type LatencySummary } from './harness/stats';
import { arg } from './harness/args';

/** List mode: wait before the lists so the server's 60 s loop-delay window (stats.ts) no longer holds its start, ms. */
const LIST_QUIET_WAIT_MS = Number(process.env.LIST_QUIET_WAIT_MS ?? 62_000);

function listTopic(topicName: string, queues: number): TopicConfig {
  return { topicName, readQueueNums: queues, writeQueueNums: queues, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false, attributes: new Map() };
}

async function main(): Promise<void> {
  const topics = Number(arg('topics', '5000'));
  const queues = Number(arg('queues', '8'));
  const name = arg('name', `${topics}`);
  const workDir = arg('workDir', path.join(os.tmpdir(), 'apogee-bench-topics'));
  const ctx = RunContext.create({ rootDir: workDir, keepRuns: 2, logger: createLogger({ name: 'bench', fd: 2, level: 'warn' }) });
  const cpuProf = arg('cpuProf', '');
  const listSize = Number(arg('list', '0'));
  // --loopTrace FILE: the server preloads harness/loop-trace.js (one JSON line per loop gap >= 10 ms and per GC pause).
  const loopTrace = arg('loopTrace', '');
  const nodeArgs = [
    ...(cpuProf !== '' ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`] : []),
    ...(loopTrace !== '' ? ['--require', path.join(__dirname, 'harness', 'loop-trace.js')] : []),
  ];
  const run = apogeeRun(nodeArgs);
  const server = await ApogeeProcess.start(ctx, {
    dir: path.join(ctx.dir, 'apogee'),
    name: 'apogee-topics',
    // the bin's #! flags and env, as the bench rows run it (apogeeRun)
    nodeArgs: run.nodeArgs,
    env: { ...run.env, ...(loopTrace !== '' ? { APOGEE_LOOP_TRACE_FILE: path.resolve(loopTrace) } : {}) },
    brokerConfig: { autoCreateTopicEnable: true },
  });
  const admin = benchClient(server.namesrvAddr, 30_000);
  const other = benchClient(server.namesrvAddr, 30_000);
  try {
    const ext = (topic: string): Map<string, string> => createTopicFields(topic, queues);
    const probeTopic = 'bench_topics_probe';
    const r0 = await admin.call(server.brokerAddr, RequestCode.UPDATE_AND_CREATE_TOPIC, ext(probeTopic));
    if (r0.code !== ResponseCode.SUCCESS) throw new Error(`create ${probeTopic}: ${r0.remark ?? r0.code}`);
    while ((await other.routeOf(probeTopic, 0).catch(() => undefined)) === undefined) await sleep(50);

    if (listSize > 0) await sleep(LIST_QUIET_WAIT_MS);
    let stop = false;
    const route = new Samples();
    const send = new Samples();
    const loop = async (s: Samples, op: () => Promise<unknown>): Promise<void> => {
      while (!stop) {
        const t = performance.now();
        await op();
        s.add((performance.now() - t) * 1000);
        await sleep(2);
      }
    };
    const body = Buffer.alloc(128, 1);
    const others = [
      loop(route, () => other.routeOf(probeTopic, 0)),
      loop(send, () => sendDirect(other, server.brokerAddr, server.brokerName, probeTopic, body, 30_000)),
    ];

    const create = new Samples();
    const t0 = performance.now();
    if (listSize > 0) {
      for (let i = 0; i < topics; i += listSize) {
        const list = Array.from({ length: Math.min(listSize, topics - i) }, (_, j) => listTopic(`bench_topic_${i + j}`, queues));
        const body = CreateTopicListRequestBody.encode({ topicConfigList: list });
        const t = performance.now();
        const r = await admin.call(server.brokerAddr, RequestCode.UPDATE_AND_CREATE_TOPIC_LIST, null, body);
        if (r.code !== ResponseCode.SUCCESS) throw new Error(`create list at bench_topic_${i}: ${r.code} ${r.remark ?? ''}`);
        create.add((performance.now() - t) * 1000);
      }
    } else {
      for (let i = 0; i < topics; i++) {
        const t = performance.now();
        const r = await admin.call(server.brokerAddr, RequestCode.UPDATE_AND_CREATE_TOPIC, ext(`bench_topic_${i}`));
        if (r.code !== ResponseCode.SUCCESS) throw new Error(`create bench_topic_${i}: ${r.code} ${r.remark ?? ''}`);
        create.add((performance.now() - t) * 1000);
      }
    }
    const totalS = (performance.now() - t0) / 1000;
    stop = true;
    await Promise.all(others);
    const last = await other.routeOf(`bench_topic_${topics - 1}`, 0).catch(() => undefined);
    // List mode: the last 60 s window (the quiet wait and the lists); otherwise since start.
    const loopDelay = await serverLoopDelay(other, server.brokerAddr, listSize === 0);
    const rssPeakMiB = memInfo(server.pid ?? 0)?.hwmMiB ?? NaN;
    const sum = (s: LatencySummary): Record<string, number> => ({ count: s.count, p50Ms: s.p50Ms, p99Ms: s.p99Ms, maxMs: s.maxMs });
    const result = {
      topics,
      queues,
      ...(listSize > 0 ? { topicsPerList: listSize } : {}),
      totalS,
      createsPerS: topics / totalS,
      create: sum(create.summary()),
      otherRouteLookup: sum(route.summary()),
      otherSend: sum(send.summary()),
      lastTopicRouted: last !== undefined,
      serverLoopDelayP99Ms: loopDelay.p99Ms,
      serverLoopDelayMaxMs: loopDelay.maxMs,
      rssPeakMiB,
      commit: process.env.GIT_COMMIT ?? '',
      command: `node dist/bench/topics.js ${process.argv.slice(2).join(' ')}`,
      machine: { cpus: os.cpus().length, loadavg: os.loadavg() },
    };
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
    const out = path.join(__dirname, '..', '..', 'bench', 'results', `${new Date().toISOString().slice(0, 10)}-topics-${name}.json`);
    fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    process.stderr.write(`wrote ${out}\n`);
  } finally {
    admin.close();
    other.close();
    await server.stop();
  }
}

void main().catch((e: Error) => {
  process.stderr.write(`${e.stack ?? e.message}\n`);
  process.exitCode = 1;
});
