import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { COMMON_JVM_ARGS, logbackXml } from './apache';
import { ensureClasspath, grpcSuitesDir } from './paths';
import { freePort, LOOPBACK } from './ports';
import { waitFor } from './probe';
import { ManagedProcess, tailFile } from './process';
import type { ScenarioResult, SuiteRun } from './results';
import type { RunContext } from './run';
import { GRPC_PROXY_SCENARIOS } from './scenarios';
import { readSurefireReports } from './surefire';
import type { Target } from './target';

/**
 * The `grpc-proxy` suite (issue 15, step 2 "through the official proxy"): RocketMQ 5.x's gRPC Java client
 * (rocketmq-client-java, compat-tests/java/grpc-suites) talks to the OFFICIAL proxy (rocketmq-proxy 5.5.0 from
 * Maven Central, `ProxyStartup -pm cluster`, a JVM of its own as users deploy it), which talks remoting to the
 * target: its NameServer for routes, its broker for send / POP / ack / change-invisible-time / end-transaction.
 *
 *   proxy  dir/rmq-proxy.json  {rocketMQClusterName, namesrvAddr: target, grpcServerPort, remotingListenPort: free}
 *          dir/logs/proxy.log  everything the proxy logs (what it asked the broker and what came back)
 *          dir/proxy.out       its stdout + stderr
 *   suite  mvn -f grpc-suites/pom.xml test -Dproxy=127.0.0.1:<grpc> -Dnamesrv=<target>
 *
 * One proxy per suite run, stopped afterwards, so a run holds the proxy JVM plus the target's processes. The proxy
 * runs as a local process whatever the runtime: with containers the target listens on 127.0.0.1 (host networking)
 * too, but only the local runtime is proven so far.
 *
 * A target whose broker is 4.x gets every scenario skipped (the proxy consumes with POP, a 5.x broker feature).
 *
 * Proxy settings that differ from its defaults, the same for every target: minInvisibleTimeMillsForRecv 1 s (default
 * 10 s: the redelivery scenarios would wait 10 s each).
 */
export const PROXY_MAIN = 'org.apache.rocketmq.proxy.ProxyStartup';
export const PROXY_VERSION = '5.5.0';
/** The proxy embeds a remoting client pool, gRPC and Netty: 512 MB is plenty for tests. */
export const PROXY_JVM_ARGS: readonly string[] = ['-server', '-Xms256m', '-Xmx512m', '-XX:+UseG1GC', '-XX:-OmitStackTraceInFastThrow'];
/** From spawn to the gRPC port accepting connections (a cold JVM on a shared 2-core box takes ~10 s). */
export const PROXY_READY_TIMEOUT_MS = 90_000;
/** The proxy's smallest receive invisible time for the tests (its default is 10 s). */
export const PROXY_MIN_INVISIBLE_MS = 1_000;

