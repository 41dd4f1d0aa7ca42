/**
 * Issue 12's timer store interop proof with the official Java client (Message#setDeliverTimeMs), both directions:
 * timers still pending in the timer wheel when one broker stops gracefully are delivered by the other broker
 * taking over the same storePathRootDir — timerwheel, timerlog/, config/timercheck and config/timermetrics are
 * read as the other wrote them:
 *  - Apogee parks the timers, stops; an Apache RocketMQ 5.5.0 broker delivers every one, none before its time;
 *  - the Java broker parks them, stops; Apogee delivers every one, none before its time.
 * Exactly once: the consumer refuses a duplicate body.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLogger } from '../../lib/common';
import { ApacheBroker, ApacheNamesrv } from './apache';
import { ApogeeProcess } from './apogee';
import { runHandoverJava } from './handover-java';
import { ensureClasspath } from './paths';
import { liveProcessNames } from './process';
import { RunContext } from './run';
import { fullRunOnly } from '../../lib/common/testing/skip';

const TIMERS = 20;
/** Far enough for the first broker to park them and stop and the second to start (Java takes ~6 s). */
const DELAY_MS = 25_000;

interface Stored {
  body: string;
  due: number;
  storeTimestamp: number;
}

function runJava(ctx: RunContext, cp: string, args: string[], logName: string): Promise<string> {
  return runHandoverJava(ctx, cp, 'timer-handover', args, logName);
}

function stored(out: string): Stored[] {
  return [...out.matchAll(/^STORED (timer #\d+ due=(\d+)) (\d+)$/gm)].map((m) => ({ body: m[1]!, due: Number(m[2]), storeTimestamp: Number(m[3]) }));
}

function check(got: Stored[], handoverAt: number): void {
  assert.equal(got.length, TIMERS, `every timer delivered once (${got.length})`);
  for (let i = 0; i < TIMERS; i++) assert.ok(got.some((g) => g.body.startsWith(`timer #${i} `)), `timer #${i}`);
  for (const g of got) {
    assert.ok(g.storeTimestamp >= g.due, `${g.body}: stored at ${g.storeTimestamp}, before its time`);
    assert.ok(g.storeTimestamp >= handoverAt, `${g.body}: delivered by the broker that took over`);
  }
}

describe('compat: timer hand-over between Apache RocketMQ 5.5.0 and Apogee (issue 12)', function () {
  this.timeout(15 * 60_000);
  let ctx: RunContext;
  let cp: string;

  before(async () => {
    ctx = RunContext.create({ logger: createLogger({ name: 'compat', fd: 2, level: 'warn' }) });
    cp = await ensureClasspath(ctx, 'benchmark', '5.5.0');
  });

  after(() => {
    assert.deepEqual(liveProcessNames(), [], 'every process the harness started has exited');
  });

  it('Apogee parks timers, the Java broker takes the store over and delivers each at its time', async () => {
    const dir = ctx.subdir('timer-apogee-to-java');
    const store = path.join(dir, 'store');
    const apogee = await ApogeeProcess.start(ctx, { dir: path.join(dir, 'apogee'), name: 't-a2j/apogee', brokerConfig: { storePathRootDir: store } });
    try {
      await runJava(ctx, cp, ['produce-timers', apogee.namesrvAddr, 'TimerHandoverA', String(TIMERS), String(DELAY_MS)], 't-a2j-produce');
      await new Promise((r) => setTimeout(r, 2000)); // parked in the wheel within a few ms; let a flush pass too
    } finally {
      await apogee.stop();
    }
    assert.equal(fs.statSync(path.join(store, 'timerwheel')).size, 38_707_200);
    const handoverAt = Date.now();
    const ns = await ApacheNamesrv.start(ctx, { version: '5.5.0', dir: path.join(dir, 'namesrv'), name: 't-a2j/namesrv' });
    try {
      const broker = await ApacheBroker.start(ctx, { version: '5.5.0', dir: path.join(dir, 'broker'), namesrvAddr: ns.addr, name: 't-a2j/broker', config: { storePathRootDir: store } });
      try {
        const out = await runJava(ctx, cp, ['consume', ns.addr, 'TimerHandoverA', 'timer_handover_group', String(TIMERS), String(DELAY_MS + 30_000)], 't-a2j-consume');
        check(stored(out), handoverAt);
      } finally {
        await broker.stop(30_000);
      }
    } finally {
      await ns.stop();
    }
  });

  it('the Java broker parks timers, Apogee takes the store over and delivers each at its time', async function () {
    fullRunOnly(this, 'the other direction (Apogee parks, Java delivers: the on-disk layout is the same both ways) and lib/timer/layout.test (Java\'s byte layouts of timerwheel, timerlog, timercheck, timermetrics)');
    const dir = ctx.subdir('timer-java-to-apogee');
    const store = path.join(dir, 'store');
    const ns = await ApacheNamesrv.start(ctx, { version: '5.5.0', dir: path.join(dir, 'namesrv'), name: 't-j2a/namesrv' });
    try {
      const broker = await ApacheBroker.start(ctx, { version: '5.5.0', dir: path.join(dir, 'broker'), namesrvAddr: ns.addr, name: 't-j2a/broker', config: { storePathRootDir: store } });
      try {
        await runJava(ctx, cp, ['produce-timers', ns.addr, 'TimerHandoverJ', String(TIMERS), String(DELAY_MS)], 't-j2a-produce');
        await new Promise((r) => setTimeout(r, 2000));
      } finally {
        await broker.stop(30_000);
      }
    } finally {
      await ns.stop();
    }
    const handoverAt = Date.now();
    const apogee = await ApogeeProcess.start(ctx, { dir: path.join(dir, 'apogee'), name: 't-j2a/apogee', brokerConfig: { storePathRootDir: store } });
    try {
      const out = await runJava(ctx, cp, ['consume', apogee.namesrvAddr, 'TimerHandoverJ', 'timer_handover_group', String(TIMERS), String(DELAY_MS + 30_000)], 't-j2a-consume');
      check(stored(out), handoverAt);
    } finally {
      await apogee.stop();
    }
  });
});
