import { RequestCode } from '../../../protocol/codes';
import type { Processor, RequestContext } from '../../remoting';
import type { BrokerContext } from '../context';
import { processAck, processBatchAck, processChangeInvisibleTime } from './ack';
import { processQueryAssignment, processSetMessageRequestMode } from './assignment';
import { popRetryTopic } from './extra-info';
import { processPop, type PopHold } from './pop-message';
import { PopPolling } from './pop-polling';
import { PopService } from './pop-service';
import { ReviveService } from './revive';

/**
 * POP consumption in the broker (Java 5.5: PopMessageProcessor, AckMessageProcessor, ChangeInvisibleTimeProcessor,
 * PopReviveService, PopLongPollingService, QueryAssignmentProcessor). Broker wiring: `const pop = new Pop(ctx)`,
 * `pop.processors()` into the registry, `pop.start()` on a master (it writes to the store), `pop.stop()` at shutdown,
 * `pop.onMessageArriving(topic)` from the store's arrival listener.
 */
export class Pop {
  readonly service: PopService;
  readonly revive: ReviveService;
  readonly polling: PopPolling;

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
  }

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
    ];
  }

  /** Long polling always; the revive service only where messages may be written (a master). */
  start(master: boolean): void {
    this.polling.start(100);
    if (master) this.revive.start(this.bc.config.reviveInterval);
  }

  onMessageArriving(topic: string): void {
    if (this.polling.size > 0) this.polling.notify(topic);
  }

  stop(): void {
    this.revive.stop();
    this.polling.stop();
  }
}
