import type { SubscriptionData } from '../../protocol/bodies';
import type { Decoded } from '../../protocol/headers';
import { tagsCode } from '../../protocol/message';

/**
 * Java FilterAPI#build: a SubscriptionData from an expression. For TAG: "*" (or empty) subscribes everything;
 * otherwise tags separated by "||", trimmed, each with its String.hashCode in codeSet.
 */
export function buildSubscription(topic: string, subString: string, expressionType: string): Decoded<SubscriptionData> {
  const type = expressionType === '' ? 'TAG' : expressionType.toUpperCase();
  const sub: SubscriptionData = {
    topic,
    subString,
    expressionType: type,
    classFilterMode: false,
    tagsSet: [],
    codeSet: [],
    subVersion: BigInt(Date.now()),
  };
  if (type !== 'TAG') return { ok: true, value: sub };
  if (subString === '' || subString === '*') {
    sub.subString = '*';
    return { ok: true, value: sub };
  }
  for (const t of subString.split('||')) {
    const tag = t.trim();
    if (tag.length === 0) continue;
    sub.tagsSet.push(tag);
    sub.codeSet.push(tagsCode(tag));
  }
  if (sub.tagsSet.length === 0) return { ok: false, error: `no tags in "${subString}"` };
  return { ok: true, value: sub };
}
