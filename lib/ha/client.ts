import * as net from 'node:net';
import type { Logger } from '../common';
import { FlowMonitor } from './flow-monitor';
import { HaProtocolError, TransferDecoder, encodeReport, type TransferParts } from './protocol';
import type { ReplicaAppendResult } from '../store';
import type { HaConfig, HaStore } from './types';

/**
 * The slave's HA client (Java: DefaultHAClient): connects to the master's HA port, reports its max physical
 * offset, appends what the master streams at exactly that offset, reports again, and reconnects after any fault.
 *
 * Contract. Owns: the one connection to the master, its decoder and the queue of transfers waiting to be appended.
 *   May call: the store's replica appends (HaStore), node:net, the logger. Invariants: transfers are appended in
 *   order (contiguous queued ones joined into one append of at most HA_APPEND_BYTES_MAX plus one transfer, each
 *   byte copied once), at most HA_APPENDS_IN_FLIGHT_MAX appends handed to the store at once, each starting where
 *   the previous one ends, and the offset is reported as each completes (in order); a transfer whose offset is not
 *   where the slave's log will end (its max offset with nothing in flight; unless the slave's log is empty, as
 *   Java) or that the store refuses closes the connection with a log line and the client reconnects from its own
 *   max offset once no append is in flight; bytes buffered per connection stay under bodyBytesMax + queuedBytesMax
 *   (the socket is paused above it) plus the appends in flight (HA_APPENDS_IN_FLIGHT_MAX of at most
 *   HA_APPEND_BYTES_MAX + bodyBytesMax each); nothing read for haHousekeepingInterval closes the connection; after a close the client waits
 *   reconnectDelayMs before connecting again (Java: closeMasterAndWait, 5 s); a store that stopped taking replicated
 *   bytes (a failed write, e.g. disk full) ends replication for this process with one error line (Java ignores
 *   appendToCommitLog's result; Apogee stops instead of leaving a hole).
 */

/** The largest transfer body accepted, in bytes (Java: DefaultHAClient READ_MAX_BUFFER_SIZE). */
export const HA_TRANSFER_BODY_BYTES_MAX = 4 * 1024 * 1024;
/** Received transfers waiting for the store, in bytes, above which the socket is paused. */
export const HA_QUEUED_BYTES_MAX = 8 * 1024 * 1024;
/** Queued contiguous transfers joined into one store append stop growing at this size, in bytes. */
export const HA_APPEND_BYTES_MAX = 1024 * 1024;
/**
 * Store appends handed over before the first completes, one per event-loop turn: the next joined batch is parsed
 * while the previous ones are written (the store keeps them in order). Appending one at a time, the slave's main
 * thread sat 35-45% idle during a 1 GiB catch-up, waiting on each write (measured: ~9 ms per 2 MiB writev under
 * load); Java's DefaultHAClient copies into the page-cache mapping on its own thread while ReputMessageService
 * dispatches on another.
 */
export const HA_APPENDS_IN_FLIGHT_MAX = 4;
/** Wait after a failed connection or a closed one before connecting again, in ms (Java: 5 s). */
export const HA_RECONNECT_DELAY_MS = 5000;
const TICK_MS = 200;

export interface HaClientOptions {
  store: HaStore;
  config: HaConfig;
  logger: Logger;
  now?: () => number;
  reconnectDelayMs?: number;
}

export class HaClient {
  private masterHaAddress: string | undefined;
  private socket: net.Socket | undefined;
  private readonly decoder = new TransferDecoder(HA_TRANSFER_BODY_BYTES_MAX);
  private queue: TransferParts[] = [];
  private queuedBytes = 0;
  /** Appends handed to the store and not yet completed, and where the log ends once they are. */
  private inFlight = 0;
  private appendEnd = 0;
  private drainScheduled = false;
  private currentReportedOffset = 0;
  private stopped = true;
  private tick: NodeJS.Timeout | undefined;
  private nextConnectAt = 0;
  private connecting = false;
  /** The store stopped taking replicated bytes (a failed write): no more connections until the slave restarts. */
  private storeStopped: string | undefined;
  lastReadTimestamp = 0;
  lastWriteTimestamp = 0;
  /** Store appends made (each may join several queued transfers, see HA_APPEND_BYTES_MAX). */
  appendCalls = 0;
  /** The most appends seen in flight at once (bounded by HA_APPENDS_IN_FLIGHT_MAX). */
  inFlightPeak = 0;
  private readonly now: () => number;
  private readonly o: HaClientOptions;
  /** Bytes read from the master per second, every byte read counted (Java: DefaultHAClient's FlowMonitor). */
  private readonly flow: FlowMonitor;

