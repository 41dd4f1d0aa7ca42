import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KVTable } from '../../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { RocketClient } from '../../client';
import { javaToolsSkipReason, startApogeeUnderTest, type ApogeeUnderTest } from '../processors/testing/java-fixture';
import { FAULT_CLIENT_SOURCE, javaLayout, runJava, toolsClasspath, type Run } from '../processors/testing/java-tools';

/**
 * Issue 14's proof with the OFFICIAL Java client (rocketmq-client 5.5.0, a single-file program run against
 * compat-tests' classpath): `apogee start` as a real process with `apogeeFaultsEnable=true` in its broker.conf, rules
 * the first scenario's rule in broker.conf, the others set at runtime with UPDATE_BROKER_CONFIG, and one synchronous send per scenario. Each scenario checks what the
 * Java client printed AND what the broker counted (GET_BROKER_RUNTIME_INFO apogeeFaultInjected*) and stored
 * (GET_MAX_OFFSET summed over the topic's queues):
 *  - error:SYSTEM_BUSY times=2, retries 2: the producer retries (Java: DefaultMQProducer's retryResponseCodes holds
 *    SYSTEM_BUSY; DefaultMQProducerImpl#sendDefaultImpl continues on such an MQBrokerException); the third attempt
 *    succeeds, one message stored.
 *  - delay longer than sendMsgTimeout: the client gives up with RemotingTooMuchRequestException "sendDefaultImpl
 *    call timeout" (Java: sendDefaultImpl checks the time spent before each further attempt).
 *  - drop, retries 0: the client times out (RemotingTimeoutException in the cause chain) yet the message is stored:
 *    a lost ack.
 * Missing prerequisites (built apogee, java, the 5.5.0 classpath) skip the suite with the reason printed. Only
 * 127.0.0.1; one Java process at a time; apogee is stopped in `after`.
 */

const TOPIC_QUEUES = 4;
/** How long the broker may take to store a delayed or dropped send after the client gave up, ms. */
const STORED_WAIT_MS = 15_000;
/** The Java producer's sendMsgTimeout in the timeout scenarios, ms (the delay rule waits DELAY_MS, longer). */
const SHORT_SEND_TIMEOUT_MS = 1500;
const DELAY_MS = 4000;
const ERR_TOPIC = 'FaultJavaErr';
const ERROR_RULE = `code=SEND_MESSAGE|SEND_MESSAGE_V2,topic=${ERR_TOPIC},action=error:SYSTEM_BUSY,times=2`;