export interface OfficialProxy {
  readonly grpcEndpoint: string;
  readonly dir: string;
  readonly logFile: string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

export interface ProxyOptions {
  target: Target;
  dir: string;
  javaBin?: string;
}

export function proxyConfig(o: { clusterName: string; namesrvAddr: string; grpcPort: number; remotingPort: number }): Record<string, unknown> {
  return {
    rocketMQClusterName: o.clusterName,
    namesrvAddr: o.namesrvAddr,
    grpcServerPort: o.grpcPort,
    remotingListenPort: o.remotingPort,
    minInvisibleTimeMillsForRecv: PROXY_MIN_INVISIBLE_MS,
  };
}

/** Starts the official proxy in cluster mode in front of `target`; resolves once its gRPC port accepts connections. */
export async function startOfficialProxy(ctx: RunContext, o: ProxyOptions): Promise<OfficialProxy> {
  const cp = await ensureClasspath(ctx, 'proxy', PROXY_VERSION);
  const home = path.join(o.dir, 'home');
  const rmqHome = path.join(o.dir, 'rmqhome');
  const logs = path.join(o.dir, 'logs');
  for (const d of [home, path.join(rmqHome, 'conf'), logs]) fs.mkdirSync(d, { recursive: true });
  const logFile = path.join(logs, 'proxy.log');
  const logback = path.join(o.dir, 'logback.xml');
  fs.writeFileSync(logback, logbackXml(logFile));
  const grpcPort = await freePort();
  const remotingPort = await freePort();
  const confFile = path.join(o.dir, 'rmq-proxy.json');
  const conf = proxyConfig({ clusterName: o.target.clusterName, namesrvAddr: o.target.namesrvAddr, grpcPort, remotingPort });
  fs.writeFileSync(confFile, `${JSON.stringify(conf, null, 2)}\n`);
  const outFile = path.join(o.dir, 'proxy.out');
  const p = ManagedProcess.start({
    name: `proxy-${o.target.name}`,
    command: o.javaBin ?? 'java',
    args: [
      ...PROXY_JVM_ARGS,
      ...COMMON_JVM_ARGS,
      `-Duser.home=${home}`,
      `-Drocketmq.home.dir=${rmqHome}`,
      `-Drmq.logback.configurationFile=${logback}`,
      `-Drocketmq.log.root=${logs}`,
      `-Drocketmq.client.logRoot=${logs}`,
      '-cp',
      cp,
      PROXY_MAIN,
      '-pm',
      'cluster',
      '-pc',
      confFile,
    ],
    cwd: o.dir,
    logFile: outFile,
    pidFile: ctx.pidFile(`proxy-${o.target.name}`),
    marker: ctx.dir,
  });
  const stop = async (): Promise<void> => {
    if (p.running) await p.stop(10_000);
  };
  try {
    await waitFor(`official proxy gRPC port ${grpcPort}`, () => connects(grpcPort), {
      timeoutMs: PROXY_READY_TIMEOUT_MS,
      intervalMs: 500,
      abortIf: () => (p.running ? undefined : `the proxy exited (${JSON.stringify(p.exit)}):\n${p.tail(30)}\n${tailFile(logFile, 30)}`),
    });
  } catch (e) {
    await stop();
    throw e;
  }
  ctx.logger.info({ target: o.target.name, grpcPort, remotingPort, dir: o.dir }, 'official proxy ready');
  return { grpcEndpoint: `${LOOPBACK}:${grpcPort}`, dir: o.dir, logFile, process: p, stop };
}

function connects(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const s = net.connect({ host: LOOPBACK, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(undefined));
  });
}

export interface GrpcProxySuiteOptions {
  target: Target;
  /** surefire -Dtest selector, e.g. 'FilterTest'. */
  test?: string;
  /** Whole-suite bound (default 10 min); the test JVM is killed past it. */
  timeoutMs?: number;
  mvn?: string;
  /** rocketmq-client-java version (-Dgrpc.client.version; default the pom's, 5.2.0), e.g. '5.0.8'. */
  clientVersion?: string;
  /**
   * Native mode (issue 15 step 2 "natively"): no proxy; the clients talk to the target's own gRPC endpoint
   * (target.grpcEndpoint, Apogee's lib/grpc). Results are reported as suite `grpc-native`.
   */
  native?: boolean;
  /** -Dcompat.full=true: the scenarios that wait for the broker's transaction check run (else they skip, "full run only"). */
  full?: boolean;
}

export const GRPC_PROXY_SUITE = 'grpc-proxy';
export const GRPC_NATIVE_SUITE = 'grpc-native';

