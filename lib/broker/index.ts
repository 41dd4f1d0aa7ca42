export { Broker } from './broker';
export type { BrokerOptions } from './broker';
export { BrokerSchema, BrokerRemotingSchema } from './config';
export type { BrokerConfig, BrokerRemotingConfig } from './config';
// Fault injection's request-path pieces, for bench/faults (its cost when off).
export { FaultInjector } from './faults/injector';
export { faultGate } from './faults/gate';
export { slowRead } from './faults/slow-reads';
// The SQL92 pull filter, for bench/store/sqlpull (the store side of the SQL92 pull without network).
export { sql92MessageFilter } from './consumer-filter';
