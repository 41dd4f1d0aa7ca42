/**
 * Issue 4's store interop proof with the official Java client, both directions:
 *  - a store written by an Apache RocketMQ 5.5.0 broker (messages + a group's committed offsets) is taken over by
 *    Apogee (`apogee start` with storePathRootDir pointing at it): the same group resumes exactly where it
 *    stopped, and every remaining message arrives intact;
 *  - a store written by Apogee is taken over by the Java broker the same way.
 * The brokers are stopped gracefully between the phases, as an operator switching implementations would.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { createLogger } from '../../lib/common';
import { ApacheBroker, ApacheNamesrv } from './apache';
import { ApogeeProcess } from './apogee';
import { runHandoverJava } from './handover-java';
import { ensureClasspath } from './paths';
import { liveProcessNames } from './process';
import { RunContext } from './run';
import { fullRunOnly } from '../../lib/common/testing/skip';

const MESSAGES = 200;
const FIRST_HALF = 100;

interface JavaRun {
  sent: number;
  got: { body: string; queueId: number; offset: number }[];
  output: string;
}

async function runHandover(ctx: RunContext, cp: string, args: string[], logName: string): Promise<JavaRun> {
  const out = await runHandoverJava(ctx, cp, 'handover', args, logName);
  const got = [...out.matchAll(/^GOT (handover #\d+) (\d+) (\d+)$/gm)].map((m) => ({ body: m[1]!, queueId: Number(m[2]), offset: Number(m[3]) }));
  return { sent: [...out.matchAll(/^SENT /gm)].length, got, output: out };
}

function checkHandover(first: JavaRun, second: JavaRun): void {
  const a = first.got.map((g) => g.body);
  const b = second.got.map((g) => g.body);
  assert.ok(a.length >= FIRST_HALF, `first phase consumed ${a.length}`);
  const overlap = a.filter((x) => b.includes(x));
  assert.deepEqual(overlap, [], 'the group resumed at its committed offsets: nothing consumed twice');
  const all = new Set([...a, ...b]);
  assert.equal(all.size, MESSAGES, `every message consumed exactly once across the hand-over (${a.length} + ${b.length})`);
  for (let i = 0; i < MESSAGES; i++) assert.ok(all.has(`handover #${i}`), `message #${i}`);
}

describe('compat: store hand-over between Apache RocketMQ 5.5.0 and Apogee (issue 4)', function () {
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

  it('Java broker writes, Apogee takes the store over: the group resumes where it stopped', async () => {
    const dir = ctx.subdir('java-to-apogee');
    const store = path.join(dir, 'store');
    const ns = await ApacheNamesrv.start(ctx, { version: '5.5.0', dir: path.join(dir, 'namesrv'), name: 'j2a/namesrv' });
    let first: JavaRun;
    try {
      const broker = await ApacheBroker.start(ctx, { version: '5.5.0', dir: path.join(dir, 'broker'), namesrvAddr: ns.addr, name: 'j2a/broker', config: { storePathRootDir: store } });
      try {
        const produced = await runHandover(ctx, cp, ['produce', ns.addr, 'HandoverJ', String(MESSAGES)], 'j2a-produce');
        assert.equal(produced.sent, MESSAGES);
        first = await runHandover(ctx, cp, ['consume', ns.addr, 'HandoverJ', 'handover_group', String(FIRST_HALF), '20000'], 'j2a-consume-1');
      } finally {
        await broker.stop(30_000);
      }
    } finally {
      await ns.stop();
    }
    const apogee = await ApogeeProcess.start(ctx, { dir: path.join(dir, 'apogee'), name: 'j2a/apogee', brokerConfig: { storePathRootDir: store } });
    try {
      const second = await runHandover(ctx, cp, ['consume', apogee.namesrvAddr, 'HandoverJ', 'handover_group', String(MESSAGES - first.got.length), '20000'], 'j2a-consume-2');
      checkHandover(first, second);
    } finally {
      await apogee.stop();
    }
  });

  it('Apogee writes, the Java broker takes the store over: the group resumes where it stopped', async function () {
    fullRunOnly(this, 'the other direction (Java writes, Apogee takes over) and lib/store/java-interop.test (the official rocketmq-store 5.5.0 reads what Apogee writes)');
    const dir = ctx.subdir('apogee-to-java');
    const store = path.join(dir, 'store');
    let first: JavaRun;
    const apogee = await ApogeeProcess.start(ctx, { dir: path.join(dir, 'apogee'), name: 'a2j/apogee', brokerConfig: { storePathRootDir: store } });
    try {
      const produced = await runHandover(ctx, cp, ['produce', apogee.namesrvAddr, 'HandoverA', String(MESSAGES)], 'a2j-produce');
      assert.equal(produced.sent, MESSAGES);
      first = await runHandover(ctx, cp, ['consume', apogee.namesrvAddr, 'HandoverA', 'handover_group', String(FIRST_HALF), '20000'], 'a2j-consume-1');
    } finally {
      await apogee.stop();
    }
    const ns = await ApacheNamesrv.start(ctx, { version: '5.5.0', dir: path.join(dir, 'namesrv'), name: 'a2j/namesrv' });
    try {
      const broker = await ApacheBroker.start(ctx, { version: '5.5.0', dir: path.join(dir, 'broker'), namesrvAddr: ns.addr, name: 'a2j/broker', config: { storePathRootDir: store } });
      try {
        const second = await runHandover(ctx, cp, ['consume', ns.addr, 'HandoverA', 'handover_group', String(MESSAGES - first.got.length), '20000'], 'a2j-consume-2');
        checkHandover(first, second);
      } finally {
        await broker.stop(30_000);
      }
    } finally {
      await ns.stop();
    }
  });
});
