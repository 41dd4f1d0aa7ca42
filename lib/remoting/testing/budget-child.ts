/**
 * Test helper run as a child process: a RemotingServer whose request code 1 answers with a body of the size
 * asked in extFields "size" (code 2 answers empty), limits and budget from argv[2] (JSON). Prints "port N" on
 * stdout once listening; exits when its stdin closes.
 */
import { createResponse } from '../../../protocol/command';
import { silentLogger } from '../../common';
import { MemoryBudget } from '../budget';
import { ProcessorRegistry } from '../processor';
import { RemotingServer } from '../server';

interface ChildOptions {
  bufferedBytesMax: number;
  limits: Record<string, number>;
}

async function main(): Promise<void> {
  const o = JSON.parse(process.argv[2] ?? '{}') as ChildOptions;
  const registry = new ProcessorRegistry()
    .register(1, (ctx) => createResponse(ctx.request, 0, null, 1, null, Buffer.alloc(Number(ctx.request.extFields?.get('size') ?? '0'), 120)))
    .register(2, (ctx) => createResponse(ctx.request, 0, null, 1));
  const server = new RemotingServer({ host: '127.0.0.1', port: 0, registry, logger: silentLogger(), version: 1, limits: o.limits, budget: new MemoryBudget(o.bufferedBytesMax) });
  await server.start();
  process.stdout.write(`port ${server.port}\n`);
  process.stdin.on('data', () => {
    if (typeof global.gc === 'function') global.gc();
    const m = process.memoryUsage();
    process.stdout.write(`connections ${server.connections.size} held ${server.budget.total} paused ${server.budget.pausedCount} arrayBuffers ${m.arrayBuffers} heapUsed ${m.heapUsed}\n`);
  });
  process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
}

void main();
