import pino from 'pino';

/**
 * Logging goes through pino. One root logger is created in lib/bin and passed down; modules take a child with
 * their namespace (`logger.child({ ns: 'remoting' })`). Nothing on the per-message hot path logs above debug.
 */
export type Logger = pino.Logger;

export interface LoggerOptions {
  level?: pino.LevelWithSilent;
  /** Write to this file descriptor (default 1, stdout). */
  fd?: number;
  name?: string;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const dest = pino.destination({ fd: opts.fd ?? 1, sync: false });
  return pino(
    {
      name: opts.name ?? 'apogee',
      level: opts.level ?? 'info',
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    dest,
  );
}

/** A logger that drops everything (tests, embedded use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
