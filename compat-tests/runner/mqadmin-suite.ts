import * as fs from 'node:fs';
import * as path from 'node:path';
import { Mqadmin, mqadminFailed, parseClusterList, parseNamesrvConfig, parseTopicList, type MqadminResult } from './mqadmin';
import type { ApacheServerVersion } from './paths';
import { Probe } from './probe';
import type { ScenarioResult, SuiteRun } from './results';
import type { RunContext } from './run';
import type { Target } from './target';
import { asArray, asNumber, asObject, parseFastjson } from './util/fastjson';
import { JAVA_550_BROKER_CONFIG_KEYS } from './java55-broker-config-keys';

/**
 * The official `mqadmin` commands of the NameServer issue (issue 3) against a target, each with its output
 * checked and, where the command changes state, the change observed through the protocol (Probe):
 *
 *   mqadmin.updateTopic (setup for the rest), mqadmin.clusterList, mqadmin.topicList, mqadmin.topicRoute,
 *   mqadmin.getNamesrvConfig, mqadmin.updateNamesrvConfig, mqadmin.updateKvConfig, mqadmin.deleteKvConfig,
 *   mqadmin.wipeWritePerm, mqadmin.addWritePerm, mqadmin.deleteTopic
 *
 * and the broker commands of issue 12 (official mqadmin 5.5.0, the same commands against both targets):
 *
 *   mqadmin.getBrokerConfig, mqadmin.brokerStatus, mqadmin.exportMetrics, mqadmin.cloneGroupOffset-unknown-group,
 *   mqadmin.coldDataFlowCtr, mqadmin.setCommitLogReadAheadMode, mqadmin.exportPopRecord, mqadmin.getBrokerLiteInfo, mqadmin.updateTopic-lite,
 *   mqadmin.updateStaticTopic
 *
 * The last two are features Apogee does not have: Apache must succeed, Apogee must refuse naming the feature.
 *
 * Scenarios run in this order (later ones use the topic the first creates); a failed scenario does not stop the
 * others.
 */
export interface MqadminSuiteOptions {
  target: Target;
  /** rocketmq-tools version (default 5.5.0). */
  toolsVersion?: ApacheServerVersion;
  /**
   * Run the issue-12 broker commands (MQADMIN_BROKER_SCENARIOS) too; default true. Off for runs whose broker is not
   * the subject (a 4.9.7 broker lacks these commands; Apache brokers behind Apogee's NameServer).
   */
  brokerCommands?: boolean;
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

