import type * as net from 'node:net';
import { createResponse, decodeCommand, encodeCommand, isOneway } from '../../protocol/command';
import { ResponseCode } from '../../protocol/codes';
import { FrameDecoder } from '../../protocol/frame';
import type { Logger } from '../common';
import { REFUSED_CONNECTION_WAIT_MS, REFUSED_CONNECTIONS_ANSWERED_MAX, REFUSED_LOG_INTERVAL_MS, type ConnectionLimits } from './limits';

/**
 * What a server does with a connection beyond connectionsMax: instead of a bare reset, it reads the client's
 * first request and answers it with SYSTEM_BUSY and a remark naming the setting, then closes. A Java client
 * surfaces that as MQClientException / MQBrokerException(SYSTEM_BUSY, remark) — the producer retries it on
 * another broker (DefaultMQProducerImpl retryResponseCodes) — and reconnects on its next call.
 * Bounded: at most REFUSED_CONNECTIONS_ANSWERED_MAX such sockets at once (more are destroyed at once), each for
 * at most REFUSED_CONNECTION_WAIT_MS and one frame of at most headerBytesMax + 64 KiB. The "reached" log line is
 * rate-limited to one per REFUSED_LOG_INTERVAL_MS, with the count refused since the previous one.
 */
export class ConnectionRefuser {
  private answering = 0;
  private refusedSinceLog = 0;
  private lastLogAt = Number.NEGATIVE_INFINITY;
  /** Total connections refused since start (for tests and metrics). */
  refusedTotal = 0;

  constructor(
    private readonly logger: Logger,
    private readonly settingName: string,
    private readonly version: number,
    private readonly limits: ConnectionLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Refused sockets kept open at this moment, waiting for their first request. */
  get answeringCount(): number {
    return this.answering;
  }

  refuse(socket: net.Socket, connectionsMax: number): void {
    this.refusedTotal++;
    this.refusedSinceLog++;
    const t = this.now();
    if (t - this.lastLogAt >= REFUSED_LOG_INTERVAL_MS) {
      this.logger.warn(
        { remote: socket.remoteAddress, [this.settingName]: connectionsMax, refused: this.refusedSinceLog },
        `connection refused: ${this.settingName} ${connectionsMax} reached (${this.refusedSinceLog} refused since the last such line)`,
      );
      this.lastLogAt = t;
      this.refusedSinceLog = 0;
    }
    socket.on('error', () => undefined);
    if (this.answering >= REFUSED_CONNECTIONS_ANSWERED_MAX) {
      socket.destroy();
      return;
    }
    this.answering++;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      this.answering--;
      clearTimeout(timer);
    };
    const timer = setTimeout(() => socket.destroy(), REFUSED_CONNECTION_WAIT_MS);
    socket.on('close', finish);
    const frameMax = Math.min(this.limits.frameSizeMax, this.limits.headerBytesMax + 65536);
    const decoder = new FrameDecoder(frameMax);
    socket.on('data', (chunk: Buffer) => {
      if (done) return;
      try {
        let answered = false;
        decoder.push(chunk, (payload) => {
          if (answered) return;
          answered = true;
          const req = decodeCommand(payload, this.limits);
          if (!isOneway(req)) {
            const remark = `[SYSTEM_BUSY] this server has ${connectionsMax} connections open, its ${this.settingName} setting; try again later or raise ${this.settingName}`;
            socket.end(encodeCommand(createResponse(req, ResponseCode.SYSTEM_BUSY, remark, this.version)));
          } else socket.end();
        });
        if (answered) socket.pause();
      } catch {
        socket.destroy();
      }
    });
  }
}
