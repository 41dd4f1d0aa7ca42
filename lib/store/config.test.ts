import * as assert from 'node:assert/strict';
import { applyProperties, defaults } from '../common';
import { defaultStoreConfig, diskSpaceCleanForciblyLevel, diskSpaceWarningLevel, storeConfigSchema, storePaths } from './config';

/** The store config accepts Java's MessageStoreConfig names with Java's defaults (Java: MessageStoreConfig). */
describe('store config', () => {
  it('Java defaults', () => {
    const c = defaults(storeConfigSchema);
    assert.equal(c.mappedFileSizeCommitLog, 1024 * 1024 * 1024);
    assert.equal(c.mappedFileSizeConsumeQueue, 300000 * 20);
    assert.equal(c.flushDiskType, 'ASYNC_FLUSH');
    assert.equal(c.flushIntervalCommitLog, 500);
    assert.equal(c.flushCommitLogLeastPages, 4);
    assert.equal(c.flushCommitLogThoroughInterval, 10000);
    assert.equal(c.syncFlushTimeout, 5000);
    assert.equal(c.flushIntervalConsumeQueue, 1000);
    assert.equal(c.fileReservedTime, 72);
    assert.equal(c.deleteWhen, '04');
    assert.equal(c.diskMaxUsedSpaceRatio, 75);
    assert.equal(c.maxMessageSize, 4 * 1024 * 1024);
    assert.equal(c.maxHashSlotNum, 5000000);
    assert.equal(c.maxIndexNum, 20000000);
    assert.equal(c.messageIndexEnable, true);
    assert.equal(c.messageDelayLevel, '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h');
    assert.ok(c.storePathRootDir.endsWith('store'));
  });

  it('a broker.conf written for Java loads: values parsed, inert keys listed, bad values reported', () => {
    const props = new Map([
      ['storePathRootDir', '/data/rmq'],
      ['flushDiskType', 'SYNC_FLUSH'],
      ['deleteWhen', '01;04'],
      ['fileReservedTime', '48'],
      ['transientStorePoolEnable', 'false'],
      ['diskMaxUsedSpaceRatio', '88'],
      ['mappedFileSizeConsumeQueue', '123'],
      ['brokerName', 'broker-a'],
    ]);
    const r = applyProperties(storeConfigSchema, defaults(storeConfigSchema), props);
    assert.equal(r.config.flushDiskType, 'SYNC_FLUSH');
    assert.equal(r.config.deleteWhen, '01;04');
    assert.equal(r.config.fileReservedTime, 48);
    assert.deepEqual(r.inert, ['transientStorePoolEnable']);
    assert.deepEqual(r.unknown, ['brokerName']);
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0]!, /mappedFileSizeConsumeQueue=123/);
    const bad = applyProperties(storeConfigSchema, defaults(storeConfigSchema), new Map([['flushDiskType', 'SOMETIMES'], ['deleteWhen', 'noon']]));
    assert.equal(bad.errors.length, 2);
  });

  it('paths as Java (StorePathConfigHelper) and the clamped disk levels (CleanCommitLogService)', () => {
    const p = storePaths(defaultStoreConfig({ storePathRootDir: '/r' }));
    assert.deepEqual(p, { root: '/r', commitLog: '/r/commitlog', consumeQueue: '/r/consumequeue', index: '/r/index', checkpoint: '/r/checkpoint', abort: '/r/abort', lock: '/r/lock' });
    assert.equal(storePaths(defaultStoreConfig({ storePathRootDir: '/r', storePathCommitLog: '/fast/cl' })).commitLog, '/fast/cl');
    assert.equal(diskSpaceWarningLevel(defaultStoreConfig({ diskSpaceWarningLevelRatio: 99 })), 0.9);
    assert.equal(diskSpaceCleanForciblyLevel(defaultStoreConfig({ diskSpaceCleanForciblyRatio: 10 })), 0.3);
  });
});
