/**
 * JSON string quoting in the dialects Java RocketMQ processes emit, so that headers and bodies Apogee writes are
 * the bytes Java would write (verified against captured Java output in json-string.test.ts):
 *  - 'fastjson2' (RocketMQ 5.5.x, fastjson2 2.0.x — Apogee's default, matching the version it reports):
 *    \b \t \n \f \r, \" \\, other controls as \u00xx with LOWER-case hex; everything else raw UTF-8.
 *  - 'fastjson1' (RocketMQ 4.9.x and 5.0–5.3, fastjson 1.2.x): the same short escapes, other controls and
 *    U+007F..U+009F as \u00XX with UPPER-case hex, U+2028/U+2029 escaped; everything else raw.
 * Both write a lone surrogate as '?'. Every JSON parser accepts either form.
 */
export type JsonDialect = 'fastjson2' | 'fastjson1';

function table(upper: boolean): (string | undefined)[] {
  const t: (string | undefined)[] = new Array(160);
  const hex = (c: number): string => {
    const h = c.toString(16).padStart(4, '0');
    return '\\u' + (upper ? h.toUpperCase() : h);
  };
  for (let c = 0; c < 0x20; c++) t[c] = hex(c);
  t[0x08] = '\\b';
  t[0x09] = '\\t';
  t[0x0a] = '\\n';
  t[0x0c] = '\\f';
  t[0x0d] = '\\r';
  t[0x22] = '\\"';
  t[0x5c] = '\\\\';
  if (upper) for (let c = 0x7f; c < 0xa0; c++) t[c] = hex(c);
  return t;
}

const FJ2 = table(false);
const FJ1 = table(true);
const NEEDS_FJ2 = /[\u0000-\u001f"\\\ud800-\udfff]/;
const NEEDS_FJ1 = /[\u0000-\u001f"\\\u007f-\u009f\u2028\u2029\ud800-\udfff]/;

/** Quotes a string as the Java JSON writer of `dialect` does. */
export function jsonQuote(s: string, dialect: JsonDialect = 'fastjson2'): string {
  const fj1 = dialect === 'fastjson1';
  if (!(fj1 ? NEEDS_FJ1 : NEEDS_FJ2).test(s)) return '"' + s + '"';
  const t = fj1 ? FJ1 : FJ2;
  let out = '"';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let e: string | undefined;
    if (c < 160) e = t[c];
    else if (fj1 && (c === 0x2028 || c === 0x2029)) e = '\\u' + c.toString(16).toUpperCase();
    else if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++; // a valid surrogate pair stays raw
        continue;
      }
      e = '?';
    }
    if (e !== undefined) {
      out += s.slice(from, i) + e;
      from = i + 1;
    }
  }
  return out + s.slice(from) + '"';
}
