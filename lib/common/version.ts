import { mqVersion } from '../../protocol/codes';

/**
 * The MQVersion ordinal Apogee writes on every response and request: the Apache RocketMQ release whose
 * behaviour it follows and against which it is tested (5.5.0). Clients store the broker's version from
 * HEART_BEAT responses and gate features on it (e.g. SQL92 pulls need >= V4_1_0_SNAPSHOT).
 */
export const SERVER_VERSION = mqVersion('V5_5_0');
export const SERVER_VERSION_NAME = 'V5_5_0';
/** Apogee's own release, reported by tools and logs. */
export const APOGEE_VERSION = '0.1.0';
