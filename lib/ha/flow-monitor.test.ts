import * as assert from 'node:assert/strict';
import { FLOW_WINDOW_MS, FlowMonitor } from './flow-monitor';

/** Java FlowMonitor: transferredByteInSecond = bytes of the last complete second. */
describe('lib/ha FlowMonitor', () => {
  it('rule: the figure is the bytes of the last complete FLOW_WINDOW_MS window, 0 before the first ends and after an idle one', () => {
    let t = 5000;
    const f = new FlowMonitor(() => t);
    f.add(100);
    t += FLOW_WINDOW_MS / 2;
    f.add(200);
    assert.equal(f.transferredByteInSecond, 0, 'the first window has not ended');
    t = 5000 + FLOW_WINDOW_MS;
    assert.equal(f.transferredByteInSecond, 300);
    f.add(50);
    t += FLOW_WINDOW_MS - 1;
    assert.equal(f.transferredByteInSecond, 300, 'still the previous window until this one ends');
    t += 1;
    assert.equal(f.transferredByteInSecond, 50);
    t += FLOW_WINDOW_MS;
    assert.equal(f.transferredByteInSecond, 0, 'a window with nothing added reads 0');
    f.add(7);
    t += 3 * FLOW_WINDOW_MS;
    assert.equal(f.transferredByteInSecond, 0, 'bytes two windows ago are not the last second\'s');
  });
});
