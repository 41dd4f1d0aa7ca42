import { RequestCode, ResponseCode } from '../../../../protocol/codes';
import { encodeMetrics } from '../../../timer';
import { ok, reply, type Processor, type RequestContext } from '../../../remoting';
import type { BrokerContext } from '../../context';

/**
 * SWITCH_TIMER_ENGINE (5001, mqadmin switchTimerEngine -e R|F). Java 5.5.0: AdminBrokerProcessor#switchTimerEngine
 * (read from the 5.5.0 broker's bytecode; the source mirror predates it): ext field E_T = "R" (RocksDB timer
 * engine) or "F" (file timer engine: timerwheel + timerlog). Apogee has only the file engine, as a Java broker
 * started without timerRocksDBEnable: "R" is refused as Java refuses it then; "F" restarts the enqueue side
 * (timerStopEnqueue=false, Java TimerMessageStore#restart) and answers success.
 *
 * GET_TIMER_METRICS (61; a Java slave's SlaveSynchronize#syncTimerMetrics, and the compat timer scenarios):
 * the timers pending per real topic, the body being TimerMetrics#encode — the same JSON as config/timermetrics
 * (Java: AdminBrokerProcessor#getTimerMetrics; SYSTEM_ERROR "The timer message store is null" without a timer).
 */
export function timerAdminProcessors(bc: BrokerContext): [number, Processor][] {
  return [
    [RequestCode.SWITCH_TIMER_ENGINE, (ctx) => switchTimerEngine(bc, ctx)],
    [RequestCode.GET_TIMER_METRICS, (ctx) => getTimerMetrics(bc, ctx)],
  ];
}

function getTimerMetrics(bc: BrokerContext, ctx: RequestContext) {
  if (bc.timer === undefined) return reply(ctx, ResponseCode.SYSTEM_ERROR, 'The timer message store is null');
  const m = bc.timer.metrics;
  return ok(ctx, null, Buffer.from(encodeMetrics(m.dataVersion, m.timingCount), 'utf8'));
}

function switchTimerEngine(bc: BrokerContext, ctx: RequestContext) {
  if (!bc.storeConfig.timerWheelEnable || bc.timer === undefined) return reply(ctx, ResponseCode.INVALID_PARAMETER, 'broker timerWheelEnable is false');
  const ext = ctx.request.extFields;
  if (ext === null || ext === undefined) return reply(ctx, ResponseCode.INVALID_PARAMETER, 'param error, extFields is null');
  const engine = ext.get('E_T') ?? '';
  if (engine !== 'R' && engine !== 'F') return reply(ctx, ResponseCode.INVALID_PARAMETER, 'param error');
  if (engine === 'R') return reply(ctx, ResponseCode.INVALID_PARAMETER, 'timerRocksDBEnable must be configured true when broker start');
  const r = bc.updateConfig(new Map([['timerStopEnqueue', 'false']]));
  if (r.code !== ResponseCode.SUCCESS) return reply(ctx, ResponseCode.SYSTEM_ERROR, 'switch timer engine error');
  bc.logger.info({ remote: ctx.connection.remoteAddress }, 'switchTimerEngine success');
  return reply(ctx, ResponseCode.SUCCESS, 'switch timer engine success');
}
