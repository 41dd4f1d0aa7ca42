import { gunzipSync } from 'node:zlib';
import type { TopicRouteData } from '../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { AckMessageRequestHeader, ChangeInvisibleTimeRequestHeader, ConsumerSendMsgBackRequestHeader, ChangeInvisibleTimeResponseHeader, decodeHeader, encodeSendMessageHeaderV2, PopMessageRequestHeader, PopMessageResponseHeader } from '../../protocol/headers';
import { decodeMessages, decodeOffsetMsgId, stringifyProperties } from '../../protocol/message';
import { AUTO_CREATE_TOPIC, isWriteable, MASTER_ID } from '../../protocol/naming';
import type { RocketClient } from '../client';
import type { Logger } from '../common';
import {
  Code, decodeReceiptHandle, durationMs, encodeReceiptHandle, extraInfoOf, OK, popReceipts, remotingStatus, routeToAssignments, routeToQueues, status, storedTopic, toPbMessage, toRemotingSend,
  type PbEndpoints, type PbMessage, type PbResource, type Status,
} from './convert';
import { planBatchAck } from './batch-ack';
import { receivePollingMs } from './polling';
import { Transactions, TX_PREPARED, type EndTransactionRequest, type HalfMessage } from './transactions';
import { acceptedTypes, checkedTopic, messageTypeConflict, messageTypeOf, TopicTypes, type TopicMessageType } from './message-type';

/**
 * The MessagingService RPCs Apogee serves, over the local NameServer and broker through lib/client (remoting over
 * loopback, as the Java proxy's cluster mode does). Each method takes the decoded request and returns the response
 * object; server.ts adapts them to @grpc/grpc-js. Java: proxy/.../grpc/v2/{route/RouteActivity,
 * producer/SendMessageActivity, consumer/ReceiveMessageActivity, consumer/AckMessageActivity,
 * consumer/ChangeInvisibleDurationActivity, producer/ForwardMessageToDLQActivity}. Client registration (Heartbeat,
 * Settings, NotifyClientTermination) is clients.ts.
 */
export type { HalfMessage } from './transactions';

export interface GrpcServiceOptions {
  client: RocketClient;
  logger: Logger;
  /** Time the broker may hold a POP beyond which the client would give up: subtracted from its long-polling timeout, ms (Java ProxyConfig.longPollingReserveTimeInMillis). */
  longPollingReserveMs: number;
  /** Remoting request timeout for non-polling calls, ms. */
  requestTimeoutMs: number;
}

/** Java proxy MessageQueueSelector.BROKER_ACTING_QUEUE_ID: a POP of every queue of the broker. */
const BROKER_ACTING_QUEUE_ID = -1;
/** Java ConsumeInitMode.MAX: a new POP consumer group starts at the end of the queue (the proxy's choice). */
const INIT_MODE_MAX = 1;
/** Largest batch a ReceiveMessage may ask for (Java ProxyConfig.grpcClientConsumerMaxBatchSize... broker caps POP at 32). */
export const RECEIVE_BATCH_MAX = 32;
/** Invisible time of an auto-renewed (push consumer) receive, ms (Java ProxyConfig.defaultInvisibleTimeMills). */
export const DEFAULT_INVISIBLE_MS = 60_000;
/** How long a group's orderly flag is trusted before it is read again, ms. */
export const GROUP_CACHE_MS = 5_000;
/** Groups whose orderly flag is cached at once (the cache is dropped whole beyond). */
export const GROUP_CACHE_ENTRIES_MAX = 10_000;

/** SubscriptionGroupConfig.retryMaxTimes when the broker has no config for the group (Java default 16). */
export const DEFAULT_RETRY_MAX_TIMES = 16;

export interface GroupPolicy {
  fifo: boolean;
  retryMaxTimes: number;
}

