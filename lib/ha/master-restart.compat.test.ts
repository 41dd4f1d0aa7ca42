import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stopChild as stop } from '../common/testing/child';
import { fullRunOnly, skipBecause } from '../common/testing/skip';
import { goAvailable, startPair, until, type Pair } from './testing/real-pair';

/**
 * The master SIGKILLed and restarted under load, with real processes and the official Go client (issue 13; slow:
 * run by the compat mocha config). An Apogee NameServer, ASYNC_MASTER and SLAVE (lib/ha/testing/real-pair.ts);
 * a Go producer process sends "ha-restart #i" one at a time, a Go push consumer process reads them
 * (compat-tests/go/haslave_test.go, TestHaRestartProducer / TestHaRestartConsumer). The consumer is stopped
 * (SIGSTOP) while the producer runs on, the master is SIGKILLed, the consumer resumed: it reads on from the slave
 * while the producer's sends fail. The master is started again on its store: the producer's sends are
 * acknowledged again (by the restarted master: the slave is read-only) and the consumer reads them. At the end every
 * acknowledged body was consumed (no loss), every consumed body was one the producer attempted (a failed send may
 * still have been stored), and bodies consumed more than once are counted (at-least-once).
 */
/** Acknowledged sends before the kill, and again after the restart, before the next step. */
const ACKS_STEP = 100;
/** How long the Go client may take to notice a route change (its route refresh runs every 30 s), ms. */
const ROUTE_REFRESH_WAIT_MS = 120_000;

interface ProducerProgress {
  acked: number;
  failed: number;
  afterRestart: number;
}

function readProgress(ctl: string): ProducerProgress {
  const [acked, failed, afterRestart] = fs.readFileSync(path.join(ctl, 'progress'), 'utf8').trim().split(' ').map(Number);
  return { acked: acked!, failed: failed!, afterRestart: afterRestart! };
}

function consumedUnique(ctl: string): number {
  return Number(fs.readFileSync(path.join(ctl, 'progress-consumer'), 'utf8').trim());
}

function lines(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
}

describe('lib/ha master SIGKILLed and restarted: Go producer and consumer go on, nothing acknowledged lost', function () {
  this.timeout(900_000);
  let procs: Record<string, ChildProcess | undefined> = {};
  let pair: Pair | undefined;
  let dir = '';
  let passed = false;
  before(function () {
    if (!goAvailable()) skipBecause(this, 'needs the go toolchain and compat-tests/go (compat-tests/setup.sh)');
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-ha-restart-'));
    procs = {};
    passed = false;
  });
  afterEach(async () => {
    pair?.c.close();
    pair = undefined;
    for (const k of ['producer', 'consumer']) {
      if (procs[k]?.exitCode === null && procs[k]?.signalCode === null) procs[k]!.kill('SIGCONT');
      await stop(procs[k]);
    }
    for (const k of ['slave', 'master', 'ns']) await stop(procs[k]);
    // Keep the logs of a failed run for diagnosis.
    if (passed) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the slave serves reads while the master is down; after its restart sends succeed again and every acknowledged message is consumed', async function () {
    fullRunOnly(this, 'lib/ha/slave-read.compat (Go consumer reads from the slave after a SIGKILL) and lib/ha/faults.compat (master restarted, slave reconnects)');
    const p = (pair = await startPair(dir, procs, []));
    const topic = `HaRestart${Date.now() % 100000}`;
    await p.sendRange(topic, 0, 1);
    await p.slaveServes(topic);
    const ctl = path.join(dir, 'ctl');
    fs.mkdirSync(ctl);
    const args = ['-haslave-topic', topic, '-haslave-ctl', ctl];
    const consumer = await p.go('TestHaRestartConsumer', args, 'consumer');
    const producer = await p.go('TestHaRestartProducer', args, 'producer');
    await until(() => readProgress(ctl).acked >= ACKS_STEP && consumedUnique(ctl) > 0, 'the Go producer and consumer at work', 120_000);

    // The consumer stops; the producer goes on; the master dies with messages the consumer has not read.
    consumer.p.kill('SIGSTOP');
    const stoppedAt = readProgress(ctl).acked;
    await until(() => readProgress(ctl).acked >= stoppedAt + ACKS_STEP, 'more sends while the consumer is stopped');
    const masterGone = new Promise((r) => procs.master!.once('exit', r));
    procs.master!.kill('SIGKILL');
    await masterGone;
    fs.writeFileSync(path.join(ctl, 'killed'), '');
    const ackedAtKill = readProgress(ctl).acked;
    await until(async () => !(await p.routedIds(topic)).includes(0), 'the master gone from the route');
    const slaveServedBefore = await p.served(p.slaveAddr);
    consumer.p.kill('SIGCONT');
    // Reads go on from the slave; sends fail (no master to take them).
    await until(async () => (await p.served(p.slaveAddr)) > slaveServedBefore, 'the consumer reading from the slave', ROUTE_REFRESH_WAIT_MS);
    await until(() => readProgress(ctl).failed > 0, 'the producer seeing the master down', ROUTE_REFRESH_WAIT_MS);
    const downProgress = readProgress(ctl);

    // The master comes back on its store: the producer's sends are acknowledged again.
    p.restartMaster('master2.log');
    fs.writeFileSync(path.join(ctl, 'restarted'), '');
    await until(async () => (await p.routedIds(topic)).includes(0), 'the restarted master in the route');
    await until(() => readProgress(ctl).afterRestart >= ACKS_STEP, 'sends acknowledged by the restarted master', ROUTE_REFRESH_WAIT_MS);
    fs.writeFileSync(path.join(ctl, 'stop'), '');
    assert.equal(await producer.exited, 0, `the Go producer failed:\n${fs.readFileSync(producer.log, 'utf8').slice(-3000)}`);
    fs.writeFileSync(path.join(ctl, 'drain'), '');
    assert.equal(await consumer.exited, 0, `the Go consumer failed (logs in ${dir}):\n${fs.readFileSync(consumer.log, 'utf8').slice(-3000)}`);

    const acked = lines(path.join(ctl, 'acked'));
    const attempted = new Set(lines(path.join(ctl, 'attempted')));
    const consumed = new Map(lines(path.join(ctl, 'consumed.txt')).map((l) => {
      const sp = l.indexOf(' ');
      return [l.slice(sp + 1), Number(l.slice(0, sp))] as const;
    }));
    const missing = acked.filter((b) => !consumed.has(b));
    assert.deepEqual(missing.slice(0, 10), [], `${missing.length} acknowledged messages never consumed`);
    const foreign = [...consumed.keys()].filter((b) => b.startsWith('ha-restart') && !attempted.has(b));
    assert.deepEqual(foreign, [], 'consumed bodies the producer never sent');
    const final = readProgress(ctl);
    const dups = [...consumed.entries()].filter(([b, n]) => b.startsWith('ha-restart') && n > 1);
    console.log(`      acked ${final.acked} (${ackedAtKill} before the kill, ${final.afterRestart} after the restart), failed sends ${final.failed} ` +
      `(${downProgress.failed} while the master was down), consumed ${consumed.size} bodies, ${dups.length} of them more than once ` +
      `(${dups.reduce((s, [, n]) => s + n - 1, 0)} extra deliveries), slave served ${await p.served(p.slaveAddr)}`);
    passed = true;
  });
});
