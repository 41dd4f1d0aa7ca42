import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../../lib/common';
import type { Target } from './target';

/**
 * The harness side of the suite handshake (see compat-tests/java/suites/.../BrokerControl.java and the Go suite's
 * control.go). A suite that needs the broker killed mid-test writes <dir>/request-<id>.json (atomically, by
 * rename) and waits for <dir>/response-<id>.json:
 *
 *   request  {"id":7,"action":"kill-restart-broker","durable":{"group":"g","topic":"t","offsets":{"0":12}}}
 *   response {"id":7,"ok":true,"detail":"..."}   |   {"id":7,"ok":false,"error":"..."}
 *
 * Cluster topology actions (cluster.ts): {"action":"kill-namesrv","index":0}, "start-namesrv" (same),
 * {"action":"kill-broker","brokerName":"broker-a","brokerId":0}, "start-broker" (same).
 *
 * Requests are served one at a time, in arrival order. `durable` makes the harness wait (target hook
 * awaitOffsetsDurable) until the broker has persisted those committed offsets before the SIGKILL; a target
 * without that hook gets the documented fallback: flushConsumerOffsetInterval (5 s) plus a 2 s margin.
 */
export interface ControlRequest {
  id: number;
  action: string;
  durable?: { group: string; topic: string; offsets: Record<string, number> };
  index?: number;
  brokerName?: string;
  brokerId?: number;
}

export interface ControlEvent {
  id: number;
  action: string;
  ok: boolean;
  detail: string;
  durationMs: number;
}

const FALLBACK_DURABLE_WAIT_MS = 7_000;

export class ControlChannel {
  readonly events: ControlEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> = Promise.resolve();
  private readonly seen = new Set<string>();

  constructor(
    readonly dir: string,
    private readonly target: Target,
    private readonly logger: Logger,
    private readonly pollMs = 200,
  ) {
    fs.mkdirSync(dir, { recursive: true });
  }

  start(): this {
    this.timer = setInterval(() => this.scan(), this.pollMs);
    return this;
  }

  /** Stops watching; resolves after a request being served has finished. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.busy;
  }

  private scan(): void {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return;
    }
    for (const n of names.sort()) {
      if (!/^request-\d+\.json$/.test(n) || this.seen.has(n)) continue;
      this.seen.add(n);
      this.busy = this.busy.then(() => this.serve(path.join(this.dir, n)));
    }
  }

  private async serve(file: string): Promise<void> {
    const t0 = Date.now();
    let req: ControlRequest;
    try {
      req = JSON.parse(fs.readFileSync(file, 'utf8')) as ControlRequest;
    } catch (e) {
      this.logger.error({ file, err: String(e) }, 'unreadable control request');
      return;
    }
    let ok = true;
    let detail = '';
    try {
      detail = await this.handle(req);
    } catch (e) {
      ok = false;
      detail = e instanceof Error ? e.message : String(e);
    }
    const durationMs = Date.now() - t0;
    this.events.push({ id: req.id, action: req.action, ok, detail, durationMs });
    this.logger.info({ id: req.id, action: req.action, ok, durationMs }, 'served control request');
    const body = ok ? { id: req.id, ok, detail } : { id: req.id, ok, error: detail };
    const out = path.join(this.dir, `response-${req.id}.json`);
    fs.writeFileSync(`${out}.tmp`, JSON.stringify(body));
    fs.renameSync(`${out}.tmp`, out);
  }

  private async handle(req: ControlRequest): Promise<string> {
    const c = this.target.control;
    switch (req.action) {
      case 'kill-restart-broker': {
        if (c.killAndRestartBroker === undefined) throw new Error(`target ${this.target.name} cannot kill and restart its broker`);
        let durable = 'no durability wait requested';
        if (req.durable !== undefined) {
          const offsets: Record<number, number> = {};
          for (const [q, o] of Object.entries(req.durable.offsets)) offsets[Number(q)] = o;
          if (c.awaitOffsetsDurable !== undefined) {
            const t = Date.now();
            await c.awaitOffsetsDurable({ group: req.durable.group, topic: req.durable.topic, offsets, timeoutMs: 30_000 });
            durable = `offsets durable after ${Date.now() - t} ms`;
          } else {
            await new Promise((r) => setTimeout(r, FALLBACK_DURABLE_WAIT_MS));
            durable = `target has no durability probe: waited ${FALLBACK_DURABLE_WAIT_MS} ms (flushConsumerOffsetInterval + margin)`;
          }
        }
        const t = Date.now();
        await c.killAndRestartBroker();
        return `${durable}; broker SIGKILLed and ready again after ${Date.now() - t} ms`;
      }
      case 'restart-broker': {
        if (c.restartBroker === undefined) throw new Error(`target ${this.target.name} cannot restart its broker`);
        await c.restartBroker();
        return 'broker restarted';
      }
      case 'kill-namesrv':
      case 'start-namesrv': {
        const hook = req.action === 'kill-namesrv' ? c.killNamesrv : c.startNamesrv;
        if (hook === undefined || req.index === undefined) throw new Error(`target ${this.target.name} cannot ${req.action} (or no "index")`);
        await hook(req.index);
        return `${req.action} #${req.index} done`;
      }
      case 'kill-broker':
      case 'start-broker': {
        const hook = req.action === 'kill-broker' ? c.killBroker : c.startBroker;
        if (hook === undefined || req.brokerName === undefined || req.brokerId === undefined) throw new Error(`target ${this.target.name} cannot ${req.action} (or no brokerName/brokerId)`);
        await hook(req.brokerName, req.brokerId);
        return `${req.action} ${req.brokerName}/${req.brokerId} done`;
      }
      default:
        throw new Error(`unknown control action "${req.action}"`);
    }
  }
}