  constructor(o: HaClientOptions) {
    this.o = o;
    this.now = o.now ?? Date.now;
    this.flow = new FlowMonitor(this.now);
  }

  get connected(): boolean {
    return this.socket !== undefined && !this.connecting;
  }

  /** Bytes of received transfers waiting for the store (bounded by HA_QUEUED_BYTES_MAX plus one read). */
  get queuedBytesNow(): number {
    return this.queuedBytes;
  }

  /** Why replication stopped for good in this process (a failed replicated write), or undefined. */
  get stoppedReason(): string | undefined {
    return this.storeStopped;
  }

  get haMasterAddress(): string | undefined {
    return this.masterHaAddress;
  }

  /** Java: DefaultHAClient#updateHaMasterAddress: host:port of the master's HA service ('' or undefined: none). */
  updateHaMasterAddress(addr: string | undefined): void {
    const next = addr === '' ? undefined : addr;
    if (next === this.masterHaAddress) return;
    this.o.logger.info({ old: this.masterHaAddress, new: next }, 'update master ha address');
    this.masterHaAddress = next;
    this.close('master HA address changed');
    this.nextConnectAt = 0;
  }

  start(): void {
    this.stopped = false;
    this.tick = setInterval(() => this.onTick(), TICK_MS);
    this.tick.unref();
    this.onTick();
  }

  stop(): void {
    this.stopped = true;
    if (this.tick !== undefined) clearInterval(this.tick);
    this.tick = undefined;
    this.close('slave stops');
  }

  private onTick(): void {
    if (this.stopped) return;
    const c = this.o.config;
    if (this.socket === undefined) {
      if (this.storeStopped !== undefined || this.inFlight > 0) return;
      if (this.masterHaAddress !== undefined && this.now() >= this.nextConnectAt) this.connect(this.masterHaAddress);
      return;
    }
    if (this.connecting) return;
    if (this.now() - this.lastReadTimestamp > c.haHousekeepingInterval) {
      this.close(`housekeeping: nothing read from the master for more than haHousekeepingInterval ${c.haHousekeepingInterval} ms`);
      return;
    }
    if (this.now() - this.lastWriteTimestamp > c.haSendHeartbeatInterval) this.report(this.currentReportedOffset);
  }