/** Starts the proxy in front of the target (native: uses the target's own endpoint), runs the gRPC scenarios, stops the proxy. */
export async function runGrpcProxySuite(ctx: RunContext, opts: GrpcProxySuiteOptions): Promise<SuiteRun> {
  const suite = opts.native === true ? GRPC_NATIVE_SUITE : GRPC_PROXY_SUITE;
  const dir = ctx.suiteDir(suite);
  const reports = path.join(dir, 'reports');
  const home = path.join(dir, 'home');
  for (const d of [reports, home]) fs.mkdirSync(d, { recursive: true });
  const timeoutMs = opts.timeoutMs ?? 10 * 60_000;
  const t0 = Date.now();
  if (opts.native === true && opts.target.grpcEndpoint === undefined) {
    const reason = `native mode needs a target serving gRPC itself (Apogee started with grpcPort); ${opts.target.description}`;
    const results = GRPC_PROXY_SCENARIOS.map((id): ScenarioResult => ({ suite, id, status: 'skipped', durationMs: 0, reason }));
    return { suite, target: opts.target.name, results, durationMs: 0, exitCode: 0, logDir: dir };
  }
  if (/broker 4\./.test(opts.target.description)) {
    // the proxy consumes with POP (5.x brokers only): Apache's own limit, reported as an expected skip (plan.ts)
    const reason = `the official proxy needs a 5.x broker (POP); ${opts.target.description}`;
    const results = GRPC_PROXY_SCENARIOS.map((id): ScenarioResult => ({ suite, id, status: 'skipped', durationMs: 0, reason }));
    return { suite, target: opts.target.name, results, durationMs: 0, exitCode: 0, logDir: dir };
  }
  const logFile = path.join(dir, 'mvn.log');
  let exitCode: number | null = null;
  let error: string | undefined;
  let proxy: OfficialProxy | undefined;
  try {
    const endpoint = opts.native === true ? opts.target.grpcEndpoint! : (proxy = await startOfficialProxy(ctx, { target: opts.target, dir: path.join(dir, 'proxy') })).grpcEndpoint;
    const args = [
      '-B',
      '-Dstyle.color=never',
      '-f',
      path.join(grpcSuitesDir(), 'pom.xml'),
      'test',
      `-Dproxy=${endpoint}`,
      `-Dnamesrv=${opts.target.namesrvAddr}`,
      `-Dcompat.reports=${reports}`,
      `-Dcompat.home=${home}`,
      `-Dcompat.suiteTimeoutSeconds=${Math.ceil(timeoutMs / 1000)}`,
      '-Dmaven.test.failure.ignore=true',
      '-Dsurefire.failIfNoSpecifiedTests=false',
    ];
    if (opts.test !== undefined) args.push(`-Dtest=${opts.test}`);
    if (opts.full === true) args.push('-Dcompat.full=true');
    if (opts.clientVersion !== undefined) args.push(`-Dgrpc.client.version=${opts.clientVersion}`);
    ctx.logger.info({ suite, target: opts.target.name, dir, endpoint }, opts.native === true ? "running gRPC suite against the target's own endpoint" : 'running gRPC suite through the official proxy');
    const p = ManagedProcess.start({ name: `mvn ${suite}`, command: opts.mvn ?? 'mvn', args, cwd: grpcSuitesDir(), logFile, pidFile: ctx.pidFile(`mvn-${suite}`), marker: ctx.dir });
    const exit = await p.waitExit(timeoutMs + 120_000);
    exitCode = exit.code;
    if (exit.code !== 0) error = `mvn exited with ${exit.code ?? exit.signal}; see ${logFile}\n${p.tail(40)}`;
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  } finally {
    if (proxy !== undefined) await proxy.stop();
  }
  let results: ScenarioResult[] = [];
  try {
    results = readSurefireReports(reports, suite);
  } catch (e) {
    error = `${error ?? ''}\ncannot read surefire reports in ${reports}: ${String(e)}`.trim();
  }
  if (results.length === 0 && error === undefined) error = `no surefire reports in ${reports}; see ${logFile}`;
  const run: SuiteRun = { suite, target: opts.target.name, results, durationMs: Date.now() - t0, exitCode, logDir: dir };
  if (error !== undefined) run.error = error;
  fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify(run, null, 2));
  return run;
}
