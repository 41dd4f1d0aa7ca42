import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMON_JVM_ARGS, javaProcessLayout, MQADMIN_MAIN, TOOLS_JVM_ARGS } from './apache';
import { ensureClasspath, type ApacheServerVersion } from './paths';
import { runToCompletion } from './process';
import type { RunContext } from './run';

/**
 * The official `mqadmin` (org.apache.rocketmq.tools.command.MQAdminStartup from rocketmq-tools) as a process:
 * `java -cp <jars> MQAdminStartup <command> <args> -n <namesrv>`. mqadmin exits 0 even when a command fails
 * (it prints the SubCommandException to stderr), so callers check stdout and stderr, not only the exit code.
 */
export interface MqadminResult {
  command: string;
  args: string[];
  exitCode: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Files holding stdout / stderr. */
  outFile: string;
  errFile: string;
}

export interface MqadminOptions {
  /** rocketmq-tools version (a server classpath: tools are resolved with the servers). Default 5.5.0. */
  version?: ApacheServerVersion;
  namesrvAddr: string;
  timeoutMs?: number;
  javaBin?: string;
  /** Where the command outputs go (default <run>/mqadmin). */
  dir?: string;
}

export class Mqadmin {
  private seq = 0;
  private readonly dir: string;
  private readonly jvmArgs: string[];

  constructor(
    private readonly ctx: RunContext,
    private readonly opts: MqadminOptions,
  ) {
    this.dir = opts.dir ?? ctx.subdir('mqadmin');
    fs.mkdirSync(this.dir, { recursive: true });
    this.jvmArgs = javaProcessLayout(this.dir, 'mqadmin').jvmArgs;
  }

  /** Runs `mqadmin <command> <args...> -n <namesrv>` (add `-n` yourself by passing withNamesrv=false). */
  async run(command: string, args: string[] = [], withNamesrv = true): Promise<MqadminResult> {
    const cp = await ensureClasspath(this.ctx, 'server', this.opts.version ?? '5.5.0');
    this.seq++;
    const base = path.join(this.dir, `${String(this.seq).padStart(3, '0')}-${command}`);
    const all = [...args, ...(withNamesrv ? ['-n', this.opts.namesrvAddr] : [])];
    const r = await runToCompletion(
      {
        name: `mqadmin ${command}`,
        command: this.opts.javaBin ?? 'java',
        args: [...TOOLS_JVM_ARGS, ...COMMON_JVM_ARGS, ...this.jvmArgs, '-cp', cp, MQADMIN_MAIN, command, ...all],
        cwd: this.dir,
        logFile: `${base}.out`,
        errFile: `${base}.err`,
        pidFile: this.ctx.pidFile(`mqadmin-${command}`),
        marker: this.ctx.dir,
      },
      this.opts.timeoutMs ?? 90_000,
    );
    return { command, args: all, exitCode: r.code, stdout: r.output, stderr: r.errOutput, durationMs: r.durationMs, outFile: `${base}.out`, errFile: `${base}.err` };
  }
}

/** True when mqadmin reported a failure (a stack trace or "command failed" on stderr or stdout). */
export function mqadminFailed(r: MqadminResult): boolean {
  return r.exitCode !== 0 || /Exception|command failed/.test(r.stderr) || /SubCommandException|command failed/.test(r.stdout);
}

export interface ClusterListRow {
  cluster: string;
  brokerName: string;
  brokerId: number;
  addr: string;
  version: string;
}

/** Rows of `mqadmin clusterList` (5.x layout: #Cluster Name #Broker Name #BID #Addr #Version ...). */
export function parseClusterList(stdout: string): ClusterListRow[] {
  const rows: ClusterListRow[] = [];
  for (const line of stdout.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 5 || line.trim().startsWith('#')) continue;
    const [cluster, brokerName, bid, addr, version] = cols as [string, string, string, string, string];
    if (!/^\d+$/.test(bid) || !/:\d+$/.test(addr)) continue;
    rows.push({ cluster, brokerName, brokerId: Number(bid), addr, version });
  }
  return rows;
}

/** `mqadmin getNamesrvConfig`: "============addr============" then "key<spaces>=  value" lines. */
export function parseNamesrvConfig(stdout: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const line of stdout.split('\n')) {
    const head = /^=+(.+?)=+\s*$/.exec(line);
    if (head !== null) {
      current = new Map();
      out.set(head[1]!.trim(), current);
      continue;
    }
    const kv = /^(\S+)\s*=\s{2}(.*)$/.exec(line);
    if (kv !== null && current !== undefined) current.set(kv[1]!, kv[2]!.trim());
  }
  return out;
}

/** `mqadmin topicList` (without -c): one topic per line. */
export function parseTopicList(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.includes(' '));
}
