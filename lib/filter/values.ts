/**
 * Java's value model for RocketMQ SQL92 filters, as rocketmq-filter evaluates them (Java:
 * org.apache.rocketmq.filter.expression.ComparisonExpression#__compare with convertStringExpressions=true, which
 * SelectorParser#parse always sets).
 *
 * A value is null, a boolean (java.lang.Boolean), a string (java.lang.String: every message property) or a JNumber
 * keeping Java's boxed class: Integer (int32 in a JS number), Long (int64 as bigint) or Double (JS number). Numbers
 * only come from literals (and their negation), so they are built once at compile time.
 *
 * Evaluation errors (Java throws: NumberFormatException wrapped in RuntimeException, ClassCastException) are thrown
 * as FilterEvalError; the broker treats them as "no match" (Java: ExpressionMessageFilter#isMatchedByCommitLog).
 */

export const enum NumKind {
  INT = 0,
  LONG = 1,
  DOUBLE = 2,
}

export class JNumber {
  constructor(
    readonly kind: NumKind,
    /** number for INT and DOUBLE, bigint for LONG */
    readonly v: number | bigint,
  ) {}

  toString(): string {
    if (this.kind === NumKind.DOUBLE) return javaDoubleToString(this.v as number);
    return String(this.v);
  }
}

export type Value = null | boolean | string | JNumber;

/** Thrown while evaluating; the verdict is "error" (no match on the broker). */
export class FilterEvalError extends Error {}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** Java Long.parseLong (radix 10, ASCII digits): bigint, or undefined where Java throws NumberFormatException. */
export function parseJavaLong(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const v = BigInt(s);
  return v < LONG_MIN || v > LONG_MAX ? undefined : v;
}

/** Java Integer.parseInt (radix 10, ASCII digits). */
export function parseJavaInt(s: string): number | undefined {
  const v = parseJavaLong(s);
  return v === undefined || v < INT_MIN || v > INT_MAX ? undefined : Number(v);
}

const DEC_FLOAT = /^[+-]?(?:NaN|Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fFdD]?)$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)[fFdD]?$/;

/** Java String#trim: strips chars <= U+0020 at both ends. */
function javaTrim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) <= 0x20) b--;
  return s.slice(a, b);
}

/** Java Double.parseDouble / Double.valueOf(String): undefined where Java throws NumberFormatException. */
export function parseJavaDouble(input: string): number | undefined {
  const s = javaTrim(input);
  if (DEC_FLOAT.test(s)) {
    const neg = s.startsWith('-');
    const body = s.replace(/^[+-]/, '').replace(/[fFdD]$/, '');
    if (body === 'NaN') return NaN;
    const v = body === 'Infinity' ? Infinity : Number(body);
    return neg ? -v : v;
  }
  const h = HEX_FLOAT.exec(s);
  if (h !== null) {
    const [, sign, int = '', frac = '', exp] = h;
    if (int === '' && frac === '') return undefined;
    const mantissa = BigInt(`0x${int}${frac}` === '0x' ? '0' : `0x${int}${frac}`);
    const v = Number(mantissa) * 2 ** (Number(exp) - 4 * frac.length);
    return sign === '-' ? -v : v;
  }
  return undefined;
}

/** Java Double#compareTo: -0.0 < 0.0, NaN equal to itself and greater than everything. */
export function compareDouble(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) {
    if (a !== 0) return 0;
    const na = Object.is(a, -0);
    const nb = Object.is(b, -0);
    return na === nb ? 0 : na ? -1 : 1;
  }
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  return an && bn ? 0 : an ? 1 : -1;
}

function nfe(s: string): FilterEvalError {
  return new FilterEvalError(`java.lang.NumberFormatException: For input string: "${s}"`);
}

