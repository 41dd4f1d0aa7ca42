/**
 * Issue 15: the official Go gRPC client (github.com/apache/rocketmq-clients/golang/v5 v5.1.2, compat-tests/go-grpc,
 * its own Go module) against Apogee's own gRPC endpoint (lib/grpc, `apogee start --grpcPort`), no proxy. The Go
 * client always dials TLS, so this also checks the port's TLS permissive mode (lib/grpc/tls-listener.ts).
 * Scenarios: send + SimpleConsumer receive/ack, changeInvisibleDuration redelivery, FIFO message group order,
 * delay (SetDelayTimestamp), transaction commit, tag filter. Skipped, saying why, when the module cannot be had.
 */
import { createLogger } from '../../lib/common';
import { skipBecause } from '../../lib/common/testing/skip';
import { assertAllPassed, record } from './compat-assert';
import { runGoSuite } from './go-suite';
import { GO_GRPC_SCENARIOS, GO_GRPC_SUITE, goGrpcDir, goGrpcUnavailable } from './go-grpc';
import { freePort } from './ports';
import { RunContext } from './run';
import { startApogeeTarget } from './target';
import type { Target } from './target';

describe('compat: official Go gRPC client (rocketmq-clients/golang/v5) against Apogee natively (lib/grpc)', function () {
  this.timeout(15 * 60_000);
  let ctx: RunContext;
  let target: Target | undefined;

  before(async function () {
    const why = goGrpcUnavailable();
    if (why !== undefined) skipBecause(this, why);
    ctx = RunContext.create({ logger: createLogger({ name: 'compat', fd: 2, level: 'warn' }) });
    target = await startApogeeTarget(ctx, { name: 'apogee-grpc-go', grpcPort: await freePort() });
  });
  after(async () => {
    await target?.stop();
  });

  it('the 6 Go gRPC scenarios pass against the native endpoint', async () => {
    const t = target!;
    const run = await runGoSuite(ctx, { target: t, dir: goGrpcDir(), suite: GO_GRPC_SUITE, extraArgs: ['-endpoint', t.grpcEndpoint!], timeoutMs: 10 * 60_000 });
    record(ctx, run);
    assertAllPassed(run, GO_GRPC_SCENARIOS);
  });
});
