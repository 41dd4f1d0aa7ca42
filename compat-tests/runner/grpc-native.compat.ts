/**
 * Issue 15 step 2 "natively": rocketmq-client-java 5.x (compat-tests/java/grpc-suites, the grpc-proxy suite's
 * scenarios) against Apogee's own gRPC endpoint (lib/grpc, `apogee start --grpcPort`), no proxy in between.
 * All 10 scenarios are expected to pass (SimpleConsumer receive/ack/changeInvisibleDuration, PushConsumer with retry
 * and with ForwardMessageToDeadLetterQueue after the group's retryMaxTimes,
 * FIFO message groups, delay, transaction commit/rollback, tag and SQL92 filters, recall of a delay message:
 * Producer#recallMessage -> RecallMessage -> the broker's RECALL_MESSAGE, ~17 s of the run), and in full runs only
 * (APOGEE_COMPAT_FULL=1) an orphaned transaction committed by the producer's TransactionChecker, asked through Telemetry.
 */
import { createLogger } from '../../lib/common';
import { assertAllPassed, record } from './compat-assert';
import { runGrpcProxySuite } from './grpc-proxy';
import { freePort } from './ports';
import { RunContext } from './run';
import { FULL_RUN_ONLY, GRPC_FULL_RUN_ONLY, GRPC_PROXY_SCENARIOS } from './scenarios';
import { startApogeeTarget } from './target';
import type { Target } from './target';

describe('compat: rocketmq-client-java 5.x gRPC against Apogee natively (lib/grpc, no proxy)', function () {
  this.timeout(15 * 60_000);
  let ctx: RunContext;
  let target: Target;

  before(async function () {
    ctx = RunContext.create({ logger: createLogger({ name: 'compat', fd: 2, level: 'warn' }) });
    target = await startApogeeTarget(ctx, { name: 'apogee-grpc', grpcPort: await freePort() });
  });
  after(async () => {
    await target?.stop();
  });

  it('the 11 grpc-proxy scenarios pass (1 full run only) against the native endpoint', async () => {
    const full = process.env['APOGEE_COMPAT_FULL'] === '1';
    const run = await runGrpcProxySuite(ctx, { target, native: true, timeoutMs: 10 * 60_000, full });
    record(ctx, run);
    // Orphaned-transaction recovery waits for the broker's check (~35 s): full run only; in CI the relay is covered by
    // lib/grpc/transaction-check.test.ts (a CHECK_TRANSACTION_STATE becomes the producer's RecoverOrphanedTransactionCommand).
    assertAllPassed(run, GRPC_PROXY_SCENARIOS, full ? {} : Object.fromEntries(GRPC_FULL_RUN_ONLY.map((id) => [id, FULL_RUN_ONLY])));
  });
});
