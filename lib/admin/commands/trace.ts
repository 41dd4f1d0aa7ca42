import { TRACE_TOPIC } from '../../../protocol/naming';
import type { MessageView } from '../../../protocol/message';
import { jfmt, need, optional, type SubCommand } from '../command';
import { hashOrderBy, javaStringHash } from '../java-order';
import { intOpt, javaDateTime } from '../util';
import { JAVA_LONG_MAX, queryMessages } from './message';

/**
 * queryMsgTraceById: the trace records of one message, found in the trace topic by key (the message id), decoded as
 * the client encodes them (Java TraceDataEncoder: records split by \u0002, fields by \u0001) and printed as
 * Java's tool prints them: each Pub, then the SubAfter records grouped by consumer group (HashMap order).
 * Java: tools/.../command/message/QueryMsgTraceByIdSubCommand.java, client/.../trace/TraceView.java.
 */

/** Java String#split: trailing empty strings dropped. */
function javaSplit(s: string, sep: string): string[] {
  const parts = s.split(sep);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

export interface TraceView {
  type: string;
  group: string;
  clientHost: string;
  timestamp: number;
  costTime: number;
  status: 'success' | 'failed';
}

/** Java MessageExt#getBornHostString: the address without the port. */
function hostOf(bornHost: string): string {
  const i = bornHost.lastIndexOf(':');
  return (i < 0 ? bornHost : bornHost.slice(0, i)).replace(/^\[|\]$/g, '');
}

/** Java TraceView#decodeFromTraceTransData: the records of `msgId` in one trace message (Pub and SubAfter are printed). */
export function traceViews(msgId: string, m: MessageView): TraceView[] {
  const body = m.body.toString('utf8');
  const out: TraceView[] = [];
  for (const record of javaSplit(body, '\u0002')) {
    const f = javaSplit(record, '\u0001');
    let v: (TraceView & { id: string }) | undefined;
    if (f[0] === 'Pub' && f.length >= 13) {
      const success = f.length === 13 ? f[12] : f[13];
      v = { type: 'Pub', id: f[5]!, group: f[3]!, timestamp: Number(f[1]), costTime: Number(f[10]), status: success === 'true' ? 'success' : 'failed', clientHost: '' };
    } else if (f[0] === 'SubBefore' && f.length >= 8) {
      v = { type: 'SubBefore', id: f[5]!, group: f[3]!, timestamp: Number(f[1]), costTime: 0, status: 'failed', clientHost: '' };
    } else if (f[0] === 'SubAfter' && f.length >= 6) {
      v = { type: 'SubAfter', id: f[2]!, group: f.length >= 9 ? f[8]! : 'null', timestamp: f.length >= 9 ? Number(f[7]) : 0, costTime: Number(f[3]), status: f[4] === 'true' ? 'success' : 'failed', clientHost: '' };
    } else if (f[0] === 'EndTransaction' && f.length >= 13) {
      v = { type: 'EndTransaction', id: f[5]!, group: f[3]!, timestamp: Number(f[1]), costTime: 0, status: 'failed', clientHost: '' };
    } else if (f[0] === 'Recall' && f.length >= 7) {
      v = { type: 'Recall', id: f[5]!, group: f[3]!, timestamp: Number(f[1]), costTime: 0, status: f[6] === 'true' ? 'success' : 'failed', clientHost: '' };
    }
    if (v === undefined || v.id !== msgId) continue;
    out.push({ type: v.type, group: v.group, timestamp: v.timestamp, costTime: v.costTime, status: v.status, clientHost: hostOf(m.bornHost) });
  }
  return out;
}

const row = '%-10s %-20s %-20s %-20s %-10s %-10s';

export const queryMsgTraceById: SubCommand = {
  name: 'queryMsgTraceById',
  description: 'Query a message trace.',
  options: [
    { short: 'i', long: 'msgId', value: true, required: true, help: 'Message Id' },
    { short: 't', long: 'traceTopic', value: true, help: 'The name value of message trace topic' },
    { short: 'b', long: 'beginTimestamp', value: true, help: 'Begin timestamp(ms). default:0, eg:1676730526212' },
    { short: 'e', long: 'endTimestamp', value: true, help: 'End timestamp(ms). default:Long.MAX_VALUE, eg:1676730526212' },
    { short: 'c', long: 'maxNum', value: true, help: 'The maximum number of messages returned by the query, default:64' },
  ],
  async execute(ctx) {
    const msgId = need(ctx, 'msgId');
    const topic = optional(ctx, 'traceTopic') ?? TRACE_TOPIC;
    const end = optional(ctx, 'endTimestamp') ?? JAVA_LONG_MAX;
    if (!/^-?\d+$/.test(end)) throw new Error(`--endTimestamp must be epoch milliseconds, not "${end}"`);
    const found = await queryMessages(ctx, topic, msgId, intOpt(ctx, 'maxNum', 64), String(intOpt(ctx, 'beginTimestamp', 0)), end, false);
    const views = found.flatMap((m) => traceViews(msgId, m));
    const byGroup = new Map<string, TraceView[]>();
    for (const v of views) {
      if (v.type === 'Pub') {
        ctx.out(jfmt(row, '#Type', '#ProducerGroup', '#ClientHost', '#SendTime', '#CostTimes', '#Status'));
        ctx.out(jfmt(row, 'Pub', v.group, v.clientHost, javaDateTime(v.timestamp), `${v.costTime}ms`, v.status));
        ctx.out('');
      }
      if (v.type === 'SubAfter') byGroup.set(v.group, [...(byGroup.get(v.group) ?? []), v]);
    }
    for (const g of hashOrderBy([...byGroup.keys()], javaStringHash)) {
      ctx.out(jfmt(row, '#Type', '#ConsumerGroup', '#ClientHost', '#ConsumerTime', '#CostTimes', '#Status'));
      for (const v of byGroup.get(g)!) ctx.out(jfmt(row, 'Sub', v.group, v.clientHost, javaDateTime(v.timestamp), `${v.costTime}ms`, v.status));
      ctx.out('');
    }
  },
};
