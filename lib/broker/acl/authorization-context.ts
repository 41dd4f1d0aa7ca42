import { HeartbeatData, LockBatchRequestBody, UnlockBatchRequestBody } from '../../../protocol/bodies';
import type { RemotingCommand } from '../../../protocol/command';
import { RequestCode } from '../../../protocol/codes';
import { isRetryTopic, ofCluster, ofGroup, ofTopic, type Action, type Resource, type ResourceType } from './acl-model';
import { ANNOTATED_CODES } from './authorization-table';
import { ACCESS_KEY } from './signature';

/**
 * Contract: what one remoting request asks to do, as the Java 5.5.0 broker sees it for authorization — a list of
 * (resource, actions) the request's user must hold, from the source IP of the connection. Explicit cases first
 * (sends name a topic, or the group of a retry topic; pulls and offsets name topic and group; a heartbeat names each
 * consumer group and its subscribed topics; lock/unlock name the group and the queues' topics), then the annotated
 * request headers (authorization-table.ts; "Cluster" resources use brokerClusterName). No extFields at all = nothing
 * to authorize. A body that does not parse = Java's "parse authorization context error.".
 * Java: auth/.../authorization/builder/DefaultAuthorizationContextBuilder#build(ChannelHandlerContext, RemotingCommand).
 */
export interface AuthzContext {
  /** The AccessKey (Java: User subject), undefined when the request carries none. */
  readonly user: string | undefined;
  readonly resource: Resource;
  readonly actions: readonly Action[];
  readonly sourceIp: string;
}

export const REMARK_PARSE_ERROR = 'parse authorization context error.';

interface Annotated { cluster: boolean; actions: readonly Action[]; fields: { field: string; type: ResourceType; splitter: string }[] }

const CODES = RequestCode as unknown as Record<string, number>;
const ANNOTATED = new Map<number, Annotated>();
for (const [name, cluster, actions, fields] of ANNOTATED_CODES) {
  const code = CODES[name];
  if (code === undefined) continue;
  ANNOTATED.set(code, {
    cluster,
    actions,
    fields: fields.map((f) => {
      const [field, type, splitter] = f.split(':');
      return { field: field!, type: type as ResourceType, splitter: splitter ?? '' };
    }),
  });
}

const PUB: readonly Action[] = ['Pub'];
const SUB: readonly Action[] = ['Sub'];
const SUB_GET: readonly Action[] = ['Sub', 'Get'];
const SUB_UPDATE: readonly Action[] = ['Sub', 'Update'];
const PUB_SUB_GET: readonly Action[] = ['Pub', 'Sub', 'Get'];

/** Contexts of one request, or Java's remark when its body does not parse. */
export function authzContexts(request: RemotingCommand, sourceIp: string, clusterName: string): AuthzContext[] | string {
  const f = request.extFields;
  if (f === null || f.size === 0) return [];
  const user = f.get(ACCESS_KEY);
  const out: AuthzContext[] = [];
  const add = (resource: Resource, actions: readonly Action[]) => out.push({ user, resource, actions, sourceIp });
  const topicOrRetryGroup = (topic: string | undefined, group: string | undefined, actions: readonly Action[]) => {
    if (!isRetryTopic(topic)) add(ofTopic(topic), actions);
    add(ofGroup(group), actions);
  };
  switch (request.code) {
    case RequestCode.GET_ROUTEINFO_BY_TOPIC: {
      const t = f.get('topic');
      if (isRetryTopic(t)) add(ofGroup(t), SUB_GET);
      else add(ofTopic(t), PUB_SUB_GET);
      return out;
    }
    case RequestCode.SEND_MESSAGE:
    case RequestCode.SEND_MESSAGE_V2:
    case RequestCode.SEND_BATCH_MESSAGE: {
      const v1 = request.code === RequestCode.SEND_MESSAGE;
      const topic = f.get(v1 ? 'topic' : 'b');
      const group = f.get(v1 ? 'group' : 'a');
      if (isRetryTopic(topic)) add(ofGroup(group !== undefined && group.trim() !== '' ? group : topic), SUB);
      else add(ofTopic(topic), PUB);
      return out;
    }
    case RequestCode.RECALL_MESSAGE:
      add(ofTopic(f.get('topic')), PUB);
      return out;
    case RequestCode.END_TRANSACTION: {
      const t = f.get('topic');
      if (t !== undefined && t.trim() !== '') add(ofTopic(t), PUB);
      return out;
    }
    case RequestCode.CONSUMER_SEND_MSG_BACK:
      add(ofGroup(f.get('group')), SUB);
      return out;
    case RequestCode.PULL_MESSAGE:
      topicOrRetryGroup(f.get('topic'), f.get('consumerGroup'), SUB);
      return out;
    case RequestCode.QUERY_MESSAGE:
      add(ofTopic(f.get('topic')), SUB_GET);
      return out;
    case RequestCode.HEART_BEAT: {
      const d = request.body === null ? undefined : HeartbeatData.decode(request.body);
      if (d === undefined || !d.ok) return REMARK_PARSE_ERROR;
      for (const c of d.value.consumerDataSet) {
        add(ofGroup(c.groupName), SUB);
        for (const s of c.subscriptionDataSet) if (!isRetryTopic(s.topic)) add(ofTopic(s.topic), SUB);
      }
      return out;
    }
    case RequestCode.UNREGISTER_CLIENT: {
      const g = f.get('consumerGroup');
      if (g !== undefined && g.trim() !== '') add(ofGroup(g), SUB);
      return out;
    }
    case RequestCode.GET_CONSUMER_LIST_BY_GROUP:
      add(ofGroup(f.get('consumerGroup')), SUB_GET);
      return out;
    case RequestCode.QUERY_CONSUMER_OFFSET:
      topicOrRetryGroup(f.get('topic'), f.get('consumerGroup'), SUB_GET);
      return out;
    case RequestCode.UPDATE_CONSUMER_OFFSET:
      topicOrRetryGroup(f.get('topic'), f.get('consumerGroup'), SUB_UPDATE);
      return out;
    case RequestCode.LOCK_BATCH_MQ:
    case RequestCode.UNLOCK_BATCH_MQ: {
      const d = request.body === null ? undefined : (request.code === RequestCode.LOCK_BATCH_MQ ? LockBatchRequestBody : UnlockBatchRequestBody).decode(request.body);
      if (d === undefined || !d.ok) return REMARK_PARSE_ERROR;
      add(ofGroup(d.value.consumerGroup), SUB);
      for (const q of d.value.mqSet) if (!isRetryTopic(q.topic)) add(ofTopic(q.topic), SUB);
      return out;
    }
    default:
      return byAnnotation(request, add, clusterName), out;
  }
}

/** Java buildContextByAnnotation: each named field -> a resource (a retry topic -> its group); none -> the cluster, if any. */
function byAnnotation(request: RemotingCommand, add: (r: Resource, a: readonly Action[]) => void, clusterName: string): void {
  const a = ANNOTATED.get(request.code);
  if (a === undefined) return;
  let any = false;
  for (const { field, type, splitter } of a.fields) {
    const v = request.extFields!.get(field);
    if (v === undefined) continue;
    const values = splitter === '' ? [v] : v.split(splitter).filter((s) => s !== '');
    for (const value of values) {
      any = true;
      if (type === 'Topic' && isRetryTopic(value)) add(ofGroup(value), a.actions);
      else add({ type, name: value, pattern: 'LITERAL' }, a.actions);
    }
  }
  if (!any && a.cluster) add(ofCluster(clusterName), a.actions);
}
