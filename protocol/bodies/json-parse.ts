import { ProtocolError } from '../errors';
import { JsonObject, type JsonEntry, type JsonKey, type JsonValue } from './json-tree';

/**
 * The JSON reader: standard JSON plus what fastjson accepts and RocketMQ's Java and Go peers send (unquoted
 * integer, identifier and object keys, single-quoted strings and extra escapes, bigints beyond 2^53, duplicate
 * keys, trailing commas, \f and \b as whitespace, a leading BOM; the full list is in json.ts). Bounded by
 * jsonBytesMax, jsonDepthMax and jsonNumberLengthMax; every problem, an exceeded bound included, is
 * ProtocolError('BODY_JSON') and nothing else is thrown. Produces the tree of json-tree.ts.
 */

// ------------------------------------------------------------------------------------------------ limits

/** Largest JSON body the parser accepts, in bytes (a frame is at most 16 MiB; on-disk files can be larger). */
export const jsonBytesMax = 64 * 1024 * 1024;
/** Deepest nesting of arrays/objects (RocketMQ bodies nest about 6 deep). */
export const jsonDepthMax = 64;
/** Longest number literal, in characters (a Java long has at most 20). Bounds BigInt conversion cost. */
export const jsonNumberLengthMax = 400;

export interface JsonLimits {
  bytesMax?: number;
  depthMax?: number;
  numberLengthMax?: number;
}

// ------------------------------------------------------------------------------------------------ parser

const enum Ch {
  Tab = 9,
  Lf = 10,
  Ff = 12,
  Cr = 13,
  Bs = 8,
  Space = 32,
  Quote = 34,
  Apos = 39,
  Comma = 44,
  Minus = 45,
  Dot = 46,
  Zero = 48,
  Nine = 57,
  Colon = 58,
  LBracket = 91,
  Backslash = 92,
  RBracket = 93,
  LBrace = 123,
  RBrace = 125,
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= Ch.Zero && c <= Ch.Nine);
}
function isDigit(c: number): boolean {
  return c >= Ch.Zero && c <= Ch.Nine;
}

class Parser {
  pos = 0;
  depth = 0;
  constructor(
    readonly s: string,
    readonly depthMax: number,
    readonly numberLengthMax: number,
  ) {}

  fail(what: string, at = this.pos): never {
    throw new ProtocolError('BODY_JSON', `JSON body: ${what} at offset ${at}`);
  }

  ws(): number {
    const s = this.s;
    for (;;) {
      const c = s.charCodeAt(this.pos);
      if (c === Ch.Space || c === Ch.Lf || c === Ch.Cr || c === Ch.Tab || c === Ch.Ff || c === Ch.Bs) this.pos++;
      else return c; // NaN at the end
    }
  }

  enter(): void {
    if (++this.depth > this.depthMax) this.fail(`nesting deeper than jsonDepthMax (${this.depthMax})`);
  }

  value(): JsonValue {
    const c = this.ws();
    switch (c) {
      case Ch.LBrace:
        return this.object();
      case Ch.LBracket:
        return this.array();
      case Ch.Quote:
      case Ch.Apos:
        return this.string(c);
      case 116: // t
        return this.literal('true', true);
      case 102: // f
        return this.literal('false', false);
      case 110: // n
        return this.literal('null', null);
      default:
        if (c === Ch.Minus || isDigit(c)) return this.number();
        if (Number.isNaN(c)) this.fail('unexpected end of input');
        this.fail(`unexpected character ${JSON.stringify(this.s[this.pos])}`);
    }
  }

  literal<T>(word: string, v: T): T {
    if (!this.s.startsWith(word, this.pos)) this.fail(`invalid literal`);
    this.pos += word.length;
    return v;
  }

  number(): number | bigint {
    const s = this.s;
    const start = this.pos;
    let i = start;
    if (s.charCodeAt(i) === Ch.Minus) i++;
    const intStart = i;
    while (isDigit(s.charCodeAt(i))) i++;
    if (i === intStart) this.fail('invalid number', start);
    let integral = true;
    if (s.charCodeAt(i) === Ch.Dot) {
      integral = false;
      i++;
      const f = i;
      while (isDigit(s.charCodeAt(i))) i++;
      if (i === f) this.fail('invalid number', start);
    }
    const e = s.charCodeAt(i);
    if (e === 101 || e === 69) {
      integral = false;
      i++;
      const sign = s.charCodeAt(i);
      if (sign === 43 || sign === Ch.Minus) i++;
      const d = i;
      while (isDigit(s.charCodeAt(i))) i++;
      if (i === d) this.fail('invalid number', start);
    }
    if (i - start > this.numberLengthMax) this.fail(`number longer than jsonNumberLengthMax (${this.numberLengthMax})`, start);
    this.pos = i;
    const text = s.slice(start, i);
    if (!integral) return Number(text);
    if (i - intStart <= 15) return Number(text);
    const b = BigInt(text);
    return b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b;
  }

