import { strict as assert } from 'node:assert';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { FAULT_DELAY_MS_MAX, FAULT_RULES_MAX, parseFaultRules } from './rules';

/** apogeeFaultRules text -> rules; bad text is an error naming the rule (its position and text) and the field. */
describe('lib/broker/faults/rules parseFaultRules', () => {
  it('parses codes by number and name, topic, every action, p and times', () => {
    const r = parseFaultRules('code=310|SEND_MESSAGE,topic=T1,action=error:SYSTEM_BUSY,p=0.5,times=2; code=11,action=delay:200;action=drop;action=close');
    assert.ok(r.ok);
    const [a, b, c, d] = r.rules;
    assert.deepEqual([...a!.codes!], [RequestCode.SEND_MESSAGE_V2, RequestCode.SEND_MESSAGE]);
    assert.equal(a!.topic, 'T1');
    assert.deepEqual(a!.action, { kind: 'error', code: ResponseCode.SYSTEM_BUSY, name: 'SYSTEM_BUSY' });
    assert.equal(a!.probability, 0.5);
    assert.equal(a!.timesMax, 2);
    assert.deepEqual(b!.action, { kind: 'delay', delayMs: 200 });
    assert.equal(b!.probability, 1);
    assert.equal(b!.timesMax, Infinity);
    assert.equal(c!.codes, null);
    assert.equal(c!.topic, null);
    assert.deepEqual(c!.action, { kind: 'drop' });
    assert.deepEqual(d!.action, { kind: 'close' });
    assert.equal(d!.index, 4);
    const s = parseFaultRules('code=PULL_MESSAGE,action=slowread:300');
    assert.ok(s.ok);
    assert.deepEqual(s.rules[0]!.action, { kind: 'slowread', delayMs: 300 });
  });

  it('empty text is no rules; an error code by number keeps its name', () => {
    assert.deepEqual(parseFaultRules(' ; '), { ok: true, rules: [] });
    const r = parseFaultRules('action=error:14');
    assert.ok(r.ok);
    assert.deepEqual(r.rules[0]!.action, { kind: 'error', code: 14, name: 'SERVICE_NOT_AVAILABLE' });
  });

  const bad: [string, RegExp][] = [
    ['code=10', /rule #1 "code=10": no action/],
    ['action=drop;code=NOPE,action=drop', /rule #2 "code=NOPE,action=drop": unknown request code "NOPE"/],
    ['action=error:SYSTEM_BUZY', /rule #1 .*unknown ResponseCode "SYSTEM_BUZY"/],
    ['action=explode', /unknown action "explode"/],
    ['action=delay:fast', /delay needs whole milliseconds/],
    ['action=slowread', /slowread needs whole milliseconds/],
    [`action=slowread:${FAULT_DELAY_MS_MAX + 1}`, /slowread needs whole milliseconds in 0\.\.600000/],
    [`action=delay:${FAULT_DELAY_MS_MAX + 1}`, /delay needs whole milliseconds in 0\.\.600000/],
    ['action=drop,p=1.5', /p=1\.5 is not a probability/],
    ['action=drop,p=', /p= is not a probability/],
    ['action=drop,times=0', /times=0 is not a positive integer/],
    ['action=drop,colour=red', /unknown key "colour"/],
    ['action=drop,action=close', /key "action" given twice/],
    ['action=drop,junk', /field "junk" is not key=value/],
    ['action=drop:now', /drop takes no argument/],
    ['action=drop,topic=', /empty topic/],
  ];
  for (const [text, error] of bad) {
    it(`bad rule text "${text}" is refused with a clear error`, () => {
      const r = parseFaultRules(text);
      assert.ok(!r.ok);
      assert.match(r.error, /^apogeeFaultRules rule #\d+ /);
      assert.match(r.error, error);
    });
  }

  it(`limit FAULT_RULES_MAX: ${FAULT_RULES_MAX} rules parse, one more is refused`, () => {
    assert.ok(parseFaultRules(Array(FAULT_RULES_MAX).fill('action=drop').join(';')).ok);
    const r = parseFaultRules(Array(FAULT_RULES_MAX + 1).fill('action=drop').join(';'));
    assert.ok(!r.ok);
    assert.match(r.error, /at most 64/);
  });
});
