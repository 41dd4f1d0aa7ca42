// node bench/rss/table-load-rss.cjs old|new (after npm run build)
// RSS cost of loading an existing timer wheel (37 MiB, all zeros = no timers) and an index file's slot table
// (Java's 5M slots, 20 MiB, all zeros): the old read loop (mode=old) vs loadNonZeroPages (mode=new).
const path = require('path'); const fs = require('fs'); const os = require('os');
const { NodeStoreIO, loadNonZeroPages } = require(path.join(__dirname, '..', '..', 'dist', 'lib', 'store'));
const rss = () => Math.round(Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) / 1024);
(async () => {
  const mode = process.argv[2]; const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wheel-'));
  const file = path.join(dir, 'timerwheel'); const len = 604800 * 2 * 32 + 20 * 1024 * 1024;
  fs.writeFileSync(file, ''); fs.truncateSync(file, len);
  const io = new NodeStoreIO(); const h = await io.open(file, false);
  const before = rss(); const buf = Buffer.alloc(len);
  if (mode === 'old') { for (let pos = 0; pos < len;) { const n = await io.read(h, buf, pos, Math.min(8 << 20, len - pos), pos); if (n <= 0) break; pos += n; } }
  else await loadNonZeroPages(io, h, buf, len, 0);
  console.log(mode, 'RSS growth after loading 57 MiB of zero tables:', rss() - before, 'MiB');
  await io.close(h); fs.rmSync(dir, { recursive: true });
})();
