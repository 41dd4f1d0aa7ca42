/**
 * Runs compat-tests/java/handover/Handover.java (the official Java client 5.5.0: produce, produce-timers, consume)
 * for the store and timer hand-over proofs: its own user.home under the run directory, output kept as
 * `<subdir>/<logName>.log`, killed after 3 minutes. Resolves with the output; rejects naming the arguments and
 * the output's tail when it exits non-zero.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compatDir } from './paths';
import type { RunContext } from './run';

/** How long one Handover run may take before it is killed. */
export const HANDOVER_RUN_TIMEOUT_MS = 180_000;

export function runHandoverJava(ctx: RunContext, cp: string, subdir: string, args: string[], logName: string): Promise<string> {
  const dir = ctx.subdir(subdir);
  const home = ctx.subdir(subdir, 'home');
  const src = path.join(compatDir(), 'java', 'handover', 'Handover.java');
  return new Promise((resolve, reject) => {
    const p = spawn('java', ['-Xmx256m', `-Duser.home=${home}`, `-Drocketmq.client.logRoot=${path.join(home, 'logs')}`, '-cp', cp, src, ...args], { cwd: dir });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), HANDOVER_RUN_TIMEOUT_MS);
    p.on('close', (code) => {
      clearTimeout(timer);
      fs.writeFileSync(path.join(dir, `${logName}.log`), out);
      if (code !== 0) reject(new Error(`Handover ${args.join(' ')} exited ${code}:\n${out.slice(-3000)}`));
      else resolve(out);
    });
  });
}
