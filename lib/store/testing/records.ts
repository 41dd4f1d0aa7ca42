import { encodeStoredMessage, stringifyProperties, decodeStoredMessage, type StoredMessage } from '../../../protocol/message';
import { defaultStoreConfig, type StoreConfig } from '../config';

/** Test helpers: records as the broker hands them to the store (placeholders for the fields the store assigns). */

export interface TestMessage {
  topic: string;
  queueId?: number;
  body: Buffer | string;
  tags?: string;
  keys?: string;
  uniqKey?: string;
  delay?: number;
  sysFlag?: number;
  bornTimestamp?: number;
  extraProperties?: [string, string][];
}

const BORN_HOST = { ip: Buffer.from([127, 0, 0, 1]), port: 40000 };
const STORE_HOST = { ip: Buffer.from([10, 0, 0, 2]), port: 10911 };

export function makeRecord(m: TestMessage): Buffer {
  const props: [string, string][] = [];
  if (m.tags !== undefined) props.push(['TAGS', m.tags]);
  if (m.keys !== undefined) props.push(['KEYS', m.keys]);
  if (m.uniqKey !== undefined) props.push(['UNIQ_KEY', m.uniqKey]);
  if (m.delay !== undefined) props.push(['DELAY', String(m.delay)]);
  for (const p of m.extraProperties ?? []) props.push(p);
  return encodeStoredMessage({
    queueId: m.queueId ?? 0,
    sysFlag: m.sysFlag ?? 0,
    bornTimestamp: m.bornTimestamp ?? 1_700_000_000_000,
    bornHost: BORN_HOST,
    storeHost: STORE_HOST,
    body: typeof m.body === 'string' ? Buffer.from(m.body) : m.body,
    topic: m.topic,
    properties: stringifyProperties(props),
  });
}

export function decode(buf: Buffer): StoredMessage {
  return decodeStoredMessage(buf, 0, { checkCrc: true }).message;
}

/** A small store config for tests: tiny files so that rolling, blank records and deletion happen quickly. */
export function testConfig(root: string, overrides: Partial<StoreConfig> = {}): StoreConfig {
  return defaultStoreConfig({
    storePathRootDir: root,
    mappedFileSizeCommitLog: 64 * 1024,
    mappedFileSizeConsumeQueue: 20 * 200,
    maxHashSlotNum: 256,
    maxIndexNum: 1024,
    flushIntervalCommitLog: 10,
    flushIntervalConsumeQueue: 20,
    flushConsumeQueueThoroughInterval: 100,
    flushCommitLogThoroughInterval: 100,
    cleanResourceInterval: 3_600_000,
    deleteCommitLogFilesInterval: 0,
    deleteConsumeQueueFilesInterval: 0,
    commitLogTailCacheBytesMax: 16 * 1024,
    ...overrides,
  });
}
