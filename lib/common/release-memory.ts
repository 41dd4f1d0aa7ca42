import * as path from 'node:path';

/**
 * Hands memory the process no longer uses back to the OS, at rest. The store calls it once it has dropped the
 * commit-log tail cache and the index file's slot table after commitLogTailCacheIdleReleaseMs without a write.
 *
 *  1. One full GC (node started with --expose-gc, as the bins and `npm start` do): nothing allocates at rest, so
 *     nothing else would collect what was just dropped.
 *  2. TRIM_DELAY_MS later, glibc's malloc_trim(0) through dist/native/malloc-trim.node when it was built
 *     (lib/dev/build-native.ts). glibc keeps memory freed below the top of its brk heap (small ArrayBuffer backing
 *     stores, socket reads) and returns it only to malloc_trim; after a load that was 15-57 MiB of a resting
 *     process (bench/results/2026-12-04-rss-mem.md). The delay lets V8 free the collected backing stores, which it
 *     does on a background thread after the GC. Without the module step 2 is skipped.
 *
 * malloc_trim walks the heap's free chunks once and holds the event loop meanwhile (the report says how long).
 * Under load it is called only through trimHeapSlack, when glibc keeps enough free memory to be worth it.
 */

/** Wait between the full GC and malloc_trim (V8 frees collected ArrayBuffers on a background thread). */
export const TRIM_DELAY_MS = 1000;
/** dist/native/malloc-trim.node (this file runs from dist/lib/common/). */
const MODULE_PATH = path.resolve(__dirname, '..', '..', 'native', 'malloc-trim.node');

interface NativeModule {
  trim(): boolean;
  /** mallinfo2(): arena, in use, free, mmapped bytes. */
  info(): [number, number, number, number];
}

let native: NativeModule | null | undefined;
let loadError = '';

function load(): NativeModule | null {
  if (native === undefined) {
    try {
      native = require(MODULE_PATH) as NativeModule;
    } catch (err) {
      native = null;
      loadError = (err as Error).message.split('\n')[0] ?? String(err);
    }
  }
  return native;
}

/** glibc's malloc_trim(0) if the native module is built and loads here; undefined otherwise (see nativeTrimStatus). */
export function nativeMallocTrim(): (() => boolean) | undefined {
  const n = load();
  return n === null ? undefined : () => n.trim();
}

/** glibc's own account of its heap (mallinfo2), bytes; undefined without the native module. */
export interface MallocInfo {
  /** The brk heap and the other arenas, as obtained from the OS. */
  arenaBytes: number;
  inUseBytes: number;
  /** Free inside the arenas: kept by malloc, what malloc_trim can give back. */
  freeBytes: number;
  /** Chunks above the mmap threshold, each its own mapping (returned to the OS when freed). */
  mmappedBytes: number;
}

export function nativeMallocInfo(): MallocInfo | undefined {
  const n = load();
  if (n === null) return undefined;
  const [arenaBytes, inUseBytes, freeBytes, mmappedBytes] = n.info();
  return { arenaBytes, inUseBytes, freeBytes, mmappedBytes };
}

/** Whether malloc_trim is available, and if not, why (for a start-up log line). */
export function nativeTrimStatus(): { available: boolean; detail: string } {
  return nativeMallocTrim() !== undefined ? { available: true, detail: MODULE_PATH } : { available: false, detail: loadError };
}

export interface ReleaseReport {
  /** Resident set size before the GC and after malloc_trim (or after the GC when there is no trim), bytes. */
  rssBeforeBytes: number;
  rssAfterBytes: number;
  /** malloc_trim ran (false: the native module is not there). */
  trimmed: boolean;
  /** How long malloc_trim held the event loop, ms (0 without it). */
  trimMs: number;
}

let pending: NodeJS.Timeout | null = null;

/**
 * Step 1 now, step 2 TRIM_DELAY_MS later; `done` gets the RSS before and after. A call while step 2 is pending
 * does the GC again and leaves the one pending trim in place (that call's `done` is not called).
 */
export function releaseMemoryAtRest(done?: (r: ReleaseReport) => void): void {
  const rssBeforeBytes = process.memoryUsage.rss();
  (globalThis as { gc?: () => void }).gc?.();
  if (pending !== null) return;
  const trim = nativeMallocTrim();
  if (trim === undefined) {
    done?.({ rssBeforeBytes, rssAfterBytes: process.memoryUsage.rss(), trimmed: false, trimMs: 0 });
    return;
  }
  pending = setTimeout(() => {
    pending = null;
    const t0 = performance.now();
    trim();
    const trimMs = performance.now() - t0;
    done?.({ rssBeforeBytes, rssAfterBytes: process.memoryUsage.rss(), trimmed: true, trimMs });
  }, TRIM_DELAY_MS);
  pending.unref();
}

export interface SlackTrimReport {
  /** What glibc kept free in its arenas before the trim (mallinfo2), bytes. */
  freeBytes: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  /** How long malloc_trim held the event loop, ms. */
  trimMs: number;
}

/**
 * Under load: malloc_trim(0) when glibc keeps at least `freeBytesMin` free inside its arenas (mallinfo2's fordblks).
 * glibc gives back on its own only the free space at the top of the brk heap; the holes that freed socket reads and
 * small backing stores leave below a live chunk stay resident, and under a steady load they add up (22 MiB of a
 * 27 MiB heap were free under one lib/client sender: bench/results/2026-12-06-heap-slack.md). The store calls this
 * every heapTrimIntervalMs (lib/store/services.ts). undefined: the module is not there, or too little is free.
 * mallinfo2 still counts the pages an earlier trim gave back as free, so a fragmented heap is trimmed at every
 * interval even when little is resident: 0.5-1.2 ms of event loop each time under load.
 */
export function trimHeapSlack(freeBytesMin: number): SlackTrimReport | undefined {
  const n = load();
  if (n === null) return undefined;
  const freeBytes = n.info()[2];
  if (freeBytes < freeBytesMin) return undefined;
  const rssBeforeBytes = process.memoryUsage.rss();
  const t0 = performance.now();
  n.trim();
  const trimMs = performance.now() - t0;
  return { freeBytes, rssBeforeBytes, rssAfterBytes: process.memoryUsage.rss(), trimMs };
}
