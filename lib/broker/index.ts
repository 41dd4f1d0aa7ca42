export { Broker } from './broker';
export type { BrokerOptions } from './broker';
export { BrokerSchema, BrokerRemotingSchema } from './config';
export type { BrokerConfig, BrokerRemotingConfig } from './config';
