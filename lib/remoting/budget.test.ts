import { strict as assert } from 'node:assert';
import { BUDGET_PAUSE_BYTES, BUDGET_RESUME_BYTES, MemoryBudget, type BudgetMember } from './budget';

class Member implements BudgetMember {
  paused = false;
  constructor(readonly remoteAddress: string) {}
  setBudgetPaused(p: boolean): void {
    this.paused = p;
  }
}

describe('MemoryBudget (remotingBufferedBytesMax)', () => {
  it('rule bufferedBytesMax: over it, the connections holding BUDGET_PAUSE_BYTES or more pause; light ones never do', () => {
    const b = new MemoryBudget(1000 * 1024);
    const heavy = [new Member('h1'), new Member('h2')];
    const light = new Member('light');
    b.update(light, 10);
    b.update(heavy[0]!, 400 * 1024);
    assert.equal(heavy[0]!.paused, false, 'under budget nothing pauses');
    b.update(heavy[1]!, 700 * 1024);
    assert.equal(b.total, 1100 * 1024 + 10);
    assert.deepEqual(heavy.map((m) => m.paused), [true, true]);
    assert.equal(light.paused, false);
    // A newcomer growing past its share while over budget pauses too.
    const late = new Member('late');
    b.update(late, BUDGET_PAUSE_BYTES - 1);
    assert.equal(late.paused, false);
    b.update(late, BUDGET_PAUSE_BYTES);
    assert.equal(late.paused, true);
    // One that drains below BUDGET_RESUME_BYTES is read again, although the process is still over budget.
    b.update(late, BUDGET_RESUME_BYTES);
    assert.equal(late.paused, true);
    b.update(late, BUDGET_RESUME_BYTES - 1);
    assert.equal(late.paused, false);
    assert.equal(heavy[0]!.paused, true);
  });

  it('resumes every paused connection once the total falls to 3/4 of the budget; remove() forgets a closed one', () => {
    const b = new MemoryBudget(1000 * 1024);
    const a = new Member('a');
    const c = new Member('c');
    b.update(a, 900 * 1024);
    b.update(c, 600 * 1024);
    assert.equal(b.pausedCount, 2);
    b.update(a, 200 * 1024); // 800 KiB: still above 3/4, and a still holds more than BUDGET_RESUME_BYTES
    assert.equal(a.paused, true);
    b.remove(c); // 200 KiB
    assert.equal(a.paused, false);
    assert.equal(b.pausedCount, 0);
    assert.equal(b.total, 200 * 1024);
  });
});
