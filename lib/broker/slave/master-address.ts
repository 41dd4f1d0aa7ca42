import type { Logger } from '../../common';

/**
 * Where a slave's master is, as learnt from the NameServers' REGISTER_BROKER answers (RegisterBrokerResponseHeader:
 * masterAddr, haServerAddr). Java: broker/.../BrokerController#handleRegisterBrokerResult: of one registration
 * round only the first NameServer that answered counts; when the broker is a SLAVE without a fixed haMasterAddress
 * (updateMasterHAServerAddrPeriodically) and that answer carries an haServerAddr, the store's HA master address and
 * master address are updated; SlaveSynchronize's masterAddr is set from the answer every time (null when the
 * NameServer knows no master, e.g. it died: the slave then stops copying metadata but the HA client keeps its last
 * address, as Java's does).
 *
 * Listeners registered with onMasterChanged are told when the (masterAddr, haServerAddr) pair used for replication
 * changes; lib/ha's HA client subscribes there (see the HA call site in broker.ts).
 */
export type MasterChangedListener = (masterAddr: string | null, haServerAddr: string) => void;

/** What one NameServer answered to REGISTER_BROKER. */
export interface RegisterBrokerResult {
  masterAddr: string | undefined;
  haServerAddr: string | undefined;
}

export class MasterAddress {
  /** The master address SlaveSynchronize copies metadata from (Java SlaveSynchronize#masterAddr). */
  private syncMaster: string | null = null;
  /** The master address and HA address the store replicates from (Java DefaultMessageStore#updateMasterAddress / updateHaMasterAddress). */
  private haMaster: { masterAddr: string | null; haServerAddr: string } | null = null;
  private readonly listeners: MasterChangedListener[] = [];

  /**
   * @param updatePeriodically Java updateMasterHAServerAddrPeriodically: true for a SLAVE (Apogee has no fixed
   *   haMasterAddress key), false for a master.
   */
  constructor(
    private readonly updatePeriodically: boolean,
    private readonly logger: Logger,
  ) {}

  /** Java SlaveSynchronize#getMasterAddr. */
  get masterAddr(): string | null {
    return this.syncMaster;
  }

  /** The HA master address last handed to the listeners, or null before any. */
  get haMasterAddr(): string | null {
    return this.haMaster?.haServerAddr ?? null;
  }

  onMasterChanged(l: MasterChangedListener): void {
    this.listeners.push(l);
    if (this.haMaster !== null) l(this.haMaster.masterAddr, this.haMaster.haServerAddr);
  }

  /** One registration round's answers in the order they arrived; only the first is used (Java: `break`). */
  handleRegisterResults(results: readonly RegisterBrokerResult[]): void {
    const r = results[0];
    if (r === undefined) return;
    const masterAddr = r.masterAddr !== undefined && r.masterAddr !== '' ? r.masterAddr : null;
    const ha = r.haServerAddr !== undefined && r.haServerAddr !== '' ? r.haServerAddr : null;
    if (this.updatePeriodically && ha !== null && (this.haMaster === null || this.haMaster.haServerAddr !== ha || this.haMaster.masterAddr !== masterAddr)) {
      this.logger.info({ from: this.haMaster, masterAddr, haServerAddr: ha }, 'update master address and HA master address');
      this.haMaster = { masterAddr, haServerAddr: ha };
      for (const l of this.listeners) {
        try {
          l(masterAddr, ha);
        } catch (e) {
          this.logger.error({ err: e }, 'master-changed listener failed');
        }
      }
    }
    if (masterAddr !== this.syncMaster) {
      // Java SlaveSynchronize#setMasterAddr logs the change.
      this.logger.info({ from: this.syncMaster, to: masterAddr }, 'update master address for metadata sync');
      this.syncMaster = masterAddr;
    }
  }
}
