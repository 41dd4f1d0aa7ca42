import { DataVersion, PropertiesBody } from '../../../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../../../protocol/codes';
import { encodeHeader, GetBrokerConfigResponseHeader } from '../../../../protocol/headers';
import { ok, reply, type Processor, type RequestContext } from '../../../remoting';
import type { BrokerContext } from '../../context';
import { nextVersion, type DataVersionValue } from '../../metadata/config-file';

/**
 * GET_BROKER_CONFIG (26) and UPDATE_BROKER_CONFIG (25). Java (rmq5 broker/src/main/java/org/apache/rocketmq/broker/processor/AdminBrokerProcessor.java): #getBrokerConfig /
 * #updateBrokerConfig with common/.../Configuration.java, whose DataVersion (counter 0 at start, next version on
 * every update) is the response header `version`.
 */
export function configProcessors(bc: BrokerContext): [number, Processor][] {
  const state = { version: { counter: 0, stateVersion: 0, timestamp: bc.now() } as DataVersionValue };
  return [
    [RequestCode.GET_BROKER_CONFIG, (ctx) => getConfig(bc, ctx, state.version)],
    [
      RequestCode.UPDATE_BROKER_CONFIG,
      (ctx) => {
        const r = updateConfig(bc, ctx);
        if (r.code === ResponseCode.SUCCESS && ctx.request.body !== null) state.version = nextVersion(state.version, bc.now());
        return r;
      },
    ],
  ];
}

/** The body is never empty: the Java client does `new String(response.getBody())` (a null body is an NPE). */
function getConfig(bc: BrokerContext, ctx: RequestContext, version: DataVersionValue) {
  let text = bc.configText();
  if (text.length === 0) text = '\n';
  return reply(ctx, ResponseCode.SUCCESS, null, encodeHeader(GetBrokerConfigResponseHeader, { version: DataVersion.toJson(version) }), Buffer.from(text, 'utf8'));
}

function updateConfig(bc: BrokerContext, ctx: RequestContext) {
  const body = ctx.request.body;
  // Java: no body, nothing to update.
  if (body === null) return ok(ctx);
  const props = PropertiesBody.decode(body);
  if (!props.ok) return reply(ctx, ResponseCode.SYSTEM_ERROR, 'string2Properties error');
  const r = bc.updateConfig(props.value);
  bc.logger.info({ keys: [...props.value.keys()], code: r.code, remote: ctx.connection.remoteAddress }, 'UPDATE_BROKER_CONFIG');
  return reply(ctx, r.code, r.remark);
}
