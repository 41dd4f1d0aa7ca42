/**
 * TLS benchmark (issue 16): synchronous sends over TLS and over plaintext, Apogee and the Apache RocketMQ 5.5.0
 * broker side by side in one run. Both run in Java's default tls.server.mode=permissive (one port, both kinds of
 * client; the server certificate is Java's test-mode self-signed one), so the same broker serves both legs:
 *
 *   Apogee   `apogee start` (NameServer + broker, one Node.js process)
 *   Java     the Apache 5.5.0 broker (`-Xms1g -Xmx1g -XX:MaxDirectMemorySize=1g`, G1; classpath from compat-tests)
 *            registered with an Apogee mqnamesrv: one JVM, so the NameServer is not what is measured
 *
 * Load: bench/loadgen.ts send (lib/client, 16 callers each awaiting its send, 1 KiB bodies, ROCKETMQ serialization,
 * one connection), `--tls true` for the TLS leg, to a fresh 8-queue topic; 6 s warm-up, then the measured window.
 * Rounds alternate the order of the systems and of the legs. The report shows each round and the medians.
 *
 *   npm run build && node dist/bench/tls/run.js [--rounds 2] [--seconds 8] [--out bench/results/DATE-tls.md]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { freeBrokerPorts, freePort } from '../../compat-tests/runner';
import { arg } from '../harness/args';
import { benchClient, createTopicFields } from '../harness/ops';
import { fmtInt, fmtNum, median, sleep } from '../harness/stats';

const ROOT = path.join(__dirname, '..', '..', '..');
const DIST = path.join(ROOT, 'dist');
const CALLERS = 16;
const BODY_BYTES = 1024;
const QUEUES = 8;
/** Unmeasured load before each window, s: long enough for the JVM's JIT (a 2 s warm-up left Java's first leg cold). */
const WARMUP_S = 6;
/** How long a system may take to route TBW102 after its spawn, ms. */
const READY_MS = 120_000;
const PERMISSIVE = '-Dtls.server.mode=permissive -Dtls.config.file=/nonexistent/tls.properties';

