// node bench/rss/index-rewarm.cjs: the cost of IndexService#coolIdle's release at rest. 200,000 keys in an index
// file of Java's default size (5,000,000 slots), flushed; then the time of a queryOffset on the hot table, and of the
// first buildIndex + queryOffset after coolIdle (which reads the 20 MiB slot table back from the page cache).
const fs = require('fs'); const os = require('os'); const path = require('path');
const { performance } = require('perf_hooks');
const d = path.join(__dirname, '..', '..', 'dist', 'lib');
const { IndexService } = require(path.join(d, 'store', 'index-service'));
const { NodeStoreIO } = require(path.join(d, 'store', 'io'));
const { buildIndexKey, indexKeyHash } = require(path.join(d, 'store', 'index-layout'));
const { silentLogger } = require(path.join(d, 'common'));
(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'index-rewarm-'));
  const t0 = Date.now();
  const svc = new IndexService({ io: new NodeStoreIO(), dir, hashSlotNum: 5_000_000, indexNum: 20_000_000, maxMsgsNumBatch: 64, logger: silentLogger(), now: () => t0 });
  const req = (k, i) => ({ topic: 'T', queueId: 0, queueOffset: i, physicalOffset: 1000 + i * 100, size: 100, tagsCode: 0, storeTimestamp: t0 + i, indexHashes: [indexKeyHash(buildIndexKey('T', k))], sysFlag: 0 });
  const N = 200_000;
  for (let i = 0; i < N; i++) svc.buildIndex(req(`key-${i}`, i));
  await svc.flush(true);
  const q = async () => { const t = performance.now(); const r = await svc.queryOffset('T', 'key-777', 64, 0, Number.MAX_SAFE_INTEGER); return [performance.now() - t, r.phyOffsets.length]; };
  const hot = []; for (let i = 0; i < 5; i++) hot.push((await q())[0]);
  const freed = svc.coolIdle();
  const t = performance.now(); svc.buildIndex(req('key-777', N)); const [ms, found] = await q(); const first = performance.now() - t;
  const after = []; for (let i = 0; i < 5; i++) after.push((await q())[0]);
  console.log(JSON.stringify({ keys: N, releasedBytes: freed, hotQueryMs: hot.map((x) => +x.toFixed(3)), firstPutAndQueryAfterReleaseMs: +first.toFixed(1), found, queryMsAfterRewarm: after.map((x) => +x.toFixed(3)) }));
  await svc.close(); fs.rmSync(dir, { recursive: true });
})();
