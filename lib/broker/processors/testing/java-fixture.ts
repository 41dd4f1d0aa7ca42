/**
 * Test fixture shared by the real-process tests that drive the official Java tools (client 5.5.0, mqadmin) against
 * one `apogee start`: why such a test cannot run here (it then skips, printing the reason), and the process itself
 * — a temp dir, free ports, broker.conf written, started, and ready once the NameServer routes TBW102.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RocketClient } from '../../../client';
import { silentLogger } from '../../../common';
import { stopChild } from '../../../common/testing/child';
import { freeBrokerPort, freePort } from '../../../remoting/testing/ports';
import { startApogee, waitApogeeReady } from './apogee-process';
import { APOGEE, CP_DIR, hasJava, toolsClasspath } from './java-tools';

/** Why a test needing the built Apogee and the official 5.5.0 tools cannot run here; undefined when it can. */
export function javaToolsSkipReason(): string | undefined {
  if (!fs.existsSync(APOGEE)) return `${APOGEE} missing: run npm run build first`;
  if (!hasJava()) return 'java is not on PATH';
  if (toolsClasspath('5.5.0') === undefined) return `no 5.5.0 classpath in ${CP_DIR} (compat-tests writes it)`;
  return undefined;
}

export interface ApogeeUnderTest {
  dir: string;
  nsPort: number;
  nsAddr: string;
  brokerAddr: string;
  proc: ChildProcess;
  /** Apogee's own client on the NameServer, open until stop(). */
  client: RocketClient;
  /** Stops the process and removes the dir. */
  stop(): Promise<void>;
}

/**
 * `apogee start` in a new temp dir (`prefix`…) with `brokerConf` as broker.conf; `prepare(dir)` runs first and may
 * write files and return more broker.conf lines. Resolves once the broker has registered.
 */
export async function startApogeeUnderTest(prefix: string, brokerConf: string, o: { logLevel?: string; prepare?: (dir: string) => string } = {}): Promise<ApogeeUnderTest> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const conf = path.join(dir, 'broker.conf');
  fs.writeFileSync(conf, brokerConf + (o.prepare?.(dir) ?? ''));
  const nsPort = await freePort();
  const brokerPort = await freeBrokerPort();
  const proc = startApogee(dir, nsPort, brokerPort, conf, o.logLevel ?? 'warn');
  const client = new RocketClient({ namesrvAddr: `127.0.0.1:${nsPort}`, logger: silentLogger(), timeoutMs: 5000 });
  const stop = async (): Promise<void> => {
    client.close();
    await stopChild(proc);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitApogeeReady(client);
  } catch (e) {
    await stop();
    throw e;
  }
  return { dir, nsPort, nsAddr: `127.0.0.1:${nsPort}`, brokerAddr: `127.0.0.1:${brokerPort}`, proc, client, stop };
}
