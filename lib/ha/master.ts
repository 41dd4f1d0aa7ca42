import * as net from 'node:net';
import type { Logger } from '../common';
import { FlowMonitor } from './flow-monitor';
import { HaProtocolError, ReportDecoder, encodeTransferHeader } from './protocol';
import type { HaConfig, HaStore } from './types';

/**
 * The master's HA service (Java: DefaultHAService + AcceptSocketService + DefaultHAConnection + GroupTransferService):
 * accepts slaves on haListenPort, streams each its commit log from where it asks, tracks what each has acked and
 * answers the SYNC_MASTER wait.
 *
 * Contract. Owns: the listening socket, one HaConnection per slave (several at once, at most connectionsMax), the
 *   acked offsets and the pending SYNC_MASTER waits. May call: the store's replica reads (HaStore), node:net, the
 *   logger. Invariants: a connection sends nothing until its slave's first report, then starts where Java does
 *   (reported offset; a slave reporting 0 gets the start of the master's last commit log file); bytes are pushed
 *   in order, at most haTransferBatchSize per transfer and never across a file (read from the store up to
 *   HA_READ_AHEAD_BYTES at a time, written bytes only), and at most one transfer sits in
 *   the socket's buffer (writeBufferedBytesMax); bad input (a report out of range) or nothing read for
 *   haHousekeepingInterval closes that connection with a log line, never the service; every wait is answered
 *   exactly once (true when enough replicas acked, false at its deadline or on stop).
 */

/** Slaves connected at once; more are refused (closed) with a log line. */
export const HA_CONNECTIONS_MAX = 64;
/** Bytes one store read fetches ahead for a slave's next transfers (each still at most haTransferBatchSize). */
export const HA_READ_AHEAD_BYTES = 1024 * 1024;
/** The longest a pusher sleeps without new data before looking again (Java: allWaitForRunning(100)), in ms. */
const IDLE_WAIT_MS = 100;

interface AckWait {
  next: number;
  acks: number;
  deadline: number;
  resolve(ok: boolean): void;
}

export class HaConnection {
  slaveRequestOffset = -1;
  slaveAckOffset = -1;
  nextTransferFromWhere = -1;
  lastReadAt: number;
  lastWriteAt: number;
  transferredBytes = 0;
  /**
   * Bytes written to this slave per second (Java: DefaultHAConnection's FlowMonitor). Java 5.5.0 adds only the
   * 12-byte header writes to it (WriteSocketService#transferData's body loop adds nothing); Apogee counts header
   * and body, so haStatus shows the real rate.
   */
  readonly flow: FlowMonitor;
  /** Store reads made for this slave (each covers up to HA_READ_AHEAD_BYTES of transfers). */
  storeReads = 0;
  closed = false;
  private ahead: { at: number; buf: Buffer } | undefined;
  private readonly reports = new ReportDecoder();
  private wake: (() => void) | undefined;

