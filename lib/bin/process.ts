import type { Logger } from '../common';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** APOGEE_LOG_LEVEL (fatal|error|warn|info|debug|trace|silent), default info. */
export function logLevelFromEnv(): Level {
  const v = process.env.APOGEE_LOG_LEVEL;
  const ok: Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  return ok.includes(v as Level) ? (v as Level) : 'info';
}

/**
 * APOGEE_LOG_FORMAT: json (always JSON lines), pretty (pino-pretty), or unset: pretty when stdout is a terminal,
 * JSON otherwise (pipes, files, process managers).
 */
export function prettyLogsFromEnv(): boolean {
  const v = process.env.APOGEE_LOG_FORMAT;
  if (v === 'json') return false;
  if (v === 'pretty') return true;
  return process.stdout.isTTY === true;
}

/** SIGINT/SIGTERM close gracefully (flush, unregister) and exit; a second signal exits at once. */
export function installShutdown(logger: Logger, close: () => Promise<void>): void {
  let closing = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (closing) process.exit(1);
    closing = true;
    logger.info({ signal: sig }, 'shutting down');
    close()
      .then(() => {
        logger.flush();
        process.exit(0);
      })
      .catch((e: unknown) => {
        logger.error({ err: e }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
