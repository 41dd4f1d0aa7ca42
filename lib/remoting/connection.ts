/**
 * Contract. Owns: one TCP connection speaking RemotingCommand frames both ways — decoding, dispatching the peer's
 * requests to the host's registry and answering them, writing frames (corked per tick), our own requests matched
 * by opaque with their timeouts, and closing. Read back-pressure and the budget report live in flow-control.ts.
 */
import type * as net from 'node:net';
import {
  createResponse,
  decodeCommand,
  encodeCommandParts,
  FLAG_RESPONSE,
  isOneway,
  isResponse,
  SerializeType,
  type RemotingCommand,
} from '../../protocol/command';
import { FrameDecoder } from '../../protocol/frame';
import { isProtocolError } from '../../protocol/errors';
import { ResponseCode } from '../../protocol/codes';
import type { Logger } from '../common';
import { RemotingError } from './errors';
import type { BudgetMember, MemoryBudget } from './budget';
import { ReadFlow } from './flow-control';
import type { ConnectionLimits } from './limits';
import { notSupportedRemark, SUSPENDED, type ProcessorLookup, type ProcessorResult, type RequestContextOf } from './processor-contract';

export interface ConnectionHost {
  /** The server's or client's ProcessorRegistry (typed by what we use of it, so this file need not import it). */
  readonly registry: ProcessorLookup<Connection>;
  readonly limits: ConnectionLimits;
  readonly logger: Logger;
  /** MQVersion ordinal written on responses this side creates. */
  readonly version: number;
  /** Process-wide budget of held bytes (servers); a client side has none. */
  readonly budget?: MemoryBudget;
  nextOpaque(): number;
  onClose(conn: Connection, reason: string): void;
  /** Told of every answered request (metrics: Java NettyRemotingAbstract#writeResponse records rpc latency). */
  readonly onResponded?: RespondedObserver;
}

/**
 * `startedAt` is Date.now() when the request was dispatched; `suspended` is true for a request answered after being
 * held (long polling); `oneway` when no response was written.
 */
export type RespondedObserver = (request: RemotingCommand, response: RemotingCommand, startedAt: number, suspended: boolean, oneway: boolean) => void;

interface Pending {
  resolve(cmd: RemotingCommand): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
  code: number;
}

let nextConnectionId = 1;

function normalizeHost(h: string | undefined): string {
  if (h === undefined) return 'unknown';
  return h.startsWith('::ffff:') ? h.slice(7) : h;
}

/** "ip:port" as clients and Java's RemotingHelper show it. */
export function formatAddress(host: string | undefined, port: number | undefined): string {
  const h = normalizeHost(host);
  return h.includes(':') ? `[${h}]:${port ?? 0}` : `${h}:${port ?? 0}`;
}

/**
 * One TCP connection speaking RemotingCommand frames in both directions: requests from the peer go to the
 * host's processor registry; responses to our own requests are matched by opaque. Back-pressure: reading from
 * the peer pauses while too many of its requests are in flight, too many bytes wait to be written to it, or the
 * process-wide budget says so; frames already read when it pauses wait in a backlog (at most one socket chunk)
 * instead of being processed. What it holds (heldBytes) is reported to the budget; over its own share
 * (connectionBufferedBytesMax) the connection is closed with a log line naming the peer and the bytes.
 */
export class Connection implements BudgetMember {
  readonly id = nextConnectionId++;
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly remoteHost: string;
  readonly remotePort: number;
  /** Per-layer state (e.g. the broker's client channel info). */
  readonly attributes = new Map<string, unknown>();
  private readonly decoder: FrameDecoder;
  private readonly pending = new Map<number, Pending>();
  /** Dispatch time of requests held by their processor (only with an onResponded observer). */
  private suspendedAt: WeakMap<RemotingCommand, number> | undefined;
  /** Read pauses, the backlog and the budget report (flow-control.ts). */
  private readonly flow: ReadFlow;
  private corked = false;
  private closing: string | null = null;
  private readonly closeListeners: ((reason: string) => void)[] = [];
  lastReadAt = Date.now();

