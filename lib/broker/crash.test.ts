import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ResponseCode } from '../../protocol/codes';
import { RocketClient } from '../client';
import { silentLogger } from '../common';
import { freeBrokerPort, freePort } from '../remoting/testing/ports';
import { startApogee as start, waitApogeeReady as waitReady } from './processors/testing/apogee-process';

/**
 * Durability end to end: `apogee start` as a real process under a send load is killed with SIGKILL; after a
 * restart on the same data directory, every message the broker acknowledged is there, with its body, at the
 * queue offset the acknowledgement named, and queue offsets are dense. Both flush modes.
 */
for (const flush of ['ASYNC_FLUSH', 'SYNC_FLUSH']) {
  describe(`lib/broker durability: SIGKILL under load (${flush})`, function () {
    this.timeout(90_000);

    it('every acknowledged message survives, at its acknowledged offset, offsets dense', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-crash-'));
      const conf = path.join(dir, 'broker.conf');
      fs.writeFileSync(conf, `flushDiskType=${flush}\nmappedFileSizeCommitLog=4194304\n`);
      const nsPort = await freePort();
      const brokerPort = await freeBrokerPort();
      let proc = start(dir, nsPort, brokerPort, conf);
      let client = new RocketClient({ namesrvAddr: `127.0.0.1:${nsPort}`, logger: silentLogger(), timeoutMs: 3000 });
      const acked: { queueId: number; offset: number; body: string }[] = [];
      try {
        await waitReady(client);
        await client.send('CrashT', Buffer.from('warm-up'), { queueId: 0 });
        let stop = false;
        let n = 0;
        const worker = async (): Promise<void> => {
          while (!stop) {
            const i = n++;
            const body = `crash #${i} ${'x'.repeat(i % 300)}`;
            try {
              const r = await client.send('CrashT', Buffer.from(body), { queueId: i % 4 });
              if (r.code === ResponseCode.SUCCESS) acked.push({ queueId: r.queueId, offset: r.queueOffset, body });
            } catch {
              return; // connection gone: the broker was killed
            }
          }
        };
        const workers = Array.from({ length: 16 }, () => worker());
        await new Promise((r) => setTimeout(r, 1500 + Math.random() * 1000));
        proc.kill('SIGKILL');
        stop = true;
        await Promise.all(workers);
        await new Promise<void>((r) => (proc.exitCode !== null || proc.signalCode !== null ? r() : proc.once('exit', () => r())));
        assert.ok(acked.length > 200, `only ${acked.length} acknowledged before the kill`);
        client.close();

        proc = start(dir, nsPort, brokerPort, conf);
        client = new RocketClient({ namesrvAddr: `127.0.0.1:${nsPort}`, logger: silentLogger(), timeoutMs: 5000 });
        await waitReady(client);
        const stored = new Map<string, string>();
        const brokerAddr = `127.0.0.1:${brokerPort}`;
        for (let q = 0; q < 4; q++) {
          let offset = 0;
          for (;;) {
            const r = await client.pull(brokerAddr, 'crash_check', 'CrashT', q, offset, { maxMsgNums: 32 });
            if (r.code !== ResponseCode.SUCCESS) break;
            for (const m of r.messages) {
              assert.equal(m.queueOffset, offset, `queue ${q}: offsets are dense`);
              stored.set(`${q}:${m.queueOffset}`, m.body.toString());
              offset++;
            }
          }
        }
        for (const a of acked) {
          assert.equal(stored.get(`${a.queueId}:${a.offset}`), a.body, `acknowledged message at ${a.queueId}:${a.offset}`);
        }
      } finally {
        client.close();
        proc.kill('SIGKILL');
      }
    });
  });
}
