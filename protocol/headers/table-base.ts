import { opt } from './spec';

/** Java base classes (5.x remoting/.../rpc): RpcRequestHeader {ns, nsd, bname, oway} and TopicRequestHeader {lo}. */
export const RPC_BASE = {
  ns: opt('string', { note: 'namespace (5.x RpcRequestHeader)' }),
  nsd: opt('boolean', { note: 'namespaced already (5.x)' }),
  bname: opt('string', { note: 'broker name (5.x)' }),
  oway: opt('boolean', { note: 'oneway (5.x)' }),
} as const;
export const TOPIC_BASE = {
  lo: opt('boolean', { note: 'logical queue (5.x TopicRequestHeader)' }),
  ...RPC_BASE,
} as const;
