import { RocketClient } from '../client';
import type { Logger } from '../common';
import type { CommandContext, SubCommand } from './command';
import { addWritePerm, deleteKvConfig, getNamesrvConfig, updateKvConfig, updateNamesrvConfig, wipeWritePerm } from './commands/namesrv';
import { faults } from './commands/faults';
import { queryMsgById, sendMessage } from './commands/message';
import { brokerStatus, clusterList, deleteTopic, getBrokerConfig, orderTopics, topicList, topicRoute, topicStatus, updateTopic } from './commands/topic';

export type { SubCommand, CommandContext, OptionDef } from './command';
export { jfmt, NAMESRV_OPTION } from './command';

/** Every sub-command of Apogee's mqadmin, by the name Java's mqadmin uses. */
export const COMMANDS: readonly SubCommand[] = [
  clusterList,
  brokerStatus,
  topicList,
  topicRoute,
  topicStatus,
  updateTopic,
  deleteTopic,
  getBrokerConfig,
  getNamesrvConfig,
  updateNamesrvConfig,
  updateKvConfig,
  deleteKvConfig,
  wipeWritePerm,
  addWritePerm,
  sendMessage,
  queryMsgById,
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
