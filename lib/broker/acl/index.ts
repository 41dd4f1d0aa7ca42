export { Authenticator, AUTH_FAILURE_WINDOW_MS } from './authentication';
export type { AuthenticationOptions } from './authentication';
export { authGate } from './gate';
export { UserStore, USERS_MAX } from './users';
export type { User, UserType, UserStatus } from './users';
export { calSignature, signedContent, ACCESS_KEY, SIGNATURE, SECURITY_TOKEN } from './signature';
export { aclFromConfig } from './setup';
export type { BrokerAcl } from './setup';
export { AUTH_CONFIG_KEYS } from './setup';
