import { BLANK_MAGIC_CODE } from '../../protocol/message';
import type { Logger } from '../common';
import type { CommitLog } from './commit-log';
import type { AppendEntry } from './commit-log-state';
import { checkRecord, type DispatchRequest } from './record';
import type { DelayLevelTable } from '../../protocol/message';
import { PutMessageStatus } from './status';

/**
 * Replication's view of the commit log (Java: DefaultMessageStore#getCommitLogData / #appendToCommitLog,
 * CommitLog#getData / #appendData). Used by lib/ha through MessageStore; knows no network.
 *
 * Contract. Owns: the slave's parse state of the replicated byte stream (where the next record starts, the bytes of
 *   a record not yet complete, the blank padding being skipped). May call: the commit log (read, queueReplicated,
 *   resetTo), ./record (checkRecord). Dispatch happens as for local puts: each complete record rides on the entry
 *   that holds its last byte, and the store's dispatcher builds consume queues and index from it once written.
 * Invariants: replicated bytes are written exactly where the master had them (a gap or an overlap is refused);
 *   no entry crosses a commit log file; the bytes kept for an incomplete record never exceed `recordBytesMax`;
 *   data that does not parse as records (or a blank record whose size does not reach its file's end) is refused
 *   whole, nothing of it written.
 */

/** `stopped`: the store takes no more replicated bytes until it is reopened (a write failed, e.g. ENOSPC). */
export type ReplicaAppendResult = { ok: true } | { ok: false; reason: string; stopped?: true };

export interface ReplicaOptions {
  commitLog: CommitLog;
  delays: DelayLevelTable;
  logger: Logger;
  /** Largest record accepted (maxMessageSize + record overhead), in bytes. */
  recordBytesMax: number;
  /** Called when an empty log starts at `offset` (the dispatcher must start there too). */
  onStartAt(offset: number): void;
}

export class ReplicaLog {
  /** Absolute offset of the next record start (or of the padding being skipped). -1 until the first append. */
  private parseAt = -1;
  /** Bytes from parseAt of a record not yet complete. */
  private carry: Buffer = Buffer.alloc(0);
  /** After a blank record: records resume at this offset (the next file's start). */
  private skipTo = -1;
  /** A write failed: the parse state no longer matches the log; refuse until the store is reopened. */
  private broken: string | undefined;
  private readonly o: ReplicaOptions;

  constructor(o: ReplicaOptions) {
    this.o = o;
  }

  /**
   * Java: CommitLog#getData: the written bytes from `offset` to the end of its file (never across files), at most
   * `maxBytes`; undefined when nothing is written at `offset` or it is before the log's start.
   */
  async read(offset: number, maxBytes: number): Promise<Buffer | undefined> {
    const cl = this.o.commitLog;
    if (offset < 0 || offset < cl.minOffset || offset >= cl.writtenOffset || maxBytes <= 0) return undefined;
    const fileEnd = offset - (offset % cl.fileSize) + cl.fileSize;
    const len = Math.min(maxBytes, cl.writtenOffset - offset, fileEnd - offset);
    const buf = await cl.files.read(offset, len);
    if (buf === undefined || buf.length === 0) return undefined;
    return buf;
  }

  /**
   * Java: DefaultMessageStore#appendToCommitLog: appends bytes received from the master at exactly `phy`
   * (= the log's append offset; an empty log starts at `phy` when it is a file start). Resolves once written.
   */
  async append(phy: number, data: Buffer): Promise<ReplicaAppendResult> {
    const cl = this.o.commitLog;
    const fileSize = cl.fileSize;
    if (this.broken !== undefined) return { ok: false, reason: this.broken, stopped: true };
    if (data.length === 0) return { ok: true };
    if (cl.files.segments.length === 0 && cl.appendOffset === cl.writtenOffset && phy !== cl.appendOffset) {
      if (phy % fileSize !== 0) return { ok: false, reason: `an empty commit log can only start at a file start, not at ${phy}` };
      this.o.logger.info({ offset: phy }, 'replica: empty commit log starts at the master\'s offset');
      cl.resetTo(phy);
      this.o.onStartAt(phy);
      this.reset();
    }
    if (phy !== cl.appendOffset) return { ok: false, reason: `master pushed offset ${phy} but the slave's commit log ends at ${cl.appendOffset}` };
    if (this.parseAt !== cl.appendOffset - this.carry.length) this.reset();
    // Find the records completed by this data. A record begun in `carry` is completed from just enough of `data`
    // (joining carry and all of data copied each 1 MiB append once more: 171 ms of a 1 GiB catch-up, measured).
    const done: { end: number; request: DispatchRequest }[] = [];
    const base = this.parseAt;
    let at = base;
    let skipTo = this.skipTo;
    let head: Buffer | undefined;
    if (this.carry.length > 0) {
      const need = this.firstRecordBytes(data) - this.carry.length;
      head = Buffer.concat([this.carry, data.subarray(0, Math.max(0, Math.min(data.length, need)))]);
      const r = this.scan(head, base, at, skipTo, done);
      if (typeof r === 'string') return { ok: false, reason: r };
      [at, skipTo] = r;
    }
    if (at >= phy) {
      const r = this.scan(data, phy, at, skipTo, done);
      if (typeof r === 'string') return { ok: false, reason: r };
      [at, skipTo] = r;
    }
    // Cut the data at record ends and file boundaries; each record rides on the entry holding its last byte.
    const entries: AppendEntry[] = [];
    let from = phy;
    let d = 0;
    const end = phy + data.length;
    while (from < end) {
      const fileEnd = from - (from % fileSize) + fileSize;
      let cut = Math.min(end, fileEnd);
      let request: DispatchRequest | undefined;
      while (d < done.length && done[d]!.end <= from) d++;
      if (d < done.length && done[d]!.end <= cut) {
        cut = done[d]!.end;
        request = done[d]!.request;
        d++;
      }
      entries.push({ phy: from, buf: data.subarray(from - phy, cut - phy), end: cut, request, waiter: undefined });
      from = cut;
    }
    this.parseAt = at;
    this.skipTo = skipTo;
    // Still inside the carried record (at < phy): head holds carry and all of data.
    this.carry = at >= end ? Buffer.alloc(0) : at >= phy ? Buffer.from(data.subarray(at - phy)) : head!.subarray(at - base);
    const status = await new Promise<PutMessageStatus>((resolve) => {
      entries[entries.length - 1]!.waiter = { sync: false, end, deadline: Number.MAX_SAFE_INTEGER, resolve };
      cl.queueReplicated(entries);
    });
    if (status !== PutMessageStatus.PUT_OK) {
      this.broken = `a replicated write failed (${status}); restart the slave`;
      // The commit log writer answers SERVICE_NOT_AVAILABLE for ENOSPC only (commit-log-writer.ts): say so.
      const why = status === PutMessageStatus.SERVICE_NOT_AVAILABLE ? `${status}: no space left on the device` : status;
      return { ok: false, reason: `commit log write failed (${why}): replicated appends stop until the slave restarts`, stopped: true };
    }
    return { ok: true };
  }

