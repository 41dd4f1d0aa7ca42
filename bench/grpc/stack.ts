/**
 * The two sides of the gRPC bench, each on free loopback ports:
 *   Apogee  `apogee start --grpcPort P` (one process: NameServer, broker and lib/grpc's MessagingService)
 *   Java    Apache RocketMQ 5.5.0 NamesrvStartup + BrokerStartup, and the official rocketmq-proxy 5.5.0
 *           (`ProxyStartup -pm cluster`, settings of compat-tests/runner/grpc-proxy.ts proxyConfig) in front of them:
 *           three JVMs, as users deploy it. Heaps: NameServer 256 MiB, broker 1 GiB (+1 GiB direct, as bench/acl),
 *           proxy compat-tests' PROXY_JVM_ARGS.
 * Java's proxy starts once the broker is routed (it creates system topics as it starts). Both resolve once TBW102 is routed and the gRPC port accepts connections; `pids` are the server processes whose
 * peak RSS the report sums.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { COMMON_JVM_ARGS, freeBrokerPorts, freePort, PROXY_JVM_ARGS, PROXY_MAIN, PROXY_VERSION, proxyConfig } from '../../compat-tests/runner';
import { DIST, READY_MS, ROOT, shebangRun, stopAll, type Running } from '../harness/legs';
import { benchClient } from '../harness/ops';
import { sleep } from '../harness/stats';

/** Where each started process writes its stdout + stderr (shown when it dies during the start). */
const OUT = new WeakMap<ChildProcess, string>();