  string(q: number): string {
    const s = this.s;
    const start = this.pos;
    let i = ++this.pos;
    let out = '';
    let from = i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (Number.isNaN(c)) this.fail('unterminated string', start);
      if (c === q) {
        out += s.slice(from, i);
        this.pos = i + 1;
        return out;
      }
      if (c !== Ch.Backslash) {
        i++;
        continue;
      }
      out += s.slice(from, i);
      const n = s[i + 1];
      let len = 2;
      switch (n) {
        case '"':
        case "'":
        case '\\':
        case '/':
          out += n;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
        case 'F':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'v':
          out += '\u000b';
          break;
        case 'u': {
          const h = s.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(h)) this.fail('invalid \\u escape', i);
          out += String.fromCharCode(parseInt(h, 16));
          len = 6;
          break;
        }
        case 'x': {
          const h = s.slice(i + 2, i + 4);
          if (!/^[0-9a-fA-F]{2}$/.test(h)) this.fail('invalid \\x escape', i);
          out += String.fromCharCode(parseInt(h, 16));
          len = 4;
          break;
        }
        default:
          if (n !== undefined && n >= '0' && n <= '7') out += String.fromCharCode(n.charCodeAt(0) - 48);
          else if (n === undefined) this.fail('unterminated string', start);
          else this.fail(`invalid escape \\${n}`, i);
      }
      i += len;
      from = i;
    }
  }

  key(): JsonKey {
    const c = this.ws();
    if (c === Ch.Quote || c === Ch.Apos) return this.string(c);
    if (c === Ch.LBrace) return this.object();
    if (c === Ch.Minus || isDigit(c)) return this.number();
    if (isIdentStart(c)) {
      const start = this.pos;
      while (isIdentPart(this.s.charCodeAt(this.pos))) this.pos++;
      return this.s.slice(start, this.pos);
    }
    if (Number.isNaN(c)) this.fail('unexpected end of input');
    this.fail(`unexpected character ${JSON.stringify(this.s[this.pos])} where a key belongs`);
  }

  object(): JsonObject {
    this.enter();
    this.pos++; // {
    const entries: JsonEntry[] = [];
    for (;;) {
      let c = this.ws();
      if (c === Ch.RBrace) {
        this.pos++;
        break;
      }
      const k = this.key();
      c = this.ws();
      if (c !== Ch.Colon) this.fail(Number.isNaN(c) ? 'unexpected end of input' : "expected ':'");
      this.pos++;
      entries.push([k, this.value()]);
      c = this.ws();
      if (c === Ch.Comma) {
        this.pos++;
        continue;
      }
      if (c === Ch.RBrace) {
        this.pos++;
        break;
      }
      this.fail(Number.isNaN(c) ? 'unexpected end of input' : "expected ',' or '}'");
    }
    this.depth--;
    return new JsonObject(entries);
  }

  array(): JsonValue[] {
    this.enter();
    this.pos++; // [
    const items: JsonValue[] = [];
    for (;;) {
      let c = this.ws();
      if (c === Ch.RBracket) {
        this.pos++;
        break;
      }
      items.push(this.value());
      c = this.ws();
      if (c === Ch.Comma) {
        this.pos++;
        continue;
      }
      if (c === Ch.RBracket) {
        this.pos++;
        break;
      }
      this.fail(Number.isNaN(c) ? 'unexpected end of input' : "expected ',' or ']'");
    }
    this.depth--;
    return items;
  }
}

/**
 * Parses a JSON body (bytes are UTF-8; malformed sequences become U+FFFD as in Java's new String(bytes, UTF_8)).
 * Throws ProtocolError('BODY_JSON') for malformed input and exceeded limits, nothing else.
 */
export function parseJson(input: Uint8Array | string, limits: JsonLimits = {}): JsonValue {
  const bytesMax = limits.bytesMax ?? jsonBytesMax;
  const size = typeof input === 'string' ? input.length : input.length;
  if (size > bytesMax) throw new ProtocolError('BODY_JSON', `JSON body of ${size} bytes exceeds jsonBytesMax (${bytesMax})`);
  let text: string;
  if (typeof input === 'string') text = input;
  else text = Buffer.from(input.buffer, input.byteOffset, input.length).toString('utf8');
  const p = new Parser(text, limits.depthMax ?? jsonDepthMax, limits.numberLengthMax ?? jsonNumberLengthMax);
  if (text.charCodeAt(0) === 0xfeff) p.pos = 1;
  if (Number.isNaN(p.ws())) p.fail('empty body');
  let v: JsonValue;
  try {
    v = p.value();
  } catch (e) {
    if (e instanceof ProtocolError) throw e;
    // A RangeError from a runaway input (should not happen within the limits) is still a body error.
    throw new ProtocolError('BODY_JSON', `JSON body: ${(e as Error).message}`);
  }
  if (!Number.isNaN(p.ws())) p.fail('unexpected data after the JSON value');
  return v;
}
