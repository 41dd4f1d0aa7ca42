/**
 * Codec micro benchmarks (issue 2): the per-request work of the protocol layer, without sockets or a store.
 *
 *   npm run bench:codec                     (= npm run build && node dist/bench/codec/run.js)
 *   node dist/bench/codec/run.js [--ms 1000] [--reps 5] [--out bench/results] [--name codec] [--no-write]
 *
 * Cases, each in both header serializations (JSON and ROCKETMQ):
 *   decode SEND_MESSAGE_V2 request   a frame as the Java 5.x client writes it (the golden fixture
 *                                    protocol/fixtures/java5/commands/send-v2.*-ser.bin, body grown to 1 KiB):
 *                                    decodeCommand + decodeSendMessageHeaderV2 -> typed header
 *   encode PULL response, 32 msgs    what the pull processor does for a hit: PullMessageResponseHeader ext fields,
 *                                    the 32 stored 1 KiB records as the body's parts (bodyParts), encodeCommandParts
 *   decode PULL response, 32 msgs    the client side: decodeCommand + decodeMessages of the 32 records
 *   encode SEND_MESSAGE response     the broker's answer to a send (SendMessageResponseHeader)
 *
 * Each case runs `reps` times for `ms` milliseconds after a warm-up; the table shows the median ns per operation
 * and operations per second on one core. Results: <out>/<date>-<name>.{md,json}.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeHeader, decodeSendMessageHeaderV2, PullMessageResponseHeader, SendMessageResponseHeader } from '../../protocol/headers';
import { createResponse, decodeCommand, encodeCommandParts, SerializeType, type RemotingCommand } from '../../protocol/command';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { decodeMessages, encodeStoredMessage, stringifyProperties } from '../../protocol/message';
import { median } from '../harness/stats';

const argv = process.argv.slice(2);
const opt = (n: string, d: string): string => {
  const i = argv.indexOf(`--${n}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1]! : d;
};
const MS = Number(opt('ms', '1000'));
const REPS = Number(opt('reps', '5'));
const OUT = path.resolve(opt('out', path.join(__dirname, '..', '..', '..', 'bench', 'results')));
const NAME = opt('name', 'codec');
const WRITE = !argv.includes('--no-write');

const fixtures = path.join(__dirname, '..', '..', '..', 'protocol', 'fixtures', 'java5', 'commands');

/** A fixture frame (with its length prefix) whose body is replaced by `body`; returns the payload after the prefix. */
function withBody(frame: Buffer, body: Buffer): Buffer {
  const headerWord = frame.readInt32BE(4);
  const headerLen = headerWord & 0xffffff;
  const head = frame.subarray(4, 8 + headerLen);
  return Buffer.concat([head, body]);
}

function sendRequestPayload(kind: 'json' | 'rmq'): Buffer {
  const frame = fs.readFileSync(path.join(fixtures, `send-v2.${kind}-ser.bin`));
  return withBody(frame, Buffer.alloc(1024, 0x61));
}

function storedRecords(n: number): Buffer[] {
  const props = stringifyProperties([
    ['TAGS', 'TagA'],
    ['UNIQ_KEY', 'C0A8000A30394A9A1F6D0B2E64000001'],
    ['WAIT', 'true'],
    ['CLUSTER', 'DefaultCluster'],
  ]);
  return Array.from({ length: n }, (_, i) =>
    encodeStoredMessage({
      topic: 'TopicTest',
      queueId: 0,
      flag: 0,
      sysFlag: 0,
      body: Buffer.alloc(1024, 0x61 + (i % 26)),
      properties: props,
      bornTimestamp: 1700000000123 + i,
      bornHost: { ip: Buffer.from([192, 168, 0, 10]), port: 53872 },
      storeTimestamp: 1700000000130 + i,
      storeHost: { ip: Buffer.from([192, 168, 0, 2]), port: 10911 },
      reconsumeTimes: 0,
      preparedTransactionOffset: 0,
      queueOffset: 1000 + i,
      physicalOffset: 1_000_000 + i * 1200,
    }),
  );
}

function pullRequest(type: SerializeType): RemotingCommand {
  return { code: RequestCode.PULL_MESSAGE, language: 0, version: 513, opaque: 7, flag: 0, remark: null, extFields: null, body: null, serializeType: type };
}

interface Case {
  name: string;
  op: () => unknown;
}

let sink = 0;

