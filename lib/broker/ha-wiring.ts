import { RequestCode } from '../../protocol/codes';
import type { Logger } from '../common';
import { HaClient, HaMasterService, type HaConfig } from '../ha';
import { ok, type Processor } from '../remoting';
import type { MessageStore, StoreConfig } from '../store';

/**
 * The broker's HA part (Java: BrokerController's HA start-up + DefaultHAService#start / updateHaMasterAddress,
 * AdminBrokerProcessor#getBrokerHaStatus): a master (ASYNC_MASTER / SYNC_MASTER) runs lib/ha's master service on
 * haListenPort (0: listenPort + 1, as Java BrokerStartup) and lends the store its SYNC_MASTER wait; a SLAVE runs
 * lib/ha's client towards haMasterAddress, or the address the NameServer's register answer gives
 * (updateHaMasterAddress, called by the registrar).
 *
 * Contract. Owns: the HaMasterService or the HaClient of this broker (never both), the effective HA port and the
 *   GET_BROKER_HA_STATUS processor. May call: lib/ha, the store (replicaWait, onMessageArriving). Invariants:
 *   start() before the broker registers (the HA address it registers must be listening); stop() before the
 *   store shuts down.
 */
/** Java BrokerController.HA_ADDRESS_MIN_LENGTH: a configured haMasterAddress shorter than this is ignored. */
const HA_ADDRESS_MIN_LENGTH = 6;

export class BrokerHa {
  readonly master: HaMasterService | undefined;
  readonly client: HaClient | undefined;
  /** The port the master's HA service listens on (0 on a slave, or before start). */
  port = 0;
  /** The last haServerAddr a register answer gave (used again when a configured haMasterAddress is cleared). */
  private learnt: string | undefined;

  constructor(
    private readonly store: MessageStore,
    private readonly storeConfig: StoreConfig,
    logger: Logger,
  ) {
    const c = storeConfig;
    const config: HaConfig = {
      mappedFileSizeCommitLog: c.mappedFileSizeCommitLog,
      haSendHeartbeatInterval: c.haSendHeartbeatInterval,
      haHousekeepingInterval: c.haHousekeepingInterval,
      haTransferBatchSize: c.haTransferBatchSize,
      haMaxGapNotInSync: c.haMaxGapNotInSync,
    };
    const log = logger.child({ ns: 'ha' });
    if (c.brokerRole === 'SLAVE') {
      this.client = new HaClient({ store, config, logger: log });
      if (c.haMasterAddress.length >= HA_ADDRESS_MIN_LENGTH) this.client.updateHaMasterAddress(c.haMasterAddress);
    } else {
      this.master = new HaMasterService(store, config, log);
    }
  }

  get isSlave(): boolean {
    return this.client !== undefined;
  }

  /** Starts the master service on haListenPort (0: listenPort + 1) or the slave client. */
  async start(listenPort: number, host: string | undefined): Promise<void> {
    if (this.master !== undefined) {
      const want = this.storeConfig.haListenPort > 0 ? this.storeConfig.haListenPort : listenPort === 0 ? 0 : listenPort + 1;
      this.port = await this.master.start(want, host === '' ? undefined : host);
      const master = this.master;
      this.store.replicaWait = (next, acks, ms) => master.waitForAcks(next, acks, ms);
      this.store.onMessageArriving(() => master.wakeup());
    }
    this.client?.start();
  }

  /**
   * Java: DefaultMessageStore#updateHaMasterAddress (BrokerController#changeToSlave / the register answer's
   * haServerAddr): the slave (re)connects to this "host:port"; ignored on a master.
   */
  updateHaMasterAddress(addr: string): void {
    if (this.client === undefined) return;
    this.client.updateHaMasterAddress(addr);
  }

  /**
   * The registrar's hook (Java BrokerController#registerBrokerAll: `updateMasterHAServerAddrPeriodically &&
   * haServerAddr != null`): the register answer's haServerAddr is taken only when haMasterAddress is not configured
   * (Java: a configured address of at least 6 characters wins). Ignored on a master or for an empty address; the
   * last one is remembered for applyConfiguredHaMasterAddress.
   */
  learnHaMasterAddress(haServerAddr: string | undefined): void {
    if (haServerAddr === undefined || haServerAddr === '') return;
    this.learnt = haServerAddr;
    if (this.storeConfig.haMasterAddress.length >= HA_ADDRESS_MIN_LENGTH) return;
    this.updateHaMasterAddress(haServerAddr);
  }

