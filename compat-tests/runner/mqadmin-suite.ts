import * as fs from 'node:fs';
import * as path from 'node:path';
import { Mqadmin, mqadminFailed, parseClusterList, parseNamesrvConfig, parseTopicList, type MqadminResult } from './mqadmin';
import type { ApacheServerVersion } from './paths';
import { Probe } from './probe';
import type { ScenarioResult, SuiteRun } from './results';
import type { RunContext } from './run';
import type { Target } from './target';
import { asArray, asNumber, asObject, parseFastjson } from './util/fastjson';

/**
 * The official `mqadmin` commands of the NameServer issue (issue 3) against a target, each with its output
 * checked and, where the command changes state, the change observed through the protocol (Probe):
 *
 *   mqadmin.updateTopic (setup for the rest), mqadmin.clusterList, mqadmin.topicList, mqadmin.topicRoute,
 *   mqadmin.getNamesrvConfig, mqadmin.updateNamesrvConfig, mqadmin.updateKvConfig, mqadmin.deleteKvConfig,
 *   mqadmin.wipeWritePerm, mqadmin.addWritePerm, mqadmin.deleteTopic
 *
 * Scenarios run in this order (later ones use the topic the first creates); a failed scenario does not stop the
 * others.
 */
export interface MqadminSuiteOptions {
  target: Target;
  /** rocketmq-tools version (default 5.5.0). */
  toolsVersion?: ApacheServerVersion;
}

type Check = (r: MqadminResult) => Promise<void> | void;

class CheckError extends Error {}

function expect(cond: boolean, message: string): void {
  if (!cond) throw new CheckError(message);
}

