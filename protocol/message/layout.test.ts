import { strict as assert } from 'node:assert';
import * as L from './layout';

describe('protocol/message layout', () => {
  it('rule box-comment: the fixed offsets add up field by field', () => {
    let at = 0;
    const step = (offset: number, size: number): void => {
      assert.equal(offset, at);
      at += size;
    };
    step(L.MSG_TOTAL_SIZE_OFFSET, L.MSG_TOTAL_SIZE_SIZE);
    step(L.MSG_MAGIC_CODE_OFFSET, L.MSG_MAGIC_CODE_SIZE);
    step(L.MSG_BODY_CRC_OFFSET, L.MSG_BODY_CRC_SIZE);
    step(L.MSG_QUEUE_ID_OFFSET, L.MSG_QUEUE_ID_SIZE);
    step(L.MSG_FLAG_OFFSET, L.MSG_FLAG_SIZE);
    step(L.MSG_QUEUE_OFFSET_OFFSET, L.MSG_QUEUE_OFFSET_SIZE);
    step(L.MSG_PHYSICAL_OFFSET_OFFSET, L.MSG_PHYSICAL_OFFSET_SIZE);
    step(L.MSG_SYS_FLAG_OFFSET, L.MSG_SYS_FLAG_SIZE);
    step(L.MSG_BORN_TIMESTAMP_OFFSET, L.MSG_BORN_TIMESTAMP_SIZE);
    assert.equal(L.MSG_BORN_HOST_OFFSET, at);
  });

  it('rule box-comment: the sysFlag-dependent offsets add up for every host combination', () => {
    for (const sysFlag of [0, 0x10, 0x20, 0x30]) {
      const b = sysFlag & 0x10 ? 20 : 8;
      const s = sysFlag & 0x20 ? 20 : 8;
      assert.equal(L.bornHostSize(sysFlag), b);
      assert.equal(L.storeHostSize(sysFlag), s);
      let at = L.MSG_BORN_HOST_OFFSET + b;
      assert.equal(L.storeTimestampOffset(sysFlag), at);
      at += L.MSG_STORE_TIMESTAMP_SIZE;
      assert.equal(L.storeHostOffset(sysFlag), at);
      at += s;
      assert.equal(L.reconsumeTimesOffset(sysFlag), at);
      at += L.MSG_RECONSUME_TIMES_SIZE;
      assert.equal(L.preparedTransactionOffsetOffset(sysFlag), at);
      at += L.MSG_PREPARED_TRANSACTION_OFFSET_SIZE;
      assert.equal(L.bodyLengthOffset(sysFlag), at);
      assert.equal(L.bodyOffset(sysFlag), at + 4);
      // Box comment: BODY at 72+B+S, TOTALSIZE = 74 + B + S + L + N + T + P.
      assert.equal(L.bodyOffset(sysFlag), 72 + b + s);
      assert.equal(L.storedMessageSize(sysFlag, 5, 9, 7, 1), 74 + b + s + 1 + 5 + 9 + 7);
      assert.equal(L.storedMessageSize(sysFlag, 5, 9, 7, 2), 74 + b + s + 2 + 5 + 9 + 7);
    }
  });

  it('matches the Java position constants (MessageDecoder) and the 91 + N + T + P rule', () => {
    assert.equal(L.MSG_MAGIC_CODE_OFFSET, 4); // MESSAGE_MAGIC_CODE_POSITION
    assert.equal(L.MSG_FLAG_OFFSET, 16); // MESSAGE_FLAG_POSITION
    assert.equal(L.MSG_QUEUE_OFFSET_OFFSET, 20); // QUEUE_OFFSET_POSITION
    assert.equal(L.MSG_PHYSICAL_OFFSET_OFFSET, 28); // PHY_POS_POSITION
    assert.equal(L.MSG_SYS_FLAG_OFFSET, 36); // SYSFLAG_POSITION
    assert.equal(L.MSG_STORE_TIMESTAMP_OFFSET_V4, 56); // MESSAGE_STORE_TIMESTAMP_POSITION
    assert.equal(L.MSG_FIXED_SIZE, 74);
    assert.equal(L.MSG_SIZE_MIN, 91);
    assert.equal(L.storedMessageSize(0, 5, 9, 7), 112); // protocol.md 8.6
    assert.equal(L.BLANK_RECORD_SIZE, 8);
  });

  it('magic codes are the Java ints', () => {
    assert.equal(L.MAGIC_CODE_V1, -626843481);
    assert.equal(L.MAGIC_CODE_V2, -626843477);
    assert.equal(L.BLANK_MAGIC_CODE, -875286124);
    assert.equal(L.versionOfMagic(L.MAGIC_CODE_V1), 1);
    assert.equal(L.versionOfMagic(L.MAGIC_CODE_V2), 2);
    assert.equal(L.versionOfMagic(L.BLANK_MAGIC_CODE), undefined);
    assert.equal(L.magicOfVersion(2), L.MAGIC_CODE_V2);
    assert.equal(L.topicLengthSize(1), 1);
    assert.equal(L.topicLengthSize(2), 2);
  });

  it('MessageSysFlag values and helpers follow Java MessageSysFlag / CompressionType', () => {
    const F = L.MessageSysFlag;
    assert.deepEqual(
      [F.COMPRESSED_FLAG, F.MULTI_TAGS_FLAG, F.TRANSACTION_PREPARED_TYPE, F.TRANSACTION_COMMIT_TYPE, F.TRANSACTION_ROLLBACK_TYPE],
      [1, 2, 4, 8, 12],
    );
    assert.deepEqual([F.BORNHOST_V6_FLAG, F.STOREHOSTADDRESS_V6_FLAG, F.NEED_UNWRAP_FLAG, F.INNER_BATCH_FLAG], [16, 32, 64, 128]);
    assert.deepEqual([F.COMPRESSION_LZ4_TYPE, F.COMPRESSION_ZSTD_TYPE, F.COMPRESSION_ZLIB_TYPE, F.COMPRESSION_TYPE_COMPARATOR], [0x100, 0x200, 0x300, 0x700]);
    assert.equal(L.transactionValue(0x30d), 0xc);
    assert.equal(L.resetTransactionValue(0x30d, F.TRANSACTION_COMMIT_TYPE), 0x309);
    assert.equal(L.clearCompressedFlag(0x301), 0x300);
    assert.equal(L.compressionTypeOf(0x1), 'ZLIB');
    assert.equal(L.compressionTypeOf(0x301), 'ZLIB');
    assert.equal(L.compressionTypeOf(0x101), 'LZ4');
    assert.equal(L.compressionTypeOf(0x201), 'ZSTD');
    assert.equal(L.compressionTypeOf(0x401), undefined);
    assert.equal(L.storedQueueOffset(F.TRANSACTION_PREPARED_TYPE, 7), 0);
    assert.equal(L.storedQueueOffset(F.TRANSACTION_ROLLBACK_TYPE, 7), 0);
    assert.equal(L.storedQueueOffset(F.TRANSACTION_COMMIT_TYPE, 7), 7);
    assert.equal(L.storedQueueOffset(0, 7), 7);
  });

  it('PullSysFlag builds as Java PullSysFlag#buildSysFlag', () => {
    assert.equal(L.buildPullSysFlag(true, true, true, false), 0b0111);
    assert.equal(L.buildPullSysFlag(false, true, false, true, true), 0b11010);
    assert.ok(L.hasPullFlag(3, L.PullSysFlag.FLAG_SUSPEND));
    assert.ok(!L.hasPullFlag(1, L.PullSysFlag.FLAG_SUSPEND));
  });
});
