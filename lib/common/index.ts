export { createLogger, silentLogger } from './logger';
export type { Logger, LoggerOptions } from './logger';
export { p, defaults, applyProperties, configEntries, parseValue } from './config';
export type { PropKind, PropSpec, Schema, ConfigOf, ApplyResult } from './config';
export { writeFileDurably, readFileWithBackup, ensureWritableDir } from './files';
export { SERVER_VERSION, SERVER_VERSION_NAME, APOGEE_VERSION } from './version';
export { NettyInertSchema, RemotingLimitsSchema } from './netty-config';
