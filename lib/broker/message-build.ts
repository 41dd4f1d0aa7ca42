import {
  encodeStoredMessage,
  getProperty,
  MessageConst,
  parseIp,
  parseProperties,
  resetTransactionValue,
  stringifyProperties,
  transactionValue,
  MessageSysFlag,
  type DelayLevelTable,
  type HostAddress,
} from '../../protocol/message';
import { SCHEDULE_TOPIC } from '../../protocol/naming';
import type { Connection } from '../remoting';

/**
 * A message on its way into the store (Java MessageExtBrokerInner): the broker applies its transformations
 * (retry/DLQ, delay level, transactional half) and then encodes the stored record once; the store patches the
 * offsets and store time in place when it appends.
 *
 * Properties stay a string on the fast path (append CLUSTER and, when missing, UNIQ_KEY) and become a Map only
 * when a transformation needs to edit them.
 */
export class InnerMessage {
  private propsString: string;
  private propsMap: Map<string, string> | null = null;

  constructor(
    public topic: string,
    public queueId: number,
    public flag: number,
    public sysFlag: number,
    public bornTimestamp: number,
    public bornHost: HostAddress,
    public storeHost: HostAddress,
    public reconsumeTimes: number,
    public body: Uint8Array,
    properties: string,
    public preparedTransactionOffset = 0,
  ) {
    this.propsString = properties;
  }

  get(name: string): string | undefined {
    return this.propsMap !== null ? this.propsMap.get(name) : getProperty(this.propsString, name);
  }

  private map(): Map<string, string> {
    if (this.propsMap === null) this.propsMap = parseProperties(this.propsString);
    return this.propsMap;
  }

  put(name: string, value: string): void {
    if (this.propsMap === null && getProperty(this.propsString, name) === undefined) {
      // Fast path: append, keeping the client's bytes (Java re-serializes the whole map; both parse the same).
      const s = this.propsString;
      this.propsString = (s.length > 0 && !s.endsWith('\u0002') ? s + '\u0002' : s) + `${name}\u0001${value}\u0002`;
      return;
    }
    this.map().set(name, value);
  }

  remove(name: string): void {
    if (this.get(name) === undefined) return;
    this.map().delete(name);
  }

  properties(): string {
    if (this.propsMap !== null) {
      this.propsString = stringifyProperties(this.propsMap);
      this.propsMap = null;
    }
    return this.propsString;
  }

  encode(): Buffer {
    return encodeStoredMessage({
      queueId: this.queueId,
      flag: this.flag,
      sysFlag: this.sysFlag,
      bornTimestamp: this.bornTimestamp,
      bornHost: this.bornHost,
      storeHost: this.storeHost,
      reconsumeTimes: this.reconsumeTimes,
      preparedTransactionOffset: this.preparedTransactionOffset,
      body: this.body,
      topic: this.topic,
      properties: this.properties(),
    });
  }
}

/** The peer's address as BORNHOST; an IPv4-mapped IPv6 address is stored as IPv4, as Java does. */
export function bornHostOf(conn: Connection): HostAddress {
  const ip = parseIp(conn.remoteHost) ?? new Uint8Array([127, 0, 0, 1]);
  return { ip, port: conn.remotePort };
}

/**
 * Java HookUtils#handleScheduleMessage: a message with DELAY > 0 (and not a prepared/rollback transaction) goes to
 * SCHEDULE_TOPIC_XXXX queue level-1, with REAL_TOPIC/REAL_QID remembering where it belongs. Returns true when
 * transformed.
 */
export function applyDelayLevel(m: InnerMessage, levels: DelayLevelTable): boolean {
  const tran = transactionValue(m.sysFlag);
  if (tran !== MessageSysFlag.TRANSACTION_NOT_TYPE && tran !== MessageSysFlag.TRANSACTION_COMMIT_TYPE) return false;
  const raw = m.get(MessageConst.PROPERTY_DELAY_TIME_LEVEL);
  if (raw === undefined) return false;
  const level = Number.parseInt(raw, 10);
  if (!(level > 0)) return false;
  const clamped = levels.clamp(level);
  if (clamped !== level) m.put(MessageConst.PROPERTY_DELAY_TIME_LEVEL, String(clamped));
  m.put(MessageConst.PROPERTY_REAL_TOPIC, m.topic);
  m.put(MessageConst.PROPERTY_REAL_QUEUE_ID, String(m.queueId));
  m.topic = SCHEDULE_TOPIC;
  m.queueId = clamped - 1;
  return true;
}

/** Java TransactionalMessageBridge#parseHalfMessageInner. */
export function toHalfMessage(m: InnerMessage, halfTopic: string): void {
  const uniq = m.get(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
  if (uniq !== undefined && uniq !== '') m.put(MessageConst.PROPERTY_TRANSACTION_ID, uniq);
  m.put(MessageConst.PROPERTY_REAL_TOPIC, m.topic);
  m.put(MessageConst.PROPERTY_REAL_QUEUE_ID, String(m.queueId));
  m.sysFlag = resetTransactionValue(m.sysFlag, MessageSysFlag.TRANSACTION_NOT_TYPE);
  m.topic = halfTopic;
  m.queueId = 0;
}
