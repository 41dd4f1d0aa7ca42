import { RocketClient, type Credentials } from '../client';
import type { Logger } from '../common';
import type { CommandContext, SubCommand } from './command';
import { addWritePerm, deleteKvConfig, getNamesrvConfig, updateKvConfig, updateNamesrvConfig, wipeWritePerm } from './commands/namesrv';
import { faults } from './commands/faults';
import { queryMsgById, queryMsgByKey, queryMsgByOffset, queryMsgByUniqueKey, sendMessage } from './commands/message';
import { cleanExpiredCQ, cleanUnusedTopic, deleteExpiredCommitLog, removeColdDataFlowCtrGroupConfig, setCommitLogReadAheadMode, switchTimerEngine, topicClusterList, updateBrokerConfig, updateColdDataFlowCtrGroupConfig, updateOrderConf, updateTopicPerm } from './commands/broker';
import { brokerConsumeStats, consumerConnection, consumerProgress, producerConnection } from './commands/consumer';
import { deleteSubGroup, getConsumerConfig, updateSubGroup } from './commands/group';
import { cloneGroupOffset, resetOffsetByTime, skipAccumulatedMessage } from './commands/offset';
import { printMsg, printMsgByQueue } from './commands/print';
import { allocateMQ, checkMsgSendRT, clusterRT, producer, sendMsgStatus, setConsumeMode } from './commands/misc';
import { queryCq, updateSubGroupList, updateTopicList } from './commands/batch';
import { statsAll } from './commands/stats';
import { haStatus } from './commands/ha';
import { exportConfigs } from './commands/export';
import { exportMetadata } from './commands/export-metadata';
import { consumerStatus } from './commands/consumer-status';
import { consumeMessage } from './commands/consume-message';
import { exportMetrics } from './commands/export-metrics';
import { queryMsgTraceById } from './commands/trace';
import { copyUser, createUser, deleteUser, getUser, listUser, updateUser } from './commands/auth-users';
import { copyAcl, createAcl, deleteAcl, getAcl, listAcl, updateAcl } from './commands/auth-acls';
import { exportPopRecord, getColdDataFlowCtrInfo, resetMasterFlushOffset } from './commands/broker-info';
import { brokerStatus, clusterList, deleteTopic, getBrokerConfig, orderTopics, topicList, topicRoute, topicStatus, updateTopic } from './commands/topic';

export type { SubCommand, CommandContext, OptionDef } from './command';
export { jfmt, NAMESRV_OPTION } from './command';

/** Every sub-command of Apogee's mqadmin, by the name Java's mqadmin uses. */
export const COMMANDS: readonly SubCommand[] = [
  // In the order of Java's MQAdminStartup#initCommand.
  updateTopic,
  updateTopicList,
  deleteTopic,
  updateSubGroup,
  updateSubGroupList,
  setConsumeMode,
  deleteSubGroup,
  updateBrokerConfig,
  updateTopicPerm,
  topicRoute,
  topicStatus,
  topicClusterList,
  resetMasterFlushOffset,
  brokerStatus,
  queryMsgById,
  queryMsgByKey,
  queryMsgByUniqueKey,
  queryMsgByOffset,
  queryMsgTraceById,
  printMsg,
  printMsgByQueue,
  sendMsgStatus,
  brokerConsumeStats,
  producerConnection,
  consumerConnection,
  consumerProgress,
  consumerStatus,
  cloneGroupOffset,
  producer,
  clusterList,
  topicList,
  updateKvConfig,
  deleteKvConfig,
  wipeWritePerm,
  addWritePerm,
  resetOffsetByTime,
  skipAccumulatedMessage,
  updateOrderConf,
  cleanExpiredCQ,
  deleteExpiredCommitLog,
  cleanUnusedTopic,
  statsAll,
  allocateMQ,
  checkMsgSendRT,
  clusterRT,
  getNamesrvConfig,
  updateNamesrvConfig,
  getBrokerConfig,
  getConsumerConfig,
  queryCq,
  sendMessage,
  consumeMessage,
  exportMetadata,
  exportConfigs,
  exportMetrics,
  exportPopRecord,
  haStatus,
  updateColdDataFlowCtrGroupConfig,
  removeColdDataFlowCtrGroupConfig,
  getColdDataFlowCtrInfo,
  setCommitLogReadAheadMode,
  switchTimerEngine,
  createUser,
  updateUser,
  deleteUser,
  getUser,
  listUser,
  copyUser,
  createAcl,
  updateAcl,
  deleteAcl,
  getAcl,
  listAcl,
  copyAcl,
  // Apogee's own.
  orderTopics,
  faults,
];

export { toolsCredentials } from './tools-credentials';

export async function runCommand(cmd: SubCommand, namesrvAddr: string, opts: CommandContext['opts'], logger: Logger, out: (l: string) => void, credentials?: Credentials): Promise<void> {
  const client = new RocketClient({ namesrvAddr, logger, ...(credentials !== undefined ? { credentials } : {}) });
  try {
    await cmd.execute({ client, opts, out });
  } finally {
    client.close();
  }
}
