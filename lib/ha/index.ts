/**
 * lib/ha: master-slave replication in RocketMQ's default HA protocol (Java: DefaultHAService, DefaultHAConnection,
 * DefaultHAClient). Reads and appends through the store's replica surface, talks TCP itself; never imports the
 * broker (the broker wires it in: lib/broker/ha-wiring.ts).
 */
export { HaMasterService, HA_CONNECTIONS_MAX } from './master';
export type { MasterRuntimeInfo } from './master';
export { HaClient, HA_TRANSFER_BODY_BYTES_MAX, HA_QUEUED_BYTES_MAX, HA_RECONNECT_DELAY_MS } from './client';
export type { ClientRuntimeInfo, HaClientOptions } from './client';
export type { HaConfig, HaStore } from './types';