function tail(file: string | undefined, lines = 20): string {
  if (file === undefined) return '';
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export interface GrpcSide extends Running {
  grpc: string;
}

const NAMESRV_JVM = ['-server', '-Xms256m', '-Xmx256m', '-XX:+UseG1GC'];
const BROKER_JVM = ['-server', '-Xms1g', '-Xmx1g', '-XX:MaxDirectMemorySize=1g', '-XX:+UseG1GC'];

export function proxyClasspath(): string {
  return fs.readFileSync(path.join(ROOT, 'compat-tests', 'java', 'apache-dist', 'target', 'classpath', `proxy-${PROXY_VERSION}.txt`), 'utf8').trim();
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** TBW102 routed and, given a port, that port open; fails fast when a process dies. */
async function waitReady(sys: Running, grpcPort?: number): Promise<void> {
  const c = benchClient(sys.namesrv, 3000);
  const until = Date.now() + READY_MS;
  try {
    while ((await c.routeOf('TBW102', 0).catch(() => undefined)) === undefined || (grpcPort !== undefined && !(await connects(grpcPort)))) {
      if (Date.now() > until) throw new Error(`not ready within ${READY_MS} ms (TBW102 routed, gRPC port ${grpcPort ?? '-'} open)`);
      const dead = sys.procs.find((p) => p.exitCode !== null);
      if (dead !== undefined) throw new Error(`${dead.spawnargs.slice(-3).join(' ')} exited ${dead.exitCode}:\n${tail(OUT.get(dead))}`);
      await sleep(300);
    }
  } finally {
    c.close();
  }
}

async function ready<T extends Running>(sys: T, grpcPort?: number): Promise<T> {
  await waitReady(sys, grpcPort).catch(async (e: unknown) => {
    await stopAll(sys);
    throw e;
  });
  return sys;
}

export async function startApogeeGrpc(dir: string, nodeArgs: readonly string[] = [], confLines: readonly string[] = []): Promise<GrpcSide> {
  const ns = await freePort();
  const bp = (await freeBrokerPorts()).listenPort;
  const gp = await freePort();
  fs.writeFileSync(path.join(dir, 'broker.conf'), confLines.map((l) => `${l}\n`).join(''));
  const log = fs.openSync(path.join(dir, 'apogee.log'), 'a');
  const bin = path.join(DIST, 'lib', 'bin', 'apogee.js');
  // As ./apogee.js and npm start run it (its #! line's node flags and env); before, this ran node's defaults.
  const run = shebangRun(bin);
  const args = [bin, 'start', '--dataDir', path.join(dir, 'data'), '--namesrvPort', String(ns), '--brokerPort', String(bp), '--grpcPort', String(gp), '--brokerConfig', path.join(dir, 'broker.conf')];
  const p = spawn(process.execPath, [...run.nodeArgs, ...nodeArgs, ...args], { stdio: ['ignore', log, log], env: { ...process.env, ...run.env, APOGEE_LOG_LEVEL: 'warn' } });
  OUT.set(p, path.join(dir, 'apogee.log'));
  return ready({ namesrv: `127.0.0.1:${ns}`, broker: `127.0.0.1:${bp}`, grpc: `127.0.0.1:${gp}`, procs: [p] }, gp);
}

function java(dir: string, name: string, jvm: string[], cp: string, main: string, args: string[]): ChildProcess {
  const file = path.join(dir, `${name}.out`);
  const out = fs.openSync(file, 'a');
  const sys = [...COMMON_JVM_ARGS, `-Duser.home=${path.join(dir, 'home')}`, `-Drocketmq.home.dir=${path.join(dir, 'rmqhome')}`];
  const p = spawn('java', [...jvm, ...sys, '-cp', cp, main, ...args], { cwd: dir, stdio: ['ignore', out, out] });
  OUT.set(p, file);
  return p;
}

/** NameServer + broker + proxy; stops the started ones when any fails to come up. */
export async function startJavaGrpc(dir: string, serverCp: string, proxyCp: string): Promise<GrpcSide> {
  for (const d of ['home', path.join('rmqhome', 'conf')]) fs.mkdirSync(path.join(dir, d), { recursive: true });
  const ns = await freePort();
  const bp = (await freeBrokerPorts()).listenPort;
  const nsConf = path.join(dir, 'namesrv.conf');
  fs.writeFileSync(nsConf, `listenPort=${ns}\nbindAddress=127.0.0.1\n`);
  const n = java(dir, 'namesrv', NAMESRV_JVM, serverCp, 'org.apache.rocketmq.namesrv.NamesrvStartup', ['-c', nsConf]);
  const bConf = path.join(dir, 'broker.conf');
  fs.writeFileSync(bConf, [
    'brokerClusterName=DefaultCluster', 'brokerName=broker-grpc', 'brokerId=0', `namesrvAddr=127.0.0.1:${ns}`, 'brokerIP1=127.0.0.1',
    `listenPort=${bp}`, `haListenPort=${bp + 1}`, `storePathRootDir=${path.join(dir, 'store')}`, 'flushDiskType=ASYNC_FLUSH', '',
  ].join('\n'));
  const b = java(dir, 'broker', BROKER_JVM, serverCp, 'org.apache.rocketmq.broker.BrokerStartup', ['-c', bConf]);
  // The proxy creates its system topics on the cluster as it starts (Java AbstractSystemMessageSyncer#createSysTopic)
  // and exits when no broker is registered yet: it starts once the broker is routed.
  await ready({ namesrv: `127.0.0.1:${ns}`, broker: `127.0.0.1:${bp}`, procs: [b, n] });
  const gp = await freePort();
  const pConf = path.join(dir, 'rmq-proxy.json');
  fs.writeFileSync(pConf, `${JSON.stringify(proxyConfig({ clusterName: 'DefaultCluster', namesrvAddr: `127.0.0.1:${ns}`, grpcPort: gp, remotingPort: await freePort() }), null, 2)}\n`);
  const p = java(dir, 'proxy', [...PROXY_JVM_ARGS], proxyCp, PROXY_MAIN, ['-pm', 'cluster', '-pc', pConf]);
  return ready({ namesrv: `127.0.0.1:${ns}`, broker: `127.0.0.1:${bp}`, grpc: `127.0.0.1:${gp}`, procs: [p, b, n] }, gp);
}
