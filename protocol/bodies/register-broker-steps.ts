import { inflateSync } from 'node:zlib';
import type { Decoded } from '../headers';
import { JsonObject, jsonDepthMax, parseJson, type JsonEntry, type JsonValue } from './json';
import {
  decodeInflatedRegisterBody,
  decodeRegisterBrokerBodyCompressed,
  decodeTopicLine,
  registerBodyInflatedBytesMax,
  registerBrokerBody,
  RegisterBrokerBody,
  type DecompressOptions,
} from './register-broker';
import { readBody } from './schema';
import { topicConfig, TopicFilterTypes, type TopicConfig } from './topic';

/**
 * REGISTER_BROKER body decoding in bounded steps (issue 14: a changed body of 10k topics decoded in one go held the
 * NameServer's event loop for 50-150 ms). `step(topicsMax)` decodes at most `topicsMax` entries of the
 * topicConfigTable (plain JSON) or topic lines (compressed form) and returns; the caller (lib/nameserver) yields to
 * the event loop between steps. The result equals RegisterBrokerBody.decode / decodeRegisterBrokerBodyCompressed
 * (register-broker-steps.test.ts checks that on random bodies).
 *
 * Plain JSON: a scanner walks the two outer objects over the body text (decoded from UTF-8 once, in the first step); every value other than the topicConfigTable is
 * parsed with parseJson and read with the body's schema, as the one-go decoder does. Each topicConfigTable entry
 * in the shape Java writes ({"attributes":{..},"order":false,"perm":6,...}: quoted keys without escapes, ints,
 * booleans, plain strings; any order, any subset) is read directly from that text, which is also what makes this
 * path faster than parse-then-read (issue 18: REGISTER_BROKER throughput); any other entry is parsed with parseJson
 * and read by the TopicConfig schema. Anything unusual at the outer levels (unquoted or escaped keys, duplicate
 * outer keys, a BOM, trailing commas, bytes past the end) falls back to the one-go decoder in a single step, so the
 * dialect accepted is exactly the one-go decoder's. Compressed form: the inflate is one step (zlib, bounded by
 * registerBodyInflatedBytesMax), then the topic lines `topicsMax` at a time, then the one-go decoder's tail.
 */

export type StepResult = { done: false } | { done: true; result: Decoded<RegisterBrokerBody> };

const Q = 0x22;
const BS = 0x5c;
const isWs = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Thrown inside the scanner: the outer shape is unusual, decode in one go instead. */
export class Unusual extends Error {}

/** A cursor over a JSON text for the shapes Java writes (shared with topic-list-steps.ts). */
export class Scanner {
  pos = 0;
  constructor(readonly b: string) {}

  ws(): number {
    const b = this.b;
    for (;;) {
      const c = b.charCodeAt(this.pos);
      if (isWs(c)) this.pos++;
      else return Number.isNaN(c) ? -1 : c;
    }
  }

  expect(c: number): void {
    if (this.ws() !== c) throw new Unusual();
    this.pos++;
  }

  /** A quoted string without escapes; undefined (position unchanged) for anything else. */
  plainString(): string | undefined {
    const b = this.b;
    if (this.ws() !== Q) return undefined;
    const start = this.pos + 1;
    for (let i = start; ; i++) {
      const c = b.charCodeAt(i);
      if (c === Q) {
        this.pos = i + 1;
        return b.slice(start, i);
      }
      if (c === BS || Number.isNaN(c)) return undefined;
    }
  }

  /** The end of the JSON value starting at pos (strings honoured, brackets counted); throws Unusual at the end. */
  skipValue(): number {
    const b = this.b;
    const n = b.length;
    let depth = 0;
    let i = this.pos;
    for (; i < n; i++) {
      const c = b.charCodeAt(i);
      if (c === Q || c === 0x27) {
        i++;
        while (i < n && b.charCodeAt(i) !== c) i += b.charCodeAt(i) === BS ? 2 : 1;
        if (i >= n) throw new Unusual();
      } else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (depth === 0) break;
        if (--depth === 0) return i + 1;
      } else if (depth === 0 && c === 0x2c) break;
    }
    if (depth !== 0) throw new Unusual();
    return i;
  }

  /** After a member: ',' (true, more) or the closing '}' (false). */
  next(): boolean {
    const c = this.ws();
    this.pos++;
    if (c === 0x2c) {
      if (this.ws() === 0x7d) throw new Unusual(); // trailing comma
      return true;
    }
    if (c === 0x7d) return false;
    throw new Unusual();
  }

  /** A small int as Java writes it (no sign other than '-', at most 9 digits); undefined for anything else. */
  smallInt(): number | undefined {
    const b = this.b;
    let i = this.pos;
    const neg = b.charCodeAt(i) === 0x2d;
    if (neg) i++;
    const d0 = i;
    let v = 0;
    for (;;) {
      const c = b.charCodeAt(i);
      if (c >= 0x30 && c <= 0x39) {
        v = v * 10 + c - 0x30;
        i++;
      } else if (c === 0x2e || c === 0x65 || c === 0x45) return undefined;
      else break;
    }
    if (i === d0 || i - d0 > 9) return undefined;
    this.pos = i;
    return neg ? -v : v;
  }

  bool(): boolean | undefined {
    const b = this.b;
    if (b.startsWith('true', this.pos)) return ((this.pos += 4), true);
    if (b.startsWith('false', this.pos)) return ((this.pos += 5), false);
    return undefined;
  }
}

