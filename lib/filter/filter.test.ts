import { strict as assert } from 'node:assert';
import { compileSql92, isTagType } from './index';
import { compareDouble, parseJavaDouble, parseJavaInt, parseJavaLong } from './values';

/** Rules of RocketMQ's SQL92 dialect that matter to users, each named; golden.test.ts checks thousands more. */
function props(p: Record<string, string>) {
  return (n: string) => p[n];
}

function compile(sql: string) {
  const r = compileSql92(sql);
  if (!r.ok) throw new Error(r.error);
  return r.filter;
}

describe('filter: SQL92 selector', () => {
  it('rule: a compiled filter is reusable across messages (compile once per subscription)', () => {
    const f = compile("a > 5 AND b = 'x'");
    assert.equal(f.matches(props({ a: '7', b: 'x' })), true);
    assert.equal(f.matches(props({ a: '3', b: 'x' })), false);
    assert.equal(f.matches(props({ b: 'x' })), false);
  });

  it('rule: three-valued logic, UNKNOWN (null) never matches but NOT of it stays null', () => {
    const f = compile('NOT (a > 5)');
    assert.equal(f.evaluate(props({})), null);
    assert.equal(f.matches(props({})), false);
    assert.equal(compile('a > 5 OR TRUE').evaluate(props({})), true);
    assert.equal(compile('a > 5 AND FALSE').evaluate(props({})), false);
  });

  it('rule: an evaluation error (a non-numeric property compared with a number) is no match, not a crash', () => {
    const f = compile('a > 5');
    assert.throws(() => f.evaluate(props({ a: 'abc' })));
    assert.equal(f.matches(props({ a: 'abc' })), false);
  });

  it('rule: trailing tokens after a complete expression are ignored, as Java (no <EOF> in the grammar)', () => {
    assert.equal(compile('a = 5 b = 6').matches(props({ a: '5' })), true);
    assert.equal(compileSql92('a = 5 NOT').ok, false);
  });

  it('rule: malformed SQL is refused with the parser message Java answers', () => {
    const r = compileSql92('a IN (5)');
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.error : '', /^org\.apache\.rocketmq\.filter\.parser\.ParseException: Encountered " <DECIMAL_LITERAL> "5 "" at line 1, column 7\./);
  });

  it('rule: nesting deeper than the stack is refused, and a chain too deep to evaluate never matches (no crash)', () => {
    const deep = compileSql92(`${'('.repeat(200_000)}a = 1${')'.repeat(200_000)}`);
    assert.deepEqual(deep, { ok: false, error: 'java.lang.StackOverflowError' });
    const chain = compile(Array.from({ length: 200_000 }, () => 'a = 1').join(' AND '));
    assert.equal(chain.matches(props({ a: '1' })), false);
    assert.equal(compile('a = 1 AND a = 1').matches(props({ a: '1' })), true);
  });

  it('rule: TAGS is an ordinary property; TAG and empty types are tag subscriptions', () => {
    assert.equal(compile("TAGS IN ('A', 'B')").matches(props({ TAGS: 'B' })), true);
    assert.equal(isTagType('TAG') && isTagType('') && isTagType(undefined) && !isTagType('SQL92'), true);
  });

  it('rule: Java number parsing (Integer/Long/Double.valueOf) and Double#compareTo', () => {
    assert.equal(parseJavaInt('2147483648'), undefined);
    assert.equal(parseJavaInt('+7'), 7);
    assert.equal(parseJavaLong('9223372036854775807'), 9223372036854775807n);
    assert.equal(parseJavaDouble(' 5 '), 5);
    assert.equal(parseJavaDouble('5d'), 5);
    assert.equal(parseJavaDouble('0x10p0'), 16);
    assert.equal(parseJavaDouble(''), undefined);
    assert.equal(parseJavaDouble('0x10'), undefined);
    assert.equal(compareDouble(-0, 0), -1);
    assert.equal(compareDouble(NaN, Infinity), 1);
  });
});
