import { strict as assert } from 'node:assert';
import { createRequest } from '../../../protocol/command';
import { markSlowReads, slowRead } from './slow-reads';

/** slowRead: a marked request's read completes late while injection is on; unmarked requests and "off" pass through. */
describe('lib/broker/faults/slow-reads', () => {
  const req = () => createRequest({ code: 11, opaque: 0, version: 0, extFields: null, body: null });

  it('off, or an unmarked request: the read itself (the same promise, no timer)', () => {
    const r = req();
    markSlowReads(r, 10_000);
    const read = Promise.resolve(1);
    assert.equal(slowRead({ enabled: false }, r, read), read, 'off: one boolean check');
    assert.equal(slowRead({ enabled: true }, req(), read), read, 'unmarked');
  });

  it('a marked request: the value arrives, after the read and a timer of the marked delay', async () => {
    const r = req();
    markSlowReads(r, 30);
    let readDone = false;
    const read = new Promise<string>((resolve) => setImmediate(() => ((readDone = true), resolve('msgs'))));
    let settled = false;
    const slow = slowRead({ enabled: true }, r, read).then((v) => ((settled = true), v));
    await read;
    assert.ok(readDone);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false, 'read done, delay pending');
    assert.equal(await slow, 'msgs');
  });
});
