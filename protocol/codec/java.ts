/**
 * Small pieces of Java semantics the wire depends on.
 */

/** java.lang.String#hashCode over UTF-16 code units, as a signed 32-bit int. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

const INT_RE = /^[+-]?\d+$/;

/** Integer.parseInt: optional sign, decimal digits, 32-bit range. Returns undefined when Java would throw. */
export function javaParseInt(s: string): number | undefined {
  if (!INT_RE.test(s)) return undefined;
  const v = Number(s);
  if (v < -2147483648 || v > 2147483647) return undefined;
  return v;
}

/**
 * Long.parseLong: optional sign, decimal digits, 64-bit range. Values beyond 2^53 lose precision as a number;
 * callers that need them exact use javaParseLongBig.
 */
export function javaParseLong(s: string): number | undefined {
  const b = javaParseLongBig(s);
  return b === undefined ? undefined : Number(b);
}

const LONG_MIN = -(1n << 63n);
const LONG_MAX = (1n << 63n) - 1n;

export function javaParseLongBig(s: string): bigint | undefined {
  if (!INT_RE.test(s)) return undefined;
  const v = BigInt(s);
  if (v < LONG_MIN || v > LONG_MAX) return undefined;
  return v;
}

/** Boolean.parseBoolean: "true" in any case is true, everything else is false. */
export function javaParseBoolean(s: string): boolean {
  return s.length === 4 && s.toLowerCase() === 'true';
}

/** Double.parseDouble, approximately: a finite decimal or exponent number, NaN or Infinity. */
export function javaParseDouble(s: string): number | undefined {
  const t = s.trim();
  if (t === 'NaN') return NaN;
  if (/^[+-]?Infinity$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?$/.test(t)) return undefined;
  return Number(t.replace(/[dDfF]$/, ''));
}

/**
 * Double.toString: "0.0", "1.5", "1.0E7", "1.0E-4", "NaN", "Infinity" (decimal between 1e-3 and 1e7, else
 * computerized scientific notation; shortest round-trip digits).
 */
export function javaDoubleToString(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e7) {
    const s = String(v);
    return s.includes('.') ? s : s + '.0';
  }
  const [m, e] = v.toExponential().split('e') as [string, string];
  return (m.includes('.') ? m : m + '.0') + 'E' + (e[0] === '+' ? e.slice(1) : e);
}
