import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { APOGEE, CLIENT_SOURCE, CP_DIR, failed, freePort, hasJava, javaLayout, kill, MQADMIN_MAIN, runJava, toolsClasspath, type Run } from '../testing/java-tools';

/**
 * The OFFICIAL Apache mqadmin (org.apache.rocketmq.tools.command.MQAdminStartup, 5.5.0 and 4.9.x) against an
 * Apogee started as `node dist/lib/bin/apogee.js start`, with a live official Java client (producer + push consumer,
 * run from a single-file Java source with the 5.5.0 client jars) for consumerConnection, producerConnection and
 * consumerProgress. Each command's printed output is checked.
 *
 * Needs: `npx tsc -p .` done, java on PATH, and the tools classpath written by compat-tests
 * (compat-tests/java/apache-dist/target/classpath/server-<v>.txt). 4.9.8 is resolved offline with Maven into a temp
 * file when its jars are in ~/.m2; otherwise 4.9.7 (compat-tests' classpath) is used. Missing prerequisites skip
 * the suite with the reason printed. Only 127.0.0.1; every process started here is killed in `after`.
 * Slow: one JVM per command (about 2-3 s each).
 */

describe('lib/broker/processors/admin: official mqadmin against Apogee (compat)', function () {
  this.timeout(300_000);
  let dir = '';
  let nsPort = 0;
  let brokerPort = 0;
  let apogee: ChildProcess | undefined;
  let client: ChildProcess | undefined;
  let clientOut = '';
  let producerId = '';
  let consumerId = '';
  const sentOffsetIds: string[] = [];
  const bodyFiles: string[] = [];
  const skipReason = !fs.existsSync(APOGEE)
    ? `${APOGEE} missing: run npx tsc -p . first`
    : !hasJava()
      ? 'java is not on PATH'
      : toolsClasspath('5.5.0') === undefined
        ? `no tools classpath in ${CP_DIR} (compat-tests writes it)`
        : undefined;

  before(async function () {
    if (skipReason !== undefined) {
      console.log(`      skipped: ${skipReason}`);
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-mqadmin-'));
    nsPort = await freePort();
    brokerPort = await freePort(true);
    apogee = spawn('node', [APOGEE, 'start', '--dataDir', path.join(dir, 'data'), '--namesrvPort', String(nsPort), '--brokerPort', String(brokerPort)], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, APOGEE_LOG_LEVEL: 'warn' },
    });
    let started = '';
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`apogee did not start: ${started}`)), 20_000);
      apogee!.stdout!.on('data', (d: Buffer) => {
        started += d.toString();
        if (started.includes(`broker 127.0.0.1:${brokerPort}`)) {
          clearTimeout(t);
          resolve();
        }
      });
      apogee!.stderr!.on('data', (d: Buffer) => (started += d.toString()));
      apogee!.once('exit', (code) => reject(new Error(`apogee exited with ${code}: ${started}`)));
    });
    // The official 5.5.0 client, live for the whole suite.
    const cp = toolsClasspath('5.5.0')!.cp;
    const src = path.join(dir, 'CompatClient.java');
    fs.writeFileSync(src, CLIENT_SOURCE);
    client = spawn('java', [...javaLayout(path.join(dir, 'client')), '-cp', cp, src, `127.0.0.1:${nsPort}`, 'CompatClientTopic', 'PG_COMPAT', 'CG_COMPAT', '5'], {
      cwd: dir,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`the Java client did not get ready: ${clientOut}`)), 120_000);
      client!.stdout!.on('data', (d: Buffer) => {
        clientOut += d.toString();
        const m = /READY (\S+) (\S+)/.exec(clientOut);
        if (m) {
          clearTimeout(t);
          producerId = m[1]!;
          consumerId = m[2]!;
          resolve();
        }
      });
      client!.stderr!.on('data', (d: Buffer) => (clientOut += d.toString()));
      client!.once('exit', (code) => reject(new Error(`the Java client exited with ${code}: ${clientOut}`)));
    });
    for (const m of clientOut.matchAll(/SENT \S+ (\S+) SEND_OK/g)) sentOffsetIds.push(m[1]!);
  });

  after(async () => {
    client?.stdin?.end();
    await kill(client);
    await kill(apogee);
    for (const f of bodyFiles) fs.rmSync(f, { force: true });
    if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const version of ['5.5.0', '4.9'] as const) {
    describe(`mqadmin ${version}`, () => {
      let tools: { cp: string; label: string } | undefined;
      let jvm: string[] = [];
      const topic = `CompatTopic_${version.replace(/\./g, '')}`;
      const group = `CompatGroup_${version.replace(/\./g, '')}`;
      let msgId = '';
      const v5 = version === '5.5.0';

      before(function () {
        if (skipReason !== undefined) this.skip();
        tools = toolsClasspath(version);
        if (tools === undefined) {
          console.log(`      skipped: no ${version} tools classpath`);
          this.skip();
        }
        console.log(`      tools: rocketmq-tools ${tools.label}`);
        jvm = javaLayout(path.join(dir, `tools-${version}`));
      });

      const mq = async (...args: string[]): Promise<Run> => {
        const r = await runJava([...jvm, '-cp', tools!.cp, MQADMIN_MAIN, ...args, '-n', `127.0.0.1:${nsPort}`], dir);
        return r;
      };
      const ok = (r: Run, ...expect: (string | RegExp)[]): void => {
        assert.ok(!failed(r), r.out);
        for (const e of expect) {
          if (typeof e === 'string') assert.ok(r.out.includes(e), `expected ${JSON.stringify(e)} in:\n${r.out}`);
          else assert.match(r.out, e);
        }
      };

      it('clusterList: the broker row with its version, TPS and ACTIVATED (GET_BROKER_RUNTIME_INFO parses)', async () => {
        const r = await mq('clusterList');
        ok(r, 'DefaultCluster', 'broker-a', `127.0.0.1:${brokerPort}`, 'V5_5_0');
        if (v5) assert.match(r.out, /\btrue\s*$/m);
      });

      it('brokerStatus', async () => {
        ok(await mq('brokerStatus', '-b', `127.0.0.1:${brokerPort}`), /brokerVersionDesc\s*: V5_5_0/, /putTps\s*: \d/, /earliestMessageTimeStamp\s*: /);
      });

      it('updateTopic', async () => {
        ok(await mq('updateTopic', '-c', 'DefaultCluster', '-t', topic, '-r', '4', '-w', '4'), `create topic to 127.0.0.1:${brokerPort} success`);
      });

      it('topicList', async () => {
        ok(await mq('topicList'), topic, 'CompatClientTopic');
      });

      it('topicList -c (QUERY_TOPIC_CONSUME_BY_WHO)', async () => {
        ok(await mq('topicList', '-c'), /CompatClientTopic\s+CG_COMPAT/);
      });

      it('topicRoute', async () => {
        ok(await mq('topicRoute', '-t', topic), '"brokerName":"broker-a"', '"writeQueueNums":4', `127.0.0.1:${brokerPort}`);
      });

      it('sendMessage', async () => {
        const r = await mq('sendMessage', '-t', topic, '-p', 'compat-body', '-k', 'CompatKey');
        ok(r, 'SEND_OK');
        msgId = /SEND_OK\s+([0-9A-F]{32,})/.exec(r.out)![1]!;
      });

      it('topicStatus (GET_TOPIC_STATS_INFO + GET_TOPIC_CONFIG)', async () => {
        const r = await mq('topicStatus', '-t', topic);
        ok(r, '#Min Offset');
        for (let q = 0; q < 4; q++) assert.match(r.out, new RegExp(`broker-a\\s+${q}\\s+0\\s+\\d+`));
        assert.match(r.out, /broker-a\s+\d\s+0\s+1\s+\d{4}-\d\d-\d\d/);
      });

      it('queryMsgByKey (QUERY_MESSAGE)', async () => {
        ok(await mq('queryMsgByKey', '-t', topic, '-k', 'CompatKey'), msgId);
      });

      it('queryMsgById (4.x: queryMsgByUniqueKey): by UNIQ_KEY (QUERY_MESSAGE unique) and by offset msgId (VIEW_MESSAGE_BY_ID), with the message track', async () => {
        // 4.9.x queryMsgById takes offset msgIds only (no -t); its UNIQ_KEY lookup is queryMsgByUniqueKey.
        const t = (name: string): string[] => (v5 ? ['-t', name] : []);
        const byUniq = v5 ? await mq('queryMsgById', '-t', topic, '-i', msgId) : await mq('queryMsgByUniqueKey', '-t', topic, '-i', msgId);
        ok(byUniq, /Topic:\s+/, /Keys:\s+\[CompatKey\]/);
        const offsetId = sentOffsetIds[0]!;
        const byOffset = await mq('queryMsgById', ...t('CompatClientTopic'), '-i', offsetId);
        ok(byOffset, `OffsetID:            ${offsetId}`, 'CompatClientTopic', /MessageTrack \[consumerGroup=CG_COMPAT, trackType=CONSUMED/);
        // the tool writes each body to a fixed /tmp/rocketmq/msgbodys/<id>; remove what this test made
        for (const r of [byUniq, byOffset]) for (const m of r.out.matchAll(/Message Body Path:\s+(\S+)/g)) bodyFiles.push(m[1]!);
      });

      it('consumerConnection (live official client)', async () => {
        ok(await mq('consumerConnection', '-g', 'CG_COMPAT'), consumerId, 'JAVA', 'CompatClientTopic', 'MessageModel: CLUSTERING');
      });

      it('producerConnection (live official client)', async () => {
        ok(await mq('producerConnection', '-g', 'PG_COMPAT', '-t', 'CompatClientTopic'), producerId, 'JAVA');
      });

      it('consumerProgress -g: a group with committed offsets (GET_CONSUME_STATS, object keys)', async () => {
        const r = await mq('consumerProgress', '-g', 'CG_COMPAT');
        ok(r, /Diff Total: 0/);
        assert.match(r.out, /CompatClientTopic\s+broker-a\s+\d\s+\d+\s+\d+/);
        const total = [...r.out.matchAll(/CompatClientTopic\s+broker-a\s+\d\s+(\d+)\s+(\d+)/g)].reduce((s, m) => s + Number(m[2]), 0);
        assert.ok(total >= 5, r.out);
      });

      it('consumerProgress (all groups) and, 5.x, consumerProgress -s true (GET_CONSUMER_RUNNING_INFO forwarded to the client)', async () => {
        ok(await mq('consumerProgress'), /CG_COMPAT\s+1\s+V5_5_0/);
        if (v5) {
          const r = await mq('consumerProgress', '-g', 'CG_COMPAT', '-s', 'true');
          ok(r, '#Client IP');
          assert.match(r.out, /CompatClientTopic\s+broker-a\s+\d\s+\d+\s+\d+\s+\d+\.\d+\.\d+\.\d+/);
        }
      });

      it('resetOffsetByTime (INVOKE_BROKER_TO_RESET_OFFSET, server-side)', async () => {
        const r = await mq('resetOffsetByTime', '-g', 'CG_COMPAT', '-t', 'CompatClientTopic', '-s', String(Date.now() + 3_600_000));
        ok(r, '#brokerName');
        assert.equal([...r.out.matchAll(/^broker-a\s+\d\s+\d+\s*$/gm)].length, 4, r.out);
      });

      it('updateSubGroup', async () => {
        ok(await mq('updateSubGroup', '-c', 'DefaultCluster', '-g', group), `create subscription group to 127.0.0.1:${brokerPort} success`);
      });

      it('deleteSubGroup', async () => {
        ok(await mq('deleteSubGroup', '-c', 'DefaultCluster', '-g', group), `delete subscription group [${group}] from broker [127.0.0.1:${brokerPort}]`);
      });

      it('getBrokerConfig', async () => {
        ok(await mq('getBrokerConfig', '-b', `127.0.0.1:${brokerPort}`), /brokerName\s+=\s+broker-a/, /listenPort\s+=\s+\d+/);
      });

      it('updateBrokerConfig, then getBrokerConfig shows the value; a black-listed key is refused (NO_PERMISSION)', async () => {
        const value = v5 ? '4000' : '4500';
        ok(await mq('updateBrokerConfig', '-b', `127.0.0.1:${brokerPort}`, '-k', 'flushConsumerOffsetInterval', '-v', value), 'update broker config success');
        ok(await mq('getBrokerConfig', '-b', `127.0.0.1:${brokerPort}`), new RegExp(`flushConsumerOffsetInterval\\s+=\\s+${value}`));
        const black = await mq('updateBrokerConfig', '-b', `127.0.0.1:${brokerPort}`, '-k', 'brokerName', '-v', 'x');
        assert.match(black.out, /CODE: 16\s+DESC: Can not update config in black list/);
      });

      it('getNamesrvConfig', async () => {
        ok(await mq('getNamesrvConfig'), `============127.0.0.1:${nsPort}============`, /listenPort\s+=\s+\d+/);
      });

      it('deleteTopic, then the topic is gone from topicList', async () => {
        ok(await mq('deleteTopic', '-c', 'DefaultCluster', '-t', topic), `delete topic [${topic}] from cluster [DefaultCluster] success.`, `delete topic [${topic}] from NameServer success.`);
        const r = await mq('topicList');
        assert.ok(!r.out.includes(topic), r.out);
      });
    });
  }
});
