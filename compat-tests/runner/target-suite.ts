import * as fs from 'node:fs';
import * as path from 'node:path';
import { Probe, waitFor } from './probe';
import type { ScenarioResult, SuiteRun } from './results';
import type { RunContext } from './run';
import type { Target } from './target';

/**
 * The harness's own checks of a target, as a suite of the matrix (they were the "harness" tests of the per-target
 * mocha files): the target is what it claims to be, and the controls the client suites rely on work in the runtime
 * that runs it (local processes or containers).
 *
 *   target.ready          the NameServer answers GET_BROKER_CLUSTER_INFO (106) and lists the broker as master (id 0)
 *                         of its cluster at the advertised 127.0.0.1 address; TBW102 is routed; the broker answers
 *                         GET_BROKER_RUNTIME_INFO (28) with a brokerVersionDesc like V5_5_0
 *   target.freeze-resume  SIGSTOP (a container: docker pause) freezes the broker — a request times out — and
 *                         SIGCONT (unpause) resumes it
 *   target.kill-restart   SIGKILL + restart (a container: docker kill, then a fresh container on the same ports and
 *                         store) brings a new broker process back on the same address, registered again
 *
 * The last two skip, with the reason, on a target without those hooks (an external cluster).
 */
export async function runTargetSuite(ctx: RunContext, opts: { target: Target }): Promise<SuiteRun> {
  const t0 = Date.now();
  const target = opts.target;
  const results: ScenarioResult[] = [];
  const probe = new Probe();
  const scenario = async (id: string, skip: string | undefined, body: () => Promise<void>): Promise<void> => {
    const s0 = Date.now();
    if (skip !== undefined) {
      results.push({ suite: 'target', id, status: 'skipped', durationMs: 0, reason: skip });
      return;
    }
    try {
      await body();
      results.push({ suite: 'target', id, status: 'passed', durationMs: Date.now() - s0 });
    } catch (e) {
      results.push({ suite: 'target', id, status: 'failed', durationMs: Date.now() - s0, failure: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  };
  const check = (cond: boolean, message: string): void => {
    if (!cond) throw new Error(message);
  };
  const broker = target.brokerAddr;
  try {
    await scenario('target.ready', undefined, async () => {
      const info = await probe.clusterInfo(target.namesrvAddr);
      const name = target.brokerName ?? [...info.brokers.keys()][0];
      check(name !== undefined, `the NameServer lists no broker: ${JSON.stringify([...info.brokers.keys()])}`);
      const entry = info.brokers.get(name!);
      check(entry !== undefined, `the NameServer does not list ${name}`);
      check(broker === undefined || entry!.addrs.get(0) === broker, `master of ${name} is ${entry!.addrs.get(0)}, want ${broker}`);
      check((info.clusters.get(target.clusterName) ?? []).includes(name!), `cluster ${target.clusterName} does not list ${name}: ${JSON.stringify([...info.clusters])}`);
      const route = await probe.route(target.namesrvAddr, 'TBW102');
      check(route !== null && route.queueDatas.length >= 1, `TBW102 route: ${JSON.stringify(route)}`);
      const rt = await probe.brokerRuntimeInfo(entry!.addrs.get(0)!);
      check(/^V\d+_\d+_\d+/.test(rt['brokerVersionDesc'] ?? ''), `brokerVersionDesc = ${rt['brokerVersionDesc']}`);
    });

    const signal = target.control.signalBroker;
    await scenario('target.freeze-resume', signal === undefined || broker === undefined ? `target ${target.name} has no signal hook (not managed by the harness)` : undefined, async () => {
      try {
        await signal!('SIGSTOP');
        let answered = false;
        try {
          await probe.request(broker!, 28, {}, 1500);
          answered = true;
        } catch (e) {
          check((e as { kind?: string }).kind === 'TIMEOUT', `a frozen broker should time out, got: ${String(e)}`);
        }
        check(!answered, 'the broker answered while frozen (SIGSTOP / docker pause had no effect)');
        await signal!('SIGCONT');
        await waitFor('the broker answers again after SIGCONT', async () => (await probe.brokerRuntimeInfo(broker!), true), { timeoutMs: 30_000 });
      } finally {
        try {
          await signal!('SIGCONT');
        } catch {
          /* not running */
        }
      }
    });

    const killRestart = target.control.killAndRestartBroker;
    await scenario('target.kill-restart', killRestart === undefined || broker === undefined ? `target ${target.name} cannot kill and restart its broker (not managed by the harness)` : undefined, async () => {
      const before = (await probe.brokerRuntimeInfo(broker!))['bootTimestamp'];
      await killRestart!();
      const after = (await probe.brokerRuntimeInfo(broker!))['bootTimestamp'];
      check(after !== before, `bootTimestamp unchanged (${before}): not a new broker process`);
      const info = await probe.clusterInfo(target.namesrvAddr);
      check(info.brokers.get(target.brokerName!)?.addrs.get(0) === broker, `after the restart the NameServer lists ${JSON.stringify([...(info.brokers.get(target.brokerName!)?.addrs ?? [])])}`);
    });
  } finally {
    probe.close();
  }
  const logDir = ctx.suiteDir('target');
  const run: SuiteRun = { suite: 'target', target: target.name, results, durationMs: Date.now() - t0, exitCode: 0, logDir };
  fs.writeFileSync(path.join(logDir, 'results.json'), JSON.stringify(run, null, 2));
  return run;
}
