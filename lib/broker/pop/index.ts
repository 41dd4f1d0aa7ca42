import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { reply, type Processor, type RequestContext } from '../../remoting';
import type { BrokerContext } from '../context';
import { processAck, processBatchAck, processChangeInvisibleTime } from './ack';
import { processQueryAssignment, processSetMessageRequestMode } from './assignment';
import { popRetryTopic } from '../../../protocol/message';
import { processNotification, processPeek, processPollingInfo, type NotificationHold } from './peek-notify';
import { processPop, type PopHold } from './pop-message';
import { PopPolling } from './pop-polling';
import { PopService } from './pop-service';
import { ReviveService } from './revive';

/**
 * POP consumption in the broker (Java 5.5: PopMessageProcessor, ConsumerOrderInfoManager, AckMessageProcessor, ChangeInvisibleTimeProcessor,
 * PopReviveService, PopLongPollingService, QueryAssignmentProcessor). Broker wiring: `const pop = new Pop(ctx)`,
 * `pop.processors()` into the registry, `pop.start()` on a master (it writes to the store), `pop.stop()` at shutdown,
 * `pop.onMessageArriving(topic)` from the store's arrival listener.
 */
export class Pop {
  readonly service: PopService;
  readonly revive: ReviveService;
  readonly polling: PopPolling;
  /** NOTIFICATION's own long polling (Java: NotificationProcessor's PopLongPollingService). */
  readonly notifications: PopPolling;

  constructor(private readonly bc: BrokerContext) {
    this.service = new PopService(bc);
    this.revive = new ReviveService(this.service);
    this.polling = new PopPolling({
      logger: bc.logger,
      now: bc.now,
      heldMax: () => bc.config.maxPopPollingSize,
      heldPerKeyMax: () => bc.config.popPollingSize,
      holdMsMax: () => bc.config.pullHoldMsMax,
      wake: (h) => {
        const ctx: RequestContext = { connection: h.connection, request: h.request, receivedAt: bc.now() };
        void processPop(this.service, ctx, this.hold).then(
          (r) => {
            if (typeof r !== 'symbol') h.connection.respond(h.request, r);
          },
          (err: unknown) => bc.logger.error({ err }, 'held POP failed on wake-up'),
        );
      },
    });
    this.notifications = new PopPolling({
      logger: bc.logger,
      now: bc.now,
      heldMax: () => bc.config.maxPopPollingSize,
      heldPerKeyMax: () => bc.config.popPollingSize,
      holdMsMax: () => bc.config.pullHoldMsMax,
      wake: (h) => {
        const ctx: RequestContext = { connection: h.connection, request: h.request, receivedAt: bc.now() };
        try {
          const r = processNotification(this.service, ctx, this.holdNotification);
          if (typeof r !== 'symbol') h.connection.respond(h.request, r);
        } catch (err) {
          bc.logger.error({ err }, 'held NOTIFICATION failed on wake-up');
        }
      },
    });
    this.service.onArrive = (topic) => this.onMessageArriving(topic);
  }

  private readonly holdNotification: NotificationHold = (ctx, topic, group, queueId, bornTime, pollTime) =>
    this.notifications.hold({
      connection: ctx.connection,
      request: ctx.request,
      topics: [topic, popRetryTopic(topic, group, this.bc.config.enableRetryTopicV2)],
      key: `${topic}@${group}@${queueId}`,
      bornTime,
      pollTime,
    });

  private persistTimer: NodeJS.Timeout | null = null;

  private readonly hold: PopHold = (ctx, h) =>
    this.polling.hold({
      connection: ctx.connection,
      request: ctx.request,
      topics: [h.topic, popRetryTopic(h.topic, h.consumerGroup, this.bc.config.enableRetryTopicV2)],
      key: `${h.topic}@${h.consumerGroup}@${h.queueId}`,
      bornTime: h.bornTime,
      pollTime: h.pollTime,
    });

  processors(): [number, Processor][] {
    const s = this.service;
    return [
      [RequestCode.POP_MESSAGE, (ctx) => processPop(s, ctx, this.hold)],
      [RequestCode.ACK_MESSAGE, (ctx) => processAck(s, ctx)],
      [RequestCode.BATCH_ACK_MESSAGE, (ctx) => processBatchAck(s, ctx)],
      [RequestCode.CHANGE_MESSAGE_INVISIBLETIME, (ctx) => processChangeInvisibleTime(s, ctx)],
      [RequestCode.QUERY_ASSIGNMENT, (ctx) => processQueryAssignment(s, ctx)],
      [RequestCode.SET_MESSAGE_REQUEST_MODE, (ctx) => processSetMessageRequestMode(s, ctx)],
      [RequestCode.PEEK_MESSAGE, (ctx) => processPeek(s, ctx)],
      [RequestCode.NOTIFICATION, (ctx) => processNotification(s, ctx, this.holdNotification)],
      [RequestCode.POLLING_INFO, (ctx) => processPollingInfo(s, ctx, (key) => this.polling.heldFor(key))],
      // mqadmin exportPopRecord (Java AdminBrokerProcessor#transferPopToFsStore): moves the KV POP store's records to
      // the revive topic; Apogee keeps POP records only in the revive topic (Java's default, no KV store): SUCCESS.
      [RequestCode.POP_ROLLBACK, (ctx) => reply(ctx, ResponseCode.SUCCESS, null)],
    ];
  }

  /** Long polling always; the revive service only where messages may be written (a master). */
  start(master: boolean): void {
    this.polling.start(100);
    this.notifications.start(100);
    if (master) this.revive.start(this.bc.config.reviveInterval);
    // Java persists consumerOrderInfo.json with the consumer offsets (flushConsumerOffsetInterval).
    this.persistTimer = setInterval(() => this.service.orders.persistIfDirty(), Math.max(100, this.bc.config.flushConsumerOffsetInterval));
    this.persistTimer.unref();
  }

  onMessageArriving(topic: string): void {
    if (this.polling.size > 0) this.polling.notify(topic);
    if (this.notifications.size > 0) this.notifications.notify(topic);
  }

  stop(): void {
    if (this.persistTimer !== null) clearInterval(this.persistTimer);
    this.persistTimer = null;
    this.revive.stop();
    this.polling.stop();
    this.notifications.stop();
    this.service.stop();
  }
}
