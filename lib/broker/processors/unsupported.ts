import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { reply, type Processor } from '../../remoting';

/**
 * Requests the official clients and mqadmin send for features Apogee does not have yet. Each is refused with
 * Java's code for a request the broker does not serve (REQUEST_CODE_NOT_SUPPORTED, 3) and Java's remark
 * (" request type N not supported", NettyRemotingAbstract#processRequestCommand) followed by what the feature is
 * and what to do instead, so neither mqadmin nor a client fails with a bare code. A feature that gets implemented
 * registers its processor in its own family and leaves this table.
 *
 * POP (POP_MESSAGE, ACK, CHANGE_INVISIBLETIME, PEEK, NOTIFICATION, POLLING_INFO, QUERY_ASSIGNMENT, ...) is served
 * by ../pop.
 */
const LITE = 'LITE topics (message.type=LITE, lite subscriptions and LMQ dispatch) are not supported by Apogee';
const STATIC = 'static topics (logic queue mapping, mqadmin updateStaticTopic / remappingStaticTopic) are not supported by Apogee; create an ordinary topic with updateTopic';

export const UNSUPPORTED_FEATURES: readonly (readonly [code: number, feature: string])[] = [
  [RequestCode.UPDATE_AND_CREATE_STATIC_TOPIC, STATIC],
  [RequestCode.POP_LITE_MESSAGE, LITE],
  [RequestCode.LITE_SUBSCRIPTION_CTL, LITE],
  [RequestCode.ACK_LITE_MESSAGE, LITE],
  [RequestCode.NOTIFY_UNSUBSCRIBE_LITE, LITE],
  [RequestCode.GET_PARENT_TOPIC_INFO, LITE],
  [RequestCode.GET_LITE_TOPIC_INFO, LITE],
  [RequestCode.GET_LITE_CLIENT_INFO, LITE],
  [RequestCode.GET_LITE_GROUP_INFO, LITE],
  [RequestCode.TRIGGER_LITE_DISPATCH, LITE],
];

export function unsupportedRemark(code: number, feature: string): string {
  return ` request type ${code} not supported: ${feature}`;
}

export function unsupportedProcessors(): [number, Processor][] {
  return UNSUPPORTED_FEATURES.map(([code, feature]) => [code, (ctx) => reply(ctx, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, unsupportedRemark(code, feature))]);
}