/** One topicConfigTable entry in Java's shape, or undefined (position unspecified) to read it the general way. */
export function fastTopicConfig(s: Scanner): TopicConfig | undefined {
  if (s.ws() !== 0x7b) return undefined;
  s.pos++;
  const t: TopicConfig = { order: false, perm: 6, readQueueNums: 16, topicFilterType: 'SINGLE_TAG', topicName: '', topicSysFlag: 0, writeQueueNums: 16 };
  let seen = 0;
  let named = false;
  if (s.ws() === 0x7d) return undefined; // {} lacks topicName: the schema reports it
  do {
    const k = s.plainString();
    if (k === undefined) return undefined;
    s.expect(0x3a);
    s.ws();
    let bit: number;
    switch (k) {
      case 'attributes': {
        bit = 1;
        if (s.ws() !== 0x7b) return undefined;
        s.pos++;
        const m = new Map<string, string>();
        if (s.ws() === 0x7d) s.pos++;
        else
          do {
            const ak = s.plainString();
            if (ak === undefined || m.has(ak)) return undefined;
            s.expect(0x3a);
            const av = s.plainString();
            if (av === undefined) return undefined;
            m.set(ak, av);
          } while (s.next());
        t.attributes = m;
        break;
      }
      case 'order': {
        bit = 2;
        const v = s.bool();
        if (v === undefined) return undefined;
        t.order = v;
        break;
      }
      case 'topicFilterType': {
        bit = 4;
        const v = s.plainString();
        if (v === undefined || !(TopicFilterTypes as readonly string[]).includes(v)) return undefined;
        t.topicFilterType = v as TopicConfig['topicFilterType'];
        break;
      }
      case 'topicName': {
        bit = 8;
        const v = s.plainString();
        if (v === undefined) return undefined;
        t.topicName = v;
        named = true;
        break;
      }
      case 'perm':
      case 'readQueueNums':
      case 'writeQueueNums':
      case 'topicSysFlag': {
        bit = k === 'perm' ? 16 : k === 'readQueueNums' ? 32 : k === 'writeQueueNums' ? 64 : 128;
        const v = s.smallInt();
        if (v === undefined) return undefined;
        t[k] = v;
        break;
      }
      default:
        return undefined;
    }
    if ((seen & bit) !== 0) return undefined;
    seen |= bit;
  } while (s.next());
  return named ? t : undefined;
}

export class RegisterBodySteps {
  private s: Scanner | null = null;
  private phase: 'start' | 'table' | 'lines' | 'done' = 'start';
  private readonly outer: JsonEntry[] = [];
  private readonly wrapper: JsonEntry[] = [];
  private readonly table = new Map<string, TopicConfig>();
  private tableOuterKeys = new Set<string>();
  // compressed form
  private payload: Buffer | null = null;
  private cpos = 0;
  private linesLeft = 0;
  private readonly lines: TopicConfig[] = [];

  constructor(
    private readonly body: Buffer,
    private readonly compressed: boolean,
    private readonly opts: DecompressOptions = {},
  ) {
  }

  /** Decodes at most `topicsMax` topics (plus the parts around them) and says whether it is done. */
  step(topicsMax: number): StepResult {
    try {
      return this.compressed ? this.stepCompressed(topicsMax) : this.stepPlain(topicsMax);
    } catch (e) {
      if (e instanceof Unusual) return this.finish(this.oneGo());
      return this.finish({ ok: false, error: `RegisterBrokerBody: ${(e as Error).message}` });
    }
  }

  private finish(result: Decoded<RegisterBrokerBody>): StepResult {
    this.phase = 'done';
    return { done: true, result };
  }

  private oneGo(): Decoded<RegisterBrokerBody> {
    return this.compressed ? decodeRegisterBrokerBodyCompressed(this.body, this.opts) : RegisterBrokerBody.decode(this.body, this.opts.limits);
  }

  // -------------------------------------------------------------------------------------------- plain JSON

  /** Parses the value at the scanner's position with parseJson (the general dialect). */
  private general(nesting: number): JsonValue {
    const s = this.s!;
    const start = s.pos;
    const end = s.skipValue();
    s.pos = end;
    const l = this.opts.limits;
    return parseJson(s.b.slice(start, end), { ...l, depthMax: (l?.depthMax ?? jsonDepthMax) - nesting });
  }

  private outerKey(seen: Set<string>): string {
    const k = this.s!.plainString();
    if (k === undefined || seen.has(k)) throw new Unusual();
    seen.add(k);
    this.s!.expect(0x3a);
    return k;
  }

