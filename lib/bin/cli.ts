/**
 * Command-line parsing in the style of Java's commons-cli as RocketMQ's start scripts use it: short options
 * with a value (`-c file`, `-n addr`), flags (`-p`, `-h`), long options (`--listenPort 9876` or
 * `--listenPort=9876`). Unknown options are errors with a usage hint.
 */
export interface OptionSpec {
  short?: string;
  long: string;
  /** Takes a value. */
  value: boolean;
  help: string;
}

export interface ParsedArgs {
  options: Map<string, string | true>;
  positional: string[];
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const options = new Map<string, string | true>();
  const positional: string[] = [];
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const byLong = new Map(specs.map((s) => [s.long, s]));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    let spec: OptionSpec | undefined;
    let inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (eq > 0) inline = a.slice(eq + 1);
      spec = byLong.get(name);
      if (spec === undefined) throw new UsageError(`unknown option --${name}`);
    } else if (a.startsWith('-') && a.length > 1) {
      spec = byShort.get(a.slice(1));
      if (spec === undefined) throw new UsageError(`unknown option ${a}`);
    } else {
      positional.push(a);
      continue;
    }
    if (!spec.value) {
      options.set(spec.long, true);
      continue;
    }
    const v = inline ?? argv[++i];
    if (v === undefined) throw new UsageError(`option ${a} needs a value`);
    options.set(spec.long, v);
  }
  return { options, positional };
}

export function usage(cmd: string, specs: readonly OptionSpec[]): string {
  const lines = [`usage: ${cmd} [options]`];
  for (const s of specs) {
    const name = `${s.short ? `-${s.short},` : '   '}--${s.long}${s.value ? ' <value>' : ''}`;
    lines.push(`  ${name.padEnd(34)} ${s.help}`);
  }
  return lines.join('\n');
}
