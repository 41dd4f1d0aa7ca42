import { isJsonObject, JsonObject, outOf, parseJson, writeJson, type JsonValue } from '../../../protocol/bodies';
import { RequestCode } from '../../../protocol/codes';
import { need, optional, type CommandContext, type SubCommand } from '../command';
import { callOk, javaDateTime, mastersAndSlaves, NO_MASTER } from '../util';
import { hashOrderBy, javaStringHash } from '../java-order';
import { parseJavaProperties } from '../../../protocol/codec';

/**
 * Broker read-outs and maintenance: getColdDataFlowCtrInfo, resetMasterFlushOffset and exportPopRecord (POP_ROLLBACK).
 * Java: tools/.../command/broker/{GetColdDataFlowCtrInfoSubCommand,ResetMasterFlushOffsetSubCommand}.java,
 * export/ExportPopRecordCommand.java.
 */

/** A runtime entry's epoch-millisecond field replaced by Java's "yyyy-MM-dd HH:mm:ss" text, appended last as Java's put does. */
function formatTime(entry: JsonObject, from: string, to: string): void {
  const i = entry.entries.findIndex(([k]) => k === from);
  const ms = i < 0 ? NaN : Number(entry.entries[i]![1]);
  entry.entries.push([to, javaDateTime(ms)]);
  if (i >= 0) entry.entries.splice(i, 1);
}

/** Java GetColdDataFlowCtrInfoSubCommand#getAndPrint: the banner with a leading blank, then the table as fastjson2 pretty JSON. */
async function printColdInfo(ctx: CommandContext, banner: string, addr: string): Promise<void> {
  const r = await callOk(ctx, addr, RequestCode.GET_COLD_DATA_FLOW_CTR_INFO, 'GET_COLD_DATA_FLOW_CTR_INFO');
  if (r.body === null) {
    ctx.out(` ${banner}\nBroker[${addr}] has no cold ctr table !`);
    return;
  }
  let tree: JsonValue;
  try {
    tree = parseJson(r.body);
  } catch (e) {
    throw new Error(`GET_COLD_DATA_FLOW_CTR_INFO on ${addr}: unreadable answer: ${(e as Error).message}`);
  }
  const runtime = isJsonObject(tree) ? tree.get('runtimeTable') : undefined;
  if (isJsonObject(runtime)) {
    for (const [, v] of runtime.entries) {
      if (!isJsonObject(v)) continue;
      formatTime(v, 'lastColdReadTimeMills', 'lastColdReadTimeFormat');
      formatTime(v, 'createTimeMills', 'createTimeFormat');
    }
  }
  ctx.out(` ${banner}\n${writeJson(outOf(tree), { pretty: true })}`);
}

export const getColdDataFlowCtrInfo: SubCommand = {
  name: 'getColdDataFlowCtrInfo',
  description: 'Get cold data flow ctr info.',
  options: [
    { short: 'b', long: 'brokerAddr', value: true, help: 'get from which broker' },
    { short: 'c', long: 'clusterName', value: true, help: 'get from which cluster' },
  ],
  async execute(ctx) {
    const addr = optional(ctx, 'brokerAddr');
    if (addr !== undefined) return printColdInfo(ctx, `============${addr}============`, addr);
    const cluster = optional(ctx, 'clusterName');
    if (cluster === undefined) throw new Error('give a broker (-b host:port) or a cluster (-c name)');
    for (const { master, slaves } of await mastersAndSlaves(ctx, cluster)) {
      if (master !== NO_MASTER) await printColdInfo(ctx, `============Master: ${master}============`, master);
      for (const s of slaves) await printColdInfo(ctx, `============My Master: ${master}=====Slave: ${s}============`, s);
    }
  },
};

export const resetMasterFlushOffset: SubCommand = {
  name: 'resetMasterFlushOffset',
  description: 'Reset master flush offset in slave.',
  options: [
    { short: 'b', long: 'brokerAddr', value: true, help: 'which broker to reset' },
    { short: 'o', long: 'offset', value: true, help: 'the offset to reset at' },
  ],
  async execute(ctx) {
    const addr = need(ctx, 'brokerAddr');
    const raw = need(ctx, 'offset');
    if (!/^-?\d+$/.test(raw)) throw new Error(`--offset must be an integer, not "${raw}"`);
    const offset = BigInt(raw);
    await callOk(ctx, addr, RequestCode.RESET_MASTER_FLUSH_OFFSET, 'RESET_MASTER_FLUSH_OFFSET', new Map([['masterFlushOffset', offset.toString()]]));
    ctx.out(`reset master flush offset to ${offset} success`);
  },
};

/** One broker's POP records exported (Java ExportPopRecordCommand#export): a refusal is printed, not thrown, as Java does. */
async function exportPop(ctx: CommandContext, addr: string, brokerName: string, dryRun: boolean): Promise<void> {
  const line = `brokerName=${brokerName}, brokerAddr=${addr}, dryRun=${dryRun}`;
  if (dryRun) return ctx.out(`Export broker records, ${line}`);
  const r = await ctx.client.call(addr, RequestCode.POP_ROLLBACK, null, null, 30_000).catch((e: Error) => e);
  if (r instanceof Error) return ctx.out(`Export broker records error, ${line}\n${r.message}`);
  if (r.code !== 0) return ctx.out(`Export broker records error, ${line}\nCODE: ${r.code}  DESC: ${r.remark ?? ''}`);
  ctx.out(`Export broker records, ${line}`);
}

export const exportPopRecord: SubCommand = {
  name: 'exportPopRecord',
  description: 'Export pop consumption records',
  options: [
    { short: 'c', long: 'clusterName', value: true, help: 'choose one cluster to export' },
    { short: 'b', long: 'brokerAddr', value: true, help: 'choose one broker to export' },
    { short: 'd', long: 'dryRun', value: true, help: 'no actual changes will be made' },
  ],
  async execute(ctx) {
    // Java: dryRun is true only when -d is given as "false" (ExportPopRecordCommand#execute); kept as Java has it.
    const d = optional(ctx, 'dryRun');
    const dryRun = d !== undefined && d.toLowerCase() === 'false';
    const addr = optional(ctx, 'brokerAddr');
    if (addr !== undefined) {
      const props = parseJavaProperties(((await callOk(ctx, addr, RequestCode.GET_BROKER_CONFIG, 'GET_BROKER_CONFIG')).body ?? Buffer.alloc(0)).toString('latin1'));
      return exportPop(ctx, addr, props.get('brokerName') ?? 'null', dryRun);
    }
    const cluster = optional(ctx, 'clusterName');
    if (cluster === undefined) return;
    const ci = await ctx.client.clusterInfo();
    for (const name of hashOrderBy([...(ci.clusterAddrTable.get(cluster) ?? [])], javaStringHash)) {
      for (const [, a] of [...(ci.brokerAddrTable.get(name)?.brokerAddrs ?? new Map<number, string>())].sort((x, y) => x[0] - y[0])) await exportPop(ctx, a, name, dryRun);
    }
  },
};
