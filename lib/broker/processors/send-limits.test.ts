import { strict as assert } from 'node:assert';
import { ResponseCode } from '../../../protocol/codes';
import { messageIllegalRemark } from './send';
import { BrokerHarness } from './testing/harness';

/**
 * Size refusals of SEND_MESSAGE answer MESSAGE_ILLEGAL (13) with Java 5.5.0's remark word for word (Java:
 * SendMessageProcessor#handlePutMessageResult, MESSAGE_ILLEGAL / PROPERTIES_SIZE_EXCEEDED).
 */
describe('lib/broker/processors/send size limits', () => {
  let h: BrokerHarness;
  const maxMessageSizeBytes = 1024;

  before(async () => {
    h = await BrokerHarness.start({ store: { maxMessageSize: maxMessageSizeBytes } });
  });

  after(async () => {
    await h.close();
  });

  it('the remark is the Java text with the configured maxMessageSize', () => {
    assert.equal(messageIllegalRemark(4194304), 'the message is illegal, maybe msg body or properties length not matched. msg body length limit 4194304B, msg properties length limit 32KB.');
  });

  it('rule maxMessageSize: a body one byte over it is MESSAGE_ILLEGAL with the Java remark; at the limit it is stored', async () => {
    const over = await h.send('SizeT', 'x'.repeat(maxMessageSizeBytes + 1));
    assert.equal(over.code, ResponseCode.MESSAGE_ILLEGAL);
    assert.equal(over.remark, messageIllegalRemark(maxMessageSizeBytes));
    const at = await h.send('SizeT', 'x'.repeat(maxMessageSizeBytes));
    assert.equal(at.code, ResponseCode.SUCCESS, at.remark ?? '');
  });

  it('rule: properties over 32 KB (Short.MAX_VALUE bytes) are MESSAGE_ILLEGAL with the same remark', async () => {
    const r = await h.send('SizeT', 'b', { BIG: 'p'.repeat(33 * 1024) });
    assert.equal(r.code, ResponseCode.MESSAGE_ILLEGAL);
    assert.equal(r.remark, messageIllegalRemark(maxMessageSizeBytes));
  });
});
