import { strict as assert } from 'node:assert';
import { RequestCode } from '../../../protocol/codes';
import { FaultInjector, requestTopic } from './injector';

function hits(f: FaultInjector, n: number, code: number = RequestCode.SEND_MESSAGE, topic: string | null = 'T'): boolean[] {
  return Array.from({ length: n }, () => f.decide(code, topic) !== null);
}

/** Seeded, ordered decisions of FaultInjector; disabled and rule-less injectors stay off. */
describe('lib/broker/faults/injector FaultInjector', () => {
  it('disabled (the default, or enable=false, or no rules) is off', () => {
    assert.equal(new FaultInjector().enabled, false);
    const f = new FaultInjector();
    f.configure(false, 'action=drop', 1);
    assert.equal(f.enabled, false);
    f.configure(true, '', 1);
    assert.equal(f.enabled, false, 'no rule: the request path skips injection');
    assert.equal(new Map(f.runtimeInfo()).get('apogeeFaultsEnable'), 'true', 'runtime info reports the setting');
    assert.equal(new Map(f.runtimeInfo()).get('apogeeFaultRulesInForce'), '0');
    f.configure(true, 'action=drop', 1);
    assert.equal(f.enabled, true);
  });

  it('the same seed gives the same decisions; another seed differs; p=0.5 hits about half of 1000', () => {
    const run = (seed: number): boolean[] => {
      const f = new FaultInjector();
      f.configure(true, 'action=error:SYSTEM_BUSY,p=0.5', seed);
      return hits(f, 1000);
    };
    assert.deepEqual(run(42), run(42));
    assert.notDeepEqual(run(42), run(43));
    const n = run(42).filter(Boolean).length;
    assert.ok(n > 400 && n < 600, `${n} hits`);
  });

  it('rule matching: code and topic must both match; the first hit wins; times caps a rule', () => {
    const f = new FaultInjector();
    f.configure(true, 'code=SEND_MESSAGE_V2,topic=T1,action=error:SYSTEM_BUSY,times=2;code=11,action=delay:5', 7);
    assert.equal(f.decide(RequestCode.SEND_MESSAGE_V2, 'T2'), null);
    assert.equal(f.decide(RequestCode.SEND_MESSAGE, 'T1'), null);
    assert.equal(f.decide(RequestCode.SEND_MESSAGE_V2, 'T1')?.rule.index, 1);
    assert.equal(f.decide(RequestCode.SEND_MESSAGE_V2, 'T1')?.rule.index, 1);
    assert.equal(f.decide(RequestCode.SEND_MESSAGE_V2, 'T1'), null, 'times=2 reached');
    assert.deepEqual(f.decide(RequestCode.PULL_MESSAGE, null)?.action, { kind: 'delay', delayMs: 5 });
    const info = new Map(f.runtimeInfo());
    assert.equal(info.get('apogeeFaultInjectedTotal'), '3');
    assert.equal(info.get('apogeeFaultInjectedError'), '2');
    assert.equal(info.get('apogeeFaultInjectedDelay'), '1');
    assert.equal(info.get('apogeeFaultsEnable'), 'true');
    assert.equal(info.get('apogeeFaultRulesInForce'), '2');
  });

  it('slowread hits are decided like the others and counted apart', () => {
    const f = new FaultInjector();
    f.configure(true, 'code=PULL_MESSAGE,topic=T,action=slowread:40', 1);
    assert.equal(f.decide(RequestCode.SEND_MESSAGE, 'T'), null);
    assert.deepEqual(f.decide(RequestCode.PULL_MESSAGE, 'T')?.action, { kind: 'slowread', delayMs: 40 });
    const info = new Map(f.runtimeInfo());
    assert.equal(info.get('apogeeFaultInjectedSlowRead'), '1');
    assert.equal(info.get('apogeeFaultInjectedTotal'), '1');
  });

  it('bad rule text throws naming the rule and leaves the previous rules in force', () => {
    const f = new FaultInjector();
    f.configure(true, 'action=drop', 1);
    assert.throws(() => f.configure(true, 'action=drop;action=nope', 1), /rule #2 "action=nope"/);
    assert.equal(f.enabled, true);
    assert.equal(f.decide(RequestCode.SEND_MESSAGE, null)?.action.kind, 'drop');
  });

  it('requestTopic: the topic field, or b for the SEND_MESSAGE_V2 family only', () => {
    assert.equal(requestTopic(RequestCode.PULL_MESSAGE, new Map([['topic', 'A']])), 'A');
    assert.equal(requestTopic(RequestCode.SEND_MESSAGE_V2, new Map([['b', 'B']])), 'B');
    assert.equal(requestTopic(RequestCode.PULL_MESSAGE, new Map([['b', 'B']])), null);
    assert.equal(requestTopic(RequestCode.HEART_BEAT, null), null);
  });
});
