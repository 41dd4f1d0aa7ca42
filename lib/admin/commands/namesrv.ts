import { ResponseCode, RequestCode } from '../../../protocol/codes';
import { parseJavaProperties } from '../../../protocol/codec';
import { jfmt, need, type SubCommand } from '../command';
import { propertiesOrder } from '../java-order';

/** NameServer commands: getNamesrvConfig, updateNamesrvConfig, updateKvConfig, deleteKvConfig, wipeWritePerm, addWritePerm. */
export const getNamesrvConfig: SubCommand = {
  name: 'getNamesrvConfig',
  description: 'Get configs of name server.',
  options: [],
  async execute(ctx) {
    for (const addr of ctx.client.nameServers) {
      const r = await ctx.client.call(addr, RequestCode.GET_NAMESRV_CONFIG);
      if (r.code !== ResponseCode.SUCCESS) throw new Error(`GET_NAMESRV_CONFIG from ${addr}: ${r.code} ${r.remark ?? ''}`);
      ctx.out(jfmt('============%s============', addr));
      const props = parseJavaProperties((r.body ?? Buffer.alloc(0)).toString('latin1'));
      for (const k of propertiesOrder([...props.keys()])) ctx.out(jfmt('%-50s=  %s', k, props.get(k)));
    }
  },
};

export const updateNamesrvConfig: SubCommand = {
  name: 'updateNamesrvConfig',
  description: 'Update configs of name server.',
  options: [
    { short: 'k', long: 'key', value: true, required: true, help: 'config key' },
    { short: 'v', long: 'value', value: true, required: true, help: 'config value' },
  ],
  async execute(ctx) {
    const k = need(ctx, 'key');
    const v = need(ctx, 'value');
    for (const addr of ctx.client.nameServers) {
      const r = await ctx.client.call(addr, RequestCode.UPDATE_NAMESRV_CONFIG, null, Buffer.from(`${k}=${v}\n`, 'latin1'));
      if (r.code !== ResponseCode.SUCCESS) throw new Error(`UPDATE_NAMESRV_CONFIG on ${addr}: CODE ${r.code} ${r.remark ?? ''}`);
    }
    // Java prints the address List's toString: [a, b].
    ctx.out(`update name server config success![${ctx.client.nameServers.join(', ')}]\n${k} : ${v}`);
  },
};

export const updateKvConfig: SubCommand = {
  name: 'updateKvConfig',
  description: 'Create or update KV config.',
  options: [
    { short: 's', long: 'namespace', value: true, required: true, help: 'set the namespace' },
    { short: 'k', long: 'key', value: true, required: true, help: 'set the key name' },
    { short: 'v', long: 'value', value: true, required: true, help: 'set the key value' },
  ],
  async execute(ctx) {
    const ext = new Map([['namespace', need(ctx, 'namespace')], ['key', need(ctx, 'key')], ['value', need(ctx, 'value')]]);
    for (const addr of ctx.client.nameServers) {
      const r = await ctx.client.call(addr, RequestCode.PUT_KV_CONFIG, ext);
      if (r.code !== ResponseCode.SUCCESS) throw new Error(`PUT_KV_CONFIG on ${addr}: CODE ${r.code} ${r.remark ?? ''}`);
    }
    ctx.out('create or update kv config to namespace success.');
  },
};

export const deleteKvConfig: SubCommand = {
  name: 'deleteKvConfig',
  description: 'Delete KV config.',
  options: [
    { short: 's', long: 'namespace', value: true, required: true, help: 'set the namespace' },
    { short: 'k', long: 'key', value: true, required: true, help: 'set the key name' },
  ],
  async execute(ctx) {
    const ext = new Map([['namespace', need(ctx, 'namespace')], ['key', need(ctx, 'key')]]);
    for (const addr of ctx.client.nameServers) {
      const r = await ctx.client.call(addr, RequestCode.DELETE_KV_CONFIG, ext);
      if (r.code !== ResponseCode.SUCCESS) throw new Error(`DELETE_KV_CONFIG on ${addr}: CODE ${r.code} ${r.remark ?? ''}`);
    }
    ctx.out('delete kv config from namespace success.');
  },
};

function permCommand(name: string, wipe: boolean): SubCommand {
  return {
    name,
    description: wipe ? 'Wipe write perm of broker in all name server you defined in the -n param' : 'Add write perm of broker in all name server you defined in the -n param',
    options: [{ short: 'b', long: 'brokerName', value: true, required: true, help: 'broker name' }],
    async execute(ctx) {
      const brokerName = need(ctx, 'brokerName');
      for (const addr of ctx.client.nameServers) {
        try {
          const r = await ctx.client.call(addr, wipe ? RequestCode.WIPE_WRITE_PERM_OF_BROKER : RequestCode.ADD_WRITE_PERM_OF_BROKER, new Map([['brokerName', brokerName]]));
          const n = r.extFields?.get(wipe ? 'wipeTopicCount' : 'addTopicCount') ?? '0';
          if (r.code !== ResponseCode.SUCCESS) throw new Error(r.remark ?? String(r.code));
          ctx.out(jfmt(`${wipe ? 'wipe' : 'add'} write perm of broker[%s] in name server[%s] OK, %s`, brokerName, addr, n));
        } catch {
          ctx.out(jfmt(`${wipe ? 'wipe' : 'add'} write perm of broker[%s] in name server[%s] Failed`, brokerName, addr));
        }
      }
    },
  };
}

export const wipeWritePerm = permCommand('wipeWritePerm', true);
export const addWritePerm = permCommand('addWritePerm', false);
