/**
 * ACL benchmark (issue 16): synchronous sends with ACL 2.0 authentication + authorization on (every request signed
 * with HmacSHA1 and checked, then authorized against a Normal user's rule — not the Super-user bypass) and with
 * both off, Apogee and the Apache RocketMQ 5.5.0 broker side by side in one run:
 *
 *   Apogee   `apogee start` (NameServer + broker, one Node.js process)
 *   Java     the Apache 5.5.0 broker (`-Xms1g -Xmx1g -XX:MaxDirectMemorySize=1g`, G1; classpath from compat-tests)
 *            registered with an Apogee mqnamesrv: one JVM, so the NameServer is not what is measured
 *
 * "on": authenticationEnabled + authorizationEnabled with Java's Local metadata providers; the Super user (start-up
 * user) creates user `bench` (Normal) and its one rule `Topic:BenchAcl* Pub Allow` through AUTH_CREATE_USER /
 * AUTH_CREATE_ACL, then loadgen signs as `bench` (lib/client credentials = AclClientRPCHook). "off": an empty
 * broker.conf. Each leg is a fresh broker (the settings are read at start). Load: bench/loadgen.ts send (16 callers
 * each awaiting its send, 1 KiB bodies, ROCKETMQ serialization, one connection) to a fresh 8-queue topic; 6 s warm-up,
 * then the measured window. Rounds alternate the order of the systems and of the legs.
 *
 *   npm run build && node dist/bench/acl/run.js [--rounds 2] [--seconds 8] [--out bench/results/DATE-acl.md]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { freeBrokerPorts, freePort } from '../../compat-tests/runner';
import type { RocketClient } from '../../lib/client';
import { arg } from '../harness/args';
import { benchClient, createTopicFields } from '../harness/ops';
import { fmtInt, fmtNum, median, sleep } from '../harness/stats';

const ROOT = path.join(__dirname, '..', '..', '..');
const DIST = path.join(ROOT, 'dist');
const CALLERS = 16;
const BODY_BYTES = 1024;
const QUEUES = 8;
/** Unmeasured load before each window, s (the JVM's JIT). */
const WARMUP_S = 6;
/** How long a system may take to route TBW102 after its spawn, ms. */
const READY_MS = 120_000;
const ROOT_USER = { accessKey: 'rocketmq', secretKey: '12345678' };
const BENCH_USER = { accessKey: 'bench', secretKey: 'bench-secret' };
const ACL_CONF = [
  'authenticationEnabled=true',
  'authenticationMetadataProvider=org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider',
  'authorizationEnabled=true',
  'authorizationMetadataProvider=org.apache.rocketmq.auth.authorization.provider.LocalAuthorizationMetadataProvider',
  `initAuthenticationUser={"username":"${ROOT_USER.accessKey}","password":"${ROOT_USER.secretKey}"}`,
];

type SystemName = 'Apogee' | 'Java';
interface Leg { system: SystemName; round: number; acl: boolean; msgsPerSec: number; p50Us: number; p99Us: number; errors: number }
interface Running { namesrv: string; broker: string; procs: ChildProcess[] }

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

async function startApogee(dir: string, conf: string[]): Promise<Running> {
  const ns = await freePort();
  const bp = (await freeBrokerPorts()).listenPort;
  fs.writeFileSync(path.join(dir, 'broker.conf'), conf.join('\n') + '\n');
  const log = fs.openSync(path.join(dir, 'apogee.log'), 'a');
  const p = spawn(process.execPath, [path.join(DIST, 'lib', 'bin', 'apogee.js'), 'start', '--dataDir', path.join(dir, 'data'), '--namesrvPort', String(ns), '--brokerPort', String(bp), '--brokerConfig', path.join(dir, 'broker.conf')], {
    stdio: ['ignore', log, log],
    env: { ...process.env, APOGEE_LOG_LEVEL: 'warn' },
  });
  const r = { namesrv: `127.0.0.1:${ns}`, broker: `127.0.0.1:${bp}`, procs: [p] };
  await waitRouted(r.namesrv, r.procs);
  return r;
}

