/**
 * The tree parseJson returns (see json.ts for the dialect): null | boolean | number | bigint | string |
 * JsonValue[] | JsonObject. Integers that fit in 53 bits are numbers, larger ones bigints; numbers written with a
 * fraction or an exponent are numbers. A JsonObject keeps its entries in wire order; a key is a string (quoted or
 * identifier), a number/bigint (unquoted numeric key) or a JsonObject (object key).
 */

export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | JsonObject;
export type JsonKey = string | number | bigint | JsonObject;
export type JsonEntry = [key: JsonKey, value: JsonValue];

export class JsonObject {
  constructor(readonly entries: JsonEntry[] = []) {}

  /** The value of the LAST entry whose key is the string `key` (fastjson: later duplicates win). */
  get(key: string): JsonValue | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      if (e[0] === key) return e[1];
    }
    return undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
}

export function isJsonObject(v: unknown): v is JsonObject {
  return v instanceof JsonObject;
}
