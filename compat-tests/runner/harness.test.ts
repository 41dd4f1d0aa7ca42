/**
 * Fast tests of the compat harness itself (no Java, no Go): parsers of what the official tools print, process
 * control, ports and the suite handshake. The slow end-to-end runs are in *.compat.ts (see compat-tests/README.md).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { silentLogger } from '../../lib/common';
import { parseConsumerOutput, parseProducerOutput } from './benchmark';
import { ControlChannel } from './control';
import { goScenarioId, parseGoTestJson } from './go-suite';
import { parseClusterList, parseNamesrvConfig, parseTopicList } from './mqadmin';
import { freeBrokerPorts, freePort, isPortFree } from './ports';
import { liveProcessCount, ManagedProcess, runToCompletion } from './process';
import { parseSurefireXml } from './surefire';
import { externalTarget } from './target';
import { canonicalJson, parseFastjson } from './util/fastjson';
import { parseProperties, renderProperties } from './util/props';
import { parseXml } from './util/xml';

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'compat-harness-test-'));
}

describe('compat harness: fastjson reader (what Apache writes on the wire and in consumerOffset.json)', () => {
  it('reads bare integer keys (ClusterInfo brokerAddrs, consumerOffset.json)', () => {
    const v = parseFastjson('{"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.1:10921"},"n":-3.5e2}') as Record<string, unknown>;
    assert.deepEqual(v['brokerAddrs'], { '0': '127.0.0.1:10911', '1': '127.0.0.1:10921' });
    assert.equal(v['n'], -350);
  });

  it('reads object keys (ConsumeStats offsetTable) as canonical JSON text', () => {
    const v = parseFastjson('{"offsetTable":{{"topic":"T","queueId":0,"brokerName":"b"}:{"brokerOffset":5}}}') as Record<string, Record<string, unknown>>;
    const key = Object.keys(v['offsetTable']!)[0]!;
    assert.equal(key, '{"brokerName":"b","queueId":0,"topic":"T"}');
    assert.deepEqual(parseFastjson(key), { brokerName: 'b', queueId: 0, topic: 'T' });
    assert.equal(canonicalJson({ b: 1, a: [true, null] }), '{"a":[true,null],"b":1}');
  });

  it('reads escapes and pretty-printed tool output; rejects garbage with a position', () => {
    assert.deepEqual(parseFastjson('{\n\t"a" : "x\\u00e9\\n\\"",\n\t"b":[ ]\n}'), { a: 'xé\n"', b: [] });
    assert.throws(() => parseFastjson('{"a":}'), /offset 5/);
    assert.throws(() => parseFastjson('{"a":1} x'), /trailing/);
  });
});

describe('compat harness: surefire reports', () => {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="org.apogee.compat.BodyTest" time="3.5" tests="5" errors="0" skipped="2" failures="1">
  <properties><property name="a" value="b"/></properties>
  <testcase name="body.1b" classname="org.apogee.compat.BodyTest" time="1.25"/>
  <testcase name="body.4mb" classname="org.apogee.compat.BodyTest" time="2.0">
    <failure message="body differs ==&gt; expected: &lt;1&gt;" type="org.opentest4j.AssertionFailedError"><![CDATA[org.opentest4j.AssertionFailedError: body differs ==> expected: <1>
\tat org.apogee.compat.BodyTest.fourMegabytes(BodyTest.java:107)]]></failure>
  </testcase>
  <testcase name="restart.offsets-survive-broker-sigkill" classname="org.apogee.compat.RestartTest" time="0.01">
    <skipped message="Assumption failed: needs the harness"/>
  </testcase>
  <testcase name="litepull.subscribe-commit" classname="org.apogee.compat.LitePullTest" time="0">
    <skipped type="org.opentest4j.TestAbortedException"><![CDATA[org.opentest4j.TestAbortedException: Assumption failed: not supported: LITE_PULL_MESSAGE (361)
	at org.junit.jupiter.api.Assumptions.throwAssumptionFailed(Assumptions.java:316)]]></skipped>
  </testcase>
  <testcase name="helper()" classname="org.apogee.compat.Other" time="0,5"/>
</testsuite>`;

  it('gives one result per test case, with the scenario id, status, duration and failure text', () => {
    const r = parseSurefireXml(xml, 'java-5.5.0');
    assert.equal(r.length, 5);
    assert.deepEqual(r[0], { suite: 'java-5.5.0', id: 'body.1b', status: 'passed', durationMs: 1250 });
    assert.equal(r[1]!.status, 'failed');
    assert.match(r[1]!.failure!, /^org\.opentest4j\.AssertionFailedError: body differs ==> expected: <1>/);
    assert.match(r[1]!.failure!, /BodyTest\.java:107/);
    assert.equal(r[2]!.status, 'skipped');
    assert.equal(r[2]!.reason, 'needs the harness');
    assert.equal(r[3]!.reason, 'not supported: LITE_PULL_MESSAGE (361)');
    assert.equal(r[4]!.id, 'Other#helper');
  });

  it('the XML reader handles entities, CDATA, comments and self-closing tags and rejects mismatched tags', () => {
    const doc = parseXml('<?xml version="1.0"?><!-- c --><a x="&lt;&#65;&#x42;&amp;"><b/>t<![CDATA[<raw>]]></a>');
    assert.equal(doc.attrs['x'], '<AB&');
    assert.equal(doc.text, 't<raw>');
    assert.equal(doc.children[0]!.name, 'b');
    assert.throws(() => parseXml('<a><b></a>'), /does not match/);
  });
});

describe('compat harness: go test -json', () => {
  it('maps test names to scenario ids', () => {
    assert.equal(goScenarioId('TestSendSync'), 'go.send-sync');
    assert.equal(goScenarioId('TestSendOneWay'), 'go.send-one-way');
    assert.equal(goScenarioId('TestRouteResolution'), 'go.route-resolution');
  });

  it('collects pass, fail (with output), skip (with reason) and tests that never finished', () => {
    const ev = (o: Record<string, unknown>): string => JSON.stringify({ Package: 'p', ...o });
    const text = [
      ev({ Action: 'run', Test: 'TestA' }),
      ev({ Action: 'output', Test: 'TestA', Output: '=== RUN   TestA\n' }),
      ev({ Action: 'pass', Test: 'TestA', Elapsed: 1.5 }),
      ev({ Action: 'run', Test: 'TestB' }),
      ev({ Action: 'output', Test: 'TestB', Output: '    b_test.go:10: boom\n' }),
      ev({ Action: 'output', Test: 'TestB/sub', Output: '    sub detail\n' }),
      ev({ Action: 'fail', Test: 'TestB', Elapsed: 2 }),
      ev({ Action: 'run', Test: 'TestC' }),
      ev({ Action: 'output', Test: 'TestC', Output: '    c_test.go:3: needs -brokeraddr\n' }),
      ev({ Action: 'skip', Test: 'TestC', Elapsed: 0 }),
      ev({ Action: 'run', Test: 'TestD' }),
      ev({ Action: 'output', Output: 'FAIL\tp\t9.0s\n' }),
      ev({ Action: 'fail', Elapsed: 9 }),
    ].join('\n');
    const { results, packageFailures } = parseGoTestJson(text);
    assert.deepEqual(results.map((r) => [r.id, r.status]), [
      ['go.a', 'passed'],
      ['go.b', 'failed'],
      ['go.c', 'skipped'],
      ['go.d', 'failed'],
    ]);
    assert.equal(results[0]!.durationMs, 1500);
    assert.match(results[1]!.failure!, /boom[\s\S]*sub detail/);
    assert.match(results[2]!.reason!, /needs -brokeraddr/);
    assert.match(results[3]!.failure!, /no result/);
    assert.equal(packageFailures.length, 1);
  });
});

describe('compat harness: go test -json build failures', () => {
  it('reports compiler output when the suite does not build (Go 1.24+ build-output events)', () => {
    const text = [
      '{"ImportPath":"x [x.test]","Action":"build-output","Output":"# x [x.test]\\n"}',
      '{"ImportPath":"x [x.test]","Action":"build-output","Output":"./a_test.go:5:28: undefined: undefinedThing\\n"}',
      '{"ImportPath":"x [x.test]","Action":"build-fail"}',
      '{"Action":"start","Package":"x"}',
      '{"Action":"output","Package":"x","Output":"FAIL\\tx [build failed]\\n"}',
      '{"Action":"fail","Package":"x","Elapsed":0}',
    ].join('\n');
    const { results, packageFailures } = parseGoTestJson(text);
    assert.equal(results.length, 0);
    assert.match(packageFailures.join('\n'), /undefined: undefinedThing/);
  });
});

describe('compat harness: benchmark and mqadmin output', () => {
  it('parses the benchmark Producer and Consumer stats lines', () => {
    const p = parseProducerOutput(
      [
        'topic: T, threadCount: 8, messageSize: 1024, ...',
        'Current Time: 2026-11-29 09:00:00,123 | Send TPS: 5321 | Max RT(ms): 45 | Average RT(ms):   1.502 | Send Failed: 0 | Response Failed: 2',
        '[Complete] Send Total: 80000 | Send TPS: 5400 | Max RT(ms): 60 | Average RT(ms):   1.480 | Send Failed: 1 | Response Failed: 2',
      ].join('\n'),
    );
    assert.deepEqual(p.lines, [{ sendTps: 5321, maxRtMs: 45, avgRtMs: 1.502, sendFailed: 0, responseFailed: 2 }]);
    assert.deepEqual(p.complete, { sendTotal: 80000, sendFailed: 1, responseFailed: 2 });
    assert.deepEqual(parseProducerOutput('[Complete] Send Total: 10 Send Failed: 0 Response Failed: 0').complete, { sendTotal: 10, sendFailed: 0, responseFailed: 0 });
    const c = parseConsumerOutput(
      'Current Time: 2026-11-29 09:00:00,123 | Consume TPS: 5000 | AVG(B2C) RT(ms):   3.100 | AVG(S2C) RT(ms):   2.900 | MAX(B2C) RT(ms): 40 | MAX(S2C) RT(ms): 39 | Consume Fail: 0',
    );
    assert.deepEqual(c, [{ consumeTps: 5000, avgB2cMs: 3.1, avgS2cMs: 2.9, maxB2cMs: 40, maxS2cMs: 39, consumeFail: 0 }]);
  });

  it('parses clusterList, getNamesrvConfig and topicList', () => {
    const cl = parseClusterList(
      [
        '#Cluster Name           #Broker Name            #BID  #Addr                  #Version              #InTPS(LOAD)       #OutTPS(LOAD)  #Timer(Progress)        #PCWait(ms)  #Hour         #SPACE    #ACTIVATED',
        'DefaultCluster          broker-a                0     127.0.0.1:30921        V4_9_7                 0.00(0,0ms)               0.00(0,0ms|N,Nms)  0-0(0.0w, 0.0, 0.0)               0  498872.93     0.1300         false',
      ].join('\n'),
    );
    assert.deepEqual(cl, [{ cluster: 'DefaultCluster', brokerName: 'broker-a', brokerId: 0, addr: '127.0.0.1:30921', version: 'V4_9_7' }]);
    const cfg = parseNamesrvConfig('============127.0.0.1:9876============\nlistenPort                                        =  9876\norderMessageEnable                                =  true\n');
    assert.equal(cfg.get('127.0.0.1:9876')?.get('orderMessageEnable'), 'true');
    assert.deepEqual(parseTopicList('TBW102\nDefaultCluster\n\nbroker-a\n'), ['TBW102', 'DefaultCluster', 'broker-a']);
  });
});

describe('compat harness: Java properties (broker.conf, namesrv.conf)', () => {
  it('round-trips keys and values, escaping what Properties#load would misread', () => {
    const text = renderProperties({ listenPort: 10911, brokerIP1: '127.0.0.1', path: 'C:\\x y', odd: 'a=b:c#d', uni: 'é✓', none: undefined }, 'header');
    assert.match(text, /^# header\n/);
    assert.ok(!text.includes('none'));
    const back = parseProperties(text);
    assert.equal(back.get('listenPort'), '10911');
    assert.equal(back.get('path'), 'C:\\x y');
    assert.equal(back.get('odd'), 'a=b:c#d');
    assert.equal(back.get('uni'), 'é✓');
    assert.match(text, /uni=\\u00e9\\u2713/);
  });
});

describe('compat harness: ports and processes', function () {
  this.timeout(20_000);

  it('hands out free, distinct ports and broker triples (port-2, port, port+1)', async () => {
    const a = await freePort();
    const b = await freePort();
    assert.notEqual(a, b);
    const t = await freeBrokerPorts();
    assert.equal(t.fastListenPort, t.listenPort - 2);
    assert.equal(t.haListenPort, t.listenPort + 1);
    for (const p of [t.fastListenPort, t.listenPort, t.haListenPort]) assert.ok(await isPortFree(p), `port ${p} free`);
  });

  it('runs a command to completion with stdout and stderr apart', async () => {
    const dir = tmpdir();
    const r = await runToCompletion(
      { name: 'echo', command: process.execPath, args: ['-e', 'console.log("out"); console.error("err"); process.exit(3)'], cwd: dir, logFile: path.join(dir, 'o'), errFile: path.join(dir, 'e') },
      10_000,
    );
    assert.equal(r.code, 3);
    assert.equal(r.output.trim(), 'out');
    assert.equal(r.errOutput.trim(), 'err');
  });

  it('stop() escalates to SIGKILL when SIGTERM is ignored; SIGSTOP/SIGCONT reach the process; nothing is left', async () => {
    const dir = tmpdir();
    const before = liveProcessCount();
    const p = ManagedProcess.start({
      name: 'stubborn',
      command: process.execPath,
      args: ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000); console.log("up")'],
      cwd: dir,
      logFile: path.join(dir, 'stubborn.log'),
      pidFile: path.join(dir, 'pids', 'stubborn.json'),
    });
    assert.ok(fs.existsSync(path.join(dir, 'pids', 'stubborn.json')));
    assert.equal(liveProcessCount(), before + 1);
    // its SIGTERM handler is installed once it printed "up"
    const deadline = Date.now() + 5000;
    while (!fs.readFileSync(path.join(dir, 'stubborn.log'), 'utf8').includes('\nup') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    p.signal('SIGSTOP');
    p.signal('SIGCONT');
    const exit = await p.stop(500);
    assert.equal(exit.signal, 'SIGKILL');
    assert.equal(liveProcessCount(), before);
    assert.ok(!fs.existsSync(path.join(dir, 'pids', 'stubborn.json')), 'pid file removed on exit');
    assert.match(fs.readFileSync(path.join(dir, 'stubborn.log'), 'utf8'), /no exit 500 ms after SIGTERM/);
  });

  it('waitExit kills a process that outlives its bound', async () => {
    const dir = tmpdir();
    const p = ManagedProcess.start({ name: 'sleeper', command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'], cwd: dir, logFile: path.join(dir, 's.log') });
    await assert.rejects(p.waitExit(300), /did not finish within 300 ms/);
    assert.equal(p.running, false);
  });
});

describe('compat harness: suite handshake (control directory)', function () {
  this.timeout(10_000);

  it('serves a kill-restart request: waits for durable offsets, restarts, answers ok', async () => {
    const dir = tmpdir();
    const calls: string[] = [];
    const target = {
      ...externalTarget('127.0.0.1:1', 'fake'),
      control: {
        async awaitOffsetsDurable(req: { group: string; topic: string; offsets: Record<number, number> }) {
          calls.push(`durable ${req.group} ${req.topic} ${JSON.stringify(req.offsets)}`);
        },
        async killAndRestartBroker() {
          calls.push('kill-restart');
        },
      },
    };
    const ch = new ControlChannel(dir, target, silentLogger(), 20).start();
    fs.writeFileSync(path.join(dir, 'request-7.json'), JSON.stringify({ id: 7, action: 'kill-restart-broker', durable: { group: 'g', topic: 't', offsets: { '0': 12 } } }));
    fs.writeFileSync(path.join(dir, 'request-8.json'), JSON.stringify({ id: 8, action: 'fly' }));
    const deadline = Date.now() + 5000;
    while (!(fs.existsSync(path.join(dir, 'response-7.json')) && fs.existsSync(path.join(dir, 'response-8.json'))) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await ch.stop();
    assert.deepEqual(calls, ['durable g t {"0":12}', 'kill-restart']);
    const ok = JSON.parse(fs.readFileSync(path.join(dir, 'response-7.json'), 'utf8')) as { ok: boolean };
    assert.equal(ok.ok, true);
    const bad = JSON.parse(fs.readFileSync(path.join(dir, 'response-8.json'), 'utf8')) as { ok: boolean; error: string };
    assert.equal(bad.ok, false);
    assert.match(bad.error, /unknown control action "fly"/);
  });

  it('answers an error when the target cannot kill its broker', async () => {
    const dir = tmpdir();
    const ch = new ControlChannel(dir, externalTarget('127.0.0.1:1'), silentLogger(), 20).start();
    fs.writeFileSync(path.join(dir, 'request-1.json'), JSON.stringify({ id: 1, action: 'kill-restart-broker' }));
    const deadline = Date.now() + 5000;
    while (!fs.existsSync(path.join(dir, 'response-1.json')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await ch.stop();
    assert.match(fs.readFileSync(path.join(dir, 'response-1.json'), 'utf8'), /cannot kill and restart its broker/);
  });
});
