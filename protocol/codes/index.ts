export { RequestCode, RequestCode49Only, requestCodeName } from './request-code';
export type { RequestCodeName, RequestCodeValue } from './request-code';
export { ResponseCode, ResponseCode49Only, responseCodeName } from './response-code';
export type { ResponseCodeName, ResponseCodeValue } from './response-code';
export { LanguageCode, languageName, parseLanguage } from './language-code';
export type { LanguageName } from './language-code';
export { MQVersionNames, MQVersionGate, mqVersion, mqVersionDesc } from './mq-version';
export type { MQVersionName } from './mq-version';