describe('lib/broker/faults: the official Java client 5.5.0 under injected faults (compat)', function () {
  this.timeout(180_000);
  let dir = '';
  let nsPort = 0;
  let brokerAddr = '';
  let apogee: ApogeeUnderTest | undefined;
  let client: RocketClient | undefined;
  let cp = '';
  const skipReason = javaToolsSkipReason();

  before(async function () {
    if (skipReason !== undefined) {
      console.log(`      skipped: ${skipReason}`);
      this.skip();
    }
    cp = toolsClasspath('5.5.0')!.cp;
    // Scenario 1's rule comes from broker.conf (the start-up path); the others are set at runtime.
    apogee = await startApogeeUnderTest('apogee-faults-java-', `apogeeFaultsEnable=true\napogeeFaultSeed=7\napogeeFaultRules=${ERROR_RULE}\n`, {
      prepare: (d: string) => (fs.writeFileSync(path.join(d, 'FaultClient.java'), FAULT_CLIENT_SOURCE), ''),
    });
    ({ dir, nsPort, brokerAddr, client } = apogee);
    // Runtime info reports the effective state: enabled and rules present.
    assert.equal((await runtimeInfo()).get('apogeeFaultsEnable'), 'true', "broker.conf's fault keys are in force");
  });

  after(async () => {
    await apogee?.stop();
  });

  async function runtimeInfo(): Promise<ReadonlyMap<string, string>> {
    const r = await client!.call(brokerAddr, RequestCode.GET_BROKER_RUNTIME_INFO);
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    const d = KVTable.decode(r.body!);
    assert.ok(d.ok);
    return d.value.table;
  }

  async function counter(key: string): Promise<number> {
    const v = (await runtimeInfo()).get(key);
    assert.ok(v !== undefined, `runtime info has ${key}`);
    return Number(v);
  }

  async function setRules(rules: string): Promise<void> {
    const r = await client!.call(brokerAddr, RequestCode.UPDATE_BROKER_CONFIG, null, Buffer.from(`apogeeFaultRules=${rules}\n`));
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
  }

  /** Creates `topic` (TOPIC_QUEUES queues) and waits until the NameServer routes it, so the Java producer finds it. */
  async function createTopic(topic: string): Promise<void> {
    const ext = new Map(Object.entries({ topic, defaultTopic: 'TBW102', readQueueNums: String(TOPIC_QUEUES), writeQueueNums: String(TOPIC_QUEUES), perm: '6', topicFilterType: 'SINGLE_TAG', topicSysFlag: '0', order: 'false' }));
    const r = await client!.call(brokerAddr, RequestCode.UPDATE_AND_CREATE_TOPIC, ext);
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    const until = Date.now() + STORED_WAIT_MS;
    while ((await client!.routeOf(topic, 0).catch(() => undefined)) === undefined) {
      if (Date.now() > until) throw new Error(`${topic} not routed by the NameServer within ${STORED_WAIT_MS} ms`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }

  async function stored(topic: string): Promise<number> {
    let n = 0;
    for (let q = 0; q < TOPIC_QUEUES; q++) n += await client!.maxOffset(brokerAddr, topic, q);
    return n;
  }

  /** Waits until `topic` holds `want` messages (a delayed send is stored after the delay); returns what it holds. */
  async function storedEventually(topic: string, want: number): Promise<number> {
    const until = Date.now() + STORED_WAIT_MS;
    let n = await stored(topic);
    while (n < want && Date.now() < until) {
      await new Promise((res) => setTimeout(res, 200));
      n = await stored(topic);
    }
    return n;
  }

  function sendWithJava(topic: string, retries: number, sendTimeoutMs: number): Promise<Run> {
    const args = [...javaLayout(path.join(dir, `java-${topic}`)), '-cp', cp, path.join(dir, 'FaultClient.java')];
    return runJava([...args, `127.0.0.1:${nsPort}`, topic, `PG_${topic}`, String(retries), String(sendTimeoutMs)], dir);
  }

  it('error:SYSTEM_BUSY twice: the producer retries (retryTimesWhenSendFailed=2), the third attempt stores one message', async () => {
    const topic = ERR_TOPIC;
    await createTopic(topic);
    const before = await counter('apogeeFaultInjectedError'); // the rule is broker.conf's
    assert.equal(before, 0);
    const r = await sendWithJava(topic, 2, 10_000);
    assert.match(r.out, /^SEND_OK SEND_OK \d+ 0$/m, r.out);
    assert.equal((await counter('apogeeFaultInjectedError')) - before, 2, 'two injected errors, both retried by the client');
    assert.equal(await stored(topic), 1, 'exactly one message stored');
  });

  it(`delay:${DELAY_MS} with sendMsgTimeout=${SHORT_SEND_TIMEOUT_MS}: the client reports RemotingTooMuchRequestException "sendDefaultImpl call timeout"`, async () => {
    const topic = 'FaultJavaDelay';
    await createTopic(topic);
    const before = await counter('apogeeFaultInjectedDelay');
    await setRules(`code=SEND_MESSAGE|SEND_MESSAGE_V2,topic=${topic},action=delay:${DELAY_MS},times=1`);
    const r = await sendWithJava(topic, 2, SHORT_SEND_TIMEOUT_MS);
    assert.match(r.out, /^SEND_FAIL$/m, r.out);
    assert.match(r.out, /^CAUSE org\.apache\.rocketmq\.remoting\.exception\.RemotingTooMuchRequestException: sendDefaultImpl call timeout$/m, r.out);
    assert.equal((await counter('apogeeFaultInjectedDelay')) - before, 1);
    // A delay processes the request afterwards: the late send is stored once (the client never retried it).
    assert.equal(await storedEventually(topic, 1), 1);
  });

  it('drop with retries off: the client times out, yet the message IS stored (a lost ack)', async () => {
    const topic = 'FaultJavaDrop';
    await createTopic(topic);
    const before = await counter('apogeeFaultInjectedDrop');
    await setRules(`code=SEND_MESSAGE|SEND_MESSAGE_V2,topic=${topic},action=drop,times=1`);
    const r = await sendWithJava(topic, 0, SHORT_SEND_TIMEOUT_MS);
    assert.match(r.out, /^SEND_FAIL$/m, r.out);
    assert.match(r.out, /^CAUSE org\.apache\.rocketmq\.client\.exception\.MQClientException: Send \[1\] times, still failed/m, r.out);
    assert.match(r.out, /^CAUSE org\.apache\.rocketmq\.remoting\.exception\.RemotingTimeoutException: /m, r.out);
    assert.equal((await counter('apogeeFaultInjectedDrop')) - before, 1);
    assert.equal(await storedEventually(topic, 1), 1, 'the unacknowledged send was stored');
  });
});
