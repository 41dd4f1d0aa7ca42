/**
 * The ext fields of a decoded header (and, by encodeHeader's default, of an encoded one), as a Map<string, string>
 * kept in one flat array [key0, value0, key1, ...].
 *
 * Why not a Map: every request decodes one, a send header has ~14 fields and a pull header ~12, and a V8 Map grows
 * its hash table 4 -> 8 -> 16 entries while it is filled (three tables, ~900 bytes). Decoding made ~10% of all the
 * bytes the broker allocated in the end-to-end bench (sampling heap profile; the rest is the store's reads and the
 * responses), and every byte allocated brings the next scavenge closer. The flat array is allocated once, at its
 * final size (~250 bytes), and a lookup compares at most HEADER_FIELDS_FLAT_MAX keys (the decoders' keys are cached
 * strings, the callers' keys literals, so most comparisons end at the length or the hash).
 *
 * Semantics are Map's: the last value set for a key wins (Java decodes into a HashMap), iteration is in insertion
 * order, and the decoders build a plain Map instead when a header has more than HEADER_FIELDS_FLAT_MAX fields.
 */
export const HEADER_FIELDS_FLAT_MAX = 32;

export class HeaderFields implements Map<string, string> {
  /** Keys at even indexes, each key once; its value after it. */
  private readonly a: string[];

  /** `flat` is taken over, not copied; its keys must be distinct (fromFlat checks that). */
  private constructor(flat: string[]) {
    this.a = flat;
  }

  /**
   * The fields of `flat` ([key, value, ...], `n` strings from index 0), later duplicates replacing earlier ones as
   * Map#set would; copies what it keeps into an array of its exact size, so `flat` can be a reused scratch array.
   */
  static fromFlat(flat: readonly string[], n: number): HeaderFields {
    const out = flat.slice(0, n);
    for (let i = 2; i < out.length; i += 2) {
      const k = out[i];
      for (let j = 0; j < i; j += 2) {
        if (out[j] === k) {
          out[j + 1] = out[i + 1]!;
          out.splice(i, 2);
          i -= 2;
          break;
        }
      }
    }
    return new HeaderFields(out);
  }

  /** An empty one to fill with set (encodeHeader's default: a response header of a few fields). */
  static empty(): HeaderFields {
    return new HeaderFields([]);
  }

  private indexOf(key: string): number {
    const a = this.a;
    for (let i = 0; i < a.length; i += 2) if (a[i] === key) return i;
    return -1;
  }

  get size(): number {
    return this.a.length >> 1;
  }

  get(key: string): string | undefined {
    const i = this.indexOf(key);
    return i < 0 ? undefined : this.a[i + 1];
  }

  has(key: string): boolean {
    return this.indexOf(key) >= 0;
  }

  set(key: string, value: string): this {
    const i = this.indexOf(key);
    if (i < 0) this.a.push(key, value);
    else this.a[i + 1] = value;
    return this;
  }

  delete(key: string): boolean {
    const i = this.indexOf(key);
    if (i < 0) return false;
    this.a.splice(i, 2);
    return true;
  }

  clear(): void {
    this.a.length = 0;
  }

  forEach(cb: (value: string, key: string, map: Map<string, string>) => void, thisArg?: unknown): void {
    const a = this.a;
    for (let i = 0; i < a.length; i += 2) cb.call(thisArg, a[i + 1]!, a[i]!, this);
  }

  *entries(): MapIterator<[string, string]> {
    const a = this.a;
    for (let i = 0; i < a.length; i += 2) yield [a[i]!, a[i + 1]!];
  }

  *keys(): MapIterator<string> {
    const a = this.a;
    for (let i = 0; i < a.length; i += 2) yield a[i]!;
  }

  *values(): MapIterator<string> {
    const a = this.a;
    for (let i = 0; i < a.length; i += 2) yield a[i + 1]!;
  }

  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'HeaderFields';
  }
}

/** A Map<string, string> or HeaderFields (the two forms a command's extFields take). */
export function isFieldMap(v: unknown): v is Map<string, string> {
  return v instanceof Map || v instanceof HeaderFields;
}

/**
 * Collects one decoded header's fields (start, add per field, finish): a HeaderFields while there are at most
 * HEADER_FIELDS_FLAT_MAX, a Map past that. One instance serves both decoders: decoding is synchronous, and start
 * forgets a header whose decode threw.
 */
class FieldCollector {
  /** Reused scratch: [key, value, ...] of the header being decoded, copied out by finish. */
  private readonly flat: string[] = [];
  private n = 0;
  private big: Map<string, string> | null = null;

  start(): void {
    this.n = 0;
    this.big = null;
  }

  add(key: string, value: string): void {
    if (this.big !== null) {
      this.big.set(key, value);
    } else if (this.n < 2 * HEADER_FIELDS_FLAT_MAX) {
      this.flat[this.n++] = key;
      this.flat[this.n++] = value;
    } else {
      const big = new Map<string, string>();
      for (let i = 0; i < this.n; i += 2) big.set(this.flat[i]!, this.flat[i + 1]!);
      big.set(key, value);
      this.big = big;
    }
  }

  finish(): Map<string, string> {
    const out = this.big ?? HeaderFields.fromFlat(this.flat, this.n);
    this.big = null;
    return out;
  }
}

export const FIELD_COLLECTOR = new FieldCollector();