export class GrpcService {
  /** transactionId -> half message, oldest dropped beyond HALF_MESSAGES_MAX (the broker's check then resolves it). */
  /** Half messages awaiting EndTransaction (transactions.ts). */
  readonly tx: Transactions;
  /** group -> consumeMessageOrderly and retryMaxTimes, read from the broker (GET_SUBSCRIPTIONGROUP_CONFIG) at most every GROUP_CACHE_MS. */
  private readonly orderly = new Map<string, GroupPolicy & { at: number }>();

  private readonly types: TopicTypes;

  constructor(private readonly o: GrpcServiceOptions) {
    this.types = new TopicTypes({ client: o.client, requestTimeoutMs: o.requestTimeoutMs });
    this.tx = new Transactions({ client: o.client, requestTimeoutMs: o.requestTimeoutMs });
  }

  /**
   * Whether a consumer group consumes orderly (Java: SubscriptionGroupConfig#isConsumeMessageOrderly, which the proxy
   * turns into Settings.subscription.fifo and POP's order flag). Unknown groups are not orderly.
   */
  async groupFifo(group: string, brokerAddr: string): Promise<boolean> {
    return (await this.groupPolicy(group, brokerAddr)).fifo;
  }

  /**
   * A group's orderly flag and retryMaxTimes (Java GrpcClientSettingsManager#mergeSubscriptionData: backoff
   * max_attempts = retryMaxTimes + 1, after which the push consumer forwards the message to the DLQ). A group the
   * broker does not know gets the defaults (not orderly, DEFAULT_RETRY_MAX_TIMES).
   */
  async groupPolicy(group: string, brokerAddr: string): Promise<GroupPolicy> {
    const c = this.orderly.get(group);
    if (c !== undefined && Date.now() - c.at < GROUP_CACHE_MS) return { fifo: c.fifo, retryMaxTimes: c.retryMaxTimes };
    const r = await this.o.client.call(brokerAddr, RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG, new Map([['group', group]]), null, this.o.requestTimeoutMs);
    const p: GroupPolicy = { fifo: false, retryMaxTimes: DEFAULT_RETRY_MAX_TIMES };
    if (r.code === ResponseCode.SUCCESS && r.body !== null) {
      try {
        const g = JSON.parse(r.body.toString('utf8')) as { consumeMessageOrderly?: boolean; retryMaxTimes?: number };
        p.fifo = g.consumeMessageOrderly === true;
        if (Number.isInteger(g.retryMaxTimes) && g.retryMaxTimes! >= 0) p.retryMaxTimes = g.retryMaxTimes!;
      } catch {
        // an unreadable config: the defaults
      }
    }
    if (this.orderly.size >= GROUP_CACHE_ENTRIES_MAX) this.orderly.clear();
    this.orderly.set(group, { ...p, at: Date.now() });
    return p;
  }

  /** The master address of a topic's first broker (settings look-ups), undefined without a route. */
  async anyBrokerAddr(topic: string): Promise<string | undefined> {
    const r = await this.route(topic);
    return r?.brokerDatas.map((b) => b.brokerAddrs.get(MASTER_ID)).find((a) => a !== undefined);
  }

  private async route(topic: string): Promise<TopicRouteData | undefined> {
    return this.o.client.routeOf(topic, 3_000);
  }

  private async brokerAddr(topic: string, brokerName: string): Promise<string | undefined> {
    const r = await this.route(topic);
    return r?.brokerDatas.find((b) => b.brokerName === brokerName)?.brokerAddrs.get(MASTER_ID);
  }

  async queryRoute(req: { topic: PbResource; endpoints: PbEndpoints }): Promise<{ status: Status; messageQueues: unknown[] }> {
    const r = await this.route(req.topic.name);
    if (r === undefined) return { status: status(Code.TOPIC_NOT_FOUND, `topic ${req.topic.name} not found: create it first (mqadmin updateTopic)`), messageQueues: [] };
    const addr = r.brokerDatas.map((b) => b.brokerAddrs.get(MASTER_ID)).find((a) => a !== undefined);
    const type = addr === undefined ? 'MIXED' : await this.types.typeOf(req.topic.name, addr);
    return { status: OK, messageQueues: routeToQueues(req.topic, r, req.endpoints, acceptedTypes(type)) };
  }

