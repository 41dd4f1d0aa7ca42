import * as assert from 'node:assert/strict';
import type { RemotingCommand } from '../../../protocol/command';
import { javaStringHashCode } from '../../../protocol/codec';
import { silentLogger } from '../../common';
import { compileSql92 } from '../../filter';
import type { Connection } from '../../remoting';
import { tagsCodeFilter, type MessageFilter } from '../../store';
import { makeRecord } from '../../store/testing/records';
import { sql92MessageFilter } from '../consumer-filter';
import { PullRequestHoldService, type HeldPull } from './pull-request-hold-service';

const HOLD_MS = 15_000;

function service(now: { t: number }, woken: HeldPull[], maxOffset = 1): PullRequestHoldService {
  return new PullRequestHoldService({
    logger: silentLogger(),
    now: () => now.t,
    pullHoldRequestsMax: 100,
    pullHoldMsMax: HOLD_MS,
    maxOffset: () => maxOffset,
    wake: (h) => woken.push(h),
  });
}

function held(filter: MessageFilter, now: number): HeldPull {
  return {
    connection: { closed: false } as unknown as Connection,
    request: {} as RemotingCommand,
    topic: 'T',
    queueId: 0,
    pullFromThisOffset: 0,
    filter,
    suspendTimestamp: now,
    timeoutMs: HOLD_MS,
  };
}

function sql(expression: string): MessageFilter {
  const c = compileSql92(expression);
  assert.ok(c.ok);
  return sql92MessageFilter(c.filter);
}

const recordWith = (k: string): (() => Buffer) => () => makeRecord({ topic: 'T', body: 'b', extraProperties: [['k', k]] });

describe('PullRequestHoldService (Java: PullRequestHoldService#notifyMessageArriving)', () => {
  it('a held SQL92 pull does not wake on an arrival its expression does not match, and wakes on one it matches', () => {
    const now = { t: 1_000 };
    const woken: HeldPull[] = [];
    const s = service(now, woken);
    const h = held(sql("k = 'hit'"), now.t);
    s.suspend(h);
    s.notifyMessageArriving('T', 0, 1, 0, recordWith('miss'));
    assert.deepEqual(woken, []);
    assert.equal(s.size, 1);
    s.notifyMessageArriving('T', 0, 2, 0, recordWith('hit'));
    assert.deepEqual(woken, [h]);
    assert.equal(s.size, 0);
  });

  it('a held SQL92 pull wakes when the arrived record is no longer in memory (Java: null properties match)', () => {
    const now = { t: 1_000 };
    const woken: HeldPull[] = [];
    const s = service(now, woken);
    const h = held(sql("k = 'hit'"), now.t);
    s.suspend(h);
    s.notifyMessageArriving('T', 0, 1, 0, () => undefined);
    assert.deepEqual(woken, [h]);
  });

  it('a held tag pull wakes only on its tag; the periodic check wakes any pull whose queue grew', () => {
    const now = { t: 1_000 };
    const woken: HeldPull[] = [];
    const s = service(now, woken);
    const h = held(tagsCodeFilter([javaStringHashCode('A')]), now.t);
    s.suspend(h);
    s.notifyMessageArriving('T', 0, 1, javaStringHashCode('B'), recordWith('x'));
    assert.deepEqual(woken, []);
    // Java's checkHoldRequest passes no tags code: the re-executed pull moves past the non-matching message.
    s.check();
    assert.deepEqual(woken, [h]);
  });

  it('a held pull that matches nothing is answered when its hold time is up', () => {
    const now = { t: 1_000 };
    const woken: HeldPull[] = [];
    const s = service(now, woken, 0);
    const h = held(sql("k = 'hit'"), now.t);
    s.suspend(h);
    now.t += HOLD_MS - 1;
    s.notifyMessageArriving('T', 0, 1, 0, recordWith('miss'));
    assert.deepEqual(woken, []);
    now.t += 1;
    s.notifyMessageArriving('T', 0, 2, 0, recordWith('miss'));
    assert.deepEqual(woken, [h]);
  });
});
