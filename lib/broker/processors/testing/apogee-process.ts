/**
 * Test helper: `apogee start` as a real process (NameServer + broker on given ports, data under `dir`, log in
 * `dir/apogee.log`), and a readiness wait that asks the NameServer for TBW102's route until the broker has
 * registered. Used by the durability tests that SIGKILL the process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RocketClient } from '../../../client';

const APOGEE = path.join(__dirname, '..', '..', '..', 'bin', 'apogee.js');
/** How long a started process may take to route TBW102 (a loaded CI machine included), ms. */
export const APOGEE_READY_WAIT_MS = 60_000;
const READY_POLL_MS = 50;

/**
 * Starts `apogee start` with `conf` as its broker.conf (and `extraArgs` after); stdout and stderr go to dir/apogee.log;
 * `env` adds variables (JAVA_OPT).
 */
export function startApogee(dir: string, nsPort: number, brokerPort: number, conf: string, logLevel = 'warn', extraArgs: readonly string[] = [], env: Record<string, string> = {}): ChildProcess {
  const log = fs.openSync(path.join(dir, 'apogee.log'), 'a');
  return spawn(process.execPath, [APOGEE, 'start', '--dataDir', path.join(dir, 'data'), '--namesrvPort', String(nsPort), '--brokerPort', String(brokerPort), '--brokerConfig', conf, ...extraArgs], {
    stdio: ['ignore', log, log],
    env: { ...process.env, APOGEE_LOG_LEVEL: logLevel, ...env },
  });
}

/** Resolves once the NameServer routes TBW102 (the broker has registered); throws after APOGEE_READY_WAIT_MS. */
export async function waitApogeeReady(client: RocketClient): Promise<void> {
  const until = Date.now() + APOGEE_READY_WAIT_MS;
  while (Date.now() < until) {
    try {
      if ((await client.routeOf('TBW102', 0)) !== undefined) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, READY_POLL_MS));
  }
  throw new Error(`apogee did not become ready within ${APOGEE_READY_WAIT_MS} ms`);
}
