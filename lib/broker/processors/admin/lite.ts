import { javaUtf8, outBean, outMap, writeJson } from '../../../../protocol/bodies';
import { RequestCode } from '../../../../protocol/codes';
import { ok, type Processor, type RequestContext } from '../../../remoting';
import type { BrokerContext } from '../../context';

/**
 * GET_BROKER_LITE_INFO (200074, mqadmin getBrokerLiteInfo). Java (5.5.0):
 * broker/processor/LiteManagerProcessor#getBrokerLiteInfo -> GetBrokerLiteInfoResponseBody. Apogee has no LITE
 * topics (no LMQ queues, lite subscriptions, POP order info or lite events; processors/unsupported.ts refuses the
 * LITE requests, naming the feature), so those counts are 0 and the maps empty; the store facts are real:
 * storeType, maxLmqNum (maxLmqConsumeQueueNum), cqTableSize (topics with consume queues) and offsetTableSize
 * (topic@group entries of the offset table).
 */
export function liteProcessors(bc: BrokerContext): [number, Processor][] {
  return [[RequestCode.GET_BROKER_LITE_INFO, (ctx) => brokerLiteInfo(bc, ctx)]];
}

function brokerLiteInfo(bc: BrokerContext, ctx: RequestContext) {
  const body = outBean({
    cqTableSize: bc.store.topics().length,
    currentLmqNum: 0,
    eventMapSize: 0,
    groupMeta: outMap([]),
    liteSubscriptionCount: 0,
    maxLmqNum: bc.storeConfig.maxLmqConsumeQueueNum,
    offsetTableSize: bc.offsets.allKeys().length,
    orderInfoCount: 0,
    storeType: bc.storeConfig.storeType,
    topicMeta: outMap([]),
  });
  return ok(ctx, null, javaUtf8(writeJson(body)));
}
