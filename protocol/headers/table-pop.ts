import { dflt, header, opt, prim, primReq, req } from './spec';
import { TOPIC_BASE } from './table-base';

/** The header table (see table.ts), POP headers. */
// ---- pop ----
export const PopMessageRequestHeader = header(
  'PopMessageRequestHeader',
  {
    consumerGroup: req('string'),
    topic: req('string'),
    queueId: primReq('int'),
    maxMsgNums: primReq('int'),
    invisibleTime: primReq('long'),
    pollTime: primReq('long'),
    bornTime: primReq('long'),
    initMode: primReq('int'),
    expType: opt('string'),
    exp: opt('string'),
    order: dflt('boolean', false),
    attemptId: opt('string'),
    ...TOPIC_BASE,
  },
);
export const PopMessageResponseHeader = header(
  'PopMessageResponseHeader',
  {
    popTime: primReq('long'),
    invisibleTime: primReq('long'),
    reviveQid: primReq('int'),
    restNum: primReq('long'),
    startOffsetInfo: opt('string'),
    msgOffsetInfo: opt('string'),
    orderCountInfo: opt('string'),
  },
);
export const AckMessageRequestHeader = header(
  'AckMessageRequestHeader',
  {
    consumerGroup: req('string'),
    topic: req('string'),
    queueId: req('int'),
    extraInfo: req('string'),
    offset: req('long'),
    liteTopic: opt('string', { note: '5.5.0 lite topics' }),
    ...TOPIC_BASE,
  },
);
export const ChangeInvisibleTimeRequestHeader = header(
  'ChangeInvisibleTimeRequestHeader',
  {
    consumerGroup: req('string'),
    topic: req('string'),
    queueId: req('int'),
    extraInfo: req('string'),
    offset: req('long'),
    invisibleTime: req('long'),
    liteTopic: opt('string', { note: '5.5.0 lite topics' }),
    suspend: prim('boolean', { note: '5.5.0' }),
    ...TOPIC_BASE,
  },
);
export const ChangeInvisibleTimeResponseHeader = header(
  'ChangeInvisibleTimeResponseHeader',
  {
    popTime: primReq('long'),
    invisibleTime: primReq('long'),
    reviveQid: primReq('int'),
  },
);
export const PeekMessageRequestHeader = header(
  'PeekMessageRequestHeader',
  {
    topic: req('string'),
    queueId: primReq('int'),
    maxMsgNums: primReq('int'),
    consumerGroup: req('string'),
    ...TOPIC_BASE,
  },
);
export const NotificationRequestHeader = header(
  'NotificationRequestHeader',
  {
    consumerGroup: req('string'),
    topic: req('string'),
    queueId: primReq('int'),
    pollTime: primReq('long'),
    bornTime: primReq('long'),
    order: dflt('boolean', false),
    attemptId: opt('string'),
    expType: opt('string', { note: '5.5.0' }),
    exp: opt('string', { note: '5.5.0' }),
    ...TOPIC_BASE,
  },
);
export const NotificationResponseHeader = header(
  'NotificationResponseHeader',
  {
    hasMsg: primReq('boolean', { default: false }),
    pollingFull: prim('boolean', { default: false }),
  },
);
export const PollingInfoRequestHeader = header(
  'PollingInfoRequestHeader',
  {
    consumerGroup: req('string'),
    topic: req('string'),
    queueId: primReq('int'),
    ...TOPIC_BASE,
  },
);
export const PollingInfoResponseHeader = header(
  'PollingInfoResponseHeader',
  {
    pollingNum: primReq('int'),
  },
);
