/**
 * Issue 15: the official Go gRPC client (compat-tests/go-grpc, rocketmq-clients/golang/v5 v5.1.2) through the
 * official proxy (rocketmq-proxy 5.5.0, cluster mode; grpc-proxy.ts starts it) in front of Apache RocketMQ 5.5.0 —
 * the reference — and in front of Apogee. Full run only: the proxy JVM (plus Apache's two) is heavy, and in CI
 * go-grpc-native.compat.ts runs the same 6 scenarios against Apogee's own endpoint.
 */
import * as path from 'node:path';
import { createLogger } from '../../lib/common';
import { fullRunOnly, skipBecause } from '../../lib/common/testing/skip';
import { assertAllPassed, record } from './compat-assert';
import { GO_GRPC_SCENARIOS, goGrpcDir, goGrpcUnavailable } from './go-grpc';
import { runGoSuite } from './go-suite';
import { startOfficialProxy, type OfficialProxy } from './grpc-proxy';
import { RunContext } from './run';
import { startApacheTarget, startApogeeTarget } from './target';
import type { Target } from './target';

function throughProxy(title: string, start: (ctx: RunContext) => Promise<Target>): void {
  describe(`compat: official Go gRPC client through the official proxy, ${title}`, function () {
    this.timeout(15 * 60_000);
    let ctx: RunContext;
    let target: Target | undefined;
    let proxy: OfficialProxy | undefined;

    before(async function () {
      fullRunOnly(this, 'go-grpc-native.compat.ts runs the same Go scenarios against Apogee natively');
      const why = goGrpcUnavailable();
      if (why !== undefined) skipBecause(this, why);
      ctx = RunContext.create({ logger: createLogger({ name: 'compat', fd: 2, level: 'warn' }) });
      target = await start(ctx);
      proxy = await startOfficialProxy(ctx, { target, dir: path.join(ctx.dir, 'go-grpc-proxy') });
    });
    after(async () => {
      await proxy?.stop();
      await target?.stop();
    });

    it('the 6 Go gRPC scenarios pass through the proxy', async () => {
      const run = await runGoSuite(ctx, { target: target!, dir: goGrpcDir(), suite: 'go-grpc-proxy', extraArgs: ['-endpoint', proxy!.grpcEndpoint], timeoutMs: 10 * 60_000 });
      record(ctx, run);
      assertAllPassed(run, GO_GRPC_SCENARIOS);
    });
  });
}

throughProxy('in front of Apache RocketMQ 5.5.0', (ctx) => startApacheTarget(ctx, { namesrvVersion: '5.5.0', brokerVersion: '5.5.0' }));
throughProxy('in front of Apogee', (ctx) => startApogeeTarget(ctx, { name: 'apogee-go-grpc-proxy' }));
