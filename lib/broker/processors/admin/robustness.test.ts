import { strict as assert } from 'node:assert';
import { RequestCode, requestCodeName, ResponseCode } from '../../../../protocol/codes';
import { lockProcessors } from '../lock';
import { queryProcessors } from '../query';
import { BrokerHarness } from '../testing/harness';
import { adminProcessors } from './index';

/**
 * House habit 6: bad input is answered with a code and a remark, never an exception. Every admin, query and lock
 * code is sent with no header, with every header value garbage, and with a garbage body; an exception would come
 * back as SYSTEM_ERROR "TypeError: ..." from the remoting layer (Connection#internalError).
 */
describe('lib/broker/processors/admin robustness: bad input never throws', () => {
  let h: BrokerHarness;

  before(async () => {
    h = await BrokerHarness.start();
  });

  after(async () => {
    await h.close();
  });

  it('every code answers, never REQUEST_CODE_NOT_SUPPORTED and never an internal error', async function () {
    this.timeout(60_000);
    const codes = [...adminProcessors(h.broker.ctx), ...queryProcessors(h.broker.ctx), ...lockProcessors(h.broker.ctx)].map(([c]) => c);
    assert.ok(codes.includes(RequestCode.GET_TOPIC_CONFIG));
    const garbage: Record<string, string> = {};
    for (const k of ['topic', 'group', 'consumerGroup', 'producerGroup', 'groupName', 'clientId', 'msgId', 'key', 'offset', 'queueId', 'maxNum', 'timestamp', 'isForce', 'statsName', 'statsKey', 'srcGroup', 'destGroup', 'index', 'count', 'beginTimestamp', 'endTimestamp', 'topicSeq', 'groupSeq', 'dataVersion', 'isOrder', 'readable', 'defaultTopic', 'readQueueNums', 'writeQueueNums', 'perm', 'topicFilterType', 'order', 'attributes', 'topicList', 'jstackEnable']) {
      garbage[k] = k === 'topic' || k.endsWith('Group') || k === 'group' || k === 'groupName' ? 'bad name \u0000' : 'x';
    }
    // Well-typed but hostile: unknown names, negative numbers, empty strings.
    const typed: Record<string, string> = {};
    for (const k of Object.keys(garbage)) typed[k] = garbage[k] === 'x' ? '-1' : 'No Such';
    Object.assign(typed, { isForce: 'true', isOrder: 'false', readable: 'false', jstackEnable: 'false', order: 'false', topicFilterType: 'SINGLE_TAG', dataVersion: '', attributes: '', msgId: 'ZZ', topicList: ';;' });
    for (const code of codes) {
      for (const [fields, body] of [
        [{}, null],
        [garbage, Buffer.from('{"not":json')],
        [garbage, Buffer.from([0xff, 0x00, 0x7b])],
        [typed, null],
        [typed, Buffer.from('{}')],
      ] as const) {
        const r = await h.call(code, fields, body === null ? null : Buffer.from(body), { timeoutMs: 15_000 });
        const name = requestCodeName(code) ?? String(code);
        assert.notEqual(r.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, name);
        assert.doesNotMatch(r.remark ?? '', /^(TypeError|RangeError|ReferenceError|SyntaxError|Error|ProtocolError):/, `${name}: ${r.remark}`);
      }
    }
  });
});
