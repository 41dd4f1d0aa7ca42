import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { silentLogger } from '../common';
import { skipBecause } from '../common/testing/skip';
import { checkPortFree } from './port-check';
import { ProcessorRegistry } from './processor';
import { RemotingServer } from './server';

/** Resolves once `sock` is closed (the side that closed first holds the TIME-WAIT). */
function closed(sock: net.Socket): Promise<void> {
  return new Promise((resolve) => sock.once('close', () => resolve()));
}

/**
 * SO_REUSEADDR semantics as Java's server (issue 14): a restart on the same port is not blocked by the previous
 * server's connections in TIME-WAIT; the one EADDRINUSE left — a TIME-WAIT of an outgoing connection whose
 * kernel-chosen local port is the port asked for — is named as such by checkPortFree, and a port really listened on
 * is named as in use.
 */
describe('lib/remoting/port-check TIME-WAIT and SO_REUSEADDR', () => {
  before(function () {
    if (process.platform !== 'linux') skipBecause(this, 'TIME-WAIT behaviour checked on Linux only (the kernel rules differ elsewhere)');
  });

  it("a RemotingServer restarts at once on its port although the old server's connection is in TIME-WAIT", async () => {
    const mk = (port: number): RemotingServer => new RemotingServer({ host: '127.0.0.1', port, registry: new ProcessorRegistry(), logger: silentLogger(), version: 0 });
    const first = mk(0);
    await first.start();
    const port = first.port;
    const client = net.connect({ host: '127.0.0.1', port });
    await new Promise((r) => client.once('connect', r));
    client.on('error', () => undefined);
    const gone = closed(client);
    // The server closes first: its side of the connection goes to TIME-WAIT.
    await first.close();
    await gone;
    await checkPortFree('127.0.0.1', port, 'test port');
    const second = mk(port);
    await second.start();
    assert.equal(second.port, port);
    await second.close();
  });

  it('an outgoing connection in TIME-WAIT on the port: EADDRINUSE named as TIME-WAIT with the ephemeral range', async () => {
    const peer = net.createServer((s) => s.on('data', () => undefined).on('error', () => undefined));
    await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
    const out = net.connect({ host: '127.0.0.1', port: (peer.address() as net.AddressInfo).port });
    await new Promise((r) => out.once('connect', r));
    const local = out.localPort!;
    const gone = closed(out);
    out.end(); // we close first: our side (local port `local`, chosen by the kernel) goes to TIME-WAIT
    await gone;
    try {
      await assert.rejects(checkPortFree('127.0.0.1', local, 'test port'), /is held by a connection in TIME-WAIT .*nothing listens on it.*choose a port outside/);
    } finally {
      peer.close();
    }
  });

  it('a port a server listens on is named as in use by another process', async () => {
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    try {
      await assert.rejects(checkPortFree('127.0.0.1', (s.address() as net.AddressInfo).port, 'test port'), /\(test port\) is in use by another process/);
    } finally {
      s.close();
    }
  });
});