export async function runMqadminSuite(ctx: RunContext, opts: MqadminSuiteOptions): Promise<SuiteRun> {
  const t0 = Date.now();
  const target = opts.target;
  const ns = target.namesrvAddr.split(';')[0]!;
  const logDir = ctx.suiteDir('mqadmin');
  const admin = new Mqadmin(ctx, { namesrvAddr: target.namesrvAddr, version: opts.toolsVersion ?? '5.5.0', dir: logDir });
  const probe = new Probe();
  const results: ScenarioResult[] = [];
  const topic = `compat_mqadmin_${Date.now().toString(36)}`;
  const kvNamespace = 'compat_ns';
  const kvKey = `k_${Date.now().toString(36)}`;
  let brokerName = target.brokerName;

  const scenario = async (id: string, command: string, args: string[], check: Check): Promise<void> => {
    const s0 = Date.now();
    let r: MqadminResult | undefined;
    try {
      r = await admin.run(command, args);
      expect(!mqadminFailed(r), `mqadmin ${command} reported a failure`);
      await check(r);
      results.push({ suite: 'mqadmin', id, status: 'passed', durationMs: Date.now() - s0 });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const out = r === undefined ? '' : `\n--- mqadmin ${r.args.join(' ')} (exit ${r.exitCode})\n--- stdout\n${r.stdout.slice(-3000)}\n--- stderr\n${r.stderr.slice(-3000)}`;
      results.push({ suite: 'mqadmin', id, status: 'failed', durationMs: Date.now() - s0, failure: `${msg}${out}` });
    }
  };

  try {
    await scenario('mqadmin.updateTopic', 'updateTopic', ['-c', target.clusterName, '-t', topic, '-r', '4', '-w', '4'], async (r) => {
      expect(/create topic to .+ success/.test(r.stdout), `expected "create topic to <broker> success", got: ${r.stdout.trim()}`);
      const route = await probe.route(ns, topic);
      expect(route !== null, `the NameServer does not route ${topic} after updateTopic`);
    });

    await scenario('mqadmin.clusterList', 'clusterList', [], (r) => {
      const rows = parseClusterList(r.stdout);
      expect(rows.length > 0, 'clusterList printed no broker row');
      const row = rows.find((x) => x.cluster === target.clusterName && (target.brokerAddr === undefined || x.addr === target.brokerAddr));
      expect(row !== undefined, `no row for cluster ${target.clusterName} / ${target.brokerAddr ?? 'any broker'} in ${JSON.stringify(rows)}`);
      expect(row!.brokerId === 0, `the broker is listed with BID ${row!.brokerId}, want 0 (master)`);
      expect(/^V\d+_\d+_\d+/.test(row!.version), `version column "${row!.version}" is not like V5_5_0 (it comes from GET_BROKER_RUNTIME_INFO)`);
      brokerName ??= row!.brokerName;
    });

    await scenario('mqadmin.topicList', 'topicList', [], (r) => {
      const topics = parseTopicList(r.stdout);
      expect(topics.includes(topic), `topicList lacks ${topic}: ${topics.join(' ')}`);
      expect(topics.includes('TBW102'), `topicList lacks TBW102 (autoCreateTopicEnable): ${topics.join(' ')}`);
    });

    await scenario('mqadmin.topicRoute', 'topicRoute', ['-t', topic], (r) => {
      const json = asObject(parseFastjson(r.stdout.slice(r.stdout.indexOf('{'))), 'topicRoute output');
      const qds = asArray(json['queueDatas'], 'queueDatas').map((q) => asObject(q, 'QueueData'));
      const bds = asArray(json['brokerDatas'], 'brokerDatas').map((b) => asObject(b, 'BrokerData'));
      expect(qds.length === 1, `one QueueData expected, got ${qds.length}`);
      expect(asNumber(qds[0]!['writeQueueNums'], 'writeQueueNums') === 4 && asNumber(qds[0]!['readQueueNums'], 'readQueueNums') === 4, `4/4 queues expected: ${JSON.stringify(qds[0])}`);
      expect(asNumber(qds[0]!['perm'], 'perm') === 6, `perm 6 expected: ${JSON.stringify(qds[0])}`);
      const addrs = bds.flatMap((b) => Object.values(asObject(b['brokerAddrs'], 'brokerAddrs')));
      expect(target.brokerAddr === undefined || addrs.includes(target.brokerAddr), `brokerAddrs ${JSON.stringify(addrs)} lack ${target.brokerAddr}`);
    });

    const nsConfig = async (): Promise<Map<string, string>> => {
      const r = await admin.run('getNamesrvConfig');
      expect(!mqadminFailed(r), `getNamesrvConfig failed: ${r.stderr}`);
      const all = parseNamesrvConfig(r.stdout);
      const mine = all.get(ns);
      expect(mine !== undefined, `getNamesrvConfig printed no section for ${ns}: ${[...all.keys()].join(', ')}`);
      return mine!;
    };

    await scenario('mqadmin.getNamesrvConfig', 'getNamesrvConfig', [], (r) => {
      const cfg = parseNamesrvConfig(r.stdout).get(ns);
      expect(cfg !== undefined, `no "============${ns}============" section`);
      expect(cfg!.get('listenPort') === ns.split(':')[1], `listenPort = ${cfg!.get('listenPort')}, want ${ns.split(':')[1]}`);
      for (const k of ['orderMessageEnable', 'kvConfigPath']) expect(cfg!.has(k), `NamesrvConfig key ${k} missing (keys: ${[...cfg!.keys()].join(', ')})`);
    });

    await scenario('mqadmin.updateNamesrvConfig', 'updateNamesrvConfig', ['-k', 'orderMessageEnable', '-v', 'true'], async (r) => {
      expect(r.stdout.includes('update name server config success!'), `expected "update name server config success!", got: ${r.stdout.trim()}`);
      const cfg = await nsConfig();
      expect(cfg.get('orderMessageEnable') === 'true', `getNamesrvConfig shows orderMessageEnable = ${cfg.get('orderMessageEnable')} after the update`);
      const back = await admin.run('updateNamesrvConfig', ['-k', 'orderMessageEnable', '-v', 'false']);
      expect(!mqadminFailed(back), 'restoring orderMessageEnable=false failed');
    });

    await scenario('mqadmin.updateKvConfig', 'updateKvConfig', ['-s', kvNamespace, '-k', kvKey, '-v', 'v1'], async (r) => {
      expect(r.stdout.includes('create or update kv config to namespace success.'), `unexpected output: ${r.stdout.trim()}`);
      const v = await probe.kvConfig(ns, kvNamespace, kvKey);
      expect(v === 'v1', `GET_KV_CONFIG ${kvNamespace}/${kvKey} = ${String(v)}, want v1`);
    });

    await scenario('mqadmin.deleteKvConfig', 'deleteKvConfig', ['-s', kvNamespace, '-k', kvKey], async (r) => {
      expect(r.stdout.includes('delete kv config from namespace success.'), `unexpected output: ${r.stdout.trim()}`);
      const v = await probe.kvConfig(ns, kvNamespace, kvKey);
      expect(v === null, `GET_KV_CONFIG ${kvNamespace}/${kvKey} = ${String(v)} after delete, want QUERY_NOT_FOUND`);
    });

    const permOf = async (): Promise<number> => {
      const route = await probe.route(ns, topic);
      expect(route !== null, `no route for ${topic}`);
      const q = route!.queueDatas.find((x) => x.brokerName === brokerName);
      expect(q !== undefined, `no QueueData of ${brokerName ?? '?'} in the route of ${topic}`);
      return q!.perm;
    };

    await scenario('mqadmin.wipeWritePerm', 'wipeWritePerm', ['-b', brokerName ?? 'broker-a'], async (r) => {
      const m = /wipe write perm of broker\[(.+?)\] in name server\[(.+?)\] OK, (\d+)/.exec(r.stdout);
      expect(m !== null, `expected "wipe write perm of broker[...] in name server[...] OK, N", got: ${r.stdout.trim()}`);
      expect(Number(m![3]) >= 1, `wipeWritePerm changed ${m![3]} topics, want at least 1`);
      // A broker registration that carries a new DataVersion legitimately restores the permission (Java
      // RouteInfoManager#registerBroker re-reads the topic configs); if one lands between the command and the
      // check, wipe again (at most twice more) rather than report a race as a failure.
      let perm = await permOf();
      for (let attempt = 0; attempt < 2 && (perm & 2) !== 0; attempt++) {
        await admin.run('wipeWritePerm', ['-b', brokerName ?? 'broker-a']);
        perm = await permOf();
      }
      expect((perm & 2) === 0, `perm of ${topic} is ${perm} after wipeWritePerm; the write bit (2) must be cleared`);
    });

    await scenario('mqadmin.addWritePerm', 'addWritePerm', ['-b', brokerName ?? 'broker-a'], async (r) => {
      const m = /add write perm of broker\[(.+?)\] in name server\[(.+?)\] OK, (\d+)/.exec(r.stdout);
      expect(m !== null, `expected "add write perm of broker[...] in name server[...] OK, N", got: ${r.stdout.trim()}`);
      expect(Number(m![3]) >= 1, `addWritePerm changed ${m![3]} topics, want at least 1`);
      const perm = await permOf();
      expect((perm & 2) === 2, `perm of ${topic} is ${perm} after addWritePerm; the write bit (2) must be set`);
    });

    await scenario('mqadmin.deleteTopic', 'deleteTopic', ['-t', topic, '-c', target.clusterName], async (r) => {
      expect(r.stdout.includes(`delete topic [${topic}] from cluster [${target.clusterName}] success.`), `unexpected output: ${r.stdout.trim()}`);
      expect(r.stdout.includes(`delete topic [${topic}] from NameServer success.`), `unexpected output: ${r.stdout.trim()}`);
      const route = await probe.route(ns, topic);
      expect(route === null, `the NameServer still routes ${topic} after deleteTopic`);
    });
  } finally {
    probe.close();
  }
  const run: SuiteRun = { suite: 'mqadmin', target: target.name, results, durationMs: Date.now() - t0, exitCode: 0, logDir };
  fs.writeFileSync(path.join(run.logDir, 'results.json'), JSON.stringify(run, null, 2));
  return run;
}
