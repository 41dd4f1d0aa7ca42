import type { Connection } from '../../remoting';

/** A client connection as the broker tracks it (Java ClientChannelInfo). */
export interface ClientChannelInfo {
  connection: Connection;
  clientId: string;
  language: number;
  version: number;
  lastUpdateTimestamp: number;
}
