import { RocketClient } from '../client';
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
import { allocateMQ, checkMsgSendRT, producer, sendMsgStatus, setConsumeMode } from './commands/misc';
import { queryCq, updateSubGroupList, updateTopicList } from './commands/batch';
import { statsAll } from './commands/stats';
import { haStatus } from './commands/ha';
import { exportConfigs } from './commands/export';
import { exportMetadata } from './commands/export-metadata';
import { getColdDataFlowCtrInfo, resetMasterFlushOffset } from './commands/broker-info';
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
  printMsg,
  printMsgByQueue,
  sendMsgStatus,
  brokerConsumeStats,
  producerConnection,
  consumerConnection,
  consumerProgress,
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
  getNamesrvConfig,
  updateNamesrvConfig,
  getBrokerConfig,
  getConsumerConfig,
  queryCq,
  sendMessage,
  exportMetadata,
  exportConfigs,
  haStatus,
  updateColdDataFlowCtrGroupConfig,
  removeColdDataFlowCtrGroupConfig,
  getColdDataFlowCtrInfo,
  setCommitLogReadAheadMode,
  switchTimerEngine,
  // Apogee's own.
  orderTopics,
  faults,
];

export async function runCommand(cmd: SubCommand, namesrvAddr: string, opts: CommandContext['opts'], logger: Logger, out: (l: string) => void): Promise<void> {
  const client = new RocketClient({ namesrvAddr, logger });
  try {
    await cmd.execute({ client, opts, out });
  } finally {
    client.close();
  }
}
