import { strict as assert } from 'node:assert';
import { createRequest } from '../../protocol/command';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { CheckTransactionStateRequestHeader, encodeHeader } from '../../protocol/headers';
import { encodeStoredMessage } from '../../protocol/message';
import { silentLogger } from '../common';
import type { RequestContext } from '../remoting';
import type { ServerDuplexStream } from './grpc-js';
import type { HalfMessage } from './service';
import { OrphanedTransactions, PRODUCER_STREAMS_MAX } from './transaction-check';

/**
 * The broker's CHECK_TRANSACTION_STATE relayed to a gRPC producer's Telemetry stream as RecoverOrphanedTransactionCommand
 * (Java: GrpcClientChannel#processCheckTransaction), the half message remembered for the checker's EndTransaction.
 * End to end with rocketmq-client-java: compat-tests grpc.transaction-orphan-checker-commits (full run only).
 */
describe('lib/grpc/transaction-check (orphaned transactions over Telemetry)', () => {
  const host = { ip: new Uint8Array([127, 0, 0, 1]), port: 10911 };
  const body = encodeStoredMessage({
    queueId: 0, queueOffset: 7, physicalOffset: 4096, bornTimestamp: 1, bornHost: host, storeHost: host, body: Buffer.from('orphan'), topic: 'TX',
    properties: 'TAGS\u0001T\u0002UNIQ_KEY\u0001U1\u0002REAL_TOPIC\u0001TX\u0002TRAN_MSG\u0001true\u0002PGROUP\u0001TX\u0002',
  });

  function stream(): ServerDuplexStream & { written: any[] } {
    const written: any[] = [];
    return { written, on: () => undefined, write: (m: unknown) => written.push(m) > 0, end: () => undefined, getPeer: () => 'p', metadata: { get: () => [] } } as never;
  }

  function check(o: OrphanedTransactions, fields: Record<string, unknown> = {}) {
    const ext = encodeHeader(CheckTransactionStateRequestHeader, { tranStateTableOffset: 7, commitLogOffset: 4096, msgId: 'U1', transactionId: 'U1', topic: 'RMQ_SYS_TRANS_HALF_TOPIC', ...fields });
    const ctx = { request: createRequest({ code: RequestCode.CHECK_TRANSACTION_STATE, opaque: 1, version: 479, extFields: ext, body }), connection: { version: 479, remoteHost: '127.0.0.1', remotePort: 10911 } } as unknown as RequestContext;
    return o.processor()(ctx);
  }

  it("rule: the check goes to a producer stream publishing the half message's real topic, with its transaction id and message; the half is remembered", () => {
    const halves = new Map<string, HalfMessage>();
    const o = new OrphanedTransactions({ logger: silentLogger(), rememberHalf: (id, h) => halves.set(id, h) });
    const other = stream();
    const producer = stream();
    o.track(other, ['OTHER']);
    o.track(producer, ['TX']);
    check(o);
    assert.equal(other.written.length, 0, 'a producer of another topic is not asked');
    assert.equal(producer.written.length, 1);
    const cmd = producer.written[0].recoverOrphanedTransactionCommand;
    assert.equal(cmd.transactionId, 'U1');
    assert.equal(cmd.message.topic.name, 'TX');
    assert.equal(cmd.message.systemProperties.messageId, 'U1');
    assert.equal(Buffer.from(cmd.message.body).toString(), 'orphan');
    assert.deepEqual(halves.get('U1'), { brokerAddr: '127.0.0.1:10911', topic: 'TX', msgId: 'U1', commitLogOffset: 4096, queueOffset: 7 });
  });

  it('rule: no producer stream of the topic (or one that ended): nothing is written or remembered; the broker asks again later', () => {
    const halves = new Map<string, HalfMessage>();
    const o = new OrphanedTransactions({ logger: silentLogger(), rememberHalf: (id, h) => halves.set(id, h) });
    const gone = stream();
    o.track(gone, ['TX']);
    o.forget(gone);
    const r = check(o) as { code: number };
    assert.equal(r.code, ResponseCode.SUCCESS);
    assert.equal(gone.written.length, 0);
    assert.equal(halves.size, 0);
  });

  it(`bound PRODUCER_STREAMS_MAX (${PRODUCER_STREAMS_MAX} streams): the oldest is dropped beyond it`, () => {
    const o = new OrphanedTransactions({ logger: silentLogger(), rememberHalf: () => undefined });
    const first = stream();
    o.track(first, ['TX']);
    for (let i = 1; i < PRODUCER_STREAMS_MAX; i++) o.track(stream(), ['X']);
    assert.equal(o.size, PRODUCER_STREAMS_MAX);
    o.track(stream(), ['Y']);
    assert.equal(o.size, PRODUCER_STREAMS_MAX);
    check(o);
    assert.equal(first.written.length, 0, 'the oldest stream was dropped');
  });
});
