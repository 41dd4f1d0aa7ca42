export { RocketClient } from './client';
export type { ClientOptions, SendOptions, SendResult, PublishQueue } from './client';
export { signedFields } from './acl-hook';
export type { Credentials } from './acl-hook';
