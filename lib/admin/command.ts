import type { RocketClient } from '../client';
import { isFieldMap } from '../../protocol/command';

/**
 * An mqadmin sub-command: its name and options as Java's mqadmin spells them (-n, -t, -b, -c, ...), and an
 * execute function writing to `out`. Errors are thrown as Error with a message that names the thing and what to
 * do; the entry point prints them and exits non-zero.
 */
export interface OptionDef {
  short: string;
  long: string;
  value: boolean;
  required?: boolean;
  help: string;
}

export interface CommandContext {
  client: RocketClient;
  opts: Map<string, string | true>;
  out: (line: string) => void;
}

export interface SubCommand {
  name: string;
  description: string;
  options: OptionDef[];
  execute(ctx: CommandContext): Promise<void>;
}

/** java.lang.String#format for the few conversions mqadmin uses: %s %d %n with width and '-' flag. */
export function jfmt(format: string, ...args: unknown[]): string {
  let i = 0;
  return format.replace(/%(-?)(\d*)([sdn%])/g, (_m, minus: string, width: string, conv: string) => {
    if (conv === 'n') return '\n';
    if (conv === '%') return '%';
    const v = args[i++];
    const s = isFieldMap(v) ? `{${[...v].map(([k, x]) => `${String(k)}=${String(x)}`).join(', ')}}` : String(v);
    const w = width === '' ? 0 : Number(width);
    return minus === '-' ? s.padEnd(w) : s.padStart(w);
  });
}

export function need(ctx: CommandContext, long: string): string {
  const v = ctx.opts.get(long);
  if (typeof v !== 'string' || v.trim() === '') throw new Error(`option --${long} is required`);
  return v.trim();
}

export function optional(ctx: CommandContext, long: string): string | undefined {
  const v = ctx.opts.get(long);
  return typeof v === 'string' ? v.trim() : undefined;
}

export const NAMESRV_OPTION: OptionDef = { short: 'n', long: 'namesrvAddr', value: true, help: 'Name server address list, eg: 192.168.0.1:9876;192.168.0.2:9876' };
