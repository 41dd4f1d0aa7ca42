import type { Body, Connection, MessageQueue } from '../../../../protocol/bodies';
import { ResponseCode } from '../../../../protocol/codes';
import { isSystemTopic } from '../../../../protocol/naming';
import { languageName } from '../../../../protocol/codes';
import { reply, type HeaderOrReply, type RequestContext } from '../../../remoting';
import type { ClientChannelInfo } from '../../client/channel';
import type { BrokerContext } from '../../context';

/** Helpers the admin families share. */

/** The queue (topic, this broker, queueId) as Java builds it in every admin table. */
export function queueOf(bc: BrokerContext, topic: string, queueId: number): MessageQueue {
  return { topic, brokerName: bc.config.brokerName, queueId };
}

/**
 * Upper bound on the queues one admin answer walks per topic. Java has none; a topic config with absurd queue
 * counts (hand-edited topics.json) would otherwise make one request produce an unbounded body.
 */
export const ADMIN_QUEUES_PER_TOPIC_MAX = 65_536;

export function queueCount(n: number): number {
  return Math.max(0, Math.min(n, ADMIN_QUEUES_PER_TOPIC_MAX));
}

/**
 * Decodes a JSON request body. A missing body is `absent` (Java usually NPEs, which its remoting layer turns into
 * SYSTEM_ERROR); a malformed body is SYSTEM_ERROR with the decoder's message.
 */
export function requestBody<T>(ctx: RequestContext, body: Body<T>, what: string): HeaderOrReply<T> | { ok: 'absent' } {
  const b = ctx.request.body;
  if (b === null || b.length === 0) return { ok: 'absent' };
  const d = body.decode(b);
  if (d.ok) return d;
  return { ok: false, response: reply(ctx, ResponseCode.SYSTEM_ERROR, `${what}: ${d.error}`) };
}

/** Java TopicValidator#isSystemTopic plus the topics this broker added to the system set at start-up. */
export function isBrokerSystemTopic(bc: BrokerContext, topic: string): boolean {
  return isSystemTopic(topic) || bc.topics.isSystemTopic(topic);
}

/** A client channel as Java's Connection bean (GET_CONSUMER/PRODUCER_CONNECTION_LIST). */
export function connectionOf(info: ClientChannelInfo): Connection {
  const language = languageName(info.language);
  return {
    clientAddr: info.connection.remoteAddress,
    clientId: info.clientId,
    ...(language !== undefined ? { language } : {}),
    version: info.version,
  };
}

/** Java MixAll#humanReadableByteCount(bytes, si=false): "512 B", "1.5 KiB", "3.0 GiB". */
export function humanReadableBytes(bytes: number): string {
  const unit = 1024;
  if (bytes < unit) return `${bytes} B`;
  const exp = Math.min(6, Math.floor(Math.log(bytes) / Math.log(unit)));
  return `${(bytes / unit ** exp).toFixed(1)} ${'KMGTPE'[exp - 1]}iB`;
}

/** Java DataVersion equality (counter, timestamp, stateVersion) against a DataVersion JSON text. */
export function sameDataVersion(
  text: string | undefined,
  current: { counter: number; timestamp: number; stateVersion?: number },
  parse: (t: string) => { counter: number; timestamp: number; stateVersion?: number } | undefined,
): boolean {
  if (text === undefined || text.trim() === '') return false;
  const v = parse(text);
  return v !== undefined && v.counter === current.counter && v.timestamp === current.timestamp && (v.stateVersion ?? 0) === (current.stateVersion ?? 0);
}

/**
 * Java AttributeParser#parseToMap + AttributeUtil#alterCurrentAttributes: applies "+key=value" / "-key" changes to
 * the current attributes, validated against the supported attributes. Errors carry Java's messages.
 */
export interface AttributeSpec {
  changeable: boolean;
  verify(value: string): string | null;
}

export function enumAttribute(values: readonly string[], changeable: boolean): AttributeSpec {
  return { changeable, verify: (v) => (values.includes(v) ? null : `value is not in set: [${values.join(', ')}]`) };
}

export function longRangeAttribute(min: bigint, max: bigint, changeable: boolean): AttributeSpec {
  return {
    changeable,
    verify(v) {
      if (!/^[+-]?\d+$/.test(v)) return `For input string: "${v}"`;
      const n = BigInt(v);
      return n < min || n > max ? `value is not in range(${min}, ${max})` : null;
    },
  };
}

