import type { Logger } from '../common';
import type { NamesrvConfig } from './config';
import type { KvConfigManager } from './kv-config';
import type { RouteInfoManager } from './route-info';

/** What every NameServer processor may use; built once by NameServer. */
export interface NamesrvContext {
  readonly config: NamesrvConfig;
  readonly routes: RouteInfoManager;
  readonly kv: KvConfigManager;
  readonly logger: Logger;
  /** MQVersion ordinal on responses. */
  readonly version: number;
  startedAt: number;
  /** Applies an UPDATE_NAMESRV_CONFIG body; returns an error remark or null. */
  updateConfig(props: Map<string, string>): { code: number; remark: string | null };
  /** Properties text for GET_NAMESRV_CONFIG. */
  configText(): string;
  now(): number;
}
