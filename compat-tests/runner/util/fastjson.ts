/**
 * A lenient reader for the JSON that Apache RocketMQ's fastjson writes on the wire and on disk.
 *
 * fastjson 1.x emits things standard JSON.parse rejects:
 *   - bare integer map keys:      {"brokerAddrs":{0:"127.0.0.1:10911"}}      (ClusterInfo, TopicRouteData < V4_9_4,
 *                                                                           consumerOffset.json)
 *   - object map keys:            {"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:{...}}}
 *                                                                           (ConsumeStats, TopicStatsTable)
 * Object keys are kept as the canonical JSON text of the key (object keys sorted), so callers can look them up or
 * re-parse them with parseFastjson(key). Numbers become JS numbers (every offset and timestamp RocketMQ uses fits
 * in 2^53).
 *
 * Used only by the compatibility harness to read what a target answers; it is not a product codec.
 */
export type FjValue = null | boolean | number | string | FjValue[] | FjObject;
export interface FjObject {
  [key: string]: FjValue;
}

export class FastjsonError extends Error {
  constructor(message: string, readonly position: number) {
    super(`${message} at offset ${position}`);
    this.name = 'FastjsonError';
  }
}

export function parseFastjson(text: string): FjValue {
  const p = new Parser(text);
  p.ws();
  const v = p.value();
  p.ws();
  if (p.i !== text.length) throw new FastjsonError('trailing characters', p.i);
  return v;
}

/** Canonical JSON text of a value: objects with sorted keys, no whitespace. Used for object map keys. */
export function canonicalJson(v: FjValue): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k]!)}`).join(',')}}`;
}

/** Narrowing helpers with an error message that names the path. */
export function asObject(v: FjValue | undefined, what: string): FjObject {
  if (v === null || v === undefined || typeof v !== 'object' || Array.isArray(v)) {
    throw new Error(`${what}: expected an object, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
  }
  return v;
}

export function asArray(v: FjValue | undefined, what: string): FjValue[] {
  if (!Array.isArray(v)) throw new Error(`${what}: expected an array, got ${JSON.stringify(v)}`);
  return v;
}

export function asNumber(v: FjValue | undefined, what: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  throw new Error(`${what}: expected a number, got ${JSON.stringify(v)}`);
}

export function asString(v: FjValue | undefined, what: string): string {
  if (typeof v !== 'string') throw new Error(`${what}: expected a string, got ${JSON.stringify(v)}`);
  return v;
}

class Parser {
  i = 0;
  constructor(private readonly s: string) {}

  ws(): void {
    while (this.i < this.s.length) {
      const c = this.s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.i++;
      else break;
    }
  }

  value(): FjValue {
    const c = this.s[this.i];
    switch (c) {
      case '{':
        return this.object();
      case '[':
        return this.array();
      case '"':
      case "'":
        return this.string();
      case 't':
        return this.word('true', true);
      case 'f':
        return this.word('false', false);
      case 'n':
        return this.word('null', null);
      default:
        if (c !== undefined && /[-0-9]/.test(c)) return this.number();
        throw new FastjsonError(`unexpected ${c === undefined ? 'end of input' : JSON.stringify(c)}`, this.i);
    }
  }

  private word<T extends FjValue>(w: string, v: T): T {
    if (this.s.startsWith(w, this.i)) {
      this.i += w.length;
      return v;
    }
    throw new FastjsonError(`expected ${w}`, this.i);
  }

  private number(): number {
    const m = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(this.s.slice(this.i, this.i + 64));
    if (m === null) throw new FastjsonError('bad number', this.i);
    this.i += m[0].length;
    return Number(m[0]);
  }

  private string(): string {
    const quote = this.s[this.i]!;
    this.i++;
    let out = '';
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined) throw new FastjsonError('unterminated string', this.i);
      this.i++;
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.s[this.i++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          const hex = this.s.slice(this.i, this.i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new FastjsonError('bad \\u escape', this.i);
          out += String.fromCharCode(parseInt(hex, 16));
          this.i += 4;
          break;
        }
        case undefined:
          throw new FastjsonError('unterminated escape', this.i);
        default:
          out += e; // \" \\ \/ \' and fastjson's lenient escapes
      }
    }
  }

  private array(): FjValue[] {
    this.i++;
    const out: FjValue[] = [];
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value());
      this.ws();
      const c = this.s[this.i++];
      if (c === ']') return out;
      if (c !== ',') throw new FastjsonError("expected ',' or ']'", this.i - 1);
    }
  }

  private key(): string {
    const c = this.s[this.i];
    if (c === '"' || c === "'") return this.string();
    if (c === '{' || c === '[') return canonicalJson(this.value());
    // bare identifier or number (fastjson writes integer keys unquoted)
    const m = /^[-A-Za-z0-9_$.]+/.exec(this.s.slice(this.i, this.i + 256));
    if (m === null) throw new FastjsonError('bad object key', this.i);
    this.i += m[0].length;
    return m[0];
  }

  private object(): FjObject {
    this.i++;
    const out: FjObject = {};
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      const k = this.key();
      this.ws();
      if (this.s[this.i++] !== ':') throw new FastjsonError("expected ':'", this.i - 1);
      this.ws();
      out[k] = this.value();
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') return out;
      if (c !== ',') throw new FastjsonError("expected ',' or '}'", this.i - 1);
    }
  }
}
