/**
 * Rerunnable capture of the POP revive records Apache RocketMQ 5.5.0 writes (the fixtures of
 * lib/broker/pop/records.test.ts): starts an Apache 5.5.0 NameServer + broker (local processes, store kept), runs
 * PopConsumeTest#reconsumeLaterComesBack with client 5.5.0 (POP, RECONSUME_LATER -> CHANGE_MESSAGE_INVISIBLETIME,
 * revive, ack of the redelivery), stops the target and prints every record of its commit log that belongs to POP:
 * checkpoints and acks (in rmq_sys_wheel_timer, REAL_TOPIC rmq_sys_REVIVE_LOG_<cluster>, or delivered there) and the
 * revived messages of %RETRY%<group>_<topic>, one JSON line each (properties with \u0001 -> '=' and \u0002 -> '|').
 *
 *   node dist/compat-tests/runner/pop-capture.js        (COMPAT_DIR: run root, default $TMPDIR/apogee-compat)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeStoredMessage } from '../../protocol/message';
import { runJavaSuite } from './java-suite';
import { RunContext } from './run';
import { startApacheTarget } from './target';

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** POP's records in the commit log files under `dir`, one JSON line each. */
export function popRecords(dir: string): string[] {
  const out: string[] = [];
  for (const f of files(dir).filter((x) => /commitlog[/\\]\d{20}$/.test(x))) {
    const buf = fs.readFileSync(f);
    let pos = 0;
    while (pos < buf.length - 8) {
      let d;
      try {
        d = decodeStoredMessage(buf, pos);
      } catch {
        break; // the zero-filled end of the file
      }
      pos += d.size;
      const m = d.message;
      const retry = m.topic.startsWith('%RETRY%');
      if (!retry && !m.topic.includes('REVIVE_LOG') && !m.properties.includes('REVIVE_LOG')) continue;
      const props = m.properties.replace(/\u0001/g, '=').replace(/\u0002/g, '|');
      out.push(JSON.stringify({ topic: m.topic, queueId: m.queueId, queueOffset: m.queueOffset, props, body: retry ? `<${m.body.length} bytes>` : m.body.toString('utf8') }));
    }
  }
  return out;
}

async function main(): Promise<number> {
  const ctx = RunContext.create(process.env['COMPAT_DIR'] !== undefined ? { rootDir: process.env['COMPAT_DIR'] } : {});
  const target = await startApacheTarget(ctx, { namesrvVersion: '5.5.0', brokerVersion: '5.5.0', keepStore: true });
  let passed = false;
  try {
    const run = await runJavaSuite(ctx, { clientVersion: '5.5.0', target, test: 'PopConsumeTest#reconsumeLaterComesBack' });
    passed = run.results.length > 0 && run.results.every((r) => r.status === 'passed');
    process.stderr.write(`${run.results.map((r) => `${r.id} ${r.status}`).join('\n')}\n`);
  } finally {
    await target.stop();
  }
  for (const line of popRecords(ctx.dir)) process.stdout.write(`${line}\n`);
  return passed ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${String(e)}\n`);
      process.exit(1);
    },
  );
}
