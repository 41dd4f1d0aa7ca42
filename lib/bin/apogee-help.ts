import { usage, type OptionSpec } from './cli';
import { HEALTH_SPECS } from './health';

/**
 * `apogee --help`: every sub-command and every flag of `apogee start` with its default, the environment and the
 * ports; and the "unknown command, did you mean" message. Pure (no argv, no I/O) so that it is tested.
 */
export const START_SPECS: OptionSpec[] = [
  { long: 'dataDir', value: true, help: 'root of all data: <dataDir>/namesrv, <dataDir>/store (default ./data)' },
  { long: 'host', value: true, help: 'address to listen on and advertise (default 127.0.0.1; 0.0.0.0 listens everywhere and advertises the machine address)' },
  { long: 'namesrvPort', value: true, help: 'NameServer port (default 9876)' },
  { long: 'namesrvConfig', value: true, help: 'namesrv.conf to load, Java property names (default: none, embedded defaults)' },
  { long: 'brokerPort', value: true, help: 'broker port (default 10911); the fast (VIP) port is brokerPort-2 (10909), HA brokerPort+1 (10912)' },
  { long: 'brokerConfig', value: true, help: 'broker.conf to load, Java property names (default: none, embedded defaults)' },
  { long: 'metricsPort', value: true, help: 'serve Prometheus metrics on this port (sets metricsExporterType=PROM; default: off, as Java; broker.conf may set it)' },
  { long: 'dashboardPort', value: true, help: 'serve the web dashboard on this port (sets apogeeDashboardPort; default: off; broker.conf may set it)' },
  { long: 'dashboardHost', value: true, help: 'address the dashboard listens on (apogeeDashboardHost; default 127.0.0.1 — it has no login)' },
  { long: 'grpcPort', value: true, help: 'serve the 5.x gRPC MessagingService here (Java proxy grpcServerPort; default 8081; 0 = off). Without the gRPC packages or protos, or with 8081 taken, the default only warns' },
  { long: 'noBroker', value: false, help: 'run the NameServer only (default: NameServer and broker)' },
  { short: 'h', long: 'help', value: false, help: 'print this help' },
];

export const COMMANDS: [name: string, help: string][] = [
  ['start', 'run the NameServer and the broker in one process (flags below)'],
  ['health', 'exit 0 when the NameServer and broker answer and the broker is registered (container health check)'],
  ['version', 'print the version (also --version)'],
  ['help', 'print this help (also -h, --help)'],
];

/** The whole `apogee --help`: every sub-command, every flag of `apogee start` with its default, the environment. */
export function apogeeHelp(): string {
  return [
    'usage: apogee <command> [options]',
    '',
    'commands:',
    ...COMMANDS.map(([n, h]) => `  ${n.padEnd(10)} ${h}`),
    '',
    usage('apogee start', START_SPECS),
    '',
    usage('apogee health', HEALTH_SPECS),
    '',
    'environment:',
    '  APOGEE_LOG_LEVEL   fatal|error|warn|info|debug|trace|silent (default info)',
    '  APOGEE_LOG_FORMAT  json|pretty (default: pretty on a terminal when pino-pretty is installed, JSON otherwise)',
    '  JAVA_OPT           Java system properties read as -Dkey=value: TLS (tls.server.mode disabled|permissive|enforcing,',
    '                     default permissive; tls.config.file, default /etc/rocketmq/tls.properties; see README "TLS")',
    '',
    'ports: NameServer 9876, broker 10911, fast remoting 10909 (listenPort-2), HA 10912 (listenPort+1), gRPC 8081 (--grpcPort),',
    '       Prometheus metrics 5557 (metricsPromExporterPort, with metricsExporterType=PROM),',
    '       web dashboard off (apogeeDashboardPort / --dashboardPort, on apogeeDashboardHost 127.0.0.1)',
  ].join('\n');
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length]![b.length]!;
}

/** "unknown command 'strat'; did you mean 'start'?" */
export function unknownCommand(cmd: string): string {
  const best = COMMANDS.map(([n]) => [n, distance(cmd, n)] as const).sort((x, y) => x[1] - y[1])[0]!;
  const hint = best[1] <= Math.max(2, Math.floor(best[0].length / 2)) ? `; did you mean '${best[0]}'?` : '';
  return `unknown command '${cmd}'${hint} (apogee --help lists them)`;
}

