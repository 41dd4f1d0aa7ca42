import { PropertiesBody } from '../../../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../../../protocol/codes';
import { ok, reply, type Processor, type RequestContext } from '../../../remoting';
import type { BrokerContext } from '../../context';

/**
 * Cold-data flow control settings and the commit log read-ahead mode (mqadmin updateColdDataFlowCtrGroupConfig,
 * removeColdDataFlowCtrGroupConfig, getColdDataFlowCtrInfo, setCommitLogReadAheadMode).
 * Java (5.5.0): AdminBrokerProcessor#updateColdDataFlowCtrGroupConfig / #removeColdDataFlowCtrGroupConfig /
 * #getColdDataFlowCtrInfo over broker/coldctr/ColdDataCgCtrService (a per-group threshold table, in memory), and
 * #setCommitLogReadaheadMode.
 *
 * Cold-data flow control only acts in Java when coldDataFlowControlEnable (default false) and a cold-read
 * accounting store are on; Apogee keeps the same table and answers the same JSON, and like a default Java broker it
 * never throttles (runtimeTable and globalAcc stay empty/0; coldDataFlowControlEnable is listed as inert).
 * Read-ahead: Apogee reads the commit log with pread and the kernel's default read-ahead, which is mode 0
 * (MADV_NORMAL); mode 1 (MADV_RANDOM) is refused, naming why, with Java's failure code and remark.
 * RESET_MASTER_FLUSH_OFFSET (mqadmin resetMasterFlushOffset): on a slave, the checkpoint's masterFlushedOffset is set
 * and made durable; a master ignores it; both answer SUCCESS (Java: AdminBrokerProcessor#resetMasterFlushOffset).
 */

/** Bound on the per-group threshold table (Java has none; one entry per consumer group at most matters). */
export const COLD_CTR_GROUPS_MAX = 100_000;

/** Java FIleReadaheadMode / MixAll: MADV_NORMAL = 0, MADV_RANDOM = 1; request ext field READ_AHEAD_MODE. */
const READ_AHEAD_MODE = 'READ_AHEAD_MODE';

export function storeOpsProcessors(bc: BrokerContext): [number, Processor][] {
  const groupThresholds = new Map<string, number>();
  return [
    [RequestCode.UPDATE_COLD_DATA_FLOW_CTR_CONFIG, (ctx) => updateColdCtr(bc, ctx, groupThresholds)],
    [RequestCode.REMOVE_COLD_DATA_FLOW_CTR_CONFIG, (ctx) => removeColdCtr(bc, ctx, groupThresholds)],
    [RequestCode.GET_COLD_DATA_FLOW_CTR_INFO, (ctx) => coldCtrInfo(bc, ctx, groupThresholds)],
    [RequestCode.SET_COMMITLOG_READ_MODE, (ctx) => setReadAheadMode(bc, ctx)],
    [RequestCode.RESET_MASTER_FLUSH_OFFSET, (ctx) => resetMasterFlushOffset(bc, ctx)],
  ];
}

/** Body: properties text, consumerGroup=threshold (bytes). Java: ColdDataCgCtrService#addOrUpdateGroupConfig. */
function updateColdCtr(bc: BrokerContext, ctx: RequestContext, table: Map<string, number>) {
  const body = ctx.request.body;
  if (body === null || body.length === 0) return ok(ctx);
  const props = PropertiesBody.decode(body);
  if (!props.ok) return reply(ctx, ResponseCode.SYSTEM_ERROR, 'string2Properties error');
  for (const [group, raw] of props.value) {
    const v = Number(raw.trim());
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(v)) return reply(ctx, ResponseCode.SYSTEM_ERROR, `the cold read threshold of ${group} is not a number: ${raw}`);
    if (!table.has(group) && table.size >= COLD_CTR_GROUPS_MAX) return reply(ctx, ResponseCode.SYSTEM_ERROR, `cold data flow control holds ${COLD_CTR_GROUPS_MAX} groups (COLD_CTR_GROUPS_MAX); remove one first`);
    table.set(group, v);
  }
  bc.logger.info({ groups: [...props.value.keys()], remote: ctx.connection.remoteAddress }, 'updateColdDataFlowCtrGroupConfig');
  return ok(ctx);
}

/** Body: the consumer group name. */
function removeColdCtr(bc: BrokerContext, ctx: RequestContext, table: Map<string, number>) {
  const group = (ctx.request.body ?? Buffer.alloc(0)).toString('utf8');
  if (group.trim() === '') return reply(ctx, ResponseCode.SYSTEM_ERROR, 'consumerGroup is blank');
  table.delete(group);
  bc.logger.info({ group, remote: ctx.connection.remoteAddress }, 'removeColdDataFlowCtrGroupConfig');
  return ok(ctx);
}

/** Java ColdDataCgCtrService#getColdDataFlowCtrInfo: a fastjson2 JSONObject in insertion order. */
function coldCtrInfo(bc: BrokerContext, ctx: RequestContext, table: Map<string, number>) {
  const config = [...table].map(([g, v]) => `${JSON.stringify(g)}:${v}`).join(',');
  const text = `{"runtimeTable":{},"configTable":{${config}},"cgColdReadThreshold":${bc.config.cgColdReadThreshold},"globalColdReadThreshold":${bc.config.globalColdReadThreshold},"globalAcc":0}`;
  return ok(ctx, null, Buffer.from(text, 'utf8'));
}

function setReadAheadMode(bc: BrokerContext, ctx: RequestContext) {
  const raw = ctx.request.extFields?.get(READ_AHEAD_MODE);
  if (raw === undefined) return reply(ctx, ResponseCode.SYSTEM_ERROR, 'set commitlog readahead mode param error');
  const mode = /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (mode !== 0 && mode !== 1) return reply(ctx, ResponseCode.INVALID_PARAMETER, 'set commitlog readahead mode param value error');
  if (mode === 1) {
    return reply(
      ctx,
      ResponseCode.SYSTEM_ERROR,
      'set commitlog readahead mode failed: Apogee reads the commit log with pread and the kernel default read-ahead (mode 0, MADV_NORMAL); random read mode (1, MADV_RANDOM) is not supported',
    );
  }
  bc.storeConfig.dataReadAheadEnable = true;
  return reply(ctx, ResponseCode.SUCCESS, `set commitlog readahead mode success, mode: ${mode}`);
}

/** Header masterFlushOffset (Long, optional). Java: DefaultMessageStore#setMasterFlushedOffset writes the checkpoint. */
async function resetMasterFlushOffset(bc: BrokerContext, ctx: RequestContext) {
  if (bc.config.brokerId === 0) return ok(ctx);
  const raw = ctx.request.extFields?.get('masterFlushOffset');
  if (raw === undefined) return ok(ctx);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(Number(raw.trim()))) {
    return reply(ctx, ResponseCode.SYSTEM_ERROR, `masterFlushOffset must be a number of bytes, not "${raw}"`);
  }
  bc.store.checkpoint.masterFlushedOffset = Number(raw.trim());
  await bc.store.checkpoint.flush();
  bc.logger.info({ masterFlushedOffset: bc.store.checkpoint.masterFlushedOffset, remote: ctx.connection.remoteAddress }, 'resetMasterFlushOffset');
  return ok(ctx);
}