  constructor(
    readonly socket: net.Socket,
    private readonly host: ConnectionHost,
  ) {
    this.remoteHost = normalizeHost(socket.remoteAddress);
    this.remotePort = socket.remotePort ?? 0;
    this.remoteAddress = formatAddress(socket.remoteAddress, socket.remotePort);
    this.localAddress = formatAddress(socket.localAddress, socket.localPort);
    this.decoder = new FrameDecoder(host.limits.frameSizeMax);
    this.flow = new ReadFlow({
      owner: this,
      socket,
      limits: host.limits,
      logger: host.logger,
      budget: host.budget,
      onFrame: (payload) => this.onFrame(payload),
      onDecodeError: (e) => this.onDecodeError(e),
    });
    socket.setNoDelay(true);
    if (host.limits.idleTimeoutMs > 0) {
      socket.setTimeout(host.limits.idleTimeoutMs, () => this.close(`idle for ${host.limits.idleTimeoutMs} ms`));
    }
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.flow.onDrain());
    socket.on('end', () => this.flow.onPeerEnd());
    socket.on('error', (e: NodeJS.ErrnoException) => {
      this.host.logger.debug({ remote: this.remoteAddress, err: e.code ?? e.message }, 'connection error');
      this.close(`socket error ${e.code ?? e.message}`);
    });
    socket.on('close', () => this.close('closed by peer'));
  }

  /** MQVersion ordinal this side writes on the responses it creates. */
  get version(): number {
    return this.host.version;
  }

  get closed(): boolean {
    return this.closing !== null;
  }

  /** Number of our requests waiting for an answer. */
  get pendingCount(): number {
    return this.pending.size;
  }

  onClose(listener: (reason: string) => void): void {
    if (this.closing !== null) listener(this.closing);
    else this.closeListeners.push(listener);
  }

  /** Bytes this connection holds for its peer: unsent responses, a partial request frame, unprocessed frames. */
  get heldBytes(): number {
    return this.socket.writableLength + this.decoder.pendingBytes + this.flow.backlogBytes;
  }

  /** BudgetMember: the process-wide budget pauses or resumes reading. */
  setBudgetPaused(paused: boolean): void {
    this.flow.setBudgetPaused(paused);
  }

  private onData(chunk: Buffer): void {
    this.lastReadAt = Date.now();
    try {
      this.decoder.push(chunk, (payload) => this.flow.onFrameOrQueue(payload));
      this.flow.endOfRead();
      this.flow.reportHeld();
    } catch (e) {
      this.onDecodeError(e);
    }
  }

  private onDecodeError(e: unknown): void {
    if (isProtocolError(e)) {
      this.host.logger.warn({ remote: this.remoteAddress, kind: e.kind }, `closing connection: ${e.message}`);
      this.close(`protocol error ${e.kind}`);
    } else {
      this.host.logger.error({ remote: this.remoteAddress, err: e }, 'closing connection after an internal error');
      this.close('internal error');
    }
  }

  private onFrame(payload: Buffer): void {
    if (this.closing !== null) return;
    const cmd = decodeCommand(payload, this.host.limits);
    if (isResponse(cmd)) {
      const p = this.pending.get(cmd.opaque);
      if (p === undefined) {
        this.host.logger.debug({ remote: this.remoteAddress, opaque: cmd.opaque }, 'response matches no request');
        return;
      }
      this.pending.delete(cmd.opaque);
      clearTimeout(p.timer);
      p.resolve(cmd);
      return;
    }
    this.dispatch(cmd);
  }

  private dispatch(request: RemotingCommand): void {
    const processor = this.host.registry.get(request.code);
    if (processor === undefined) {
      this.respond(request, this.errorResponse(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, notSupportedRemark(request.code)));
      return;
    }
    const ctx: RequestContextOf<Connection> = { connection: this, request, receivedAt: Date.now() };
    this.flow.requestStarted();
    let result: ProcessorResult | Promise<ProcessorResult>;
    try {
      result = processor(ctx);
    } catch (e) {
      this.finish(request, this.internalError(request, e), ctx.receivedAt);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (r) => this.finish(request, r, ctx.receivedAt),
        (e: unknown) => this.finish(request, this.internalError(request, e), ctx.receivedAt),
      );
    } else {
      this.finish(request, result, ctx.receivedAt);
    }
  }

  private finish(request: RemotingCommand, result: ProcessorResult, startedAt: number): void {
    this.flow.inFlight--;
    // Answer first, then read on: frames waiting in the backlog are processed after this answer is written.
    if (result === SUSPENDED) {
      if (this.host.onResponded !== undefined) (this.suspendedAt ??= new WeakMap()).set(request, startedAt);
    } else {
      this.respond(request, result, startedAt);
    }
    this.flow.resumeIfInFlightBelowMax();
  }

  private internalError(request: RemotingCommand, e: unknown): RemotingCommand {
    this.host.logger.error({ remote: this.remoteAddress, code: request.code, err: e }, 'processor failed');
    const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return this.errorResponse(request, ResponseCode.SYSTEM_ERROR, msg);
  }

  /** A response with a code and remark to `request`, in its serialization. */
  errorResponse(request: RemotingCommand, code: number, remark: string): RemotingCommand {
    return createResponse(request, code, remark, this.host.version);
  }

  /**
   * Writes `response` as the answer to `request` (its opaque, the response flag, and the request's serialization
   * unless the code does not fit int16). Nothing is written for a oneway request, as in Java.
   */
  respond(request: RemotingCommand, response: RemotingCommand, startedAt?: number): void {
    const observe = this.host.onResponded;
    if (observe !== undefined) {
      const held = startedAt === undefined ? this.suspendedAt?.get(request) : undefined;
      if (held !== undefined) this.suspendedAt!.delete(request);
      const t0 = startedAt ?? held;
      if (t0 !== undefined) observe(request, response, t0, held !== undefined, isOneway(request));
    }
    if (isOneway(request)) return;
    response.opaque = request.opaque;
    response.flag |= FLAG_RESPONSE;
    response.serializeType =
      request.serializeType === SerializeType.ROCKETMQ && (response.code > 32767 || response.code < -32768)
        ? SerializeType.JSON
        : request.serializeType;
    this.write(response);
  }

  /** Writes one frame. Frames written in the same tick are flushed with one writev. */
  write(cmd: RemotingCommand): boolean {
    if (this.closing !== null) return false;
    let parts: Buffer[];
    try {
      parts = encodeCommandParts(cmd);
    } catch (e) {
      this.host.logger.error({ remote: this.remoteAddress, code: cmd.code, err: e }, 'cannot encode frame');
      return false;
    }
    const s = this.socket;
    if (!this.corked) {
      this.corked = true;
      s.cork();
      process.nextTick(() => {
        this.corked = false;
        s.uncork();
        if (this.host.budget !== undefined) this.flow.queueHeldCheck();
      });
    }
    for (let i = 0; i < parts.length; i++) s.write(parts[i]!);
    this.flow.afterWrite(s.writableLength);
    return true;
  }

  /** Sends a request and resolves with the peer's response (whatever its code). */
  invoke(request: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    return new Promise((resolve, reject) => {
      if (this.closing !== null) {
        reject(new RemotingError('CLOSED', `connection to ${this.remoteAddress} is closed (${this.closing})`));
        return;
      }
      if (this.pending.size >= this.host.limits.pendingRequestsMax) {
        reject(
          new RemotingError(
            'PENDING_FULL',
            `${this.pending.size} requests to ${this.remoteAddress} await answers (pendingRequestsMax ${this.host.limits.pendingRequestsMax})`,
          ),
        );
        return;
      }
      const opaque = this.host.nextOpaque();
      request.opaque = opaque;
      request.flag &= ~FLAG_RESPONSE;
      const timer = setTimeout(() => {
        if (this.pending.delete(opaque)) {
          reject(
            new RemotingError('TIMEOUT', `no answer from ${this.remoteAddress} to request code ${request.code} within ${timeoutMs} ms`),
          );
        }
      }, timeoutMs);
      timer.unref();
      this.pending.set(opaque, { resolve, reject, timer, code: request.code });
      if (!this.write(request)) {
        this.pending.delete(opaque);
        clearTimeout(timer);
        reject(new RemotingError('SEND', `cannot send request code ${request.code} to ${this.remoteAddress}`));
      }
    });
  }

  /** Sends a oneway request (flag bit 1); no answer is expected. */
  invokeOneway(request: RemotingCommand): boolean {
    request.opaque = this.host.nextOpaque();
    request.flag = (request.flag | 2) & ~FLAG_RESPONSE;
    return this.write(request);
  }

  close(reason = 'closed'): void {
    if (this.closing !== null) return;
    this.closing = reason;
    const err = new RemotingError('CLOSED', `connection to ${this.remoteAddress} closed: ${reason}`);
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
    this.flow.clear();
    this.socket.destroy();
    this.host.budget?.remove(this);
    this.host.onClose(this, reason);
    for (const l of this.closeListeners.splice(0)) {
      try {
        l(reason);
      } catch (e) {
        this.host.logger.error({ err: e }, 'close listener failed');
      }
    }
  }
}
