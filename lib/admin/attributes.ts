import { hashOrderBy, javaStringHash } from './java-order';

/**
 * Topic attributes as the official mqadmin's `updateTopic -a` handles them (Java:
 * common/src/main/java/org/apache/rocketmq/common/attribute/AttributeParser.java): the option text split on ","
 * into "+key=value" (add or alter) and "-key" (delete) entries, kept in a java.util.HashMap whose keys keep their
 * sign. The map goes on the wire as AttributeParser#parseToString (CreateTopicRequestHeader#attributes) and is
 * printed as HashMap#toString inside TopicConfig#toString; both iterate the HashMap, so both use its order.
 */

/** Java String#split with a one-character literal separator: no match gives [s]; trailing empty parts dropped. */
export function javaSplit(s: string, sep: string): string[] {
  if (!s.includes(sep)) return [s];
  const parts = s.split(sep);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** What `-a` should look like, appended to every refusal. */
const FORMAT_HINT = 'write attribute(+a=b,+c=d,-e): +key=value adds or alters, -key deletes';

/** Java AttributeParser#parseToMap: the same entries, the same errors (their message first, then the format). */
export function parseAttributeModification(text: string): Map<string, string> {
  const m = new Map<string, string>();
  if (text === '') return m;
  for (const kv of javaSplit(text, ',')) {
    let key: string;
    let value: string;
    if (kv.includes('=')) {
      const splits = javaSplit(kv, '=');
      // Java indexes splits[0] and splits[1] unchecked: "+a=" and "=" end in ArrayIndexOutOfBoundsException.
      if (splits.length < 2) throw new Error(`Index ${splits.length} out of bounds for length ${splits.length}: attribute "${kv}" has no value; ${FORMAT_HINT}`);
      key = splits[0]!;
      value = splits[1]!;
      if (!key.includes('+')) throw new Error(`add/alter attribute format is wrong: ${key}; ${FORMAT_HINT}`);
    } else {
      key = kv;
      value = '';
      if (!key.includes('-')) throw new Error(`delete attribute format is wrong: ${key}; ${FORMAT_HINT}`);
    }
    if (m.has(key)) throw new Error(`key duplication: ${key}; give each attribute once`);
    m.set(key, value);
  }
  return m;
}

/** The keys of a default java.util.HashMap filled in `m`'s order, in its iteration order. */
const javaOrder = (m: Map<string, string>): string[] => hashOrderBy([...m.keys()], javaStringHash);

/** Java AttributeParser#parseToString: "key=value" (just "key" for an empty value) joined by ",", HashMap order. */
export function attributesToHeader(m: Map<string, string>): string {
  return javaOrder(m)
    .map((k) => (m.get(k) === '' ? k : `${k}=${m.get(k)!}`))
    .join(',');
}

/** java.util.AbstractMap#toString of the HashMap: "{k1=v1, k2=v2}", "{}" when empty. */
export function attributesToString(m: Map<string, string>): string {
  return `{${javaOrder(m).map((k) => `${k}=${m.get(k)!}`).join(', ')}}`;
}
