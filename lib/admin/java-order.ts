/**
 * The iteration order of Java collections that mqadmin prints without sorting, so Apogee's output lines up with
 * the official tool's: java.util.HashMap (a decoded message's properties) and java.util.Properties, which since
 * Java 9 keeps its entries in a ConcurrentHashMap (getBrokerConfig, getNamesrvConfig iterate it). Java 17's
 * algorithms (the JVM the compat tests run): String#hashCode, the spread of the hash, the table doubling at 3/4
 * load, and ConcurrentHashMap#transfer's split of a bin (the unchanged tail kept, the nodes before it prepended).
 * Bins that Java would turn into trees (8+ colliding keys) are kept as lists: insertion order, close enough.
 */

export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** HashMap#hash and ConcurrentHashMap#spread (the sign bit is cleared by the CHM only; the index is the same). */
const spread = (h: number): number => (h ^ (h >>> 16)) & 0x7fffffff;

/** Keys of a java.util.HashMap of fixed `capacity` (no resize), in iteration order. */
export function hashMapOrder(keys: readonly string[], capacity: number): string[] {
  const e = keys.map((k, i) => ({ k, b: spread(javaStringHash(k)) & (capacity - 1), i }));
  return e.sort((a, b) => a.b - b.b || a.i - b.i).map((x) => x.k);
}

/** Java HashMap hash of an entry whose key hashes to `h` (no resize): bucket in a table of `capacity`. */
const bucketOf = (h: number, capacity: number): number => ((h ^ (h >>> 16)) & 0x7fffffff) & (capacity - 1);

/** Capacity of a default `new HashMap<>()` / `new HashSet<>()` after `n` insertions (16, doubled past 3/4 load). */
export function grownCapacity(n: number): number {
  let cap = 16;
  while (n > cap * 0.75) cap *= 2;
  return cap;
}

/**
 * Items of a default java.util.HashMap/HashSet in iteration order, given each item's Java hashCode, inserted in
 * `items` order: HashMap#resize keeps the relative order within a bin, so the order is (bucket, insertion).
 */
export function hashOrderBy<T>(items: readonly T[], hashCode: (t: T) => number): T[] {
  const cap = grownCapacity(items.length);
  return items
    .map((t, i) => ({ t, b: bucketOf(hashCode(t), cap), i }))
    .sort((a, b) => a.b - b.b || a.i - b.i)
    .map((x) => x.t);
}

/** Java MessageQueue#hashCode. */
export function messageQueueHash(q: { topic: string; brokerName: string; queueId: number }): number {
  let r = 1;
  r = (Math.imul(31, r) + javaStringHash(q.brokerName)) | 0;
  r = (Math.imul(31, r) + q.queueId) | 0;
  return (Math.imul(31, r) + javaStringHash(q.topic)) | 0;
}

/** Initial table of `new Properties()` on Java 17: ConcurrentHashMap(8) sizes its table to 16. */
const PROPERTIES_TABLE = 16;

/** Keys of a java.util.Properties filled in `keys` order (later duplicates replace in place), in iteration order. */
export function propertiesOrder(keys: readonly string[]): string[] {
  let n = PROPERTIES_TABLE;
  let sizeCtl = n - (n >>> 2);
  let table: { k: string; h: number }[][] = Array.from({ length: n }, () => []);
  const seen = new Set<string>();
  let count = 0;
  for (const k of keys) {
    if (seen.has(k)) continue;
    seen.add(k);
    const h = spread(javaStringHash(k));
    table[h & (n - 1)]!.push({ k, h });
    count++;
    if (count >= sizeCtl) {
      const next: { k: string; h: number }[][] = Array.from({ length: 2 * n }, () => []);
      for (let i = 0; i < n; i++) {
        const bin = table[i]!;
        if (bin.length === 0) continue;
        let last = bin.length - 1;
        const bit = (x: { h: number }): number => x.h & n;
        while (last > 0 && bit(bin[last - 1]!) === bit(bin[last]!)) last--;
        const ln: { k: string; h: number }[] = bit(bin[last]!) === 0 ? bin.slice(last) : [];
        const hn: { k: string; h: number }[] = bit(bin[last]!) === 0 ? [] : bin.slice(last);
        for (let j = 0; j < last; j++) (bit(bin[j]!) === 0 ? ln : hn).unshift(bin[j]!);
        next[i] = ln;
        next[i + n] = hn;
      }
      table = next;
      sizeCtl = (n << 1) - (n >>> 1);
      n *= 2;
    }
  }
  return table.flat().map((x) => x.k);
}

/**
 * Keys of a ConcurrentHashMap the Java client decodes from a JSON object (fastjson2 reads the object, then the map is
 * filled with putAll): putAll's presize on an empty map allocates tableSizeFor(n + n/2 + 1) and, as
 * ConcurrentHashMap#tryPresize does, doubles it once more before the entries go in; bins in table order, a bin in
 * insertion (wire) order. Checked against client 5.5.0's getAllTopicConfig / getAllSubscriptionGroup.
 */
export function decodedConcurrentMapOrder(keys: readonly string[]): string[] {
  let size = 1;
  while (size < keys.length + (keys.length >>> 1) + 1) size *= 2;
  const cap = 2 * size;
  return keys
    .map((k, i) => ({ k, b: spread(javaStringHash(k)) & (cap - 1), i }))
    .sort((a, b) => a.b - b.b || a.i - b.i)
    .map((x) => x.k);
}
