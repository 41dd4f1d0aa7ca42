import pino from 'pino';

/**
 * Logging goes through pino. One root logger is created in lib/bin and passed down; modules take a child with
 * their namespace (`logger.child({ ns: 'remoting' })`). Nothing on the per-message hot path logs above debug.
 * JSON lines are the machine format (files, pipes). `pretty` (lib/bin sets it on a terminal) uses pino's own
 * pino-pretty transport, one readable line per event; when pino-pretty is not installed the output stays JSON.
 */
export type Logger = pino.Logger;

export interface LoggerOptions {
  level?: pino.LevelWithSilent;
  /** Write to this file descriptor (default 1, stdout). */
  fd?: number;
  name?: string;
  /** One readable line per event through pino-pretty (falls back to JSON when the module is absent). */
  pretty?: boolean;
}

/** Whether pino-pretty can be loaded (an optional dependency). */
export function prettyAvailable(): boolean {
  try {
    require.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const options: pino.LoggerOptions = {
    name: opts.name ?? 'apogee',
    level: opts.level ?? 'info',
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (opts.pretty === true && prettyAvailable()) {
    const transport = pino.transport({
      target: 'pino-pretty',
      options: { destination: opts.fd ?? 1, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true },
    });
    return pino(options, transport);
  }
  return pino(options, pino.destination({ fd: opts.fd ?? 1, sync: false }));
}

/** A logger that drops everything (tests, embedded use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
