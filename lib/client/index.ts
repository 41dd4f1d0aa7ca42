export { RocketClient } from './client';
export type { ClientOptions, SendOptions, SendResult, PublishQueue } from './client';
