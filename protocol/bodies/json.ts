/**
 * JSON in the dialect of fastjson (Java RocketMQ: fastjson 1.2.69 in 4.9.x, 1.2.83 in 5.0..5.3, fastjson2 2.0.x in
 * 5.5.0; the switch came after 5.3.3) and of the Go client (jsoniter / hand-built strings).
 *
 * PARSER (`parseJson`). Standard JSON plus what those peers send or fastjson accepts:
 *   - unquoted integer keys            {0:"192.168.0.2:10911",1:"..."}          (Java Map<Long|Integer,...>)
 *   - object keys                      {{"brokerName":"b","queueId":0,"topic":"T"}:5}   (Java Map<MessageQueue,...>)
 *   - unquoted identifier keys         {table:{}}                                (fastjson AllowUnQuotedFieldNames)
 *   - single-quoted strings, \' \v \xHH and \0..\7 escapes, raw control characters inside strings
 *   - integers beyond 2^53 kept exact as bigint (Go's nanosecond subVersion ~1.7e18)
 *   - duplicate keys (all kept, in order; readers take the last one as Java's HashMap.put / setters do)
 *   - trailing commas, the extra whitespace characters \f and \b, a leading byte-order mark
 * It is bounded (jsonBytesMax, jsonDepthMax, jsonNumberLengthMax) and reports every problem, including an
 * exceeded bound, as ProtocolError('BODY_JSON'); it never throws anything else.
 *
 * TREE. null | boolean | number | bigint | string | JsonValue[] | JsonObject. Integers that fit in 53 bits are
 * numbers, larger ones bigints; numbers written with a fraction or an exponent are numbers. A JsonObject keeps its
 * entries in wire order; a key is a string (quoted or identifier), a number/bigint (unquoted numeric key) or a
 * JsonObject (object key).
 *
 * WRITER (`writeJson`). Writes an output tree (`Out`, built with bean/map/list/set/prim/dbl) byte for byte as
 * fastjson does: bean properties sorted by name, null/undefined omitted (bean properties and map values), enums
 * by name, doubles as Java prints them (0.0, 1.0E7), maps in the given order, fastjson's string escapes, and
 * fastjson's PrettyFormat (tab indentation, with each dialect's own quirks, see pretty1 and pretty2).
 *
 * FILES. json-tree.ts (the tree), json-parse.ts (the parser and its limits), json-out.ts (the writer's output
 * tree and options), json-write.ts (the writer). This file only re-exports them.
 */

export { JsonObject, isJsonObject } from './json-tree';
export type { JsonValue, JsonKey, JsonEntry } from './json-tree';
export { jsonBytesMax, jsonDepthMax, jsonNumberLengthMax, parseJson } from './json-parse';
export type { JsonLimits } from './json-parse';
export { bean, map, list, set, prim, dbl, raw, outOf } from './json-out';
export type { JsonDialect, JsonWriteOptions, OutDouble, OutBean, OutKey, OutMap, OutArray, OutRaw, Out } from './json-out';
export { javaDouble, quote, writeJson, javaUtf8 } from './json-write';
