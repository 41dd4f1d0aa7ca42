import type { MessageFilter } from './types';

/**
 * Java: ExpressionMessageFilter#isMatchedByConsumeQueue for TAG subscriptions: "*" matches everything; otherwise a
 * message matches when the int value of its consume queue tagsCode is in the subscription's code set (String#hashCode
 * of each subscribed tag, SubscriptionData#codeSet). An untagged message has tagsCode 0 and so does not match a tag
 * subscription. Clients re-filter by the tag string, so hash collisions are harmless.
 */
export function tagsCodeFilter(codeSet: Iterable<number> | '*'): MessageFilter {
  if (codeSet === '*') return allMessagesFilter;
  const set = new Set<number>();
  for (const c of codeSet) set.add(c | 0);
  return { isMatchedByConsumeQueue: (tagsCode: number) => set.has(tagsCode | 0) };
}

/** Matches everything (no subscription data, "*", class filter mode). */
export const allMessagesFilter: MessageFilter = { isMatchedByConsumeQueue: () => true, acceptsAllByConsumeQueue: true };
