import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { reply, type Processor } from '../../remoting';

/**
 * Requests the official clients and mqadmin send for features Apogee does not have yet. Each is refused with
 * Java's code for a request the broker does not serve (REQUEST_CODE_NOT_SUPPORTED, 3) and Java's remark
 * (" request type N not supported", NettyRemotingAbstract#processRequestCommand) followed by what the feature is
 * and what to do instead, so neither mqadmin nor a client fails with a bare code. A feature that gets implemented
 * registers its processor in its own family and leaves this table.
 *
 * Client side: a push consumer with setClientRebalance(false) asks QUERY_ASSIGNMENT in each rebalance; the 5.5.0
 * client (RebalanceImpl#getRebalanceResultFromBroker, read from the 5.5.0 jar) catches the MQBrokerException and
 * logs it at ERROR ("allocate message queue exception. strategy name: ..., ex: ..." with this remark) in
 * rocketmq_client.log, every rebalance (20 s), and consumes nothing.
 */
const POP = 'POP consumption / server-side rebalance (a consumer with setClientRebalance(false) or the 5.x gRPC SimpleConsumer) is not supported by Apogee; use client-side rebalance (the default, setClientRebalance(true))';
const LITE = 'LITE topics (message.type=LITE, lite subscriptions and LMQ dispatch) are not supported by Apogee';
const STATIC = 'static topics (logic queue mapping, mqadmin updateStaticTopic / remappingStaticTopic) are not supported by Apogee; create an ordinary topic with updateTopic';

export const UNSUPPORTED_FEATURES: readonly (readonly [code: number, feature: string])[] = [
  [RequestCode.QUERY_ASSIGNMENT, POP],
  [RequestCode.SET_MESSAGE_REQUEST_MODE, POP],
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