  constructor(
    readonly addr: string,
    private readonly socket: net.Socket,
    private readonly svc: HaMasterService,
  ) {
    this.lastReadAt = svc.now();
    this.lastWriteAt = svc.now();
    this.flow = new FlowMonitor(svc.now);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => svc.logger.info({ slave: addr, err: err.message }, 'HA connection error'));
    socket.on('close', () => this.close('closed by the slave'));
    void this.pushLoop();
  }

  private onData(chunk: Buffer): void {
    this.lastReadAt = this.svc.now();
    let offsets: number[];
    try {
      offsets = this.reports.push(chunk);
    } catch (e) {
      this.close(`bad report: ${(e as HaProtocolError).message}`);
      return;
    }
    if (offsets.length === 0) return;
    const offset = offsets[offsets.length - 1]!;
    this.slaveAckOffset = offset;
    if (this.slaveRequestOffset < 0) {
      this.slaveRequestOffset = offset;
      this.svc.logger.info({ slave: this.addr, offset }, 'slave request offset');
      const max = this.svc.store.getMaxPhyOffset();
      if (offset > max) {
        // Java 5.5 DefaultHAConnection neither truncates nor refuses a slave ahead of its master: it pushes from
        // the slave's offset once the master's log gets there. Same here, said loudly.
        this.svc.logger.warn({ slave: this.addr, slaveOffset: offset, masterMaxOffset: max }, 'slave commit log is ahead of the master: nothing is sent until the master reaches its offset (as Java 5.5); check the slave');
      }
      this.wakeup();
    }
    this.svc.onAck();
  }

  wakeup(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => this.wakeup(), ms);
      t.unref();
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  /** Writes `head` and `body` as one transfer (one writev, the body not copied); resolves once the socket drained. */
  private write(head: Buffer, body?: Buffer): Promise<void> {
    const n = head.length + (body?.length ?? 0);
    this.lastWriteAt = this.svc.now();
    this.transferredBytes += n;
    this.flow.add(n);
    let ok: boolean;
    if (body === undefined) ok = this.socket.write(head);
    else {
      this.socket.cork();
      this.socket.write(head);
      ok = this.socket.write(body);
      this.socket.uncork();
    }
    if (ok) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  /**
   * The next at most `batch` bytes from nextTransferFromWhere. One store read fetches up to HA_READ_AHEAD_BYTES (never
   * across a file, only written bytes, which never change) and the following transfers are cut from it, so a slave
   * catching up costs one read per HA_READ_AHEAD_BYTES instead of one per haTransferBatchSize.
   */
  private async nextData(batch: number): Promise<Buffer | undefined> {
    const from = this.nextTransferFromWhere;
    let a = this.ahead;
    if (a === undefined || from < a.at || from >= a.at + a.buf.length) {
      this.ahead = undefined;
      const buf = await this.svc.store.replica.read(from, Math.max(batch, HA_READ_AHEAD_BYTES));
      if (buf === undefined || buf.length === 0) return undefined;
      a = { at: from, buf };
      this.ahead = a;
      this.storeReads++;
    }
    const rel = from - a.at;
    return a.buf.subarray(rel, Math.min(a.buf.length, rel + batch));
  }

  /** Java: WriteSocketService#run. */
  private async pushLoop(): Promise<void> {
    const c = this.svc.config;
    try {
      while (!this.closed) {
        if (this.svc.now() - this.lastReadAt > c.haHousekeepingInterval) {
          this.close(`ha housekeeping: nothing read for more than haHousekeepingInterval ${c.haHousekeepingInterval} ms`);
          break;
        }
        if (this.slaveRequestOffset < 0) {
          await this.sleep(IDLE_WAIT_MS);
          continue;
        }
        if (this.nextTransferFromWhere < 0) {
          let from = this.slaveRequestOffset;
          if (from === 0) {
            const max = this.svc.store.getMaxPhyOffset();
            from = Math.max(0, max - (max % c.mappedFileSizeCommitLog));
          }
          this.nextTransferFromWhere = from;
          this.svc.logger.info({ slave: this.addr, from, slaveRequest: this.slaveRequestOffset }, 'master transfers data to the slave');
        }
        const data = await this.nextData(c.haTransferBatchSize);
        if (this.closed) break;
        if (data !== undefined && data.length > 0) {
          const at = this.nextTransferFromWhere;
          this.nextTransferFromWhere += data.length;
          await this.write(encodeTransferHeader(at, data.length), data);
          continue;
        }
        if (this.svc.now() - this.lastWriteAt > c.haSendHeartbeatInterval) await this.write(encodeTransferHeader(this.nextTransferFromWhere, 0));
        await this.sleep(IDLE_WAIT_MS);
      }
    } catch (e) {
      this.close(`push failed: ${(e as Error).message}`);
    }
  }

  close(why: string): void {
    if (this.closed) return;
    this.closed = true;
    this.svc.logger.info({ slave: this.addr, why }, 'HA connection closed');
    this.socket.destroy();
    this.wakeup();
    this.svc.remove(this);
  }
}

export class HaMasterService {
  private server: net.Server | undefined;
  readonly connections: HaConnection[] = [];
  private waits: AckWait[] = [];
  private waitTimer: NodeJS.Timeout | undefined;
  /** Java: DefaultHAService#push2SlaveMaxOffset: the highest offset any slave acked. */
  push2SlaveMaxOffset = 0;

  constructor(
    readonly store: HaStore,
    readonly config: HaConfig,
    readonly logger: Logger,
    readonly now: () => number = Date.now,
  ) {}

