import { ProcessorRegistry } from '../remoting';
import type { NamesrvContext } from './context';
import { adminProcessors } from './processors/admin';
import { brokerRegistrationProcessors } from './processors/broker-registration';
import { kvProcessors } from './processors/kv';
import { routeProcessors } from './processors/routes';
import { topicProcessors } from './processors/topics';

/** The NameServer's one registration table: request code -> processor, read as data. */
export function namesrvRegistry(nc: NamesrvContext): ProcessorRegistry {
  const registry = new ProcessorRegistry();
  for (const family of [routeProcessors, brokerRegistrationProcessors, topicProcessors, kvProcessors, adminProcessors]) {
    for (const [code, processor] of family(nc)) registry.register(code, processor);
  }
  return registry;
}
