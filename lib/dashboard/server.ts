import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RocketClient } from '../client';
import type { Logger } from '../common';
import * as api from './api';
import { PAGE_HTML } from './page';

/**
 * The dashboard's HTTP server (node:http, opt-in: apogeeDashboardPort > 0). One page (GET /) and JSON endpoints:
 *   GET  /api/cluster                      brokers of every cluster (clusterList)
 *   GET  /api/topics                       topics with queue count and message count (topicList + topicStatus)
 *   GET  /api/topic?topic=T                each queue's min/max offset (topicStatus)
 *   GET  /api/groups                       consumer groups with lag per queue and connections (consumerProgress)
 *   GET  /api/producers?group=G            producer connections of a group (producerConnection)
 *   GET  /api/message?topic=T&key=K&charset=C     messages by key (queryMsgByKey), body decoded with charset C
 *   GET  /api/message?id=I[&topic=T]&charset=C    a message by offset msgId or client id (queryMsgById)
 *   POST /api/reset-offset {group, topic, timestamp}     resetOffsetByTime (timestamp ms; -1 = the newest)
 *   POST /api/send {topic, body, tags?, keys?}            sendMessage (body as UTF-8)
 * Every answer is JSON; an error is {error: "what went wrong and what to do"} with 400 (bad input), 404 (no such
 * topic/group), 405, 413 (body over dashboardRequestBytesMax), 415 (a POST that is not application/json) or 502
 * (the cluster did not answer as expected). POSTs must be application/json and, when the browser sends an Origin,
 * come from this page's own origin: a page elsewhere cannot make the browser reset offsets (CSRF). Listening on
 * loopback, requests naming another Host are 403 (DNS rebinding).
 * Data comes only through a RocketClient against the NameServer (see api.ts).
 */
export interface DashboardOptions {
  /** 0 = an ephemeral port (tests); the broker wiring starts it only for apogeeDashboardPort > 0. */
  port: number;
  /** Listen address; 127.0.0.1 by default (apogeeDashboardHost). */
  host: string;
  namesrvAddr: string;
  logger: Logger;
  /** Timeout of each remoting call the dashboard makes, ms. */
  requestTimeoutMs?: number;
}

/** Largest POST body the dashboard reads, bytes (a test message body plus its fields). */
export const DASHBOARD_REQUEST_BYTES_MAX = 1024 * 1024;

type Json = Record<string, unknown>;

export class Dashboard {
  private readonly server: http.Server;
  private readonly client: RocketClient;

