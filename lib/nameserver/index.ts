export { NameServer } from './nameserver';
export type { NameServerOptions } from './nameserver';
export { NamesrvSchema } from './config';
export type { NamesrvConfig } from './config';
export { RouteInfoManager, BROKER_CHANNEL_EXPIRED_MS_DEFAULT } from './route-info';
export type { QueueData, BrokerData, DataVersion, RouteData, TopicConfigLike } from './route-info';
