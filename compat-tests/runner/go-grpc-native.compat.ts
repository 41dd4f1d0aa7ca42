/**
 * Issue 15: the official Go gRPC client (github.com/apache/rocketmq-clients/golang/v5 v5.1.2, compat-tests/go-grpc,
 * its own Go module) against Apogee's own gRPC endpoint (lib/grpc, `apogee start --grpcPort`), no proxy. The Go
 * client always dials TLS, so this also checks the port's TLS permissive mode (lib/grpc/tls-listener.ts).
 * Scenarios: send + SimpleConsumer receive/ack, changeInvisibleDuration redelivery, FIFO message group order,
 * delay (SetDelayTimestamp), transaction commit, tag filter. Skipped, saying why, when the module cannot be had.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { createLogger } from '../../lib/common';
import { skipBecause } from '../../lib/common/testing/skip';
import { assertAllPassed, record } from './compat-assert';
import { runGoSuite } from './go-suite';
import { compatDir } from './paths';
import { freePort } from './ports';
import { RunContext } from './run';
import { startApogeeTarget } from './target';
import type { Target } from './target';

export const GO_GRPC_SUITE = 'go-grpc';
export const GO_GRPC_SCENARIOS: readonly string[] = [
  'go.send-receive-ack',
  'go.change-invisible-duration-redelivers',
  'go.fifo-message-group-order',
  'go.delay-timestamp',
  'go.transaction-commit',
  'go.tag-filter',
];

export function goGrpcDir(): string {
  return path.join(compatDir(), 'go-grpc');
}

/** Why the Go gRPC module cannot be built here (its modules not downloadable / not cached), or undefined. */
export function goGrpcUnavailable(): string | undefined {
  const r = spawnSync('go', ['mod', 'download'], { cwd: goGrpcDir(), env: { ...process.env, GOFLAGS: '-mod=mod' }, encoding: 'utf8', timeout: 300_000 });
  if (r.error !== undefined) return `go not runnable: ${r.error.message}`;
  if (r.status !== 0) return `github.com/apache/rocketmq-clients/golang/v5 v5.1.2 could not be downloaded (run compat-tests/setup.sh with network): ${r.stderr.trim().split('\n').slice(-2).join(' ')}`;
  return undefined;
}

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
