/**
 * JSON string writing in the dialect of fastjson 1.x (what every Java RocketMQ process emits), so that headers
 * and bodies Apogee writes are the bytes Java would write. Verified against captured Java output in
 * json-string.test.ts.
 */

const ESCAPES: (string | undefined)[] = new Array(128);
for (let c = 0; c < 0x20; c++) ESCAPES[c] = '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
ESCAPES[0x08] = '\\b';
ESCAPES[0x09] = '\\t';
ESCAPES[0x0a] = '\\n';
ESCAPES[0x0c] = '\\f';
ESCAPES[0x0d] = '\\r';
ESCAPES[0x22] = '\\"';
ESCAPES[0x5c] = '\\\\';

const NEEDS_ESCAPE = /[\u0000-\u001f"\\]/;

/** Quotes a string the way fastjson's SerializeWriter does with its default features. */
export function jsonQuote(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return '"' + s + '"';
  let out = '"';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) {
      const e = ESCAPES[c];
      if (e !== undefined) {
        out += s.slice(from, i) + e;
        from = i + 1;
      }
    }
  }
  return out + s.slice(from) + '"';
}
