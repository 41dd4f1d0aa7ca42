import * as fs from 'node:fs';
import * as path from 'node:path';
import { outMap, writeJson } from '../../../protocol/bodies';
import { parseJavaProperties } from '../../../protocol/codec';
import { RequestCode } from '../../../protocol/codes';
import { MASTER_ID } from '../../../protocol/naming';
import { need, optional, type SubCommand } from '../command';
import { hashOrderBy, javaStringHash, propertiesOrder } from '../java-order';
import { callOk } from '../util';

/**
 * exportConfigs: the cluster's scale and each master's main broker settings, written as Java writes them
 * (<dir>/configs.json, fastjson2 PrettyFormat, Java's HashMap and Properties orders). Java: tools/.../command/export/
 * ExportConfigsCommand.java (#needBrokerProprties lists the keys).
 */

const EXPORTED_KEYS = [
  'brokerClusterName',
  'brokerId',
  'brokerName',
  'brokerRole',
  'fileReservedTime',
  'filterServerNums',
  'flushDiskType',
  'maxMessageSize',
  'messageDelayLevel',
  'msgTraceTopicName',
  'slaveReadEnable',
  'traceOn',
  'traceTopicEnable',
  'useTLS',
  'autoCreateTopicEnable',
  'autoCreateSubscriptionGroup',
];

/** Where Java writes exports by default. */
export const EXPORT_DIR = '/tmp/rocketmq/export';

export const exportConfigs: SubCommand = {
  name: 'exportConfigs',
  description: 'Export configs.',
  options: [
    { short: 'c', long: 'clusterName', value: true, required: true, help: 'choose a cluster to export' },
    { short: 'f', long: 'filePath', value: true, help: 'export configs.json path | default /tmp/rocketmq/export' },
  ],
  async execute(ctx) {
    const cluster = need(ctx, 'clusterName');
    const dir = optional(ctx, 'filePath') ?? EXPORT_DIR;
    const ci = await ctx.client.clusterInfo();
    const names = ci.clusterAddrTable.get(cluster);
    if (names === undefined) throw new Error(`cluster ${cluster} not found; check -c against clusterList`);
    let masters = 0;
    let slaves = 0;
    const configs = new Map<string, Map<string, string>>();
    for (const n of names) {
      const addrs = ci.brokerAddrTable.get(n)?.brokerAddrs;
      const master = addrs?.get(MASTER_ID);
      if (addrs === undefined || master === undefined) continue;
      masters++;
      slaves += addrs.size - 1;
      const r = await callOk(ctx, master, RequestCode.GET_BROKER_CONFIG, 'GET_BROKER_CONFIG');
      const props = parseJavaProperties((r.body ?? Buffer.alloc(0)).toString('latin1'));
      const kept = new Map(EXPORTED_KEYS.filter((k) => props.has(k)).map((k) => [k, props.get(k)!]));
      configs.set(props.get('brokerName') ?? n, kept);
    }
    const scale = new Map<string, number>([['namesrvSize', ctx.client.nameServers.length], ['masterBrokerSize', masters], ['slaveBrokerSize', slaves]]);
    const brokerConfigs = outMap(hashOrderBy([...configs.keys()], javaStringHash).map((b) => [b, outMap(propertiesOrder([...configs.get(b)!.keys()]).map((k) => [k, configs.get(b)!.get(k)!]))]));
    const clusterScale = outMap(hashOrderBy([...scale.keys()], javaStringHash).map((k) => [k, scale.get(k)!]));
    const top = new Map<string, typeof brokerConfigs>([['brokerConfigs', brokerConfigs], ['clusterScale', clusterScale]]);
    const json = writeJson(outMap(hashOrderBy([...top.keys()], javaStringHash).map((k) => [k, top.get(k)!])), { pretty: true });
    const file = path.join(dir, 'configs.json');
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(file, json);
    } catch (e) {
      throw new Error(`cannot write ${file}: ${(e as Error).message} (choose a writable directory with -f)`);
    }
    ctx.out(`export ${file} success`);
  },
};
