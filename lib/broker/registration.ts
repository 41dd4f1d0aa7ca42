import { ProcessorRegistry, type Processor } from '../remoting';
import type { BrokerContext } from './context';
import { haProcessors } from './ha-wiring';
import { adminProcessors } from './processors/admin';
import { clientManageProcessors } from './processors/client-manage';
import { consumerManageProcessors } from './processors/consumer-manage';
import { endTransactionProcessors } from './processors/end-transaction';
import { lockProcessors } from './processors/lock';
import { offsetProcessors } from './processors/offsets';
import { pullProcessors } from './processors/pull';
import { queryProcessors } from './processors/query';
import { recallProcessors } from './processors/recall';
import { replyProcessors } from './processors/reply';
import { sendProcessors } from './processors/send';
import { sendBackProcessors } from './processors/send-back';
import { unsupportedProcessors } from './processors/unsupported';
import { authGate, type BrokerAcl } from './acl';
import { faultGate } from './faults/gate';
import type { Pop } from './pop';
import { roleGate } from './slave/role-gate';
import type { TransactionService } from './transaction/transaction-service';

/**
 * The broker's one registration table: request code -> processor, one family per file, read as data. Every
 * processor is wrapped by the fault-injection gate (faults/gate.ts; one boolean check when off) around the role gate,
 * and, when authentication or authorization is on, by the auth gate outermost (acl/gate.ts; Java runs it before the processor).
 */
export function brokerRegistry(bc: BrokerContext, tx: TransactionService, pop: Pop, acl?: BrokerAcl): ProcessorRegistry {
  const auth = acl?.authenticator;
  const authz = acl?.authorizer;
  const registry = new ProcessorRegistry();
  const families: [number, Processor][][] = [
    sendProcessors(bc),
    sendBackProcessors(bc),
    replyProcessors(bc),
    recallProcessors(bc),
    pullProcessors(bc),
    clientManageProcessors(bc),
    consumerManageProcessors(bc),
    offsetProcessors(bc),
    endTransactionProcessors(bc, tx),
    queryProcessors(bc),
    lockProcessors(bc),
    adminProcessors(bc),
    haProcessors(() => bc.ha),
    pop.processors(),
    acl?.processors ?? [],
    unsupportedProcessors(),
  ];
  for (const family of families) {
    for (const [code, p] of family) {
      const gated = faultGate(bc.faults, bc.logger, code, roleGate(bc, code, p));
      registry.register(code, auth === undefined && authz === undefined ? gated : authGate(auth, authz, gated));
    }
  }
  return registry;
}