  private connect(addr: string): void {
    const i = addr.lastIndexOf(':');
    const port = Number(addr.slice(i + 1));
    if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
      this.o.logger.error({ addr }, 'master HA address is not host:port');
      this.nextConnectAt = this.now() + (this.o.reconnectDelayMs ?? HA_RECONNECT_DELAY_MS);
      return;
    }
    const socket = net.connect({ host: addr.slice(0, i), port });
    this.socket = socket;
    this.connecting = true;
    socket.setNoDelay(true);
    socket.on('connect', () => {
      this.connecting = false;
      this.o.logger.info({ master: addr }, 'HAClient connect to master');
      this.lastReadTimestamp = this.now();
      this.currentReportedOffset = this.o.store.getMaxPhyOffset();
      this.report(this.currentReportedOffset);
    });
    socket.on('data', (chunk: Buffer) => this.onData(socket, chunk));
    socket.on('error', (err) => {
      if (this.socket === socket) this.o.logger.warn({ master: addr, err: err.message }, 'HAClient connection error');
    });
    socket.on('close', () => {
      if (this.socket === socket) this.close('connection closed');
    });
  }

  private report(offset: number): void {
    const s = this.socket;
    if (s === undefined || this.connecting) return;
    s.write(encodeReport(offset));
    this.lastWriteTimestamp = this.now();
  }

  private onData(socket: net.Socket, chunk: Buffer): void {
    if (socket !== this.socket) return;
    this.lastReadTimestamp = this.now();
    this.flow.add(chunk.length);
    let transfers: TransferParts[];
    try {
      transfers = this.decoder.pushParts(chunk);
    } catch (e) {
      this.close(`bad data from the master: ${(e as HaProtocolError).message}`);
      return;
    }
    for (const t of transfers) {
      this.queue.push(t);
      this.queuedBytes += t.size;
    }
    if (this.queuedBytes > HA_QUEUED_BYTES_MAX) socket.pause();
    if (!this.drainScheduled) this.drain(socket);
  }

  /**
   * Java: dispatchReadRequest: hands queued transfers to the store in order (contiguous ones joined), up to
   * HA_APPENDS_IN_FLIGHT_MAX appends at once; reports the new max offset as each completes.
   */
  private drain(socket: net.Socket): void {
    this.drainScheduled = false;
    while (this.inFlight < HA_APPENDS_IN_FLIGHT_MAX && this.queue.length > 0 && socket === this.socket) {
      const t = this.queue.shift()!;
      this.queuedBytes -= t.size;
      const slaveMax = this.inFlight > 0 ? this.appendEnd : this.o.store.getMaxPhyOffset();
      if (slaveMax !== 0 && slaveMax !== t.phyOffset) {
        this.close(`master pushed offset not equal the max phy offset in slave, SLAVE: ${slaveMax} MASTER: ${t.phyOffset}`);
        return;
      }
      if (t.size === 0) continue;
      // Transfers already queued right after this one go to the store in the same append (one write instead
      // of one per haTransferBatchSize): the store parses the bytes as one stream, across files.
      const parts = [...t.parts];
      let bytes = t.size;
      while (bytes < HA_APPEND_BYTES_MAX && this.queue.length > 0 && this.queue[0]!.size > 0 && this.queue[0]!.phyOffset === t.phyOffset + bytes) {
        const next = this.queue.shift()!;
        this.queuedBytes -= next.size;
        for (const p of next.parts) parts.push(p);
        bytes += next.size;
      }
      this.appendCalls++;
      this.inFlight++;
      this.inFlightPeak = Math.max(this.inFlightPeak, this.inFlight);
      this.appendEnd = t.phyOffset + bytes;
      const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts, bytes);
      this.o.store.replica.append(t.phyOffset, data).then(
        (r) => this.appended(socket, t.phyOffset, r),
        (e: unknown) => this.appended(socket, t.phyOffset, { ok: false, reason: (e as Error).message }),
      );
      // One append per event-loop turn: the store's writer (scheduled for the end of this turn) starts writing
      // this one before the next is parsed, so parsing and writing overlap instead of sharing one write.
      if (this.inFlight < HA_APPENDS_IN_FLIGHT_MAX && this.queue.length > 0 && !this.drainScheduled) {
        this.drainScheduled = true;
        setImmediate(() => {
          const now = this.socket;
          if (now === undefined) this.drainScheduled = false;
          else this.drain(now);
        });
      }
      break;
    }
    if (this.queuedBytes <= HA_QUEUED_BYTES_MAX / 2 && socket.isPaused() && socket === this.socket) socket.resume();
  }

  /** One append completed (appends complete in the order they were made). */
  private appended(socket: net.Socket, phy: number, r: ReplicaAppendResult): void {
    this.inFlight--;
    if (!r.ok) {
      if (r.stopped === true && this.storeStopped === undefined) {
        this.storeStopped = r.reason;
        this.o.logger.error({ master: this.masterHaAddress, offset: phy, reason: r.reason }, 'HAClient: a replicated write failed; replication stops until the slave restarts (the log keeps only whole records; check the disk)');
      }
      if (socket === this.socket) this.close(`append refused: ${r.reason}`, 'error');
      return;
    }
    if (socket !== this.socket) return;
    const max = this.o.store.getMaxPhyOffset();
    if (max > this.currentReportedOffset) {
      this.currentReportedOffset = max;
      this.report(max);
    }
    if (!this.drainScheduled) this.drain(socket);
  }

  private close(why: string, level: 'info' | 'error' = 'info'): void {
    const s = this.socket;
    if (s === undefined) return;
    this.socket = undefined;
    this.connecting = false;
    s.destroy();
    this.decoder.reset();
    this.queue = [];
    this.queuedBytes = 0;
    this.nextConnectAt = this.now() + (this.o.reconnectDelayMs ?? HA_RECONNECT_DELAY_MS);
    this.o.logger[level]({ master: this.masterHaAddress, why }, 'HAClient close connection with master');
  }

  /** Java: DefaultHAService#getRuntimeInfo (slave part) / HARuntimeInfo.HAClientRuntimeInfo. */
  runtimeInfo(): ClientRuntimeInfo {
    return {
      master: false,
      masterCommitLogMaxOffset: 0,
      inSyncSlaveNums: 0,
      haConnectionInfo: [],
      haClientRuntimeInfo: {
        masterAddr: this.masterHaAddress ?? '',
        transferredByteInSecond: this.flow.transferredByteInSecond,
        maxOffset: this.o.store.getMaxPhyOffset(),
        lastReadTimestamp: this.lastReadTimestamp,
        lastWriteTimestamp: this.lastWriteTimestamp,
        masterFlushOffset: 0,
        isActivated: false,
      },
    };
  }
}

export interface ClientRuntimeInfo {
  master: false;
  masterCommitLogMaxOffset: number;
  inSyncSlaveNums: number;
  haConnectionInfo: never[];
  haClientRuntimeInfo: { masterAddr: string; transferredByteInSecond: number; maxOffset: number; lastReadTimestamp: number; lastWriteTimestamp: number; masterFlushOffset: number; isActivated: boolean };
}
