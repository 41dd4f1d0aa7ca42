import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { decodeMessages, decodeOffsetMsgId, formatHost } from '../../../protocol/message';
import { jfmt, need, optional, type SubCommand } from '../command';

/** Message commands: sendMessage, queryMsgById (offset msgId). */
export const sendMessage: SubCommand = {
  name: 'sendMessage',
  description: 'Send a message.',
  options: [
    { short: 't', long: 'topic', value: true, required: true, help: 'Topic name' },
    { short: 'p', long: 'body', value: true, required: true, help: 'UTF-8 string format of the message body' },
    { short: 'k', long: 'key', value: true, help: 'Message keys' },
    { short: 'c', long: 'tags', value: true, help: 'Message tags' },
    { short: 'i', long: 'qid', value: true, help: 'Send message to which queue id' },
  ],
  async execute(ctx) {
    const qid = optional(ctx, 'qid');
    const keys = optional(ctx, 'key');
    const tags = optional(ctx, 'tags');
    const r = await ctx.client.send(need(ctx, 'topic'), Buffer.from(need(ctx, 'body'), 'utf8'), {
      ...(keys !== undefined ? { keys } : {}),
      ...(tags !== undefined ? { tags } : {}),
      ...(qid !== undefined ? { queueId: Number(qid) } : {}),
    });
    if (r.code !== ResponseCode.SUCCESS) throw new Error(`send failed: CODE ${r.code} ${r.remark ?? ''}`);
    ctx.out(jfmt('%-32s  %-4s  %-20s    %s', '#Broker Name', '#QID', '#Send Result', '#MsgId'));
    ctx.out(jfmt('%-32s  %-4d  %-20s    %s', r.brokerName, r.queueId, 'SEND_OK', r.msgId));
  },
};

export const queryMsgById: SubCommand = {
  name: 'queryMsgById',
  description: 'Query Message by Id (offset msgId).',
  options: [{ short: 'i', long: 'msgId', value: true, required: true, help: 'Message Id' }],
  async execute(ctx) {
    const id = decodeOffsetMsgId(need(ctx, 'msgId'));
    const addr = formatHost(id.host);
    const r = await ctx.client.call(addr, RequestCode.VIEW_MESSAGE_BY_ID, new Map([['offset', String(id.offset)]]));
    if (r.code !== ResponseCode.SUCCESS || r.body === null) throw new Error(`VIEW_MESSAGE_BY_ID on ${addr}: CODE ${r.code} ${r.remark ?? ''}`);
    const [m] = decodeMessages(r.body);
    if (m === undefined) throw new Error('the broker returned no message');
    const rows: [string, string][] = [
      ['OffsetID:', m.offsetMsgId],
      ['Topic:', m.topic],
      ['Tags:', `[${m.tags ?? ''}]`],
      ['Keys:', `[${m.keys ?? ''}]`],
      ['Queue ID:', String(m.queueId)],
      ['Queue Offset:', String(m.queueOffset)],
      ['CommitLog Offset:', String(m.commitLogOffset)],
      ['Reconsume Times:', String(m.reconsumeTimes)],
      ['Born Timestamp:', new Date(m.bornTimestamp).toISOString()],
      ['Store Timestamp:', new Date(m.storeTimestamp).toISOString()],
      ['Born Host:', m.bornHost],
      ['Store Host:', m.storeHost],
      ['System Flag:', String(m.sysFlag)],
      ['Properties:', `{${[...m.properties].map(([k, v]) => `${k}=${v}`).join(', ')}}`],
      ['Message Body:', m.body.toString('utf8')],
    ];
    for (const [k, v] of rows) ctx.out(jfmt('%-20s %s', k, v));
  },
};