  async queryAssignment(req: { topic: PbResource; group: PbResource; endpoints: PbEndpoints }): Promise<{ status: Status; assignments: unknown[] }> {
    const r = await this.route(req.topic.name);
    if (r === undefined) return { status: status(Code.TOPIC_NOT_FOUND, `topic ${req.topic.name} not found: create it first (mqadmin updateTopic)`), assignments: [] };
    const a = routeToAssignments(req.topic, r, req.endpoints);
    if (a.length === 0) return { status: status(Code.TOPIC_NOT_FOUND, `topic ${req.topic.name} has no readable queue on a master`), assignments: [] };
    return { status: OK, assignments: a };
  }

  async sendMessage(req: { messages: PbMessage[] }): Promise<{ status: Status; entries: unknown[] }> {
    if (req.messages.length === 0) return { status: status(Code.BAD_REQUEST, 'no message to send'), entries: [] };
    const entries: { status: Status; messageId: string; transactionId: string; offset: number; recallHandle?: string }[] = [];
    for (const m of req.messages) {
      const c = toRemotingSend(m);
      const messageId = m.systemProperties?.messageId ?? '';
      if (!c.ok) {
        entries.push({ status: c.status, messageId, transactionId: '', offset: 0 });
        continue;
      }
      const conflict = await this.typeConflict(c.value.topic, messageTypeOf(c.value.properties));
      if (conflict !== undefined) {
        entries.push({ status: conflict, messageId, transactionId: '', offset: 0 });
        continue;
      }
      const r = await this.sendOne(c.value);
      let transactionId = '';
      if (c.value.transactional && r.half !== undefined) {
        transactionId = messageId; // Java: the client's message id doubles as the transaction id
        this.tx.remember(transactionId, { ...r.half, topic: c.value.topic, msgId: messageId });
      }
      entries.push({ status: r.status, offset: r.offset, messageId, transactionId, ...(r.recallHandle !== undefined ? { recallHandle: r.recallHandle } : {}) });
    }
    const first = entries.find((e) => e.status.code !== Code.OK);
    return { status: first?.status ?? OK, entries };
  }

  /** The proxy's message-type check (message-type.ts); undefined when `actual` may go to `topic`. */
  async typeConflict(topic: string, actual: TopicMessageType): Promise<Status | undefined> {
    const addr = checkedTopic(topic) ? await this.anyBrokerAddr(topic) : undefined;
    return addr === undefined ? undefined : messageTypeConflict(await this.types.typeOf(topic, addr), actual);
  }

