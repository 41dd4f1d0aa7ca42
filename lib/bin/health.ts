/**
 * `apogee health`: the container health check (and a quick operator check). Healthy means what a client needs:
 * the NameServer answers GET_BROKER_CLUSTER_INFO (106), the broker answers GET_BROKER_CONFIG (26), and the
 * NameServer lists that broker (its brokerName and brokerId) (it registered, so clients get routes to it). Exit 0 with one line saying so, or
 * exit 1 with one line naming the part that is not healthy and why.
 */
import { RequestCode, ResponseCode } from '../../protocol/codes';
import { silentLogger } from '../common';
import { RocketClient } from '../client';
import type { OptionSpec } from './cli';

export const HEALTH_SPECS: OptionSpec[] = [
  { short: 'n', long: 'namesrv', value: true, help: 'NameServer address to check (default $APOGEE_HEALTH_NAMESRV, else 127.0.0.1:9876)' },
  { short: 'b', long: 'broker', value: true, help: 'broker address to check (default $APOGEE_HEALTH_BROKER, else 127.0.0.1:10911)' },
  { long: 'noBroker', value: false, help: 'check the NameServer only (for `apogee start --noBroker`)' },
  { long: 'timeout', value: true, help: 'milliseconds to wait for each answer (default 3000)' },
  { short: 'h', long: 'help', value: false, help: 'print this help' },
];

export interface HealthTarget {
  namesrv: string;
  /** undefined: NameServer only. */
  broker: string | undefined;
  timeoutMs: number;
}

export interface HealthResult {
  healthy: boolean;
  line: string;
}

export async function checkHealth(t: HealthTarget): Promise<HealthResult> {
  const client = new RocketClient({ namesrvAddr: t.namesrv, logger: silentLogger(), timeoutMs: t.timeoutMs });
  try {
    let clusters;
    try {
      clusters = await client.clusterInfo();
    } catch (e) {
      return { healthy: false, line: `NameServer ${t.namesrv} not healthy: ${(e as Error).message}` };
    }
    if (t.broker === undefined) return { healthy: true, line: `healthy: NameServer ${t.namesrv} (${clusters.brokerAddrTable.size} broker name(s) registered)` };
    // GET_BROKER_CONFIG (26) answers as GET_BROKER_RUNTIME_INFO would and names the broker: registered means the
    // NameServer lists that brokerName with that brokerId (its advertised address may differ from the one dialled,
    // e.g. 127.0.0.1 inside a container that advertises its own address).
    let r;
    try {
      r = await client.call(t.broker, RequestCode.GET_BROKER_CONFIG, null, null, t.timeoutMs);
    } catch (e) {
      return { healthy: false, line: `broker ${t.broker} not healthy: ${(e as Error).message}` };
    }
    if (r.code !== ResponseCode.SUCCESS) return { healthy: false, line: `broker ${t.broker} not healthy: GET_BROKER_CONFIG answered ${r.code} ${r.remark ?? ''}` };
    const conf = new Map<string, string>();
    for (const line of (r.body ?? Buffer.alloc(0)).toString('utf8').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) conf.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
    }
    const name = conf.get('brokerName') ?? '';
    const id = Number(conf.get('brokerId') ?? '0');
    const bd = clusters.brokerAddrTable.get(name);
    const addr = bd?.brokerAddrs.get(id);
    if (bd === undefined || addr === undefined) return { healthy: false, line: `broker ${t.broker} (${name} id ${id}) answers but is not registered in NameServer ${t.namesrv} (yet): check the broker's namesrvAddr` };
    return { healthy: true, line: `healthy: NameServer ${t.namesrv}, broker ${t.broker} (${bd.cluster}/${name} id ${id}, registered as ${addr})` };
  } finally {
    client.close();
  }
}