/** Java TopicAttributes.ALL. */
export const TOPIC_ATTRIBUTES: ReadonlyMap<string, AttributeSpec> = new Map([
  ['queue.type', enumAttribute(['BatchCQ', 'SimpleCQ'], false)],
  ['cleanup.policy', enumAttribute(['DELETE', 'COMPACTION'], false)],
  ['message.type', enumAttribute(['UNSPECIFIED', 'NORMAL', 'FIFO', 'DELAY', 'TRANSACTION', 'PRIORITY', 'LITE', 'MIXED'], true)],
  ['reserve.time', longRangeAttribute(-1n, (1n << 63n) - 1n, true)],
]);
/** Java SubscriptionGroupAttributes.ALL (empty). */
export const GROUP_ATTRIBUTES: ReadonlyMap<string, AttributeSpec> = new Map();

/** Java AttributeParser#parseToMap: "+a=1,+b=2,-c" -> {"+a":"1","+b":"2","-c":""}. */
export function parseAttributes(text: string | undefined): { ok: true; value: Map<string, string> } | { ok: false; error: string } {
  const out = new Map<string, string>();
  if (text === undefined || text === '') return { ok: true, value: out };
  for (const kv of text.split(',')) {
    let key: string;
    let value: string;
    if (kv.includes('=')) {
      const parts = kv.split('=');
      key = parts[0]!;
      value = parts[1] ?? '';
      if (!key.includes('+')) return { ok: false, error: `add/alter attribute format is wrong: ${key}` };
    } else {
      key = kv;
      value = '';
      if (!key.includes('-')) return { ok: false, error: `delete attribute format is wrong: ${key}` };
    }
    if (out.has(key)) return { ok: false, error: `key duplication: ${key}` };
    out.set(key, value);
  }
  return { ok: true, value: out };
}

export function alterAttributes(
  create: boolean,
  all: ReadonlyMap<string, AttributeSpec>,
  current: ReadonlyMap<string, string>,
  changes: ReadonlyMap<string, string>,
): { ok: true; value: Map<string, string> } | { ok: false; error: string } {
  const out = new Map(current);
  const seen = new Set<string>();
  const put: [string, string, boolean][] = [];
  const del: string[] = [];
  for (const [key, value] of changes) {
    const real = key.slice(1);
    if (real === '' || real.includes('+') || real.includes('-')) return { ok: false, error: 'kv string format wrong.' };
    if (seen.has(real)) return { ok: false, error: `alter duplication key. key: ${real}` };
    seen.add(real);
    if (create) {
      if (!key.startsWith('+')) return { ok: false, error: `only add attribute is supported while creating topic. key: ${real}` };
      put.push([real, value, true]);
    } else if (key.startsWith('+')) put.push([real, value, false]);
    else if (key.startsWith('-')) {
      if (!current.has(real)) return { ok: false, error: `attempt to delete a nonexistent key: ${real}` };
      del.push(real);
    } else return { ok: false, error: `wrong format key: ${real}` };
  }
  for (const [real, value, init] of put) {
    const spec = all.get(real);
    if (spec === undefined) return { ok: false, error: `unsupported key: ${real}` };
    if (!init && !spec.changeable) return { ok: false, error: `attempt to update an unchangeable attribute. key: ${real}` };
    const bad = spec.verify(value);
    if (bad !== null) return { ok: false, error: bad };
    out.set(real, value);
  }
  for (const real of del) {
    const spec = all.get(real);
    if (spec === undefined) return { ok: false, error: `unsupported key: ${real}` };
    if (!spec.changeable) return { ok: false, error: `attempt to update an unchangeable attribute. key: ${real}` };
    out.delete(real);
  }
  return { ok: true, value: out };
}

/**
 * Awaits a metadata manager's flush before an admin answer (Java persists synchronously inside
 * TopicConfigManager#updateTopicConfig / SubscriptionGroupManager#updateSubscriptionGroupConfig). Java only logs a
 * failed persist and answers SUCCESS; Apogee says so: null when durable, else a remark naming the file and errno
 * (the change is in effect in memory and the write is retried in the background).
 */
export async function persistedOrRemark(flush: () => Promise<void>, what: string): Promise<string | null> {
  try {
    await flush();
    return null;
  } catch (e) {
    return `${what} is in effect but not yet on disk: ${(e as Error).message}`;
  }
}