  private async sendOne(m: ReturnType<typeof toRemotingSend> extends infer R ? (R extends { ok: true; value: infer V } ? V : never) : never): Promise<{ status: Status; offset: number; recallHandle?: string; half?: { brokerAddr: string; commitLogOffset: number; queueOffset: number } }> {
    const r = await this.route(m.topic);
    if (r === undefined) return { status: status(Code.TOPIC_NOT_FOUND, `topic ${m.topic} not found: create it first (mqadmin updateTopic)`), offset: 0 };
    const qd = r.queueDatas.find((q) => isWriteable(q.perm) && m.queueId < q.writeQueueNums) ?? r.queueDatas.find((q) => isWriteable(q.perm));
    const addr = qd === undefined ? undefined : r.brokerDatas.find((b) => b.brokerName === qd.brokerName)?.brokerAddrs.get(MASTER_ID);
    if (qd === undefined || addr === undefined) return { status: status(Code.TOPIC_NOT_FOUND, `topic ${m.topic} has no writable queue on a master`), offset: 0 };
    let body = m.body;
    if (m.gzip) {
      try {
        body = gunzipSync(body);
      } catch (e) {
        return { status: status(Code.BAD_REQUEST, `body_encoding GZIP but the body does not inflate: ${(e as Error).message}`), offset: 0 };
      }
    }
    // Java SendMessageActivity: gRPC producers have no group; the topic name is the producer group (the transaction
    // check finds the producer that clients.ts registered under it).
    const ext = encodeSendMessageHeaderV2({
      producerGroup: m.topic,
      topic: m.topic,
      defaultTopic: AUTO_CREATE_TOPIC,
      defaultTopicQueueNums: 4,
      queueId: m.queueId < qd.writeQueueNums ? m.queueId : m.queueId % qd.writeQueueNums,
      sysFlag: m.transactional ? TX_PREPARED : 0,
      bornTimestamp: m.bornTimestamp,
      flag: 0,
      properties: stringifyProperties(m.transactional ? [...m.properties, ['PGROUP', m.topic]] : m.properties),
      reconsumeTimes: 0,
      unitMode: false,
      batch: false,
      bname: qd.brokerName,
    });
    const resp = await this.o.client.call(addr, RequestCode.SEND_MESSAGE_V2, ext, body, this.o.requestTimeoutMs);
    // Java SendMessageActivity / ResponseBuilder#buildStatus(SendStatus): flush/slave timeouts are OK-with-remark there too.
    if (resp.code === ResponseCode.SUCCESS || resp.code === ResponseCode.FLUSH_DISK_TIMEOUT || resp.code === ResponseCode.SLAVE_NOT_AVAILABLE) {
      const queueOffset = Number(resp.extFields?.get('queueOffset') ?? 0);
      // Java SendMessageActivity: the broker's recallHandle (a timer message) becomes the entry's recall_handle.
      const recallHandle = resp.extFields?.get('recallHandle');
      if (!m.transactional) return { status: OK, offset: queueOffset, ...(recallHandle !== undefined ? { recallHandle } : {}) };
      let commitLogOffset: number;
      try {
        commitLogOffset = decodeOffsetMsgId(resp.extFields?.get('msgId') ?? '').offset;
      } catch (e) {
        return { status: status(Code.INTERNAL_SERVER_ERROR, `half message stored but its offset msgId is unreadable: ${(e as Error).message}`), offset: 0 };
      }
      return { status: OK, offset: queueOffset, half: { brokerAddr: addr, commitLogOffset, queueOffset } };
    }
    return { status: remotingStatus(resp.code, resp.remark), offset: 0 };
  }

  /** A half message the broker's transaction check named (transaction-check.ts), so the checker's EndTransaction finds it. */
  rememberHalf(transactionId: string, h: HalfMessage): void {
    this.tx.remember(transactionId, h);
  }

  endTransaction(req: EndTransactionRequest): Promise<{ status: Status }> {
    return this.tx.end(req);
  }