  /** Bytes of the record that starts `carry` (its TOTALSIZE when sane, else 8: enough to refuse it or see a blank). */
  private firstRecordBytes(data: Buffer): number {
    const c = this.carry;
    const four = c.length >= 4 ? c : Buffer.concat([c, data.subarray(0, 4 - c.length)]);
    if (four.length < 4) return 8;
    const size = four.readInt32BE(0);
    return size > 8 && size <= this.o.recordBytesMax ? size : 8;
  }

  /**
   * Parses records of `buf` (which starts at absolute offset `base`) from `at`, pushing each complete one to `done`;
   * returns where parsing stopped and the padding skip, or why the bytes are not records.
   */
  private scan(buf: Buffer, base: number, at: number, skipTo: number, done: { end: number; request: DispatchRequest }[]): [number, number] | string {
    const fileSize = this.o.commitLog.fileSize;
    const bufEnd = base + buf.length;
    for (;;) {
      if (skipTo > at) {
        at = Math.min(skipTo, bufEnd);
        if (at < skipTo) break;
        continue;
      }
      const rel = at - base;
      if (bufEnd - at < 8) break;
      const size = buf.readInt32BE(rel);
      const fileEnd = at - (at % fileSize) + fileSize;
      if (buf.readInt32BE(rel + 4) === BLANK_MAGIC_CODE) {
        if (size !== fileEnd - at) return `blank record of ${size} bytes at ${at} does not end at the file end ${fileEnd}`;
        skipTo = fileEnd;
        continue;
      }
      if (size <= 0 || size > this.o.recordBytesMax || at + size > fileEnd) return `no record at ${at} (TOTALSIZE ${size}, recordBytesMax ${this.o.recordBytesMax})`;
      if (bufEnd - at < size) break;
      const r = checkRecord(buf, rel, rel + size, { checkCrc: false, delays: this.o.delays, rejectZeroTail: false, expectedPhysicalOffset: at });
      if (r.kind !== 'message') return `invalid record at ${at}: ${r.kind === 'invalid' ? r.reason : r.kind}`;
      done.push({ end: at + size, request: r.request });
      at += size;
    }
    return [at, skipTo];
  }

  /** Starts parsing at the log's end, which must be a record boundary (after recovery or resetTo). */
  private reset(): void {
    this.parseAt = this.o.commitLog.appendOffset;
    this.carry = Buffer.alloc(0);
    this.skipTo = -1;
  }
}

/** lib/ha's wait for slaves (Java: HAService#putRequest + GroupTransferService): true when `ackNums` replicas
 * (master included) hold everything before `nextOffset` within `timeoutMs`. */
export type ReplicaWait = (nextOffset: number, ackNums: number, timeoutMs: number) => Promise<boolean>;

/**
 * Java 5.5 CommitLog#asyncPutMessage + #needHandleHA + #handleHA (default HA, no controller, no
 * enableSlaveActingMaster): a SYNC_MASTER put with waitStoreMsgOK waits for inSyncReplicas - 1 slaves when
 * inSyncReplicas > 1 (with the default 1 it does not wait at all); FLUSH_SLAVE_TIMEOUT after slaveTimeout.
 * Java 5.5 never answers SLAVE_NOT_AVAILABLE from the store in this mode.
 */
export async function awaitReplicas(
  config: { brokerRole: string; inSyncReplicas: number; slaveTimeout: number; duplicationEnable: boolean },
  wait: ReplicaWait | undefined,
  waitStoreMsgOK: boolean,
  r: { status: PutMessageStatus; wroteOffset: number; wroteBytes: number },
): Promise<PutMessageStatus> {
  if (wait === undefined || !waitStoreMsgOK || config.duplicationEnable || config.brokerRole !== 'SYNC_MASTER') return r.status;
  if (config.inSyncReplicas <= 1) return r.status;
  if (r.status !== PutMessageStatus.PUT_OK && r.status !== PutMessageStatus.FLUSH_DISK_TIMEOUT) return r.status;
  const ok = await wait(r.wroteOffset + r.wroteBytes, config.inSyncReplicas, config.slaveTimeout);
  return ok ? r.status : PutMessageStatus.FLUSH_SLAVE_TIMEOUT;
}
