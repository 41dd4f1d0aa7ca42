#!/usr/bin/env node
import { COMMANDS, NAMESRV_OPTION, runCommand, toolsCredentials, type SubCommand } from '../admin';
import { silentLogger } from '../common';
import { parseArgs, usage, UsageError, type OptionSpec } from './cli';

/**
 * mqadmin: Apogee's operator CLI, with the sub-command names and options of Apache RocketMQ's mqadmin
 * (`mqadmin clusterList -n 127.0.0.1:9876`). -n defaults to $NAMESRV_ADDR as in Java. With $ROCKETMQ_HOME/conf/tools.yml
 * (accessKey, secretKey) every request is signed, as Java's tool signs it for brokers with authentication on.
 */
function specsOf(cmd: SubCommand): OptionSpec[] {
  return [NAMESRV_OPTION, ...cmd.options, { short: 'h', long: 'help', value: false, help: 'print help' }].map((o) => ({ short: o.short, long: o.long, value: o.value, help: o.help }));
}

function listCommands(): string {
  return ['usage: mqadmin <command> [options]', '', 'The most commonly used mqadmin commands are:', ...COMMANDS.map((c) => `   ${c.name.padEnd(24)} ${c.description}`), '', "See 'mqadmin help <command>' for more information on a specific command."].join('\n');
}

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  if (name === undefined || name === 'help' || name === '-h' || name === '--help') {
    const target = rest[0] === undefined ? undefined : COMMANDS.find((c) => c.name === rest[0]);
    console.log(target === undefined ? listCommands() : usage(`mqadmin ${target.name}`, specsOf(target)));
    return;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (cmd === undefined) {
    console.error(`mqadmin: unknown command ${name}\n\n${listCommands()}`);
    process.exit(2);
  }
  const specs = specsOf(cmd);
  const args = parseArgs(rest, specs);
  if (args.options.has('help')) {
    console.log(usage(`mqadmin ${cmd.name}`, specs));
    return;
  }
  for (const o of cmd.options) if (o.required && !args.options.has(o.long)) throw new UsageError(`option -${o.short} (--${o.long}) is required for ${cmd.name}`);
  const n = args.options.get('namesrvAddr') ?? process.env.NAMESRV_ADDR;
  if (typeof n !== 'string') throw new UsageError('no NameServer: pass -n host:port or set NAMESRV_ADDR');
  await runCommand(cmd, n, args.options, silentLogger(), (l) => console.log(l), toolsCredentials(process.env.ROCKETMQ_HOME));
}

main().catch((e: unknown) => {
  console.error(`mqadmin: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(e instanceof UsageError ? 2 : 1);
});