  /**
   * POP from every queue of the broker named by the queue, polling as long as receivePollingMs says (the client's
   * request timeout: its Settings.request_timeout), then the messages. Java ReceiveMessageActivity
   * + ReceiveMessageResponseStreamWriter: an OK status line, one response per message; MESSAGE_NOT_FOUND when none.
   */
  async receiveMessage(
    req: { group: PbResource; messageQueue: { topic: PbResource; id: number; broker: { name: string } }; filterExpression?: { type: string; expression: string }; batchSize: number; invisibleDuration?: unknown; autoRenew?: boolean; longPollingTimeout?: unknown; attemptId?: string },
    deadlineMs: number,
    clientRequestTimeoutMs?: number,
  ): Promise<{ status: Status; messages: unknown[] }> {
    const topic = req.messageQueue?.topic?.name ?? '';
    const group = req.group?.name ?? '';
    if (topic === '' || group === '') return { status: status(Code.BAD_REQUEST, 'ReceiveMessage needs message_queue.topic and group'), messages: [] };
    // Java ReceiveMessageActivity: a push consumer (auto_renew) gets the proxy's default invisible time and renews it
    // with ChangeInvisibleDuration; a simple consumer must name one.
    const invisible = req.autoRenew === true ? DEFAULT_INVISIBLE_MS : durationMs(req.invisibleDuration as never);
    if (invisible === undefined || invisible <= 0) return { status: status(Code.ILLEGAL_INVISIBLE_TIME, 'invisible_duration is required (without auto_renew) and must be positive'), messages: [] };
    const batch = req.batchSize;
    if (batch <= 0 || batch > RECEIVE_BATCH_MAX) return { status: status(Code.BAD_REQUEST, `batch_size must be in 1..${RECEIVE_BATCH_MAX}, got ${batch}`), messages: [] };
    const addr = await this.brokerAddr(topic, req.messageQueue.broker?.name ?? '');
    if (addr === undefined) return { status: status(Code.TOPIC_NOT_FOUND, `broker ${req.messageQueue.broker?.name} serves no queue of ${topic}`), messages: [] };
    const pollMs = receivePollingMs(durationMs(req.longPollingTimeout as never), deadlineMs - Date.now() - this.o.longPollingReserveMs, clientRequestTimeoutMs ?? this.o.requestTimeoutMs);
    const f = req.filterExpression;
    const policy = await this.groupPolicy(group, addr);
    const fifo = policy.fifo;
    const resp = await this.o.client.call(
      addr,
      RequestCode.POP_MESSAGE,
      {
        spec: PopMessageRequestHeader,
        value: {
          consumerGroup: group,
          topic,
          // Java proxy MessageQueueSelector#getQueueByBrokerName: the broker-acting queue (-1, every queue of the
          // broker) whatever queue id the client names; a POP of one empty queue held its full poll while the
          // messages sat in the broker's other queues (Go gRPC client: ~16 s per scenario).
          queueId: BROKER_ACTING_QUEUE_ID,
          maxMsgNums: batch,
          invisibleTime: invisible,
          pollTime: pollMs,
          bornTime: Date.now(),
          initMode: INIT_MODE_MAX,
          expType: f?.type === 'SQL' ? 'SQL92' : 'TAG',
          exp: f?.expression === undefined || f.expression === '' ? '*' : f.expression,
          order: fifo,
          ...(req.attemptId !== undefined && req.attemptId !== null ? { attemptId: req.attemptId } : {}),
        },
      },
      null,
      pollMs + this.o.requestTimeoutMs,
    );
    if (resp.code === ResponseCode.POLLING_TIMEOUT || resp.code === ResponseCode.NO_MESSAGE || resp.code === ResponseCode.PULL_NOT_FOUND) {
      return { status: status(Code.MESSAGE_NOT_FOUND, 'no new message'), messages: [] };
    }
    if (resp.code === ResponseCode.POLLING_FULL) return { status: status(Code.TOO_MANY_REQUESTS, resp.remark ?? 'polling full'), messages: [] };
    if (resp.code !== ResponseCode.SUCCESS) return { status: remotingStatus(resp.code, resp.remark), messages: [] };
    const msgs = resp.body === null ? [] : decodeMessages(resp.body);
    if (msgs.length === 0) return { status: status(Code.MESSAGE_NOT_FOUND, 'no new message'), messages: [] };
    const ns = req.messageQueue.topic.resourceNamespace ?? '';
    const h = decodeHeader(PopMessageResponseHeader, resp.extFields ?? new Map());
    if (!h.ok) return { status: status(Code.INTERNAL_SERVER_ERROR, `broker answered POP_MESSAGE without its header: ${h.error}`), messages: [] };
    const receipts = popReceipts(h.value, req.messageQueue.broker.name, msgs);
    // Java ConsumerProcessor#popMessage with PopMessageResultFilterImpl(maxAttempts = the group's retryMaxTimes + 1):
    // a message already consumed that often goes to the DLQ instead of to the client (the broker's revive never does).
    const maxAttempts = policy.retryMaxTimes + 1;
    const out: unknown[] = [];
    for (let i = 0; i < msgs.length; i++) {
      const v = msgs[i]!;
      const rc = receipts[i];
      if (rc !== undefined && rc.reconsumeTimes >= maxAttempts) {
        const f = await this.forwardMessageToDeadLetterQueue({ group: req.group, topic: req.messageQueue.topic, receiptHandle: rc.handle, messageId: v.msgId });
        if (f.status.code !== Code.OK) this.o.logger.warn({ group, topic, messageId: v.msgId, status: f.status }, 'message over its max attempts not forwarded to the DLQ: it comes back after its invisible time');
        continue;
      }
      out.push(toPbMessage(v, group, ns, invisible, rc));
    }
    if (out.length === 0) return { status: status(Code.MESSAGE_NOT_FOUND, 'no new message'), messages: [] };
    return { status: OK, messages: out };
  }

