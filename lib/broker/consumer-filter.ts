import type { SubscriptionData } from '../../protocol/bodies';
import * as message from '../../protocol/message';
import type { Logger } from '../common';
import { compileSql92, isTagType, type CompileResult, type PropertyGetter, type Sql92Filter } from '../filter';
import type { MessageFilter } from '../store';

// Bound once at load: the package index re-exports through getters, otherwise one getter call per use (these run
// per record a pull examines; the getters were ~2% of the broker's CPU in the sqlpull profile).
const { findPropertyValueIn, isPropertyNameBytes, peekPropertiesPos, propertyScanView, propertyValueEndAt, propertyValueEqualsIn } = message;

/**
 * SQL92 subscriptions compiled once per (group, topic) at heartbeat, looked up by pulls. Java:
 * broker/.../filter/ConsumerFilterManager (FilterDataMapByTopic#register: a newer subVersion with a changed
 * expression recompiles; an expression that no longer compiles removes the old data, so pulls answer
 * FILTER_DATA_NOT_EXIST and the client reports the error; an older or equal version changes nothing) and
 * ExpressionMessageFilter#isMatchedByCommitLog (only TRUE matches; null, errors and non-booleans do not).
 *
 * Apogee keeps no consume-queue extension, so there is no bloom-filter stage: every SQL92 candidate is decided on
 * the stored record's properties.
 */

export interface ConsumerFilterData {
  group: string;
  topic: string;
  expression: string;
  expressionType: string;
  /** The subscription's subVersion when compiled (Java: clientVersion). */
  clientVersion: bigint;
  filter: Sql92Filter;
}

export interface ConsumerFilterManagerOptions {
  logger: Logger;
  /** Bound on (group, topic) entries; a registration beyond it is refused and logged. */
  consumerFilterEntriesMax: number;
  /** Bound on the compile cache (Java: SelectorParser's PARSE_CACHE holds 100 expressions). */
  compileCacheEntriesMax: number;
}

const KEY_SEPARATOR = '\u0001';

export class ConsumerFilterManager {
  private readonly byKey = new Map<string, ConsumerFilterData>();
  private readonly cache = new Map<string, CompileResult>();

  constructor(private readonly o: ConsumerFilterManagerOptions) {}

  get size(): number {
    return this.byKey.size;
  }

  /** Expressions held compiled (bounded by compileCacheEntriesMax). */
  get compiledCached(): number {
    return this.cache.size;
  }

  /** Java: SqlFilter#compile behind SelectorParser's bounded parse cache (errors are cached too). */
  compile(expression: string): CompileResult {
    let r = this.cache.get(expression);
    if (r !== undefined) return r;
    r = compileSql92(expression);
    if (this.cache.size >= this.o.compileCacheEntriesMax) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(expression, r);
    return r;
  }

  get(group: string, topic: string): ConsumerFilterData | undefined {
    return this.byKey.get(group + KEY_SEPARATOR + topic);
  }

  /** Java: ConsumerFilterManager#register(group, subList), called for every consumer heartbeat. */
  register(group: string, subs: readonly SubscriptionData[]): void {
    const topics = new Set<string>();
    for (const s of subs) {
      topics.add(s.topic);
      this.registerOne(group, s);
    }
    // Java marks the group's other topics dead (and cleans them later); Apogee drops them at once.
    for (const [key, d] of this.byKey) if (d.group === group && !topics.has(d.topic)) this.byKey.delete(key);
  }

