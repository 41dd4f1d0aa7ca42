/**
 * Command-line flags of the bench programs: `--name value` pairs read from process.argv (bench programs are entry
 * points, so reading argv here is allowed; lib/ receives its config as values).
 */

/** The value after `--name`; `def` when absent; without `def` a missing flag is an error naming it. */
export function arg(name: string, def?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1]!;
  if (def === undefined) throw new Error(`--${name} is required`);
  return def;
}
