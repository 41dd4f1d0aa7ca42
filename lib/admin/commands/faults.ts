import { KVTable } from '../../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { jfmt, need, optional, type SubCommand } from '../command';

/**
 * `faults` (Apogee only; Java's mqadmin has no such command): sets a broker's fault-injection keys at runtime through
 * UPDATE_BROKER_CONFIG (the same as `mqadmin updateBrokerConfig -k apogeeFaultRules -v ...`), then prints the
 * broker's fault state and injection counts from GET_BROKER_RUNTIME_INFO (apogeeFault* keys). With no -e/-r/-s it
 * only prints. Rule syntax: lib/broker/faults/rules.ts and the README.
 */
export const faults: SubCommand = {
  name: 'faults',
  description: 'Apogee: set or show a broker\'s fault injection (apogeeFaultsEnable, apogeeFaultRules, apogeeFaultSeed).',
  options: [
    { short: 'b', long: 'brokerAddr', value: true, required: true, help: 'broker address, eg: 127.0.0.1:10911' },
    { short: 'e', long: 'enable', value: true, help: 'true | false' },
    { short: 'r', long: 'rules', value: true, help: 'rules, eg: "code=SEND_MESSAGE_V2,action=error:SYSTEM_BUSY,p=0.5;code=11,action=delay:200"' },
    { short: 's', long: 'seed', value: true, help: 'PRNG seed (reproducible runs)' },
  ],
  async execute(ctx) {
    const addr = need(ctx, 'brokerAddr');
    const lines: string[] = [];
    const enable = optional(ctx, 'enable');
    if (enable !== undefined) {
      if (enable !== 'true' && enable !== 'false') throw new Error(`--enable must be true or false, not "${enable}"`);
      lines.push(`apogeeFaultsEnable=${enable}`);
    }
    const rules = optional(ctx, 'rules');
    if (rules !== undefined) lines.push(`apogeeFaultRules=${rules}`);
    const seed = optional(ctx, 'seed');
    if (seed !== undefined) lines.push(`apogeeFaultSeed=${seed}`);
    if (lines.length > 0) {
      const r = await ctx.client.call(addr, RequestCode.UPDATE_BROKER_CONFIG, null, Buffer.from(`${lines.join('\n')}\n`, 'utf8'));
      if (r.code !== ResponseCode.SUCCESS) throw new Error(`UPDATE_BROKER_CONFIG on ${addr}: CODE ${r.code} ${r.remark ?? ''}`);
      ctx.out(`fault injection updated on ${addr}`);
    }
    const info = await ctx.client.call(addr, RequestCode.GET_BROKER_RUNTIME_INFO);
    if (info.code !== ResponseCode.SUCCESS) throw new Error(`GET_BROKER_RUNTIME_INFO from ${addr}: ${info.code} ${info.remark ?? ''}`);
    const d = KVTable.decode(info.body ?? Buffer.alloc(0));
    if (!d.ok) throw new Error(`GET_BROKER_RUNTIME_INFO from ${addr}: unreadable body`);
    const keys = [...d.value.table.keys()].filter((k) => k.startsWith('apogeeFault')).sort();
    if (keys.length === 0) throw new Error(`${addr} reports no apogeeFault* keys: not an Apogee broker with fault injection`);
    for (const k of keys) ctx.out(jfmt('%-30s: %s', k, d.value.table.get(k)));
  },
};