  private registerOne(group: string, s: SubscriptionData): void {
    if (isTagType(s.expressionType) || s.subString === undefined || s.subString === '') return;
    const key = group + KEY_SEPARATOR + s.topic;
    const old = this.byKey.get(key);
    if (old !== undefined) {
      if (s.subVersion <= old.clientVersion) return;
      if (old.expression === s.subString && old.expressionType === s.expressionType) {
        old.clientVersion = s.subVersion;
        return;
      }
    }
    const compiled = this.compile(s.subString);
    if (!compiled.ok) {
      // Java: "new expression compile error, remove old, let client report error".
      this.byKey.delete(key);
      this.o.logger.warn({ group, topic: s.topic, expression: s.subString, error: compiled.error }, 'SQL92 subscription does not compile');
      return;
    }
    if (old === undefined && this.byKey.size >= this.o.consumerFilterEntriesMax) {
      this.o.logger.warn({ group, topic: s.topic, consumerFilterEntriesMax: this.o.consumerFilterEntriesMax }, 'consumer filter table full: subscription not registered');
      return;
    }
    this.byKey.set(key, {
      group,
      topic: s.topic,
      expression: s.subString,
      expressionType: s.expressionType,
      clientVersion: s.subVersion,
      filter: compiled.filter,
    });
  }

  /** Drops the entries of groups that are gone (Java: ConsumerFilterManager#unRegister and its dead-data cleaning). */
  retainGroups(alive: (group: string) => boolean): void {
    for (const [key, d] of this.byKey) if (!alive(d.group)) this.byKey.delete(key);
  }
}

/**
 * The pull's MessageFilter for a SQL92 subscription: every consume-queue unit is a candidate, the stored record's
 * properties decide (Java: ExpressionMessageFilter; MessageEvaluationContext reads the properties map).
 */
export function sql92MessageFilter(filter: Sql92Filter): MessageFilter {
  // Hot path: each property the expression asks for is looked up in the record's properties bytes (no map, no
  // decoding of the other properties). Names are encoded (and checked) once per filter; null: never found. The
  // expression hands the same name string every time, so the last one is remembered before the map is asked.
  const names = new Map<string, Uint8Array | null>();
  let lastName = '';
  let lastBytes: Uint8Array | null = null;
  let record: Buffer = Buffer.alloc(0);
  let view = propertyScanView(record);
  let start = 0;
  let end = 0;
  const nameBytes = (name: string): Uint8Array | null => {
    if (name === lastName) return lastBytes;
    let n = names.get(name);
    if (n === undefined) {
      const b = Buffer.from(name, 'utf8');
      n = isPropertyNameBytes(b) ? b : null;
      if (names.size < PROPERTY_NAMES_CACHED_MAX) names.set(name, n);
    }
    lastName = name;
    lastBytes = n;
    return n;
  };
  const get: PropertyGetter = (name: string): string | undefined => {
    const n = nameBytes(name);
    if (n === null) return undefined;
    const vs = findPropertyValueIn(view, record, start, end, n);
    return vs < 0 ? undefined : record.toString('utf8', vs, propertyValueEndAt(record, vs, end));
  };
  // `prop = 'literal'`: the value's bytes against the literal's, nothing decoded.
  get.equalsUtf8 = (name: string, value: Uint8Array): boolean | undefined => {
    const n = nameBytes(name);
    return n === null ? undefined : propertyValueEqualsIn(view, record, start, end, n, value);
  };
  const matchAt = (r: Buffer, pos: number): boolean => {
    // Records come out of a few large shared buffers (tail-cache segments, read spans): one view per buffer.
    if (r !== record) {
      record = r;
      view = propertyScanView(r);
    }
    start = peekPropertiesPos(r, pos);
    end = start + ((r[start - 2]! << 8) | r[start - 1]!); // PROPERTIESLENGTH is the 2 bytes before the properties
    const recordEnd = pos + r.readInt32BE(pos); // never past the record (the buffer may hold its neighbours)
    if (end > recordEnd) end = recordEnd;
    return filter.matches(get);
  };
  return {
    isMatchedByConsumeQueue: () => true,
    acceptsAllByConsumeQueue: true,
    isMatchedByCommitLog: (r: Buffer): boolean => matchAt(r, 0),
    isMatchedByCommitLogAt: matchAt,
  };
}

/** Encoded property names kept per SQL92 filter (an expression names a handful). */
const PROPERTY_NAMES_CACHED_MAX = 64;
