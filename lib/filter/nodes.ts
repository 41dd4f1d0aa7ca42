import { FilterEvalError, JNumber, javaCompare, negate, NumKind, parseJavaDouble, type Value } from './values';

/**
 * Expression nodes of RocketMQ's SQL92 selector with the checks Java makes while building them and the
 * three-valued evaluation of each (Java: org.apache.rocketmq.filter.expression.ComparisonExpression, LogicExpression,
 * UnaryExpression, ConstantExpression, BooleanConstantExpression, PropertyExpression). A check that fails throws
 * BuildError with Java's message, which makes the whole expression a parse error, as SelectorParser#parse does.
 *
 * Every node is compiled to a closure once; evaluation allocates nothing but numbers parsed out of properties.
 */

/**
 * Looks up a message property (all properties are strings, as in MessageEvaluationContext). A getter over raw
 * property bytes may also offer equalsUtf8: whether the property's value is exactly these UTF-8 bytes (undefined
 * when absent), so that `prop = 'literal'` is decided without decoding the value.
 */
export interface PropertyGetter {
  (name: string): string | undefined | null;
  equalsUtf8?: (name: string, value: Uint8Array) => boolean | undefined;
}
export type Evaluator = (get: PropertyGetter) => Value;

export const enum NodeKind {
  /** ConstantExpression: a string or number literal */
  CONST,
  /** BooleanConstantExpression: TRUE, FALSE, NULL */
  BOOL_CONST,
  PROPERTY,
  /** any other BooleanExpression (comparison, logic, NOT, IN, CONTAINS ...) */
  BOOLEAN,
  /** negation: neither constant nor boolean */
  OTHER,
}

export interface Node {
  kind: NodeKind;
  /** for CONST and BOOL_CONST */
  value?: Value;
  /** for PROPERTY */
  name?: string;
  ev: Evaluator;
  /** Java's toString, for messages (built only when a message needs it) */
  text: () => string;
}

/** A semantic refusal while building (Java: the RuntimeException / ParseException thrown by the factories). */
export class BuildError extends Error {}

const RTE = 'java.lang.RuntimeException: ';

function isBooleanNode(n: Node): boolean {
  return n.kind === NodeKind.BOOLEAN || n.kind === NodeKind.BOOL_CONST;
}

function isConstant(n: Node): boolean {
  return n.kind === NodeKind.CONST || n.kind === NodeKind.BOOL_CONST;
}

/** Java ConstantExpression#toString. */
function constantText(v: Value): string {
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
  return v.toString();
}

/** String.valueOf of a raw value (Java's %s). */
function rawText(v: Value): string {
  return v === null ? 'null' : typeof v === 'string' || typeof v === 'boolean' ? String(v) : v.toString();
}

export function constant(v: Value): Node {
  const kind = v === null || typeof v === 'boolean' ? NodeKind.BOOL_CONST : NodeKind.CONST;
  return { kind, value: v, ev: () => v, text: () => constantText(v) };
}

export function property(name: string): Node {
  return { kind: NodeKind.PROPERTY, name, ev: (get) => get(name) ?? null, text: () => name };
}

function bool(ev: Evaluator, text: () => string): Node {
  return { kind: NodeKind.BOOLEAN, ev, text };
}

/** Java: SelectorParser#asBooleanExpression. */
export function asBoolean(n: Node): Node {
  if (isBooleanNode(n)) return n;
  if (n.kind === NodeKind.PROPERTY) {
    // Java: UnaryExpression#createBooleanCast: a property is a string, never a Boolean, so FALSE unless absent.
    const ev = n.ev;
    return bool((get) => {
      const v = ev(get);
      return v === null ? null : typeof v === 'boolean' ? v : false;
    }, n.text);
  }
  throw new BuildError(`org.apache.rocketmq.filter.parser.ParseException: Expression will not result in a boolean value: ${n.text()}`);
}

