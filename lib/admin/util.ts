import type { Body, MessageQueue } from '../../protocol/bodies';
import { ResponseCode } from '../../protocol/codes';
import { MASTER_ID } from '../../protocol/naming';
import type { CommandContext } from './command';
import { hashMapOrder } from './java-order';

/**
 * Helpers shared by the mqadmin sub-commands: a cluster's masters (Java CommandUtil.fetchMasterAddrByClusterName),
 * a broker's address as BrokerData#selectBrokerAddr picks it, calls that must succeed with a decoded body, and the
 * date and queue formats Java's tools print. Every error names the broker, the request and what to check.
 */

export interface BrokerAddr {
  name: string;
  addr: string;
}

/** The masters of a cluster, by broker name order; a missing cluster names the -c value to fix. */
export async function mastersOf(ctx: CommandContext, cluster: string): Promise<BrokerAddr[]> {
  const ci = await ctx.client.clusterInfo();
  const names = ci.clusterAddrTable.get(cluster);
  if (names === undefined) throw new Error(`cluster ${cluster} not found; check -c against clusterList`);
  const out: BrokerAddr[] = [];
  for (const n of [...names].sort()) {
    const a = ci.brokerAddrTable.get(n)?.brokerAddrs.get(MASTER_ID);
    if (a !== undefined) out.push({ name: n, addr: a });
  }
  return out;
}

/** Java BrokerData#selectBrokerAddr: the master, else any slave. */
export function selectBrokerAddr(addrs: Map<number, string>): string | undefined {
  return addrs.get(MASTER_ID) ?? [...addrs.values()][0];
}

/** -b, else the masters of -c; neither given is a usage error naming both options. */
export async function targetBrokers(ctx: CommandContext): Promise<BrokerAddr[]> {
  const b = ctx.opts.get('brokerAddr');
  if (typeof b === 'string' && b.trim() !== '') return [{ name: b.trim(), addr: b.trim() }];
  const c = ctx.opts.get('clusterName');
  if (typeof c === 'string' && c.trim() !== '') return mastersOf(ctx, c.trim());
  throw new Error('give a broker (-b host:port) or a cluster (-c name)');
}

/** A request to `addr` that must answer SUCCESS; returns the response. */
export async function callOk(ctx: CommandContext, addr: string, code: number, name: string, ext: Map<string, string> | null = null, body: Buffer | null = null) {
  const r = await ctx.client.call(addr, code, ext, body);
  if (r.code !== ResponseCode.SUCCESS) throw new Error(`${name} on ${addr}: CODE: ${r.code} DESC: ${r.remark ?? ''}`);
  return r;
}

/** A request that must answer SUCCESS with a body of type `type`. */
export async function callBody<T>(ctx: CommandContext, addr: string, code: number, name: string, type: Body<T>, ext: Map<string, string> | null = null): Promise<T> {
  const r = await callOk(ctx, addr, code, name, ext);
  if (r.body === null) throw new Error(`${name} on ${addr}: the answer has no body`);
  const d = type.decode(r.body);
  if (!d.ok) throw new Error(`${name} on ${addr}: unreadable body: ${d.error}`);
  return d.value;
}

const two = (n: number): string => String(n).padStart(2, '0');

/** Java UtilAll.formatDate(date, "yyyy-MM-dd HH:mm:ss") in the local time zone. */
export function javaDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** Java UtilAll.timeMillisToHumanString2: "yyyy-MM-dd HH:mm:ss,SSS" in the local time zone. */
export function javaHumanTime(ms: number): string {
  const d = new Date(ms);
  return `${javaDateTime(ms)},${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** Java UtilAll.frontStringAtLeast: the first `n` characters. */
export function front(s: string, n: number): string {
  return s.length > n ? s.slice(0, n) : s;
}

/** Java MessageQueue#compareTo: topic, then brokerName, then queueId. */
export function compareQueues(a: MessageQueue, b: MessageQueue): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  if (a.brokerName !== b.brokerName) return a.brokerName < b.brokerName ? -1 : 1;
  return a.queueId - b.queueId;
}

/** Java MessageQueue#toString. */
export function queueString(q: MessageQueue): string {
  return `MessageQueue [topic=${q.topic}, brokerName=${q.brokerName}, queueId=${q.queueId}]`;
}

/** Java Boolean.parseBoolean. */
export function javaBool(s: string | undefined): boolean {
  return s !== undefined && s.trim().toLowerCase() === 'true';
}

/** An integer option; a non-number names the option. */
export function intOpt(ctx: CommandContext, long: string, dflt: number): number {
  const v = ctx.opts.get(long);
  if (typeof v !== 'string') return dflt;
  const n = Number(v.trim());
  if (!Number.isFinite(n) || !/^-?\d+$/.test(v.trim())) throw new Error(`--${long} must be an integer, not "${v}"`);
  return n;
}

/** Java CommandUtil.NO_MASTER_PLACEHOLDER: the key of the slaves of a broker name that has no master. */
export const NO_MASTER = 'NO_MASTER';

/**
 * Java CommandUtil.fetchMasterAndSlaveDistinguish: each master address with its slaves' addresses (a broker name
 * without master: keyed NO_MASTER), in the iteration order of Java's `new HashMap<>(4)`; slaves by ascending id (the
 * order of BrokerData's HashMap<Long, String> for small ids). An unknown cluster names the -c value to fix (Java prints
 * "[error] Make sure the specified clusterName exists ..." and nothing else).
 */
export async function mastersAndSlaves(ctx: CommandContext, cluster: string): Promise<{ master: string; slaves: string[] }[]> {
  const ci = await ctx.client.clusterInfo();
  const names = ci.clusterAddrTable.get(cluster);
  if (names === undefined) throw new Error(`cluster ${cluster} not found: make sure the specified clusterName exists or the name server connected to is correct (check -c against clusterList)`);
  const table = new Map<string, string[]>();
  for (const n of names) {
    const addrs = ci.brokerAddrTable.get(n)?.brokerAddrs;
    if (addrs === undefined) continue;
    const master = addrs.get(MASTER_ID) ?? NO_MASTER;
    const slaves = table.get(master) ?? [];
    table.set(master, slaves);
    for (const [id, a] of [...addrs].sort((x, y) => x[0] - y[0])) if (id !== MASTER_ID) slaves.push(a);
  }
  let capacity = 4;
  while (table.size > capacity * 0.75) capacity *= 2;
  return hashMapOrder([...table.keys()], capacity).map((m) => ({ master: m, slaves: table.get(m)! }));
}
