import * as net from 'node:net';

/**
 * Free TCP ports on 127.0.0.1. A port is "free" when we can bind it right now; the harness then hands it to a
 * child process, so a tiny race remains (another process could take it first) — the readiness wait catches that
 * as a start failure with the child's own error in its log.
 *
 * Ports handed out by this process are remembered and never handed out twice.
 */
const handedOut = new Set<number>();

export const LOOPBACK = '127.0.0.1';

/** Resolves true when `port` can be bound on 127.0.0.1 now. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen({ host: LOOPBACK, port, exclusive: true }, () => {
      srv.close(() => resolve(true));
    });
  });
}

/** One ephemeral port chosen by the kernel (port 0), e.g. for a NameServer. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.unref();
      srv.once('error', reject);
      srv.listen({ host: LOOPBACK, port: 0, exclusive: true }, () => {
        const addr = srv.address();
        const p = typeof addr === 'object' && addr !== null ? addr.port : 0;
        srv.close(() => resolve(p));
      });
    });
    if (port > 0 && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free ephemeral port on 127.0.0.1 after 50 attempts');
}

export interface BrokerPorts {
  /** listenPort: the remoting port clients use. */
  listenPort: number;
  /** listenPort - 2: the "VIP" / fast remoting port (sendMessageWithVIPChannel). */
  fastListenPort: number;
  /** listenPort + 1: the HA port (haListenPort default). */
  haListenPort: number;
}

/**
 * A broker needs three ports: listenPort, listenPort-2 (VIP channel) and listenPort+1 (HA). Chosen at random in
 * [rangeStart, rangeEnd) — below Linux's default ephemeral range (32768+) so that outgoing connections do not
 * collide with them — and all three verified free.
 */
export async function freeBrokerPorts(rangeStart = 20000, rangeEnd = 32000): Promise<BrokerPorts> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const listenPort = rangeStart + 2 + Math.floor(Math.random() * (rangeEnd - rangeStart - 4));
    const all = [listenPort - 2, listenPort, listenPort + 1];
    if (all.some((p) => handedOut.has(p))) continue;
    const free = await Promise.all(all.map(isPortFree));
    if (free.every(Boolean)) {
      for (const p of all) handedOut.add(p);
      return { listenPort, fastListenPort: listenPort - 2, haListenPort: listenPort + 1 };
    }
  }
  throw new Error(`no free broker port triple (port-2, port, port+1) in [${rangeStart}, ${rangeEnd}) on 127.0.0.1`);
}
