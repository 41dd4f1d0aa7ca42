export { createLogger, prettyAvailable, silentLogger } from './logger';
export type { Logger, LoggerOptions } from './logger';
export { p, defaults, applyProperties, configEntries, parseValue } from './config';
export type { PropKind, PropSpec, Schema, ConfigOf, ApplyResult } from './config';
export { writeFileDurably, readFileWithBackup, ensureWritableDir, syncDir } from './files';
export { SERVER_VERSION, SERVER_VERSION_NAME, APOGEE_VERSION } from './version';
export { NettyInertSchema, RemotingLimitsSchema } from './netty-config';
export { LoopDelayMonitor, sharedLoopDelay, LOOP_DELAY_RESOLUTION_MS, LOOP_DELAY_WINDOW_MS, LOOP_DELAY_SLICE_MS } from './loop-delay';
export type { LoopDelayStats, LoopDelayOptions, LoopDelayReader } from './loop-delay';
