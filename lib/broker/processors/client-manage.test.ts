import { strict as assert } from 'node:assert';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { BrokerHarness, FakeClient } from './testing/harness';

/**
 * HEART_BEAT of a new consumer group (Java: ClientManageProcessor#heartBeat): %RETRY%<group> is created and
 * registered with the NameServers BEFORE the consumer is registered and the heartbeat answered, so the client's
 * immediate route lookup of the retry topic succeeds (otherwise its first retry waits for the 30 s route poll).
 */
describe('lib/broker/processors/client-manage HEART_BEAT', function () {
  this.timeout(20_000);
  let h: BrokerHarness;

  before(async () => {
    h = await BrokerHarness.start();
  });
  after(async () => {
    await h.close();
  });

  it("register first, answer after: %RETRY%<group> is routed by the NameServer when the heartbeat's answer arrives", async () => {
    const c = new FakeClient('127.0.0.1@hb1');
    try {
      const r = await c.heartbeat(h.addr, { consumerGroup: 'cg_new', topics: ['T1'] });
      assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
      const route = await h.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: '%RETRY%cg_new' }, null, { to: h.nsAddr });
      assert.equal(route.code, ResponseCode.SUCCESS, `route of %RETRY%cg_new right after the heartbeat: ${route.remark ?? ''}`);
    } finally {
      c.close();
    }
  });

  it('a topic auto-created on send is routed by the NameServer when the send is answered', async () => {
    const r = await h.send('AutoRouted', 'x');
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    const route = await h.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'AutoRouted' }, null, { to: h.nsAddr });
    assert.equal(route.code, ResponseCode.SUCCESS, route.remark ?? '');
  });
});