async function startJava(dir: string, cp: string, conf: string[]): Promise<Running> {
  const ns = await freePort();
  const bp = (await freeBrokerPorts()).listenPort;
  const nsLog = fs.openSync(path.join(dir, 'mqnamesrv.log'), 'a');
  fs.mkdirSync(path.join(dir, 'home'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'rmqhome', 'conf'), { recursive: true }); // ROCKETMQ_HOME: the broker refuses to start without it
  const n = spawn(process.execPath, [path.join(DIST, 'lib', 'bin', 'mqnamesrv.js'), '--listenPort', String(ns)], {
    stdio: ['ignore', nsLog, nsLog],
    env: { ...process.env, HOME: path.join(dir, 'home'), APOGEE_LOG_LEVEL: 'warn' },
  });
  const file = path.join(dir, 'broker.conf');
  fs.writeFileSync(file, [
    'brokerClusterName=DefaultCluster', 'brokerName=java-acl', 'brokerId=0', `namesrvAddr=127.0.0.1:${ns}`, 'brokerIP1=127.0.0.1',
    `listenPort=${bp}`, `haListenPort=${bp + 1}`, `storePathRootDir=${path.join(dir, 'store')}`, 'flushDiskType=ASYNC_FLUSH', ...conf, '',
  ].join('\n'));
  const bLog = fs.openSync(path.join(dir, 'broker.out'), 'a');
  const jvm = ['-server', '-Xms1g', '-Xmx1g', '-XX:MaxDirectMemorySize=1g', '-XX:+UseG1GC', `-Duser.home=${path.join(dir, 'home')}`, `-Drocketmq.home.dir=${path.join(dir, 'rmqhome')}`];
  const b = spawn('java', [...jvm, '-cp', cp, 'org.apache.rocketmq.broker.BrokerStartup', '-c', file], { cwd: dir, stdio: ['ignore', bLog, bLog] });
  const r = { namesrv: `127.0.0.1:${ns}`, broker: `127.0.0.1:${bp}`, procs: [b, n] };
  await waitRouted(r.namesrv, r.procs);
  return r;
}

async function must(c: RocketClient, addr: string, code: number, fields: Map<string, string>, body: object | null, what: string): Promise<void> {
  const r = await c.call(addr, code, fields, body === null ? null : Buffer.from(JSON.stringify(body), 'utf8'));
  if (r.code !== ResponseCode.SUCCESS) throw new Error(`${what}: ${r.code} ${r.remark ?? ''}`);
}

/** As the Super user (acl) or unsigned: the user and its rule (acl), then the topic, routed. */
async function prepare(sys: Running, topic: string, acl: boolean): Promise<void> {
  const c = benchClient(sys.namesrv, 5000, undefined, false, acl ? ROOT_USER : undefined);
  try {
    if (acl) {
      await must(c, sys.broker, RequestCode.AUTH_CREATE_USER, new Map([['username', BENCH_USER.accessKey]]), { username: BENCH_USER.accessKey, password: BENCH_USER.secretKey, userType: 'Normal' }, 'create user');
      const rule = { subject: `User:${BENCH_USER.accessKey}`, policies: [{ entries: [{ resource: 'Topic:BenchAcl*', actions: ['Pub'], decision: 'Allow' }] }] };
      await must(c, sys.broker, RequestCode.AUTH_CREATE_ACL, new Map([['subject', rule.subject]]), rule, 'create acl');
    }
    await must(c, sys.broker, RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicFields(topic, QUEUES), null, `create ${topic}`);
    const until = Date.now() + 30_000;
    while ((await c.routeOf(topic, 0).catch(() => undefined)) === undefined) {
      if (Date.now() > until) throw new Error(`${topic} not routed`);
      await sleep(200);
    }
  } finally {
    c.close();
  }
}

function loadgen(sys: Running, topic: string, acl: boolean, seconds: number): { msgsPerSec: number; p50Us: number; p99Us: number; errors: number } {
  const creds = acl ? ['--accessKey', BENCH_USER.accessKey, '--secretKey', BENCH_USER.secretKey] : [];
  const args = [path.join(DIST, 'bench', 'loadgen.js'), 'send', '--namesrv', sys.namesrv, '--topic', topic, '--size', String(BODY_BYTES), '--concurrency', String(CALLERS), '--warmup', String(WARMUP_S), '--seconds', String(seconds), ...creds];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: (seconds + 60) * 1000 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (line === undefined) throw new Error(`loadgen failed: ${r.stderr}`);
  const j = JSON.parse(line.slice(7)) as { msgsPerSec: number; errors: number; errorCodes: Record<string, number>; latency: { p50Ms: number; p99Ms: number } };
  if (j.errors > 0) console.log(`    errors: ${JSON.stringify(j.errorCodes)}`);
  return { msgsPerSec: j.msgsPerSec, p50Us: j.latency.p50Ms * 1000, p99Us: j.latency.p99Ms * 1000, errors: j.errors };
}