export function negateNode(n: Node): Node {
  const ev = n.ev;
  return {
    kind: NodeKind.OTHER,
    ev: (get) => {
      const v = ev(get);
      return v instanceof JNumber ? negate(v) : null;
    },
    text: () => `(- ${n.text()})`,
  };
}

export function not(n: Node): Node {
  const ev = n.ev;
  return bool((get) => {
    const v = ev(get);
    return v === null ? null : !v;
  }, () => `(NOT ${n.text()})`);
}

export function and(l: Node, r: Node): Node {
  const le = l.ev;
  const re = r.ev;
  return bool((get) => {
    const lv = le(get);
    if (lv === false) return false;
    const rv = re(get);
    if (rv === false) return false;
    return lv === null || rv === null ? null : true;
  }, () => `(${l.text()} && ${r.text()})`);
}

export function or(l: Node, r: Node): Node {
  const le = l.ev;
  const re = r.ev;
  return bool((get) => {
    const lv = le(get);
    if (lv === true) return true;
    const rv = re(get);
    if (rv === true) return true;
    return lv === null || rv === null ? null : false;
  }, () => `(${l.text()} || ${r.text()})`);
}

/** The UTF-8 bytes of a literal whose bytes compare as the string does: well-formed and without U+FFFD. */
function utf8IfExact(s: string): Uint8Array | undefined {
  if (s.includes('\ufffd')) return undefined;
  const b = new TextEncoder().encode(s);
  return new TextDecoder().decode(b) === s ? b : undefined;
}

/**
 * Java: ComparisonExpression#doCreateEqual (no operand checks: IS NULL uses it directly). A property against a
 * string literal is a string equality (javaCompare of two strings is 0 only when they are equal); where the getter
 * can, it compares the value's bytes. An absent property gives null on the left and FALSE on the right, as Java's
 * `lv == null ^ rv == null` does.
 */
function doEqual(l: Node, r: Node): Node {
  const [p, c] = l.kind === NodeKind.PROPERTY ? [l, r] : [r, l];
  if (p.kind === NodeKind.PROPERTY && c.kind === NodeKind.CONST && typeof c.value === 'string') {
    const bytes = utf8IfExact(c.value);
    if (bytes !== undefined) return propertyEqualsString(p.name!, c.value, bytes, p === l ? null : false, () => `(${l.text()} == ${r.text()})`);
  }
  const le = l.ev;
  const re = r.ev;
  return bool((get) => {
    const lv = le(get);
    const rv = re(get);
    if ((lv === null) !== (rv === null)) return lv === null ? null : false;
    if (lv === null || rv === null) return true;
    if (lv === rv) return true;
    return javaCompare(lv, rv) === 0;
  }, () => `(${l.text()} == ${r.text()})`);
}

function propertyEqualsString(name: string, value: string, bytes: Uint8Array, absent: null | false, text: () => string): Node {
  return bool((get) => {
    const eq = get.equalsUtf8;
    if (eq !== undefined) {
      const r = eq(name, bytes);
      return r === undefined ? absent : r;
    }
    const v = get(name);
    return v === undefined || v === null ? absent : v === value;
  }, text);
}

export function equal(l: Node, r: Node): Node {
  for (const n of [l, r]) if (isConstant(n) && n.value === null) throw new BuildError(`${RTE}'${n.text()}' cannot be compared.`);
  if (isConstant(l) && isConstant(r) && l.kind === NodeKind.BOOL_CONST && r.kind !== NodeKind.BOOL_CONST) {
    throw new BuildError(`${RTE}'${l.text()}' cannot be compared with '${r.text()}'`);
  }
  return doEqual(l, r);
}

export function notEqual(l: Node, r: Node): Node {
  return not(equal(l, r));
}

export function isNull(l: Node): Node {
  return doEqual(l, constant(null));
}

export function isNotNull(l: Node): Node {
  return not(isNull(l));
}

/** Java: ComparisonExpression#checkLessThanOperand. */
function checkLessThanOperand(n: Node): void {
  if (isConstant(n)) {
    if (n.value instanceof JNumber) return;
    throw new BuildError(`${RTE}Value '${n.text()}' cannot be compared.`);
  }
  if (isBooleanNode(n)) throw new BuildError(`${RTE}Value '${n.text()}' cannot be compared.`);
}

