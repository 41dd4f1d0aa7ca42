import { isJsonObject, parseJson, type JsonObject, type JsonValue } from '../../../protocol/bodies';
import { RequestCode } from '../../../protocol/codes';
import { jfmt, optional, type CommandContext, type SubCommand } from '../command';
import { callOk, intOpt, javaHumanTime, targetBrokers } from '../util';

/**
 * haStatus: a master's slaves (ack offset, diff, speed, in sync) or a slave's view of its master, from
 * GET_BROKER_HA_STATUS (HARuntimeInfo). Java: tools/.../command/ha/HAStatusSubCommand.java. With -i it repeats every
 * N seconds until interrupted, as Java does (each round is the progress report).
 */

const num = (o: JsonValue | undefined, k: string): number => (isJsonObject(o) ? Number(o.get(k) ?? 0) : 0);
const str = (o: JsonValue | undefined, k: string): string => (isJsonObject(o) ? String(o.get(k) ?? 'null') : 'null');

async function printStatus(ctx: CommandContext, addr: string): Promise<void> {
  const r = await callOk(ctx, addr, RequestCode.GET_BROKER_HA_STATUS, 'GET_BROKER_HA_STATUS');
  const info = parseJson(r.body ?? '{}');
  if (!isJsonObject(info)) throw new Error(`GET_BROKER_HA_STATUS on ${addr}: the body is not an HARuntimeInfo`);
  if (info.get('master') === true) {
    const conns = info.get('haConnectionInfo');
    const list = Array.isArray(conns) ? conns : [];
    ctx.out(`\n#MasterAddr\t${addr}\n#MasterCommitLogMaxOffset\t${num(info, 'masterCommitLogMaxOffset')}\n#SlaveNum\t${list.length}\n#InSyncSlaveNum\t${num(info, 'inSyncSlaveNums')}`);
    ctx.out(jfmt('%-32s  %-16s %16s %16s %16s %16s', '#SlaveAddr', '#SlaveAckOffset', '#Diff', '#TransferSpeed(KB/s)', '#Status', '#TransferFromWhere'));
    for (const c of list) {
      const o = c as JsonObject;
      ctx.out(jfmt('%-32s  %-16d %16d %16s %16s %16d', str(o, 'addr'), num(o, 'slaveAckOffset'), num(o, 'diff'), (num(o, 'transferredByteInSecond') / 1024).toFixed(2), o.get('inSync') === true ? 'OK' : 'Fall Behind', num(o, 'transferFromWhere')));
    }
    return;
  }
  const c = info.get('haClientRuntimeInfo');
  ctx.out(`\n#MasterAddr\t${str(c, 'masterAddr')}`);
  ctx.out(`#CommitLogMaxOffset\t${num(c, 'maxOffset')}`);
  ctx.out(`#TransferSpeed(KB/s)\t${(num(c, 'transferredByteInSecond') / 1024).toFixed(2)}`);
  ctx.out(`#LastReadTime\t${javaHumanTime(num(c, 'lastReadTimestamp'))}`);
  ctx.out(`#LastWriteTime\t${javaHumanTime(num(c, 'lastWriteTimestamp'))}`);
  ctx.out(`#MasterFlushOffset\t${num(c, 'masterFlushOffset')}`);
}

export const haStatus: SubCommand = {
  name: 'haStatus',
  description: 'Fetch ha runtime status data.',
  options: [
    { short: 'c', long: 'clusterName', value: true, help: 'which cluster' },
    { short: 'b', long: 'brokerAddr', value: true, help: 'which broker to fetch' },
    { short: 'i', long: 'interval', value: true, help: 'the interval(second) of get info' },
  ],
  async execute(ctx) {
    const round = async (): Promise<void> => {
      for (const t of await targetBrokers(ctx)) await printStatus(ctx, t.addr);
    };
    if (optional(ctx, 'interval') === undefined) return round();
    const seconds = intOpt(ctx, 'interval', 3);
    for (;;) {
      await round();
      await new Promise((res) => setTimeout(res, seconds * 1000));
    }
  },
};