async function main(): Promise<void> {
  const rounds = Number(arg('rounds', '2'));
  const seconds = Number(arg('seconds', '8'));
  const cp = fs.readFileSync(path.join(ROOT, 'compat-tests', 'java', 'apache-dist', 'target', 'classpath', 'server-5.5.0.txt'), 'utf8').trim();
  const legs: Leg[] = [];
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-bench-acl-'));
  try {
    for (let round = 1; round <= rounds; round++) {
      const order: SystemName[] = round % 2 === 1 ? ['Apogee', 'Java'] : ['Java', 'Apogee'];
      for (const system of order) {
        for (const acl of round % 2 === 1 ? [false, true] : [true, false]) {
          const dir = path.join(base, `${system}-${round}-${acl ? 'acl' : 'off'}`);
          fs.mkdirSync(dir, { recursive: true });
          const conf = acl ? ACL_CONF : [];
          const sys = system === 'Apogee' ? await startApogee(dir, conf) : await startJava(dir, cp, conf);
          try {
            const topic = `BenchAcl_${round}_${acl ? 'on' : 'off'}`;
            await prepare(sys, topic, acl);
            const r = loadgen(sys, topic, acl, seconds);
            console.log(`round ${round}: ${system} ACL ${acl ? 'on' : 'off'}: ${fmtInt(r.msgsPerSec)} msg/s, p99 ${fmtInt(r.p99Us)} µs, errors ${r.errors}`);
            legs.push({ system, round, acl, ...r });
          } finally {
            for (const p of sys.procs) await stop(p, 10_000);
          }
        }
      }
    }
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
  const out = arg('out', path.join(ROOT, 'bench', 'results', `${new Date().toISOString().slice(0, 10)}-acl.md`));
  fs.writeFileSync(out, report(legs, rounds, seconds));
  console.log(`wrote ${out}`);
}

function report(legs: Leg[], rounds: number, seconds: number): string {
  const med = (s: SystemName, acl: boolean, k: 'msgsPerSec' | 'p99Us' | 'p50Us'): number => median(legs.filter((l) => l.system === s && l.acl === acl).map((l) => l[k]));
  const lines = [
    `# ACL 2.0: sync send with authentication + authorization on vs off, Apogee vs Apache RocketMQ 5.5.0 (${new Date().toISOString().slice(0, 16)}Z)`,
    '',
    `Command: \`npm run build && node dist/bench/acl/run.js --rounds ${rounds} --seconds ${seconds}\``,
    `Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load average at the end ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (shared with other work: treat small differences as noise).`,
    `Load: lib/client, ${CALLERS} callers, ${BODY_BYTES} B bodies, one connection, ${QUEUES}-queue topic, ASYNC_FLUSH, ${WARMUP_S} s warm-up + ${seconds} s measured. ACL on: every request signed (HmacSHA1) as a Normal user authorized by one rule (Topic:BenchAcl* Pub Allow).`,
    '',
    '| System | Leg | msg/s (median) | p50 µs | p99 µs | ACL on / off |',
    '|---|---|---|---|---|---|',
  ];
  for (const s of ['Apogee', 'Java'] as SystemName[]) {
    for (const acl of [false, true]) {
      const ratio = acl ? fmtNum(med(s, true, 'msgsPerSec') / med(s, false, 'msgsPerSec'), 2) : '';
      lines.push(`| ${s} | ACL ${acl ? 'on' : 'off'} | ${fmtInt(med(s, acl, 'msgsPerSec'))} | ${fmtInt(med(s, acl, 'p50Us'))} | ${fmtInt(med(s, acl, 'p99Us'))} | ${ratio} |`);
    }
  }
  lines.push('', `Apogee / Java with ACL on: ${fmtNum(med('Apogee', true, 'msgsPerSec') / med('Java', true, 'msgsPerSec'), 2)} (throughput); with ACL off: ${fmtNum(med('Apogee', false, 'msgsPerSec') / med('Java', false, 'msgsPerSec'), 2)}.`, '', '## Every leg', '', '| Round | System | Leg | msg/s | p50 µs | p99 µs | errors |', '|---|---|---|---|---|---|---|');
  for (const l of legs) lines.push(`| ${l.round} | ${l.system} | ACL ${l.acl ? 'on' : 'off'} | ${fmtInt(l.msgsPerSec)} | ${fmtInt(l.p50Us)} | ${fmtInt(l.p99Us)} | ${l.errors} |`);
  return lines.join('\n') + '\n';
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`bench/acl: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