  /** Listens on `port` (Java binds every interface; pass host to restrict). Resolves with the bound port. */
  start(port: number, host?: string): Promise<number> {
    const server = net.createServer((socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        server.on('error', (err) => this.logger.error({ err }, 'HA server error'));
        const a = server.address();
        const bound = typeof a === 'object' && a !== null ? a.port : port;
        this.logger.info({ port: bound }, 'HA service listening');
        resolve(bound);
      });
    });
  }

  private accept(socket: net.Socket): void {
    const addr = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`.replace(/^::ffff:/, '');
    if (this.connections.length >= HA_CONNECTIONS_MAX) {
      this.logger.warn({ slave: addr, max: HA_CONNECTIONS_MAX }, 'HA connection refused: HA_CONNECTIONS_MAX slaves connected');
      socket.destroy();
      return;
    }
    this.logger.info({ slave: addr }, 'HA service accepts a new connection');
    this.connections.push(new HaConnection(addr, socket, this));
  }

  remove(c: HaConnection): void {
    const i = this.connections.indexOf(c);
    if (i >= 0) this.connections.splice(i, 1);
  }

  /** New data in the commit log: pushers look now instead of at their next idle tick. */
  wakeup(): void {
    for (const c of this.connections) c.wakeup();
  }

  /** A slave acked more (Java: notifyTransferSome + GroupTransferService#doWaitTransfer). */
  onAck(): void {
    for (const c of this.connections) if (c.slaveAckOffset > this.push2SlaveMaxOffset) this.push2SlaveMaxOffset = c.slaveAckOffset;
    if (this.waits.length === 0) return;
    this.waits = this.waits.filter((w) => {
      if (!this.acked(w.next, w.acks)) return true;
      w.resolve(true);
      return false;
    });
  }

  private acked(next: number, acks: number): boolean {
    let n = 1; // the master
    for (const c of this.connections) if (c.slaveAckOffset >= next) n++;
    return n >= acks;
  }

  /** SYNC_MASTER: resolves true once `acks` replicas (master included) hold everything before `next`. */
  waitForAcks(next: number, acks: number, timeoutMs: number): Promise<boolean> {
    if (this.acked(next, acks)) return Promise.resolve(true);
    this.wakeup();
    return new Promise((resolve) => {
      this.waits.push({ next, acks, deadline: this.now() + timeoutMs, resolve });
      this.armWaitTimer();
    });
  }

  private armWaitTimer(): void {
    if (this.waitTimer !== undefined) return;
    this.waitTimer = setInterval(() => {
      const now = this.now();
      this.waits = this.waits.filter((w) => {
        if (w.deadline > now) return true;
        this.logger.warn({ offset: w.next, acks: w.acks }, 'transfer message to slave timeout');
        w.resolve(false);
        return false;
      });
      if (this.waits.length === 0) {
        clearInterval(this.waitTimer);
        this.waitTimer = undefined;
      }
    }, 10);
    this.waitTimer.unref();
  }

  /** Java: DefaultHAService#getRuntimeInfo (master part) / HARuntimeInfo. */
  runtimeInfo(masterPutWhere: number): MasterRuntimeInfo {
    const conns = this.connections.map((c) => {
      const diff = masterPutWhere - c.slaveAckOffset;
      return { addr: c.addr, slaveAckOffset: c.slaveAckOffset, diff, inSync: c.slaveAckOffset >= 0 && diff < this.config.haMaxGapNotInSync, transferredByteInSecond: c.flow.transferredByteInSecond, transferFromWhere: c.nextTransferFromWhere };
    });
    return { master: true, masterCommitLogMaxOffset: masterPutWhere, inSyncSlaveNums: conns.filter((c) => c.inSync).length, haConnectionInfo: conns };
  }

  async stop(): Promise<void> {
    for (const c of [...this.connections]) c.close('master stops');
    for (const w of this.waits) w.resolve(false);
    this.waits = [];
    if (this.waitTimer !== undefined) clearInterval(this.waitTimer);
    this.waitTimer = undefined;
    const s = this.server;
    this.server = undefined;
    if (s !== undefined) await new Promise<void>((r) => s.close(() => r()));
  }
}

export interface MasterRuntimeInfo {
  master: true;
  masterCommitLogMaxOffset: number;
  inSyncSlaveNums: number;
  haConnectionInfo: { addr: string; slaveAckOffset: number; diff: number; inSync: boolean; transferredByteInSecond: number; transferFromWhere: number }[];
}