  private stepPlain(topicsMax: number): StepResult {
    if (this.phase === 'start') {
      if ((this.opts.limits?.bytesMax ?? Infinity) < this.body.length) throw new Unusual();
      // As parseJson: UTF-8, malformed sequences as U+FFFD (a leading BOM makes the shape unusual below).
      this.s = new Scanner(this.body.toString('utf8'));
    }
    const s = this.s!;
    if (this.phase === 'start') {
      s.expect(0x7b);
      const seen = new Set<string>();
      if (s.ws() === 0x7d) throw new Unusual();
      for (;;) {
        const k = this.outerKey(seen);
        if (k !== 'topicConfigSerializeWrapper') this.outer.push([k, this.general(1)]);
        else {
          s.expect(0x7b);
          if (s.ws() === 0x7d) throw new Unusual();
          for (;;) {
            const wk = this.outerKey(this.tableOuterKeys);
            if (wk !== 'topicConfigTable') this.wrapper.push([wk, this.general(2)]);
            else {
              s.expect(0x7b);
              this.phase = 'table';
              if (s.ws() === 0x7d) {
                s.pos++;
                return this.afterTable();
              }
              return { done: false };
            }
            if (!s.next()) break;
          }
          this.outer.push(['topicConfigSerializeWrapper', new JsonObject(this.wrapper)]);
        }
        if (!s.next()) break;
      }
      return this.complete();
    }
    // phase 'table': entries
    for (let n = 0; n < topicsMax; n++) {
      const key = s.plainString();
      if (key === undefined) throw new Unusual();
      s.expect(0x3a);
      s.ws();
      const start = s.pos;
      let t = fastTopicConfig(s);
      if (t === undefined) {
        s.pos = start;
        const d = readBody('TopicConfig', topicConfig, this.general(3));
        if (!d.ok) return this.finish({ ok: false, error: `RegisterBrokerBody: topicConfigSerializeWrapper.topicConfigTable.${key}: ${d.error}` });
        t = d.value;
      }
      this.table.set(key, t);
      if (!s.next()) return this.afterTable();
    }
    return { done: false };
  }

  /** The rest of the wrapper and of the outer object, after the table's closing brace. */
  private afterTable(): StepResult {
    const s = this.s!;
    this.wrapper.push(['topicConfigTable', new JsonObject([])]);
    while (s.next()) {
      const wk = this.outerKey(this.tableOuterKeys);
      if (wk === 'topicConfigTable') throw new Unusual();
      this.wrapper.push([wk, this.general(2)]);
    }
    this.outer.push(['topicConfigSerializeWrapper', new JsonObject(this.wrapper)]);
    const seen = new Set(this.outer.map(([k]) => k as string));
    while (s.next()) {
      const k = this.outerKey(seen);
      this.outer.push([k, this.general(1)]);
    }
    return this.complete();
  }

  private complete(): StepResult {
    if (this.s!.ws() !== -1) throw new Unusual();
    const d = readBody('RegisterBrokerBody', registerBrokerBody, new JsonObject(this.outer));
    if (d.ok && this.phase === 'table') d.value.topicConfigSerializeWrapper.topicConfigTable = this.table;
    return this.finish(d);
  }

  // -------------------------------------------------------------------------------------------- compressed

  private stepCompressed(topicsMax: number): StepResult {
    if (this.phase === 'start') {
      try {
        this.payload = inflateSync(this.body, { maxOutputLength: this.opts.limits?.bytesMax ?? registerBodyInflatedBytesMax });
      } catch (e) {
        return this.finish({ ok: false, error: `RegisterBrokerBody(compressed): inflate failed: ${(e as Error).message}` });
      }
      const p = this.payload;
      if (p.length < 8) throw new Unusual();
      const dvLen = p.readInt32BE(0);
      if (dvLen < 0 || 8 + dvLen > p.length) throw new Unusual();
      this.linesLeft = p.readInt32BE(4 + dvLen);
      if (this.linesLeft < 0 || this.linesLeft > p.length / 4) throw new Unusual();
      this.cpos = 8 + dvLen;
      this.phase = 'lines';
      return { done: false };
    }
    const p = this.payload!;
    for (let n = 0; n < topicsMax && this.linesLeft > 0; n++, this.linesLeft--) {
      if (this.cpos + 4 > p.length) throw new Unusual();
      const len = p.readInt32BE(this.cpos);
      if (len < 0 || this.cpos + 4 + len > p.length) throw new Unusual();
      this.lines.push(decodeTopicLine(p.toString('utf8', this.cpos + 4, this.cpos + 4 + len)));
      this.cpos += 4 + len;
    }
    if (this.linesLeft > 0) return { done: false };
    // The head and the tail are small: the one-go decoder reads them (and checks what it checks) from a payload
    // whose topic section is empty; the lines decoded above go into its table.
    const head = p.subarray(0, p.readInt32BE(0) + 4);
    const rest = Buffer.concat([head, Buffer.alloc(4), p.subarray(this.cpos)]);
    const d = decodeInflatedRegisterBody(rest, this.opts);
    if (d.ok) for (const t of this.lines) d.value.topicConfigSerializeWrapper.topicConfigTable.set(t.topicName, t);
    return this.finish(d);
  }
}