function toInt(s: string): JNumber {
  const v = parseJavaInt(s);
  if (v === undefined) throw nfe(s);
  return new JNumber(NumKind.INT, v);
}
function toLong(s: string): JNumber {
  const v = parseJavaLong(s);
  if (v === undefined) throw nfe(s);
  return new JNumber(NumKind.LONG, v);
}
function toDouble(s: string): JNumber {
  const v = parseJavaDouble(s);
  if (v === undefined) throw nfe(s);
  return new JNumber(NumKind.DOUBLE, v);
}
function asDouble(n: JNumber): number {
  return typeof n.v === 'bigint' ? Number(n.v) : n.v;
}

function compareSameNumbers(a: JNumber, b: JNumber): number {
  if (a.kind === NumKind.DOUBLE) return compareDouble(a.v as number, b.v as number);
  return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
}

/** Numbers of different kinds: the narrower widens (Java: Integer -> Long -> Double). */
function compareNumbers(a: JNumber, b: JNumber): number {
  if (a.kind === b.kind) return compareSameNumbers(a, b);
  if (a.kind === NumKind.DOUBLE || b.kind === NumKind.DOUBLE) return compareDouble(asDouble(a), asDouble(b));
  return compareSameNumbers(new JNumber(NumKind.LONG, BigInt(a.v)), new JNumber(NumKind.LONG, BigInt(b.v)));
}

function parseAs(kind: NumKind, s: string): JNumber {
  return kind === NumKind.INT ? toInt(s) : kind === NumKind.LONG ? toLong(s) : toDouble(s);
}

/** Java Boolean.valueOf(String). */
function javaBoolean(s: string): boolean {
  return s.toLowerCase() === 'true';
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Java: ComparisonExpression#__compare(lv, rv, true) for non-null values: sign of the comparison after Java's
 * coercions. A class pair Java does not convert answers -1 ("less"), as Java does.
 */
export function javaCompare(lv: Exclude<Value, null>, rv: Exclude<Value, null>): number {
  if (typeof lv === 'boolean') {
    if (typeof rv === 'boolean') return lv === rv ? 0 : lv ? 1 : -1;
    if (typeof rv === 'string') throw new FilterEvalError('java.lang.ClassCastException: class java.lang.Boolean cannot be cast to class java.lang.String');
    return -1;
  }
  if (typeof lv === 'string') {
    if (typeof rv === 'string') return compareStrings(lv, rv);
    if (typeof rv === 'boolean') {
      const b = javaBoolean(lv);
      return b === rv ? 0 : b ? 1 : -1;
    }
    return compareNumbers(parseAs(rv.kind, lv), rv);
  }
  if (typeof rv === 'boolean') return -1;
  if (typeof rv === 'string') return compareNumbers(lv, parseAs(lv.kind, rv));
  return compareNumbers(lv, rv);
}

/** Java: UnaryExpression#negate (int and long wrap around as Java's do). */
export function negate(n: JNumber): JNumber {
  if (n.kind === NumKind.INT) return new JNumber(NumKind.INT, -(n.v as number) | 0);
  if (n.kind === NumKind.LONG) return new JNumber(NumKind.LONG, BigInt.asIntN(64, -(n.v as bigint)));
  return new JNumber(NumKind.DOUBLE, -(n.v as number));
}

/** Java: ConstantExpression#createFromDecimal (Integer when it fits, else Long; NumberFormatException beyond). */
export function decimalLiteral(text: string): JNumber | undefined {
  const t = /[lL]$/.test(text) ? text.slice(0, -1) : text;
  const v = parseJavaLong(t);
  if (v === undefined) return undefined;
  return v >= INT_MIN && v <= INT_MAX ? new JNumber(NumKind.INT, Number(v)) : new JNumber(NumKind.LONG, v);
}

/** Java Double#toString for the values literals can take (finite, positive). */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (!Number.isFinite(d)) return d > 0 ? 'Infinity' : '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const a = Math.abs(d);
  if (a >= 1e-3 && a < 1e7) {
    const s = String(d);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [m, e] = d.toExponential().split('e');
  const mant = m!.includes('.') ? m! : `${m}.0`;
  return `${mant}E${Number(e)}`;
}