  /**
   * UPDATE_BROKER_CONFIG carried haMasterAddress (already stored in storeConfig): a slave applies it at once —
   * its HA client closes the connection and connects to the new address — and stops following the register
   * answers, as a configured address does at start (Java BrokerController#initialize). An address shorter than
   * HA_ADDRESS_MIN_LENGTH hands the choice back to the register answers (the last one learnt is used now).
   * Java 5.5.0's AdminBrokerProcessor#updateBrokerConfig only stores the key (it takes effect at the next start);
   * applying it without a restart is Apogee's addition, asked for by issue 13.
   */
  applyConfiguredHaMasterAddress(): void {
    if (this.client === undefined) return;
    const configured = this.storeConfig.haMasterAddress;
    if (configured.length >= HA_ADDRESS_MIN_LENGTH) this.updateHaMasterAddress(configured);
    else if (this.learnt !== undefined) this.updateHaMasterAddress(this.learnt);
  }

  /** Java: DefaultHAService#getRuntimeInfo as HARuntimeInfo's JSON (fastjson: bean properties, sorted). */
  runtimeInfoJson(): string {
    if (this.client !== undefined) {
      const r = this.client.runtimeInfo();
      const c = r.haClientRuntimeInfo;
      const client = { activated: c.isActivated, lastReadTimestamp: c.lastReadTimestamp, lastWriteTimestamp: c.lastWriteTimestamp, masterAddr: c.masterAddr, masterFlushOffset: c.masterFlushOffset, maxOffset: c.maxOffset, transferredByteInSecond: c.transferredByteInSecond };
      return JSON.stringify({ haClientRuntimeInfo: client, haConnectionInfo: [], inSyncSlaveNums: 0, master: false, masterCommitLogMaxOffset: 0 });
    }
    const r = this.master!.runtimeInfo(this.store.getMaxPhyOffset());
    const conns = r.haConnectionInfo.map((x) => ({ addr: x.addr, diff: x.diff, inSync: x.inSync, slaveAckOffset: x.slaveAckOffset, transferFromWhere: x.transferFromWhere, transferredByteInSecond: x.transferredByteInSecond }));
    const client = { activated: false, lastReadTimestamp: 0, lastWriteTimestamp: 0, masterFlushOffset: 0, maxOffset: 0, transferredByteInSecond: 0 };
    return JSON.stringify({ haClientRuntimeInfo: client, haConnectionInfo: conns, inSyncSlaveNums: r.inSyncSlaveNums, master: true, masterCommitLogMaxOffset: r.masterCommitLogMaxOffset });
  }

  async stop(): Promise<void> {
    this.client?.stop();
    this.store.replicaWait = undefined;
    await this.master?.stop();
  }
}

/** GET_BROKER_HA_STATUS (907): HARuntimeInfo (Java: AdminBrokerProcessor#getBrokerHaStatus). */
export function haProcessors(ha: () => BrokerHa): [number, Processor][] {
  return [[RequestCode.GET_BROKER_HA_STATUS, (ctx) => ok(ctx, null, Buffer.from(ha().runtimeInfoJson()))]];
}

/**
 * Java BrokerStartup#buildBrokerController: a master's brokerId is 0 (MixAll.MASTER_ID, set whatever the file
 * says); a SLAVE needs brokerId > 0; haListenPort <= 0 becomes listenPort + 1 (so GET_BROKER_CONFIG shows the
 * port in use). Mutates `config.brokerId` and `storeConfig.haListenPort` as Java does.
 */
export function checkHaRole(config: { brokerId: number; listenPort: number }, storeConfig: { brokerRole: string; haListenPort: number }, logger: Logger): void {
  if (storeConfig.haListenPort <= 0 && config.listenPort > 0) storeConfig.haListenPort = config.listenPort + 1;
  if (storeConfig.brokerRole === 'SLAVE') {
    if (config.brokerId <= 0) throw new Error(`brokerRole=SLAVE brokerId=${config.brokerId}: Slave's brokerId must be > 0`);
    return;
  }
  if (config.brokerId !== 0) {
    logger.warn({ brokerId: config.brokerId, brokerRole: storeConfig.brokerRole }, 'a master\'s brokerId is 0 (as Java BrokerStartup sets it)');
    config.brokerId = 0;
  }
}