export type Relation = '>' | '>=' | '<' | '<=';

/** Java: ComparisonExpression#createGreaterThan ... #createLessThanEqual and ComparisonExpression#evaluate. */
export function relation(op: Relation, l: Node, r: Node): Node {
  checkLessThanOperand(l);
  checkLessThanOperand(r);
  const accept = op === '>' ? (c: number) => c > 0 : op === '>=' ? (c: number) => c >= 0 : op === '<' ? (c: number) => c < 0 : (c: number) => c <= 0;
  const le = l.ev;
  const re = r.ev;
  return bool((get) => {
    const lv = le(get);
    if (lv === null) return null;
    const rv = re(get);
    if (rv === null) return null;
    if (typeof lv === 'string' && typeof rv === 'string') {
      // Java: two strings compare as doubles under >, >=, <, <= (an error when either is not a number).
      const a = stringAsDouble(lv, lv, rv);
      const b = stringAsDouble(rv, lv, rv);
      return accept(javaCompare(a, b));
    }
    return accept(javaCompare(lv, rv));
  }, () => `(${l.text()} ${op} ${r.text()})`);
}

function stringAsDouble(s: string, lv: string, rv: string): JNumber {
  const d = parseJavaDouble(s);
  if (d === undefined) throw new FilterEvalError(`${RTE}It's illegal to compare string by '>=', '>', '<', '<='. lv=${lv}, rv=${rv}`);
  return new JNumber(NumKind.DOUBLE, d);
}

/** Java: ComparisonExpression#createBetween (constant bounds must be ordered and non-null). */
export function between(v: Node, lo: Node, hi: Node): Node {
  if (isConstant(lo) && isConstant(hi)) {
    const lv = lo.value ?? null;
    const rv = hi.value ?? null;
    if (lv === null || rv === null) throw new BuildError(`${RTE}Illegal values of between, values can not be null!`);
    let c: number;
    try {
      c = javaCompare(rv, lv);
    } catch (e) {
      throw new BuildError(`${RTE}${(e as Error).message}`);
    }
    if (c < 0) {
      throw new BuildError(`${RTE}Illegal values of between, left value(${rawText(lv)}) must less than or equal to right value(${rawText(rv)})`);
    }
  }
  return and(relation('>=', v, lo), relation('<=', v, hi));
}

export function notBetween(v: Node, lo: Node, hi: Node): Node {
  return or(relation('<', v, lo), relation('>', v, hi));
}

/** Java: ComparisonExpression#createInFilter / createNotInFilter (the left side must be a bare property). */
export function inList(l: Node, list: string[], negated: boolean): Node {
  if (l.kind !== NodeKind.PROPERTY) throw new BuildError(`${RTE}Expected a property for In expression, got: ${l.text()}`);
  const set = new Set(list);
  const le = l.ev;
  return bool((get) => {
    const v = le(get);
    if (typeof v !== 'string') return null;
    return set.has(v) !== negated;
  }, () => `${l.text()} ${negated ? 'NOT IN' : 'IN'} ( ${list.join(', ')} )`);
}

export type StringOp = 'CONTAINS' | 'STARTSWITH' | 'ENDSWITH';

/** Java: ComparisonExpression.ContainsExpression and friends: FALSE (never null) unless the value is a string. */
export function stringTest(op: StringOp, l: Node, search: string, negated: boolean): Node {
  const le = l.ev;
  const test = op === 'CONTAINS' ? (s: string) => s.includes(search) : op === 'STARTSWITH' ? (s: string) => s.startsWith(search) : (s: string) => s.endsWith(search);
  return bool((get) => {
    if (search.length === 0) return false;
    const v = le(get);
    if (typeof v !== 'string') return false;
    return test(v) !== negated;
  }, () => `(${negated ? 'NOT ' : ''}${op} ${l.text()})`);
}
