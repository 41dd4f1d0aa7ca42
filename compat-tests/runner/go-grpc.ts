import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { compatDir } from './paths';

/**
 * The official Go gRPC client's scenarios (compat-tests/go-grpc, its own Go module with
 * github.com/apache/rocketmq-clients/golang/v5 v5.1.2): their ids as runGoSuite reports them, where the module is,
 * and whether it can be built here. Used by go-grpc-native.compat.ts and go-grpc-proxy.compat.ts.
 */
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
