/**
 * Test helper: a headless Chromium (Debian's `chromium`) driven over the DevTools protocol on a pipe
 * (--remote-debugging-pipe: Chromium reads JSON commands on fd 3 and writes answers and events on fd 4, each
 * message ending in a NUL byte). No WebSocket and no package: the few CDP methods a page test needs —
 * Target.createTarget/attachToTarget (flattened session), Page.navigate, Runtime.evaluate — and a bounded poll.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { stopChild } from '../../common/testing/child';

/** The chromium binary on PATH (Debian: chromium; elsewhere chromium-browser), or undefined. */
export function findChromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser']) {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim() !== '') return r.stdout.trim();
  }
  return undefined;
}

/** How long one CDP command may take before the test fails naming it, ms. */
export const CDP_COMMAND_TIMEOUT_MS = 30_000;
/** Longest wait for a page condition (waitFor), ms; a timeout fails the test, it is never the thing asserted. */
export const PAGE_WAIT_MS_MAX = 30_000;

interface Pending {
  resolve: (v: Record<string, unknown>) => void;
  reject: (e: Error) => void;
  method: string;
  timer: NodeJS.Timeout;
}

export class Chromium {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private buf = Buffer.alloc(0);
  private sessionId: string | undefined;
  stderr = '';

  private constructor(private readonly child: ChildProcess, private readonly profile: string) {
    const out = child.stdio[4] as Readable;
    out.on('data', (c: Buffer) => this.onData(c));
    (child.stdio[2] as Readable).on('data', (c: Buffer) => (this.stderr = (this.stderr + c.toString()).slice(-4000)));
    child.once('exit', (code, sig) => {
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.reject(new Error(`chromium exited (${code ?? sig}) during ${p.method}: ${this.stderr}`));
      }
      this.pending.clear();
    });
  }

  /** Starts chromium and opens one blank page with a CDP session on it. */
  static async launch(binary: string): Promise<Chromium> {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-chromium-'));
    const child = spawn(
      binary,
      ['--headless=new', '--remote-debugging-pipe', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check', '--disable-extensions', '--disable-background-networking', `--user-data-dir=${profile}`, 'about:blank'],
      // Its own process group: close() ends the helpers (crashpad, zygote) with it, which otherwise go on writing into the profile.
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], detached: true },
    );
    const b = new Chromium(child, profile);
    const t = await b.send('Target.createTarget', { url: 'about:blank' });
    const a = await b.send('Target.attachToTarget', { targetId: t.targetId, flatten: true });
    b.sessionId = a.sessionId as string;
    await b.send('Page.enable', {}, true);
    await b.send('Runtime.enable', {}, true);
    return b;
  }

  private onData(c: Buffer): void {
    this.buf = Buffer.concat([this.buf, c]);
    let i: number;
    while ((i = this.buf.indexOf(0)) >= 0) {
      const text = this.buf.subarray(0, i).toString('utf8');
      this.buf = this.buf.subarray(i + 1);
      const m = JSON.parse(text) as { id?: number; result?: Record<string, unknown>; error?: { message: string } };
      if (m.id === undefined) continue; // an event
      const p = this.pending.get(m.id);
      if (p === undefined) continue;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.error !== undefined) p.reject(new Error(`${p.method}: ${m.error.message}`));
      else p.resolve(m.result ?? {});
    }
  }

  /** One CDP command; `onPage` sends it to the page's session instead of the browser. */
  send(method: string, params: Record<string, unknown> = {}, onPage = false): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const msg = { id, method, params, ...(onPage ? { sessionId: this.sessionId } : {}) };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer from chromium within ${CDP_COMMAND_TIMEOUT_MS} ms`));
      }, CDP_COMMAND_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, method, timer });
      (this.child.stdio[3] as Writable).write(JSON.stringify(msg) + '\0');
    });
  }

  async navigate(url: string): Promise<void> {
    const r = await this.send('Page.navigate', { url }, true);
    if (typeof r.errorText === 'string') throw new Error(`navigate ${url}: ${r.errorText}`);
    // Page.navigate answers once the navigation commits; the new document may still be parsing.
    await this.waitFor(`location.href === ${JSON.stringify(url)} && document.readyState === 'complete'`, `${url} loaded`);
  }

  /** Evaluates `expression` in the page (promises awaited) and returns its JSON value. */
  async eval<T = unknown>(expression: string): Promise<T> {
    const r = await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, true);
    const ex = r.exceptionDetails as { text?: string; exception?: { description?: string } } | undefined;
    if (ex !== undefined) throw new Error(`page threw: ${ex.exception?.description ?? ex.text ?? 'unknown'} in ${expression}`);
    return (r.result as { value?: T }).value as T;
  }

  /** Polls `expression` until it is truthy and returns that value; throws naming `what` after PAGE_WAIT_MS_MAX. */
  async waitFor<T = unknown>(expression: string, what: string): Promise<T> {
    const deadline = Date.now() + PAGE_WAIT_MS_MAX;
    for (;;) {
      const v = await this.eval<T>(expression).catch(() => undefined);
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`page: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async close(): Promise<void> {
    await this.send('Browser.close').catch(() => undefined);
    await stopChild(this.child);
    // Chromium's helper processes may still write into the profile after the browser exits (seen in CI: ENOTEMPTY
    // after 10 retries): end the whole group, then remove the profile; a profile left behind in the temp dir is
    // only logged, it is not what the tests check.
    if (this.child.pid !== undefined) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    }
    try {
      fs.rmSync(this.profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    } catch (e) {
      process.stderr.write(`chromium test profile ${this.profile} not removed: ${(e as Error).message}\n`);
    }
  }
}
