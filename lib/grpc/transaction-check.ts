import { ResponseCode } from '../../protocol/codes';
import { CheckTransactionStateRequestHeader, decodeHeader } from '../../protocol/headers';
import { decodeMessages, MessageConst } from '../../protocol/message';
import type { Logger } from '../common';
import type { Processor } from '../remoting';
import { reply } from '../remoting';
import { toPbMessage } from './convert';
import type { ServerDuplexStream } from './grpc-js';
import type { HalfMessage } from './service';

/**
 * Orphaned-transaction recovery for gRPC producers (Java: proxy/.../grpc/v2/channel/GrpcClientChannel
 * #processCheckTransaction, ProxyClientRemotingProcessor): the broker's transaction check sends
 * CHECK_TRANSACTION_STATE (oneway) to the connection a producer of the half message's group heart-beat on — for gRPC
 * producers that is this endpoint's loopback connection (clients.ts registers them, the topic being the group). The
 * request is relayed as a Telemetry RecoverOrphanedTransactionCommand {transaction_id, message} to a live Telemetry
 * stream of a producer publishing the topic; the client's TransactionChecker answers with EndTransaction
 * (source SOURCE_SERVER_CHECK), which finds the half message remembered here (service.ts rememberHalf).
 * No producer stream of the topic: the check is dropped (the broker asks again at its next check, as Java).
 */
export interface OrphanedTransactionsOptions {
  logger: Logger;
  rememberHalf: (transactionId: string, h: HalfMessage) => void;
}

/** Producer Telemetry streams tracked at once (the oldest is dropped beyond; it is tracked again on its next Settings). */
export const PRODUCER_STREAMS_MAX = 10_000;

export class OrphanedTransactions {
  /** Telemetry stream -> the topics its producer publishes. */
  private readonly streams = new Map<ServerDuplexStream, Set<string>>();

  constructor(private readonly o: OrphanedTransactionsOptions) {}

  /** A producer's Settings arrived on `call` (again: its topics are replaced). */
  track(call: ServerDuplexStream, topics: string[]): void {
    this.streams.delete(call);
    if (this.streams.size >= PRODUCER_STREAMS_MAX) this.streams.delete(this.streams.keys().next().value!);
    this.streams.set(call, new Set(topics));
  }

  forget(call: ServerDuplexStream): void {
    this.streams.delete(call);
  }

  get size(): number {
    return this.streams.size;
  }

  /** The CHECK_TRANSACTION_STATE processor for the loopback remoting client. */
  processor(): Processor {
    return (ctx) => {
      const d = decodeHeader(CheckTransactionStateRequestHeader, ctx.request.extFields);
      const body = ctx.request.body;
      if (!d.ok || body === null) {
        this.o.logger.warn({ error: d.ok ? 'no body' : d.error }, 'CHECK_TRANSACTION_STATE unreadable; dropped');
        return reply(ctx, ResponseCode.SYSTEM_ERROR, 'CHECK_TRANSACTION_STATE unreadable');
      }
      let view;
      try {
        view = decodeMessages(body)[0];
      } catch (e) {
        this.o.logger.warn({ err: e }, 'CHECK_TRANSACTION_STATE body unreadable; dropped');
      }
      if (view === undefined) return reply(ctx, ResponseCode.SYSTEM_ERROR, 'CHECK_TRANSACTION_STATE body unreadable');
      const h = d.value;
      const topic = view.properties.get(MessageConst.PROPERTY_REAL_TOPIC) ?? view.topic;
      const transactionId = h.transactionId ?? h.msgId ?? view.msgId;
      const stream = this.streamOf(topic);
      if (stream === undefined) {
        this.o.logger.debug({ topic, transactionId }, 'transaction check: no gRPC producer of the topic has a Telemetry stream open');
        return reply(ctx, ResponseCode.SUCCESS, null);
      }
      this.o.rememberHalf(transactionId, {
        brokerAddr: `${ctx.connection.remoteHost}:${ctx.connection.remotePort}`,
        topic,
        msgId: view.msgId,
        commitLogOffset: h.commitLogOffset,
        queueOffset: h.tranStateTableOffset,
      });
      stream.write({ recoverOrphanedTransactionCommand: { transactionId, message: toPbMessage(view, '', '', 0) } });
      return reply(ctx, ResponseCode.SUCCESS, null);
    };
  }

  private streamOf(topic: string): ServerDuplexStream | undefined {
    let found: ServerDuplexStream | undefined;
    for (const [call, topics] of this.streams) {
      if (topics.has(topic)) found = call; // the latest that publishes it
    }
    return found;
  }
}