  /**
   * Several entries: one BATCH_ACK_MESSAGE per broker (batch-ack.ts: one round trip and one revive record per
   * checkpoint instead of per message; rocketmq-proxy's batch ack), the entries it cannot carry (and a whole batch
   * the broker refuses) as single ACK_MESSAGEs, all in flight at once (Java AckMessageActivity#ackMessage:
   * CompletableFuture.allOf); answers in the entries' order. bench/grpc: 32 ACK_MESSAGEs per batch were a third of the
   * server's receive-phase CPU (ack revive records written one by one).
   */
  async ackMessage(req: { group: PbResource; topic: PbResource; entries: { messageId: string; receiptHandle: string }[] }): Promise<{ status: Status; entries: unknown[] }> {
    const group = req.group.name;
    const topic = req.topic.name;
    let out: { status: Status }[];
    if (req.entries.length < 2) {
      out = await Promise.all(req.entries.map((e) => this.ackOne(group, topic, e)));
    } else {
      out = new Array<{ status: Status }>(req.entries.length);
      const plan = planBatchAck(group, topic, req.entries.map((e) => decodeReceiptHandle(e.receiptHandle)));
      const one = async (i: number): Promise<void> => {
        out[i] = await this.ackOne(group, topic, req.entries[i]!);
      };
      const batch = async (brokerName: string, b: { indexes: number[]; body: Buffer }): Promise<void> => {
        const addr = await this.brokerAddr(topic, brokerName);
        const resp = addr === undefined ? undefined : await this.o.client.call(addr, RequestCode.BATCH_ACK_MESSAGE, null, b.body, this.o.requestTimeoutMs);
        if (resp?.code === ResponseCode.SUCCESS) for (const i of b.indexes) out[i] = { ...req.entries[i]!, status: OK };
        else await Promise.all(b.indexes.map(one)); // each entry's own answer, as without batching
      };
      await Promise.all([...plan.single.map(one), ...[...plan.batches].map(([n, b]) => batch(n, b))]);
    }
    const bad = out.find((x) => x.status.code !== Code.OK);
    return { status: bad === undefined ? OK : out.length === 1 ? bad.status : status(30000, 'multiple results'), entries: out };
  }

  /**
   * Java ProducerProcessor#forwardMessageToDeadLetterQueue: CONSUMER_SEND_MSG_BACK with delay level -1 (straight to
   * %DLQ%<group>) and max reconsume times 0 for the message at the handle's commit log offset, then, once the broker
   * took it, the POP ack (whose failure does not change the answer: the message is in the DLQ already).
   */
  async forwardMessageToDeadLetterQueue(req: { group: PbResource; topic: PbResource; receiptHandle: string; messageId: string }): Promise<{ status: Status }> {
    const h = decodeReceiptHandle(req.receiptHandle);
    if (h === undefined || h.commitLogOffset < 0) return { status: status(Code.INVALID_RECEIPT_HANDLE, `receipt handle is not one Apogee issued: ${req.receiptHandle}`) };
    const addr = await this.brokerAddr(req.topic.name, h.brokerName);
    if (addr === undefined) return { status: status(Code.TOPIC_NOT_FOUND, `broker ${h.brokerName} of the receipt handle serves no queue of ${req.topic.name}`) };
    const resp = await this.o.client.call(
      addr,
      RequestCode.CONSUMER_SEND_MSG_BACK,
      {
        spec: ConsumerSendMsgBackRequestHeader,
        value: { offset: h.commitLogOffset, group: req.group.name, delayLevel: -1, originMsgId: req.messageId, originTopic: storedTopic(req.topic.name, req.group.name, h.retry), maxReconsumeTimes: 0, unitMode: false },
      },
      null,
      this.o.requestTimeoutMs,
    );
    if (resp.code !== ResponseCode.SUCCESS) return { status: remotingStatus(resp.code, resp.remark) };
    const ack = await this.ackMessage({ group: req.group, topic: req.topic, entries: [{ messageId: req.messageId, receiptHandle: req.receiptHandle }] });
    if (ack.status.code !== Code.OK) this.o.logger.warn({ group: req.group.name, topic: req.topic.name, messageId: req.messageId, status: ack.status }, 'message forwarded to the DLQ but its POP ack failed: it will be redelivered');
    return { status: OK };
  }

