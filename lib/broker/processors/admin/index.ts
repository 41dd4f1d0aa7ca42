import type { Processor } from '../../../remoting';
import type { BrokerContext } from '../../context';

/**
 * Admin families (mqadmin): topic, group, stats, config, consumer/producer connections, query, locks.
 * Each family lives in its own file in this directory and is listed here.
 */
export function adminProcessors(bc: BrokerContext): [number, Processor][] {
  void bc;
  return [];
}
