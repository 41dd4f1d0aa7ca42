import type { Processor } from '../../../remoting';
import type { BrokerContext } from '../../context';
import { configProcessors } from './config';
import { consumerProcessors } from './consumer';
import { groupProcessors } from './group';
import { liteProcessors } from './lite';
import { offsetAdminProcessors } from './offset';
import { statsProcessors } from './stats';
import { timerAdminProcessors } from './timer';
import { storeOpsProcessors } from './store-ops';
import { topicProcessors } from './topic';

/**
 * Admin families (mqadmin): topic, group, stats, config, consumer/producer connections and forwarded client calls,
 * offset administration. Each family lives in its own file in this directory and is listed here. Queries by key/id
 * (processors/query.ts) and orderly locks (processors/lock.ts) are families of their own.
 */
export function adminProcessors(bc: BrokerContext): [number, Processor][] {
  return [
    ...topicProcessors(bc),
    ...groupProcessors(bc),
    ...statsProcessors(bc),
    ...configProcessors(bc),
    ...consumerProcessors(bc),
    ...offsetAdminProcessors(bc),
    ...timerAdminProcessors(bc),
    ...storeOpsProcessors(bc),
    ...liteProcessors(bc),
  ];
}