  private async ackOne(group: string, topicName: string, e: { messageId: string; receiptHandle: string }): Promise<{ messageId: string; receiptHandle: string; status: Status }> {
    const h = decodeReceiptHandle(e.receiptHandle);
    if (h === undefined) return { ...e, status: status(Code.INVALID_RECEIPT_HANDLE, `receipt handle is not one Apogee issued: ${e.receiptHandle}`) };
    const topic = storedTopic(topicName, group, h.retry);
    const addr = await this.brokerAddr(topicName, h.brokerName);
    if (addr === undefined) return { ...e, status: status(Code.TOPIC_NOT_FOUND, `broker ${h.brokerName} of the receipt handle serves no queue of ${topicName}`) };
    const resp = await this.o.client.call(
      addr,
      RequestCode.ACK_MESSAGE,
      { spec: AckMessageRequestHeader, value: { consumerGroup: group, topic, queueId: h.queueId, extraInfo: extraInfoOf(h), offset: h.offset } },
      null,
      this.o.requestTimeoutMs,
    );
    return { ...e, status: resp.code === ResponseCode.SUCCESS ? OK : remotingStatus(resp.code, resp.remark) };
  }

  async changeInvisibleDuration(req: { group: PbResource; topic: PbResource; receiptHandle: string; invisibleDuration: unknown; messageId: string }): Promise<{ status: Status; receiptHandle: string }> {
    const h = decodeReceiptHandle(req.receiptHandle);
    if (h === undefined) return { status: status(Code.INVALID_RECEIPT_HANDLE, `receipt handle is not one Apogee issued: ${req.receiptHandle}`), receiptHandle: '' };
    const ms = durationMs(req.invisibleDuration as never);
    if (ms === undefined || ms < 0) return { status: status(Code.ILLEGAL_INVISIBLE_TIME, 'invisible_duration is required and must not be negative'), receiptHandle: '' };
    const addr = await this.brokerAddr(req.topic.name, h.brokerName);
    if (addr === undefined) return { status: status(Code.TOPIC_NOT_FOUND, `broker ${h.brokerName} of the receipt handle serves no queue of ${req.topic.name}`), receiptHandle: '' };
    const resp = await this.o.client.call(
      addr,
      RequestCode.CHANGE_MESSAGE_INVISIBLETIME,
      { spec: ChangeInvisibleTimeRequestHeader, value: { consumerGroup: req.group.name, topic: storedTopic(req.topic.name, req.group.name, h.retry), queueId: h.queueId, extraInfo: extraInfoOf(h), offset: h.offset, invisibleTime: ms } },
      null,
      this.o.requestTimeoutMs,
    );
    if (resp.code !== ResponseCode.SUCCESS) return { status: remotingStatus(resp.code, resp.remark), receiptHandle: '' };
    const d = decodeHeader(ChangeInvisibleTimeResponseHeader, resp.extFields ?? new Map());
    if (!d.ok) return { status: status(Code.INTERNAL_SERVER_ERROR, `broker answered CHANGE_MESSAGE_INVISIBLETIME without its header: ${d.error}`), receiptHandle: '' };
    // Java ConsumerProcessor#changeInvisibleTime: the new checkpoint starts at the message's own offset.
    const nh = { ...h, ckQueueOffset: h.offset, popTime: d.value.popTime, invisibleTime: d.value.invisibleTime, reviveQid: d.value.reviveQid };
    return { status: OK, receiptHandle: encodeReceiptHandle(nh) };
  }
}