function cases(): Case[] {
  const out: Case[] = [];
  for (const [kind, label] of [
    ['json', 'JSON'],
    ['rmq', 'ROCKETMQ'],
  ] as const) {
    const payload = sendRequestPayload(kind);
    out.push({
      name: `decode SEND_MESSAGE_V2 request (1 KiB body), ${label}`,
      op: () => {
        const cmd = decodeCommand(payload);
        const h = decodeSendMessageHeaderV2(cmd.extFields);
        if (!h.ok) throw new Error(h.error);
        sink += h.value.queueId;
      },
    });
  }
  const records = storedRecords(32);
  const total = records.reduce((s, r) => s + r.length, 0);
  for (const [type, label] of [
    [SerializeType.JSON, 'JSON'],
    [SerializeType.ROCKETMQ, 'ROCKETMQ'],
  ] as const) {
    const req = pullRequest(type);
    out.push({
      name: `encode PULL response, 32 × 1 KiB messages, ${label}`,
      op: () => {
        const ext = encodeHeader(PullMessageResponseHeader, { suggestWhichBrokerId: 0, nextBeginOffset: 1032, minOffset: 0, maxOffset: 5000, topicSysFlag: 0, groupSysFlag: 0 });
        const res = createResponse(req, ResponseCode.SUCCESS, 'FOUND', 513);
        res.extFields = ext;
        res.opaque = req.opaque;
        res.flag |= 1;
        res.serializeType = type;
        res.bodyParts = records;
        const parts = encodeCommandParts(res);
        sink += parts[0]!.length + parts.length;
      },
    });
  }
  for (const [type, label] of [
    [SerializeType.JSON, 'JSON'],
    [SerializeType.ROCKETMQ, 'ROCKETMQ'],
  ] as const) {
    const res = createResponse(pullRequest(type), ResponseCode.SUCCESS, 'FOUND', 513);
    res.extFields = encodeHeader(PullMessageResponseHeader, { suggestWhichBrokerId: 0, nextBeginOffset: 1032, minOffset: 0, maxOffset: 5000, topicSysFlag: 0, groupSysFlag: 0 });
    res.serializeType = type;
    res.body = Buffer.concat(records, total);
    const [head, body] = encodeCommandParts(res);
    const payload = Buffer.concat([head.subarray(4), body!]);
    out.push({
      name: `decode PULL response, 32 × 1 KiB messages (client side), ${label}`,
      op: () => {
        const cmd = decodeCommand(payload);
        const msgs = decodeMessages(cmd.body!);
        sink += msgs.length;
      },
    });
  }
  for (const [type, label] of [
    [SerializeType.JSON, 'JSON'],
    [SerializeType.ROCKETMQ, 'ROCKETMQ'],
  ] as const) {
    const req = pullRequest(type);
    out.push({
      name: `encode SEND_MESSAGE response, ${label}`,
      op: () => {
        const ext = encodeHeader(SendMessageResponseHeader, { msgId: '7F00000100002A9F0000000000001F40', queueId: 3, queueOffset: 12345, transactionId: 'C0A8000A30394A9A1F6D0B2E64000001' });
        ext.set('MSG_REGION', 'DefaultRegion');
        ext.set('TRACE_ON', 'true');
        const res = createResponse(req, ResponseCode.SUCCESS, null, 513);
        res.extFields = ext;
        res.serializeType = type;
        sink += encodeCommandParts(res)[0].length;
      },
    });
  }
  return out;
}

function measure(c: Case, ms: number): number {
  // Batches of 64 calls between clock reads.
  let n = 0;
  const t0 = process.hrtime.bigint();
  const end = t0 + BigInt(ms) * 1_000_000n;
  let t = t0;
  while (t < end) {
    for (let i = 0; i < 64; i++) c.op();
    n += 64;
    t = process.hrtime.bigint();
  }
  return Number(t - t0) / n;
}

function main(): void {
  const lines: string[] = [];
  const log = (s: string): void => {
    console.log(s);
    lines.push(s);
  };
  const cmd = `node dist/bench/codec/run.js ${argv.join(' ')}`.trim();
  log('# Codec micro benchmarks');
  log('');
  log(`Command: \`npm run build && ${cmd}\``);
  log('');
  log(`${new Date().toISOString()} · node ${process.version} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'} · ${Math.round(os.totalmem() / 2 ** 30)} GiB · load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} (shared machine: other processes may run) · ${REPS} × ${MS} ms per case, median`);
  log('');
  log('| case | ns/op | ops/s (one core) |');
  log('|---|---|---|');
  const results: Record<string, { nsPerOp: number; opsPerSec: number; reps: number[] }> = {};
  for (const c of cases()) {
    measure(c, Math.min(300, MS)); // warm-up: JIT
    const reps: number[] = [];
    for (let i = 0; i < REPS; i++) reps.push(measure(c, MS));
    const ns = median(reps);
    results[c.name] = { nsPerOp: ns, opsPerSec: 1e9 / ns, reps };
    log(`| ${c.name} | ${ns.toFixed(0)} | ${Math.round(1e9 / ns).toLocaleString('en-US')} |`);
  }
  log('');
  log('Inputs: the SEND_MESSAGE_V2 request is the golden frame captured from the Java 5.5.0 client (13 V2 header fields,');
  log('properties KEYS/UNIQ_KEY/WAIT/TAGS) with a 1 KiB body; the pull response carries 32 stored records of 1 KiB bodies');
  log('(~1.2 KiB each with TAGS/UNIQ_KEY/WAIT/CLUSTER). "encode" includes building the ext fields and, for pulls, copying the');
  log('records into one body as the pull processor does; the body of a send is not copied (it is a view of the frame).');
  if (sink === 42) log('');
  if (WRITE) {
    fs.mkdirSync(OUT, { recursive: true });
    const base = path.join(OUT, `${new Date().toISOString().slice(0, 10)}-${NAME}`);
    fs.writeFileSync(`${base}.md`, lines.join('\n') + '\n');
    fs.writeFileSync(`${base}.json`, JSON.stringify({ command: cmd, date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, loadavg: os.loadavg(), ms: MS, reps: REPS, results }, null, 2) + '\n');
    console.log(`\nwritten: ${base}.md, ${base}.json`);
  }
}

main();