type SystemName = 'Apogee' | 'Java';
interface Leg {
  system: SystemName;
  round: number;
  tls: boolean;
  msgsPerSec: number;
  p50Us: number;
  p99Us: number;
  errors: number;
}
interface Running {
  namesrv: string;
  broker: string;
  procs: ChildProcess[];
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
async function stop(p: ChildProcess, graceMs: number): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const gone = new Promise<void>((r) => p.once('exit', () => r()));
  p.kill('SIGTERM');
  const t = setTimeout(() => p.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(t);
}

async function waitRouted(namesrv: string, procs: ChildProcess[]): Promise<void> {
  const c = benchClient(namesrv, 3000);
  const until = Date.now() + READY_MS;
  try {
    while ((await c.routeOf('TBW102', 0).catch(() => undefined)) === undefined) {
      if (Date.now() > until || procs.some((p) => p.exitCode !== null)) throw new Error(`not ready within ${READY_MS} ms`);
      await sleep(300);
    }
  } finally {
    c.close();
  }
}

async function startApogee(dir: string): Promise<Running> {
  const ns = await freePort();
  const bp = (await freeBrokerPorts()).listenPort;
  fs.writeFileSync(path.join(dir, 'broker.conf'), '');
  const log = fs.openSync(path.join(dir, 'apogee.log'), 'a');
  const p = spawn(process.execPath, [path.join(DIST, 'lib', 'bin', 'apogee.js'), 'start', '--dataDir', path.join(dir, 'data'), '--namesrvPort', String(ns), '--brokerPort', String(bp), '--brokerConfig', path.join(dir, 'broker.conf')], {
    stdio: ['ignore', log, log],
    env: { ...process.env, APOGEE_LOG_LEVEL: 'warn', JAVA_OPT: PERMISSIVE },
  });
  const r = { namesrv: `127.0.0.1:${ns}`, broker: `127.0.0.1:${bp}`, procs: [p] };
  await waitRouted(r.namesrv, r.procs);
  return r;
}

async function startJava(dir: string, cp: string): Promise<Running> {
  const ns = await freePort();
  const bp = (await freeBrokerPorts()).listenPort;
  const nsLog = fs.openSync(path.join(dir, 'mqnamesrv.log'), 'a');
  fs.mkdirSync(path.join(dir, 'home'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'rmqhome', 'conf'), { recursive: true }); // ROCKETMQ_HOME: the broker refuses to start without it
  const n = spawn(process.execPath, [path.join(DIST, 'lib', 'bin', 'mqnamesrv.js'), '--listenPort', String(ns)], {
    stdio: ['ignore', nsLog, nsLog],
    env: { ...process.env, HOME: path.join(dir, 'home'), APOGEE_LOG_LEVEL: 'warn', JAVA_OPT: PERMISSIVE },
  });
  const conf = path.join(dir, 'broker.conf');
  fs.writeFileSync(conf, [
    'brokerClusterName=DefaultCluster', 'brokerName=java-tls', 'brokerId=0', `namesrvAddr=127.0.0.1:${ns}`, 'brokerIP1=127.0.0.1',
    `listenPort=${bp}`, `haListenPort=${bp + 1}`, `storePathRootDir=${path.join(dir, 'store')}`, 'flushDiskType=ASYNC_FLUSH', '',
  ].join('\n'));
  const bLog = fs.openSync(path.join(dir, 'broker.out'), 'a');
  const jvm = ['-server', '-Xms1g', '-Xmx1g', '-XX:MaxDirectMemorySize=1g', '-XX:+UseG1GC', `-Duser.home=${path.join(dir, 'home')}`, `-Drocketmq.home.dir=${path.join(dir, 'rmqhome')}`, ...PERMISSIVE.split(' ')];
  const b = spawn('java', [...jvm, '-cp', cp, 'org.apache.rocketmq.broker.BrokerStartup', '-c', conf], { cwd: dir, stdio: ['ignore', bLog, bLog] });
  const r = { namesrv: `127.0.0.1:${ns}`, broker: `127.0.0.1:${bp}`, procs: [b, n] };
  await waitRouted(r.namesrv, r.procs);
  return r;
}

async function createTopic(sys: Running, topic: string): Promise<void> {
  const c = benchClient(sys.namesrv, 5000);
  try {
    const r = await c.call(sys.broker, RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicFields(topic, QUEUES));
    if (r.code !== ResponseCode.SUCCESS) throw new Error(`create ${topic}: ${r.code} ${r.remark ?? ''}`);
    const until = Date.now() + 30_000;
    while ((await c.routeOf(topic, 0).catch(() => undefined)) === undefined) {
      if (Date.now() > until) throw new Error(`${topic} not routed`);
      await sleep(200);
    }
  } finally {
    c.close();
  }
}

function loadgen(sys: Running, topic: string, tls: boolean, seconds: number): { msgsPerSec: number; p50Us: number; p99Us: number; errors: number } {
  const args = [path.join(DIST, 'bench', 'loadgen.js'), 'send', '--namesrv', sys.namesrv, '--topic', topic, '--size', String(BODY_BYTES), '--concurrency', String(CALLERS), '--warmup', String(WARMUP_S), '--seconds', String(seconds), '--tls', String(tls)];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: (seconds + 60) * 1000 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (line === undefined) throw new Error(`loadgen failed: ${r.stderr}`);
  const j = JSON.parse(line.slice(7)) as { msgsPerSec: number; errors: number; latency: { p50Ms: number; p99Ms: number } };
  return { msgsPerSec: j.msgsPerSec, p50Us: j.latency.p50Ms * 1000, p99Us: j.latency.p99Ms * 1000, errors: j.errors };
}

async function main(): Promise<void> {
  const rounds = Number(arg('rounds', '2'));
  const seconds = Number(arg('seconds', '8'));
  const cpFile = path.join(ROOT, 'compat-tests', 'java', 'apache-dist', 'target', 'classpath', 'server-5.5.0.txt');
  const cp = fs.readFileSync(cpFile, 'utf8').trim();
  const legs: Leg[] = [];
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-bench-tls-'));
  try {
    for (let round = 1; round <= rounds; round++) {
      const order: SystemName[] = round % 2 === 1 ? ['Apogee', 'Java'] : ['Java', 'Apogee'];
      for (const system of order) {
        const dir = path.join(base, `${system}-${round}`);
        fs.mkdirSync(dir, { recursive: true });
        console.log(`round ${round}: starting ${system}`);
        const sys = system === 'Apogee' ? await startApogee(dir) : await startJava(dir, cp);
        try {
          for (const tls of round % 2 === 1 ? [false, true] : [true, false]) {
            const topic = `BenchTls_${round}_${tls ? 'tls' : 'plain'}`;
            await createTopic(sys, topic);
            const r = loadgen(sys, topic, tls, seconds);
            console.log(`  ${system} ${tls ? 'TLS' : 'plaintext'}: ${fmtInt(r.msgsPerSec)} msg/s, p99 ${fmtInt(r.p99Us)} µs, errors ${r.errors}`);
            legs.push({ system, round, tls, ...r });
          }
        } finally {
          for (const p of sys.procs) await stop(p, 10_000);
        }
      }
    }
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
  const out = arg('out', path.join(ROOT, 'bench', 'results', `${new Date().toISOString().slice(0, 10)}-tls.md`));
  fs.writeFileSync(out, report(legs, rounds, seconds));
  console.log(`wrote ${out}`);
}

function report(legs: Leg[], rounds: number, seconds: number): string {
  const med = (s: SystemName, tls: boolean, k: 'msgsPerSec' | 'p99Us' | 'p50Us'): number => median(legs.filter((l) => l.system === s && l.tls === tls).map((l) => l[k]));
  const lines = [
    `# TLS: sync send over TLS vs plaintext, Apogee vs Apache RocketMQ 5.5.0 (${new Date().toISOString().slice(0, 16)}Z)`,
    '',
    `Command: \`npm run build && node dist/bench/tls/run.js --rounds ${rounds} --seconds ${seconds}\``,
    `Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load average at the end ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (shared with other work: treat small differences as noise).`,
    `Load: lib/client, ${CALLERS} callers, ${BODY_BYTES} B bodies, one connection, ${QUEUES}-queue topic, ASYNC_FLUSH, tls.server.mode=permissive (self-signed test-mode certificate), ${WARMUP_S} s warm-up + ${seconds} s measured.`,
    '',
    '| System | Leg | msg/s (median) | p50 µs | p99 µs | TLS / plaintext |',
    '|---|---|---|---|---|---|',
  ];
  for (const s of ['Apogee', 'Java'] as SystemName[]) {
    for (const tls of [false, true]) {
      const ratio = tls ? fmtNum(med(s, true, 'msgsPerSec') / med(s, false, 'msgsPerSec'), 2) : '';
      lines.push(`| ${s} | ${tls ? 'TLS' : 'plaintext'} | ${fmtInt(med(s, tls, 'msgsPerSec'))} | ${fmtInt(med(s, tls, 'p50Us'))} | ${fmtInt(med(s, tls, 'p99Us'))} | ${ratio} |`);
    }
  }
  lines.push('', `Apogee / Java over TLS: ${fmtNum(med('Apogee', true, 'msgsPerSec') / med('Java', true, 'msgsPerSec'), 2)} (throughput); over plaintext: ${fmtNum(med('Apogee', false, 'msgsPerSec') / med('Java', false, 'msgsPerSec'), 2)}.`, '', '## Every leg', '', '| Round | System | Leg | msg/s | p50 µs | p99 µs | errors |', '|---|---|---|---|---|---|---|');
  for (const l of legs) lines.push(`| ${l.round} | ${l.system} | ${l.tls ? 'TLS' : 'plaintext'} | ${fmtInt(l.msgsPerSec)} | ${fmtInt(l.p50Us)} | ${fmtInt(l.p99Us)} | ${l.errors} |`);
  return lines.join('\n') + '\n';
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`bench/tls: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