  /** allowFailure: the check itself judges a failed command (features one target refuses). */
  const scenario = async (id: string, command: string, args: string[], check: Check, allowFailure = false): Promise<void> => {
    const s0 = Date.now();
    let r: MqadminResult | undefined;
    try {
      r = await admin.run(command, args);
      if (!allowFailure) expect(!mqadminFailed(r), `mqadmin ${command} reported a failure`);
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

    if (opts.brokerCommands !== false) await brokerScenarios({ admin, probe, target, topic, scenario, logDir });

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

interface BrokerScenarioContext {
  admin: Mqadmin;
  probe: Probe;
  target: Target;
  topic: string;
  logDir: string;
  scenario: (id: string, command: string, args: string[], check: Check, allowFailure?: boolean) => Promise<void>;
}

/** `key : value` lines of brokerStatus / `key = value` lines of getBrokerConfig. */
function parseKeyValues(text: string, sep: RegExp): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = sep.exec(line.trimEnd());
    if (m !== null) out.set(m[1]!, m[2]!);
  }
  return out;
}

/** The broker commands of issue 12. Both targets run them; where Apogee lacks a feature, it must say so. */
async function brokerScenarios(c: BrokerScenarioContext): Promise<void> {
  const { admin, probe, target, topic, scenario } = c;
  const b = target.brokerAddr ?? [...(await probe.clusterInfo(target.namesrvAddr.split(';')[0]!)).brokers.values()][0]?.addrs.get(0) ?? '127.0.0.1:10911';
  const apogee = target.kind === 'apogee';

  await scenario('mqadmin.getBrokerConfig', 'getBrokerConfig', ['-b', b], (r) => {
    const kv = parseKeyValues(r.stdout, /^(\S+)\s+=\s*(.*)$/); // an empty value prints as `key  =  `
    const missing = JAVA_550_BROKER_CONFIG_KEYS.filter((k) => !kv.has(k));
    expect(missing.length === 0, `${missing.length} keys of a Java 5.5.0 broker are missing: ${missing.slice(0, 40).join(', ')}`);
    expect(kv.get('brokerClusterName') === target.clusterName, `brokerClusterName = ${kv.get('brokerClusterName')}`);
    expect(/^[1-9]\d*$/.test(kv.get('clientCallbackExecutorThreads') ?? ''), `clientCallbackExecutorThreads (the CPU count) = ${kv.get('clientCallbackExecutorThreads')}`);
  });

  // Puts and a read, so the latency statistics have something to measure.
  for (let i = 0; i < 3; i++) await admin.run('sendMessage', ['-t', topic, '-p', `status-${i}`]);
  await scenario('mqadmin.brokerStatus', 'brokerStatus', ['-b', b], (r) => {
    const kv = parseKeyValues(r.stdout, /^(\S+)\s*: (.*)$/);
    for (const k of ['putMessageEntireTimeMax', 'getMessageEntireTimeMax']) expect(/^\d+$/.test(kv.get(k) ?? ''), `${k} = ${kv.get(k)}, want a long`);
    for (const k of ['putLatency99', 'putLatency999']) expect(/^\d+\.\d\d$/.test(kv.get(k) ?? ''), `${k} = ${kv.get(k)}, want %.2f`);
    // Java StoreStatsService: the last 60 s window, "null" until the first one ends.
    const dist = kv.get('putMessageDistributeTime') ?? '';
    const labels = ['[<=0ms]', '[0~10ms]', '[10~50ms]', '[50~100ms]', '[100~200ms]', '[200~500ms]', '[500ms~1s]', '[1~2s]', '[2~3s]', '[3~4s]', '[4~5s]', '[5~10s]', '[10s~]'];
    const seen = [...dist.matchAll(/(\[[^\]]+\]):(\d+)/g)].map((m) => m[1]);
    expect(dist === 'null' || JSON.stringify(seen) === JSON.stringify(labels), `putMessageDistributeTime = "${dist}", want null or Java's 13 counters`);
    expect(Number(kv.get('msgPutTotalTodayNow')) >= 3, `msgPutTotalTodayNow = ${kv.get('msgPutTotalTodayNow')}, want >= 3 after 3 sends`);
  });

  const exportDir = path.join(c.logDir, `export-${target.name}`);
  await scenario('mqadmin.exportMetrics', 'exportMetrics', ['-c', target.clusterName, '-f', exportDir], (r) => {
    expect(r.stdout.includes(`export ${exportDir}/metrics.json success`), `unexpected output: ${r.stdout.trim()}`);
    const json = asObject(parseFastjson(fs.readFileSync(path.join(exportDir, 'metrics.json'), 'utf8')), 'metrics.json');
    const reports = asObject(json['evaluateReport'], 'evaluateReport');
    const mine = Object.values(reports).map((x) => asObject(x, 'broker report'));
    expect(mine.length >= 1, 'no broker in evaluateReport');
    const env = asObject(mine[0]!['runtimeEnv'], 'runtimeEnv');
    expect(/^[1-9]\d*$/.test(String(env['cpuNum'])), `runtimeEnv.cpuNum = ${String(env['cpuNum'])}, want the broker's CPU count`);
    const oneDay = asObject(asObject(mine[0]!['runtimeQuota'], 'runtimeQuota')['oneDayNum'], 'oneDayNum');
    for (const k of ['transOneDayInNum', 'scheduleOneDayInNum', 'normalOneDayInNum', 'normalOneDayOutNum']) asNumber(oneDay[k], k);
  });

  // cloneGroupOffset writes the source group's offsets to the destination with UPDATE_CONSUMER_OFFSET; Java refuses
  // a destination group that does not exist (ConsumerManageProcessor#updateConsumerOffset).
  const src = `compat_clone_src_${Date.now().toString(36)}`;
  await admin.run('updateSubGroup', ['-b', b, '-g', src]);
  await admin.run('updateTopic', ['-b', b, '-t', `%RETRY%${src}`, '-r', '1', '-w', '1']);
  const commit = await probe.request(b, 15, { consumerGroup: src, topic, queueId: '0', commitOffset: '1' });
  await scenario(
    'mqadmin.cloneGroupOffset-unknown-group',
    'cloneGroupOffset',
    ['-s', src, '-d', `compat_no_such_group_${Date.now().toString(36)}`, '-t', topic],
    (r) => {
      expect(commit.code === 0, `committing the source group's offset failed: ${commit.code} ${commit.remark ?? ''}`);
      expect(mqadminFailed(r), 'cloneGroupOffset to a group that does not exist succeeded');
      expect(/CODE: 26\b/.test(r.stdout + r.stderr), 'want SUBSCRIPTION_GROUP_NOT_EXIST (CODE: 26)');
    },
    true,
  );

