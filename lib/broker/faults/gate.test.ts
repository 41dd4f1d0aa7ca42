import { strict as assert } from 'node:assert';
import { KVTable } from '../../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { BrokerHarness } from '../processors/testing/harness';
import { PullSysFlag } from '../../../protocol/message';
import { FAULT_REMARK_PREFIX } from './gate';

/**
 * The fault gate over real sockets (a broker + NameServer on 127.0.0.1): off by default, switched and changed at
 * runtime by UPDATE_BROKER_CONFIG (mqadmin updateBrokerConfig -k apogeeFaultRules -v ...), each action acting as
 * documented in gate.ts, counted in GET_BROKER_RUNTIME_INFO.
 */
describe('lib/broker/faults/gate over a real broker', () => {
  let h: BrokerHarness;
  const TOPIC = 'FaultT';
  /** Client timeout for the requests expected to go unanswered (ms); the rules' delays are far longer. */
  const shortTimeoutMs = 300;

  before(async () => {
    h = await BrokerHarness.start();
  });

  after(async () => {
    await h.close();
  });

  async function setConfig(text: string): Promise<{ code: number; remark: string | null }> {
    return h.call(RequestCode.UPDATE_BROKER_CONFIG, {}, Buffer.from(text));
  }

  function sendFields(): Record<string, string | number> {
    return { producerGroup: 'PG_F', topic: TOPIC, defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 0, sysFlag: 0, bornTimestamp: Date.now(), flag: 0, properties: '', reconsumeTimes: 0 };
  }

  async function maxOffset(): Promise<number> {
    const r = await h.call(RequestCode.GET_MAX_OFFSET, { topic: TOPIC, queueId: 0 });
    return Number(r.extFields?.get('offset'));
  }

  async function runtimeInfo(): Promise<ReadonlyMap<string, string>> {
    const r = await h.call(RequestCode.GET_BROKER_RUNTIME_INFO);
    const d = KVTable.decode(r.body!);
    assert.ok(d.ok);
    return d.value.table;
  }

  it('off by default: rules alone inject nothing and runtime info says disabled', async () => {
    assert.equal((await setConfig('apogeeFaultRules=code=SEND_MESSAGE,action=error:SYSTEM_BUSY\n')).code, ResponseCode.SUCCESS);
    const r = await h.send(TOPIC, 'a');
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    const info = await runtimeInfo();
    assert.equal(info.get('apogeeFaultsEnable'), 'false');
    assert.equal(info.get('apogeeFaultInjectedTotal'), '0');
  });

  it('error: the send answers the injected code with a remark naming the rule; times=1 then lets sends through', async () => {
    assert.equal((await setConfig('apogeeFaultsEnable=true\napogeeFaultRules=code=SEND_MESSAGE,topic=FaultT,action=error:SYSTEM_BUSY,times=1\n')).code, ResponseCode.SUCCESS);
    const before = await maxOffset();
    const r = await h.send(TOPIC, 'b');
    assert.equal(r.code, ResponseCode.SYSTEM_BUSY);
    assert.ok(r.remark?.startsWith(`${FAULT_REMARK_PREFIX} injected SYSTEM_BUSY by fault rule #1`), r.remark ?? '');
    assert.equal(await maxOffset(), before, 'the processor did not run');
    assert.equal((await h.send(TOPIC, 'c')).code, ResponseCode.SUCCESS);
    assert.equal((await h.send('OtherT', 'c')).code, ResponseCode.SUCCESS);
  });

  it('drop: the send is stored but never answered (the client times out)', async () => {
    assert.equal((await setConfig('apogeeFaultRules=code=SEND_MESSAGE,action=drop\n')).code, ResponseCode.SUCCESS);
    const before = await maxOffset();
    await assert.rejects(h.call(RequestCode.SEND_MESSAGE, sendFields(), Buffer.from('d'), { timeoutMs: shortTimeoutMs }), /no answer .* within 300 ms/);
    assert.equal(await maxOffset(), before + 1, 'the message was stored: a lost ack');
  });

  it('delay: a delay longer than the client timeout makes the client time out', async () => {
    assert.equal((await setConfig('apogeeFaultRules=code=SEND_MESSAGE,action=delay:1000\n')).code, ResponseCode.SUCCESS);
    await assert.rejects(h.call(RequestCode.SEND_MESSAGE, sendFields(), Buffer.from('e'), { timeoutMs: shortTimeoutMs }), /no answer .* within 300 ms/);
  });

  it('close: the connection is closed instead of answering', async () => {
    assert.equal((await setConfig('apogeeFaultRules=code=GET_BROKER_CONFIG,action=close\n')).code, ResponseCode.SUCCESS);
    await assert.rejects(h.call(RequestCode.GET_BROKER_CONFIG), /closed/i);
  });

  it('slowread: a matched pull is answered (the processor ran, the message found) but late; others are not held', async () => {
    const pull = (topic: string, timeoutMs: number) =>
      h.call(
        RequestCode.PULL_MESSAGE,
        { consumerGroup: 'CG_F', topic, queueId: 0, queueOffset: 0, maxMsgNums: 1, sysFlag: PullSysFlag.FLAG_SUBSCRIPTION, commitOffset: 0, suspendTimeoutMillis: 0, subscription: '*', subVersion: 0, expressionType: 'TAG' },
        null,
        { timeoutMs },
      );
    assert.equal((await setConfig(`apogeeFaultRules=code=PULL_MESSAGE,topic=${TOPIC},action=slowread:1000\n`)).code, ResponseCode.SUCCESS);
    await assert.rejects(pull(TOPIC, shortTimeoutMs), /no answer .* within 300 ms/, 'the store read completes 1000 ms late');
    assert.equal((await pull('OtherT', 5000)).code, ResponseCode.SUCCESS, 'another topic reads at once');
    assert.equal((await setConfig(`apogeeFaultRules=code=PULL_MESSAGE,topic=${TOPIC},action=slowread:50\n`)).code, ResponseCode.SUCCESS);
    assert.equal((await pull(TOPIC, 5000)).code, ResponseCode.SUCCESS, 'a slow read still returns the messages');
    assert.equal((await runtimeInfo()).get('apogeeFaultInjectedSlowRead'), '2');
  });

  it('bad rule text is refused naming the rule; the previous rules stay; counts are in runtime info', async () => {
    const r = await setConfig('apogeeFaultRules=action=drop;code=SEND_MESSAGE,action=error:NOPE\n');
    assert.equal(r.code, ResponseCode.SYSTEM_ERROR);
    assert.match(r.remark ?? '', /apogeeFaultRules rule #2 "code=SEND_MESSAGE,action=error:NOPE": action=error:NOPE: unknown ResponseCode "NOPE"/);
    const info = await runtimeInfo();
    assert.equal(info.get('apogeeFaultsEnable'), 'true');
    assert.equal(info.get('apogeeFaultInjectedError'), '1');
    assert.equal(info.get('apogeeFaultInjectedDrop'), '1');
    assert.equal(info.get('apogeeFaultInjectedDelay'), '1');
    assert.equal(info.get('apogeeFaultInjectedClose'), '1');
    assert.equal((await setConfig('apogeeFaultsEnable=false\n')).code, ResponseCode.SUCCESS);
    assert.equal((await runtimeInfo()).get('apogeeFaultsEnable'), 'false');
  });

  it('runtime info reports the apogeeFaultsEnable setting even with no rule in force', async () => {
    assert.equal((await setConfig('apogeeFaultsEnable=true\napogeeFaultRules=\n')).code, ResponseCode.SUCCESS);
    const info = await runtimeInfo();
    assert.equal(info.get('apogeeFaultsEnable'), 'true');
    assert.equal(info.get('apogeeFaultRulesInForce'), '0');
    assert.equal((await h.send(TOPIC, 'f')).code, ResponseCode.SUCCESS);
    assert.equal((await setConfig('apogeeFaultsEnable=false\n')).code, ResponseCode.SUCCESS);
  });
});
