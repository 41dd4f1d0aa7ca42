import type { ReplicaAppendResult } from '../store';

/**
 * What lib/ha needs of the store and of the config (the broker passes its MessageStore and store config).
 * Contract: types only.
 */
export interface HaStore {
  getMaxPhyOffset(): number;
  readonly replica: {
    read(offset: number, maxBytes: number): Promise<Buffer | undefined>;
    append(phy: number, data: Buffer): Promise<ReplicaAppendResult>;
  };
}

/** Java MessageStoreConfig keys, in ms and bytes as Java has them. */
export interface HaConfig {
  mappedFileSizeCommitLog: number;
  haSendHeartbeatInterval: number;
  haHousekeepingInterval: number;
  haTransferBatchSize: number;
  haMaxGapNotInSync: number;
}
