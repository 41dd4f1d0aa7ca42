export { RocketClient } from './client';
export type { ClientOptions, SendOptions, SendResult, PublishQueue } from './client';
export { signFields } from './acl-sign';
export type { Credentials } from './acl-sign';
