import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { RemotingCommand } from '../../../protocol/command';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { decodeMessages } from '../../../protocol/message';
import { RocketClient } from '../../client';
import { silentLogger } from '../../common';
import { freeBrokerPort, freePort } from '../../remoting/testing/ports';
import { startApogee, waitApogeeReady } from '../processors/testing/apogee-process';
import { ext } from '../processors/testing/harness';

/**
 * POP state survives SIGKILL (Java keeps it the same way: checkpoints and acks in the revive topic of the commit
 * log, offsets in consumerOffset.json). `apogee start` pops three messages, acks two, is killed with SIGKILL and
 * restarted on the same data directory: the un-acked message comes back (reconsumeTimes 1) after its invisible
 * time, the acked ones never do. Offsets are flushed every flushConsumerOffsetInterval (200 ms here); the kill
 * comes after that, as it would after Java's 5 s.
 */
describe('lib/broker/pop durability: POP checkpoints and acks survive SIGKILL', function () {
  this.timeout(90_000);
  let proc: ChildProcess | undefined;
  let client: RocketClient | undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-pop-kill-'));

  after(async () => {
    client?.close();
    if (proc !== undefined && proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGKILL');
      await new Promise<void>((r) => proc!.once('exit', () => r()));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the un-acked message is revived after a restart; the acked ones are not', async () => {
    const conf = path.join(dir, 'broker.conf');
    fs.writeFileSync(conf, 'flushConsumerOffsetInterval=200\nreviveInterval=200\nmappedFileSizeCommitLog=4194304\n');
    const nsPort = await freePort();
    const brokerPort = await freeBrokerPort();
    const brokerAddr = `127.0.0.1:${brokerPort}`;
    const topic = 'PopKillT';
    const group = 'PopKillG';
    const pop = (c: RocketClient): Promise<RemotingCommand> =>
      c.call(brokerAddr, RequestCode.POP_MESSAGE, ext({ consumerGroup: group, topic, queueId: -1, maxMsgNums: 32, invisibleTime: 3000, pollTime: 0, bornTime: Date.now(), initMode: 0, order: false }));

    proc = startApogee(dir, nsPort, brokerPort, conf);
    client = new RocketClient({ namesrvAddr: `127.0.0.1:${nsPort}`, logger: silentLogger(), timeoutMs: 5000 });
    await waitApogeeReady(client);
    for (const b of ['k0', 'k1', 'k2']) await client.send(topic, Buffer.from(b), { queueId: 0 });
    const r = await pop(client);
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    const ms = decodeMessages(r.body!);
    assert.deepEqual(ms.map((m) => m.body.toString()), ['k0', 'k1', 'k2']);
    const start = r.extFields!.get('startOffsetInfo')!.split(' ')[2]!;
    for (const m of [ms[0]!, ms[2]!]) {
      const extra = [start, r.extFields!.get('popTime'), 3000, r.extFields!.get('reviveQid'), 0, 'broker-a', m.queueId, m.queueOffset].join(' ');
      const a: RemotingCommand = await client.call(brokerAddr, RequestCode.ACK_MESSAGE, ext({ consumerGroup: group, topic, queueId: m.queueId, extraInfo: extra, offset: m.queueOffset }));
      assert.equal(a.code, ResponseCode.SUCCESS, a.remark ?? '');
    }
    await new Promise((res) => setTimeout(res, 1500)); // beyond flushConsumerOffsetInterval and the async commit-log flush
    proc.kill('SIGKILL');
    await new Promise<void>((res) => proc!.once('exit', () => res()));
    client.close();

    proc = startApogee(dir, nsPort, brokerPort, conf);
    client = new RocketClient({ namesrvAddr: `127.0.0.1:${nsPort}`, logger: silentLogger(), timeoutMs: 5000 });
    await waitApogeeReady(client);
    const back: string[] = [];
    const until = Date.now() + 30_000;
    while (Date.now() < until && back.length === 0) {
      const p = await pop(client);
      if (p.code === ResponseCode.SUCCESS) {
        for (const m of decodeMessages(p.body!)) {
          back.push(`${m.body.toString()}/${m.reconsumeTimes}`);
          const extra = m.properties.get('POP_CK')!;
          await client.call(brokerAddr, RequestCode.ACK_MESSAGE, ext({ consumerGroup: group, topic: `%RETRY%${group}_${topic}`, queueId: m.queueId, extraInfo: extra, offset: m.queueOffset }));
        }
      } else await new Promise((res) => setTimeout(res, 300));
    }
    assert.deepEqual(back, ['k1/1'], 'only the un-acked message came back, once, as a redelivery');
    // Nothing else comes back: wait beyond the invisible time and revive margins once more.
    await new Promise((res) => setTimeout(res, 7000));
    const more = await pop(client);
    assert.equal(more.code, ResponseCode.POLLING_TIMEOUT, more.code === ResponseCode.SUCCESS ? decodeMessages(more.body!).map((m) => m.body.toString()).join(',') : '');
  });
});