  await scenario('mqadmin.coldDataFlowCtr', 'updateColdDataFlowCtrGroupConfig', ['-b', b, '-g', 'compat_cold_g', '-v', '1000'], async (r) => {
    expect(r.stdout.includes(`updateColdDataFlowCtrGroupConfig success, ${b}`), `unexpected output: ${r.stdout.trim()}`);
    const info = await admin.run('getColdDataFlowCtrInfo', ['-b', b]);
    expect(!mqadminFailed(info), `getColdDataFlowCtrInfo failed: ${info.stdout}${info.stderr}`);
    const json = asObject(parseFastjson(info.stdout.slice(info.stdout.indexOf('{'))), 'cold data info');
    expect(asNumber(asObject(json['configTable'], 'configTable')['compat_cold_g'], 'threshold') === 1000, `configTable lacks compat_cold_g=1000: ${info.stdout}`);
    expect(asNumber(json['cgColdReadThreshold'], 'cgColdReadThreshold') === 3145728, 'cgColdReadThreshold is not the default 3145728');
    const rm = await admin.run('removeColdDataFlowCtrGroupConfig', ['-b', b, '-g', 'compat_cold_g']);
    expect(rm.stdout.includes(`remove broker cold read threshold success, ${b}`), `unexpected remove output: ${rm.stdout.trim()}`);
  });

  await scenario('mqadmin.setCommitLogReadAheadMode', 'setCommitLogReadAheadMode', ['-b', b, '-m', '0'], (r) => {
    expect(r.stdout.includes('set commitlog readahead mode success, mode: 0'), `unexpected output: ${r.stdout.trim()}`);
  });

  // exportPopRecord sends POP_ROLLBACK (200056); Java's AdminBrokerProcessor#transferPopToFsStore answers SUCCESS
  // (a no-op without the KV POP store, popConsumerKVServiceInit false, the default) and mqadmin prints its line.
  await scenario('mqadmin.exportPopRecord', 'exportPopRecord', ['-b', b], (r) => {
    expect(/Export broker records, brokerName=\S+, brokerAddr=/.test(r.stdout) && !/Export broker records error/.test(r.stdout), `unexpected output: ${r.stdout.trim()}`);
  });

  await scenario('mqadmin.getBrokerLiteInfo', 'getBrokerLiteInfo', ['-b', b], (r) => {
    const row = r.stdout.split('\n').find((l) => l.startsWith(b));
    expect(row !== undefined, `no row for ${b}: ${r.stdout.trim()}`);
    const cols = row!.trim().split(/\s+/);
    expect(cols[1] === 'default' && cols[2] === '20000' && cols[3] === '0', `want store type default, max LMQ 20000, current LMQ 0: ${row}`);
  });

  const refusedNaming = (r: MqadminResult, feature: RegExp, what: string): void => {
    expect(mqadminFailed(r), `Apogee accepted ${what}, a feature it does not have`);
    expect(feature.test(r.stdout + r.stderr), `the refusal of ${what} does not name the feature (want ${feature})`);
  };
  const lite = `compat_lite_${Date.now().toString(36)}`;
  await scenario(
    'mqadmin.updateTopic-lite',
    'updateTopic',
    ['-c', target.clusterName, '-t', lite, '-r', '2', '-w', '2', '-a', '+message.type=LITE'],
    (r) => {
      if (apogee) return refusedNaming(r, /CODE: 29 .*LITE topics .* not supported by Apogee/, 'a LITE topic');
      expect(!mqadminFailed(r) && /create topic to .+ success/.test(r.stdout), `want "create topic to <broker> success", got: ${r.stdout.trim()}`);
    },
    true,
  );

  await scenario(
    'mqadmin.updateStaticTopic',
    'updateStaticTopic',
    ['-c', target.clusterName, '-t', `compat_static_${Date.now().toString(36)}`, '-qn', '2'],
    (r) => {
      if (apogee) return refusedNaming(r, /CODE: 3 .*request type 513 not supported: static topics/, 'a static topic');
      expect(!mqadminFailed(r) && r.stdout.includes('The new mapping data is written to file'), `unexpected output: ${r.stdout.trim()}`);
    },
    true,
  );
}