  constructor(private readonly o: DashboardOptions) {
    this.client = new RocketClient({ namesrvAddr: o.namesrvAddr, logger: o.logger, timeoutMs: o.requestTimeoutMs ?? 5000, producerGroup: 'APOGEE_DASHBOARD' });
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => this.fail(res, e));
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.o.port, this.o.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.o.logger.info({ url: this.url }, 'dashboard serving');
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    const h = this.o.host.includes(':') ? `[${this.o.host}]` : this.o.host;
    return `http://${h}:${this.port}/`;
  }

  async close(): Promise<void> {
    this.client.close();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private send(res: http.ServerResponse, status: number, body: Json | string, type = 'application/json; charset=utf-8'): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.end(text);
  }

  private fail(res: http.ServerResponse, e: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (e instanceof api.ApiError) return this.send(res, e.status, { error: e.message });
    this.o.logger.warn({ err: e }, 'dashboard request failed');
    this.send(res, 502, { error: `the cluster did not answer as expected: ${e instanceof Error ? e.message : String(e)}` });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!this.hostAllowed(req.headers.host)) {
      return this.send(res, 403, { error: `Host ${req.headers.host ?? '(none)'} refused: the dashboard listens on ${this.o.host}; open it as ${this.url}` });
    }
    const url = new URL(req.url ?? '/', 'http://dashboard');
    const q = (k: string): string | undefined => url.searchParams.get(k) ?? undefined;
    const c = this.client;
    const get = req.method === 'GET' || req.method === 'HEAD';
    switch (url.pathname) {
      case '/':
      case '/index.html':
        if (!get) return this.send(res, 405, { error: 'GET only' });
        return this.send(res, 200, PAGE_HTML, 'text/html; charset=utf-8');
      case '/api/cluster':
        if (!get) return this.send(res, 405, { error: 'GET only' });
        return this.send(res, 200, { ...(await api.cluster(c)) });
      case '/api/topics':
        if (!get) return this.send(res, 405, { error: 'GET only' });
        return this.send(res, 200, { ...(await api.topics(c)) });
      case '/api/topic':
        if (!get) return this.send(res, 405, { error: 'GET only' });
        return this.send(res, 200, { queues: await api.topicQueues(c, need(q('topic'), 'topic')) });
      case '/api/groups':
        if (!get) return this.send(res, 405, { error: 'GET only' });
        return this.send(res, 200, { ...(await api.groups(c)) });
      case '/api/producers':
        if (!get) return this.send(res, 405, { error: 'GET only' });
        return this.send(res, 200, { ...(await api.producers(c, need(q('group'), 'group'))) });
      case '/api/message': {
        if (!get) return this.send(res, 405, { error: 'GET only' });
        const charset = q('charset') ?? 'UTF-8';
        const id = q('id');
        const msgs = id !== undefined && id !== '' ? await api.messageById(c, id.trim(), q('topic')?.trim(), charset) : await api.messagesByKey(c, need(q('topic'), 'topic'), need(q('key'), 'key (or id)'), charset);
        return this.send(res, 200, { charset, messages: msgs });
      }
      case '/api/reset-offset': {
        const b = await this.jsonBody(req);
        const ts = b.timestamp === undefined || b.timestamp === '' ? -1 : Number(b.timestamp);
        if (!Number.isSafeInteger(ts) || ts < -1) throw new api.ApiError(400, `timestamp must be epoch milliseconds, or -1 for the newest offset; got ${JSON.stringify(b.timestamp)}`);
        const r = await api.resetOffset(c, need(str(b.group), 'group'), need(str(b.topic), 'topic'), ts);
        this.o.logger.info({ group: b.group, topic: b.topic, timestamp: ts, queues: r.queues.length }, 'dashboard: offsets reset');
        return this.send(res, 200, { ...r });
      }
      case '/api/send': {
        const b = await this.jsonBody(req);
        const topic = need(str(b.topic), 'topic');
        if (typeof b.body !== 'string') throw new api.ApiError(400, 'body (a string, sent as UTF-8) is required');
        const tags = str(b.tags);
        const keys = str(b.keys);
        const r = await c.send(topic, Buffer.from(b.body, 'utf8'), { ...(tags ? { tags } : {}), ...(keys ? { keys } : {}) });
        if (r.code !== 0) throw new api.ApiError(502, `send to ${topic} failed: CODE ${r.code} ${r.remark ?? ''}`.trim());
        return this.send(res, 200, { status: 'SEND_OK', msgId: r.msgId, offsetMsgId: r.offsetMsgId, brokerName: r.brokerName, queueId: r.queueId, queueOffset: r.queueOffset });
      }
      default:
        return this.send(res, 404, { error: `no such page: ${url.pathname} (the dashboard is at /)` });
    }
  }

  /**
   * On a loopback address only loopback names are served (localhost, 127.0.0.1, [::1]): a page elsewhere whose
   * name an attacker points at 127.0.0.1 (DNS rebinding) cannot read the dashboard. On any other listen address
   * (the operator opened it) every Host is served.
   */
  private hostAllowed(host: string | undefined): boolean {
    if (!/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(this.o.host)) return true;
    if (host === undefined) return false;
    const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
    return /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i.test(name);
  }

  /** A POST's JSON object body: 405 unless POST, 415 unless application/json, 403 cross-origin, 413 over the limit. */
  private async jsonBody(req: http.IncomingMessage): Promise<Json> {
    if (req.method !== 'POST') throw new api.ApiError(405, 'POST only');
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) throw new api.ApiError(415, 'send the fields as JSON with Content-Type: application/json');
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host ?? ''}`) throw new api.ApiError(403, `cross-origin request from ${origin} refused: use the dashboard page itself`);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > DASHBOARD_REQUEST_BYTES_MAX) throw new api.ApiError(413, `request body over ${DASHBOARD_REQUEST_BYTES_MAX} bytes (DASHBOARD_REQUEST_BYTES_MAX)`);
      chunks.push(chunk as Buffer);
    }
    let v: unknown;
    try {
      v = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (e) {
      throw new api.ApiError(400, `request body is not JSON: ${(e as Error).message}`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new api.ApiError(400, 'request body must be a JSON object');
    return v as Json;
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : undefined;
}

function need(v: string | undefined, name: string): string {
  if (v === undefined || v.trim() === '') throw new api.ApiError(400, `${name} is required`);
  return v.trim();
}
