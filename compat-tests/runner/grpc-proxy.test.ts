import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GRPC_PROXY_SUITE, PROXY_MIN_INVISIBLE_MS, proxyConfig, runGrpcProxySuite } from './grpc-proxy';
import { liveProcessCount } from './process';
import { RunContext } from './run';
import { GRPC_PROXY_SCENARIOS } from './scenarios';
import type { Target } from './target';

/**
 * FAST checks of the grpc-proxy suite's harness side (the real run is `compat.js --suites grpc-proxy`): the proxy's
 * rmq-proxy.json points at the target's NameServer and cluster, and a 4.x broker target is answered with expected
 * skips without starting a proxy (the proxy consumes with POP, which 4.x brokers lack).
 */
describe('compat-tests/runner grpc-proxy suite', () => {
  it('rmq-proxy.json: the target cluster and NameServer, the given ports, the lowered receive invisible time', () => {
    const c = proxyConfig({ clusterName: 'DefaultCluster', namesrvAddr: '127.0.0.1:9876', grpcPort: 18081, remotingPort: 18080 });
    assert.deepEqual(c, {
      rocketMQClusterName: 'DefaultCluster',
      namesrvAddr: '127.0.0.1:9876',
      grpcServerPort: 18081,
      remotingListenPort: 18080,
      minInvisibleTimeMillsForRecv: PROXY_MIN_INVISIBLE_MS,
    });
  });

  it('a 4.x broker target: every scenario skipped with the reason, no process started', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'grpc-proxy-test-'));
    try {
      const ctx = RunContext.create({ rootDir: root });
      const target = {
        name: 'apache-4',
        kind: 'apache',
        description: 'Apache RocketMQ NameServer 4.9.7 + broker 4.9.7 (local processes)',
        namesrvAddr: '127.0.0.1:1',
        clusterName: 'DefaultCluster',
        control: {},
        logs: [],
        stop: async () => {},
      } satisfies Target;
      const before = liveProcessCount();
      const run = await runGrpcProxySuite(ctx, { target });
      assert.equal(liveProcessCount(), before, 'no proxy or mvn started');
      assert.equal(run.suite, GRPC_PROXY_SUITE);
      assert.deepEqual(run.results.map((r) => r.id), [...GRPC_PROXY_SCENARIOS]);
      for (const r of run.results) {
        assert.equal(r.status, 'skipped');
        assert.match(r.reason ?? '', /needs a 5\.x broker/);
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
