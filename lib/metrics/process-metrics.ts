/**
 * Apogee's own process gauges (no Java counterpart), under the names prom-client uses so Node.js dashboards work:
 * process_resident_memory_bytes, nodejs_heap_size_total_bytes, nodejs_heap_size_used_bytes,
 * nodejs_external_memory_bytes, nodejs_eventloop_lag_p99_seconds, nodejs_eventloop_lag_max_seconds (event-loop
 * delay since the previous scrape: how late the process's one sampling timer, sharedLoopDelay(), ran; a reader of
 * its own counts every tick between two scrapes) and
 * nodejs_gc_duration_seconds (histogram by kind, from a PerformanceObserver on 'gc' entries).
 * Nothing here runs per message: the GC observer fires per collection; everything else is read at scrape time.
 */
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { sharedLoopDelay, type LoopDelayMonitor } from '../common';
import type { MetricsRegistry } from './registry';

/** prom-client's GC buckets (seconds). */
const GC_BUCKETS_S = [0.001, 0.01, 0.1, 1, 2, 5] as const;

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

export interface ProcessMetrics {
  stop(): void;
}

/** `loopDelay`: the monitor the event-loop gauges read (the process's shared one unless a test hands its own). */
export function registerProcessMetrics(r: MetricsRegistry, loopDelay: LoopDelayMonitor = sharedLoopDelay()): ProcessMetrics {
  const loop = loopDelay.reader();
  const gc = r.histogram('nodejs_gc_duration_seconds', 'Garbage collection duration by kind', ['kind'], GC_BUCKETS_S);
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      gc.record([GC_KINDS[kind ?? -1] ?? 'unknown'], e.duration / 1000);
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  r.gauge('process_resident_memory_bytes', 'Resident memory size in bytes', [], (emit) => emit([], process.memoryUsage.rss()));
  r.gauge('nodejs_heap_size_total_bytes', 'V8 heap size (total) in bytes', [], (emit) => emit([], process.memoryUsage().heapTotal));
  r.gauge('nodejs_heap_size_used_bytes', 'V8 heap size (used) in bytes', [], (emit) => emit([], process.memoryUsage().heapUsed));
  r.gauge('nodejs_external_memory_bytes', 'Memory of C++ objects bound to JavaScript objects (incl. Buffers) in bytes', [], (emit) => emit([], process.memoryUsage().external));
  // p99 and max are read together by the first of the two gauges rendered (families render in name order:
  // ..._max_ before ..._p99_), which also starts the next window; the second emits its half.
  let p99 = 0;
  r.gauge('nodejs_eventloop_lag_max_seconds', 'Event-loop delay, maximum since the previous scrape', [], (emit) => {
    const w = loop.take();
    p99 = w.p99Ms;
    emit([], w.maxMs / 1e3);
  });
  r.gauge('nodejs_eventloop_lag_p99_seconds', 'Event-loop delay, 99th percentile since the previous scrape', [], (emit) => {
    emit([], p99 / 1e3);
  });
  return {
    stop: () => {
      loop.close();
      obs.disconnect();
    },
  };
}
