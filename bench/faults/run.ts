/**
 * Fault injection costs nothing when off (issue 14): a micro benchmark of the only code fault injection adds to
 * the request path, against the same path built without it.
 *
 *   npm run build && node dist/bench/faults/run.js [--ms 500] [--reps 7]
 *
 * Cases (one core, no sockets, no store: the overhead alone, which a real request — microseconds of decoding,
 * storing and encoding — would only dilute):
 *   dispatch   a processor called directly (what registration.ts would register without fault injection) against
 *              the same processor wrapped by faultGate with the injector off (what it registers), and wrapped with
 *              the injector on but no rule matching the request code (the cost of a decision).
 *   read       a store read's promise passed through slowRead with injection off, against the promise itself.
 * The variants alternate within each rep (A B C A B C ...) so that a noisy machine slows them alike; the table shows
 * the median ns per call over the reps. Printed only (the figures go to bench/README.md by hand).
 */
import { createRequest, createResponse, type RemotingCommand } from '../../protocol/command';
import { RequestCode } from '../../protocol/codes';
import { silentLogger } from '../../lib/common';
import type { Processor, RequestContext } from '../../lib/remoting';
import { FaultInjector, faultGate, slowRead } from '../../lib/broker';
import { arg } from '../harness/args';
import { median } from '../harness/stats';

const MS = Number(arg('ms', '500'));
const REPS = Number(arg('reps', '7'));
/** Calls per timing check: large enough that reading the clock is noise. */
const BATCH = 10_000;

const request = createRequest({ code: RequestCode.SEND_MESSAGE_V2, opaque: 1, version: 0, extFields: new Map([['b', 'BenchT']]), body: null });
const response: RemotingCommand = createResponse(request, 0, null, 0);
const ctx = { connection: { remoteAddress: '127.0.0.1:1' }, request, receivedAt: 0 } as unknown as RequestContext;
let sink = 0;
const processor: Processor = (c) => {
  sink += c.receivedAt + 1;
  return response;
};

/** ns per call of `once` run for MS ms. */
function time(once: () => void): number {
  let calls = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(MS) * 1_000_000n;
  let now = start;
  while (now < end) {
    for (let i = 0; i < BATCH; i++) once();
    calls += BATCH;
    now = process.hrtime.bigint();
  }
  return Number(now - start) / calls;
}

function dispatchCases(): [string, () => void][] {
  const off = new FaultInjector();
  const gatedOff = faultGate(off, silentLogger(), RequestCode.SEND_MESSAGE_V2, processor);
  const onOther = new FaultInjector();
  onOther.configure(true, 'code=PULL_MESSAGE,action=delay:1', 1);
  const gatedOnOther = faultGate(onOther, silentLogger(), RequestCode.SEND_MESSAGE_V2, processor);
  return [
    ['dispatch, no fault gate (baseline)', () => void processor(ctx)],
    ['dispatch, fault gate, injection off', () => void gatedOff(ctx)],
    ['dispatch, fault gate, on, no rule for the code', () => void gatedOnOther(ctx)],
  ];
}

function readCases(): [string, () => void][] {
  const off = new FaultInjector();
  const read = Promise.resolve(1);
  // Bound once: a re-export through lib/broker/index is a getter, which the processors (direct imports) do not pay.
  const through = slowRead;
  return [
    ['store read promise, as is (baseline)', () => void (sink += (read as Promise<number>) === read ? 1 : 0)],
    ['store read promise through slowRead, off', () => void (sink += through(off, request, read) === read ? 1 : 0)],
  ];
}

function run(cases: [string, () => void][]): [string, number][] {
  for (const [, f] of cases) time(f); // warm-up: every variant optimized before the first measurement
  const ns = cases.map(() => [] as number[]);
  for (let r = 0; r < REPS; r++) cases.forEach(([, f], i) => ns[i]!.push(time(f)));
  return cases.map(([n], i) => [n, median(ns[i]!)]);
}

const rows = [...run(dispatchCases()), ...run(readCases())];
console.log(`fault injection overhead, median of ${REPS} reps × ${MS} ms, node ${process.version}`);
console.log('| case | ns per call |');
console.log('|---|---:|');
for (const [n, v] of rows) console.log(`| ${n} | ${v.toFixed(2)} |`);
if (sink === -1) console.log('unreachable');
