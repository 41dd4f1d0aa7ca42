import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequest } from '../../protocol/command';
import { RequestCode } from '../../protocol/codes';
import { RocketClient } from '../client';
import { defaults, silentLogger } from '../common';
import { parseExposition, type ParsedFamily } from '../metrics';
import { NameServer, NamesrvSchema } from '../nameserver';
import { defaultStoreConfig } from '../store';
import { Broker } from './broker';
import { BrokerRemotingSchema, BrokerSchema } from './config';
import { isSystemGroup, messageTypeOf } from './metrics';

function scrape(port: number): Promise<Map<string, ParsedFamily>> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          try {
            resolve(parseExposition(body));
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        });
      })
      .on('error', reject);
  });
}

function value(f: Map<string, ParsedFamily>, name: string, labels: Record<string, string>, sample = name): number | undefined {
  const s = f.get(name)?.samples.find((x) => x.name === sample && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
  return s?.value;
}

describe('lib/broker metrics (metricsExporterType=PROM)', function () {
  this.timeout(30_000);

  it("message_type follows Java BrokerMetricsManager#getMessageType; system groups as Java's prefixes", () => {
    assert.equal(messageTypeOf(''), 'normal');
    assert.equal(messageTypeOf('KEYS\u0001k\u0002TRAN_MSG\u0001true\u0002'), 'transaction');
    assert.equal(messageTypeOf('__SHARDINGKEY\u0001a\u0002'), 'fifo');
    assert.equal(messageTypeOf('DELAY\u00013\u0002'), 'delay');
    assert.equal(messageTypeOf('TIMER_DELIVER_MS\u000112\u0002'), 'delay');
    assert.equal(messageTypeOf('XDELAY\u00013\u0002'), 'normal');
    assert.equal(isSystemGroup('CID_RMQ_SYS_TRANS'), true);
    assert.equal(isSystemGroup('my-group'), false);
  });

  it('is off by default (Java metricsExporterType=DISABLE)', () => {
    assert.equal(defaults(BrokerSchema).metricsExporterType, 'DISABLE');
    assert.equal(defaults(BrokerSchema).metricsPromExporterPort, 5557);
  });

  it('sends and pulls show in messages/throughput in/out, message size, rpc latency and consumer lag, with Java labels', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-metrics-'));
    const ns = new NameServer({ config: { ...defaults(NamesrvSchema), listenPort: 0, bindAddress: '127.0.0.1', kvConfigPath: path.join(dir, 'kv.json') }, logger: silentLogger() });
    await ns.start();
    const broker = await Broker.create({
      config: {
        ...defaults(BrokerSchema),
        listenPort: 0,
        brokerIP1: '127.0.0.1',
        namesrvAddr: `127.0.0.1:${ns.port}`,
        brokerClusterName: 'MetricsCluster',
        brokerName: 'mb',
        metricsExporterType: 'PROM',
        metricsPromExporterPort: 0,
        metricsPromExporterHost: '127.0.0.1',
      },
      remotingConfig: { ...defaults(BrokerRemotingSchema), bindAddress: '127.0.0.1' },
      storeConfig: defaultStoreConfig({ storePathRootDir: path.join(dir, 'store'), mappedFileSizeCommitLog: 1024 * 1024 }),
      logger: silentLogger(),
    });
    await broker.start();
    const client = new RocketClient({ namesrvAddr: `127.0.0.1:${ns.port}`, logger: silentLogger() });
    try {
      const port = broker.metricsPort!;
      for (let i = 0; i < 3; i++) assert.equal((await client.send('MT', Buffer.alloc(2000, 'x'), { queueId: 0 })).code, 0);
      const addr = `127.0.0.1:${broker.port}`;
      const p = await client.pull(addr, 'MG', 'MT', 0, 0, { maxMsgNums: 2 });
      assert.equal(p.messages.length, 2);
      // Commit 1 of 3: lag 2 (Java ConsumerLagCalculator: max offset - committed offset).
      await client.pull(addr, 'MG', 'MT', 0, 2, { commitOffset: 1 });
      const f = await scrape(port);
      const base = { cluster: 'MetricsCluster', node_id: 'mb', node_type: 'broker' };
      assert.equal(value(f, 'rocketmq_messages_in_total', { ...base, topic: 'MT', message_type: 'normal', is_system: 'false' }), 3);
      assert.ok(value(f, 'rocketmq_throughput_in_total', { topic: 'MT' })! > 6000);
      assert.equal(value(f, 'rocketmq_messages_out_total', { ...base, topic: 'MT', consumer_group: 'MG', is_system: 'false' }), 3);
      assert.equal(value(f, 'rocketmq_message_size', { topic: 'MT', le: '4096.0' }, 'rocketmq_message_size_bucket'), 3);
      assert.equal(value(f, 'rocketmq_message_size', { topic: 'MT', le: '1024.0' }, 'rocketmq_message_size_bucket'), 0);
      const sends = { protocol_type: 'remoting', request_code: 'send_message_v2', response_code: 'success', is_long_polling: 'false', result: 'success' };
      assert.equal(value(f, 'rocketmq_rpc_latency_milliseconds', sends, 'rocketmq_rpc_latency_milliseconds_count'), 3);
      assert.equal(value(f, 'rocketmq_consumer_lag_messages', { consumer_group: 'MG', topic: 'MT', is_retry: 'false' }), 2);
      assert.equal(value(f, 'rocketmq_consumer_ready_messages', { consumer_group: 'MG', topic: 'MT' }), 0);
      assert.ok(value(f, 'rocketmq_consumer_lag_latency_milliseconds', { consumer_group: 'MG', topic: 'MT' })! >= 0);
      assert.equal(value(f, 'rocketmq_storage_flush_behind_bytes', { storage_type: 'local', storage_medium: 'disk' }) !== undefined, true);
      assert.ok(value(f, 'process_resident_memory_bytes', {})! > 0);
      assert.ok(value(f, 'apogee_remoting_connections', { server: 'broker' })! >= 1);
      assert.equal(value(f, 'apogee_remoting_write_buffered_bytes', { server: 'broker', stat: 'max' }) !== undefined, true);
      // A held pull (long polling) answered when a message arrives is labelled is_long_polling="true".
      const held = client.pull(addr, 'MG', 'MT', 0, 3, { suspendMs: 5000 });
      await new Promise((r) => setTimeout(r, 200));
      await client.send('MT', Buffer.from('wake'), { queueId: 0 });
      assert.equal((await held).messages.length, 1);
      // A consumer send-back with delayLevel < 0 goes to the DLQ (Java: rocketmq_send_to_dlq_messages_total).
      const msg = p.messages[0]!;
      const back = await client.remoting.invoke(
        addr,
        createRequest({
          code: RequestCode.CONSUMER_SEND_MSG_BACK,
          opaque: 0,
          version: 513,
          extFields: new Map([['offset', String(msg.commitLogOffset)], ['group', 'MG'], ['delayLevel', '-1'], ['originMsgId', msg.msgId], ['originTopic', 'MT'], ['unitMode', 'false'], ['maxReconsumeTimes', '16']]),
        }),
        5000,
      );
      assert.equal(back.code, 0);
      const g = await scrape(port);
      assert.equal(value(g, 'rocketmq_rpc_latency_milliseconds', { request_code: 'pull_message', is_long_polling: 'true' }, 'rocketmq_rpc_latency_milliseconds_count'), 1);
      assert.equal(value(g, 'rocketmq_send_to_dlq_messages_total', { consumer_group: 'MG', topic: 'MT', is_system: 'false' }), 1);
    } finally {
      client.close();
      await broker.shutdown();
      await ns.close();
    }
  });
});
