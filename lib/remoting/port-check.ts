import * as fs from 'node:fs';
import * as net from 'node:net';

/**
 * Checks, before anything is opened, that a server could listen on host:port: binds and closes at once. Throws an
 * Error naming the port and the setting when it cannot (EADDRINUSE, EACCES, EADDRNOTAVAIL). Port 0 always passes.
 * A check, not a reservation: another process may still take the port in between; the real listen reports that.
 *
 * TIME-WAIT and SO_REUSEADDR (issue 14), verified on Linux (port-check.test.ts): Node's listen sets SO_REUSEADDR on
 * the listening socket (libuv uv__tcp_bind), as Java's NettyRemotingServer does (ChannelOption.SO_REUSEADDR), so
 * the server's own accepted connections left in TIME-WAIT by a restart never block the new listen. What can still
 * give EADDRINUSE is a TIME-WAIT connection whose *local* port is the port asked for: an outgoing connection (to a
 * NameServer, a broker...) to which the kernel gave that port from its ephemeral range; the kernel chose it without
 * SO_REUSEADDR, so no listener may reuse it until the TIME-WAIT ends (60 s on Linux) — Java's broker meets the same.
 * Nothing on the listening side changes that in Node 20 (SO_REUSEPORT is Node >= 22.12), so the error says so: when
 * nothing accepts on the port, it names TIME-WAIT and the ephemeral range to stay out of.
 */
export function checkPortFree(host: string, port: number, setting: string): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EADDRINUSE') {
        reject(new Error(`${host}:${port} (${setting}) cannot be bound (${e.code ?? e.message}); choose another port`));
        return;
      }
      void listening(host, port).then((yes) =>
        reject(new Error(yes ? `${host}:${port} (${setting}) is in use by another process; stop that process or choose another port` : timeWaitRemark(host, port, setting))),
      );
    });
    s.listen({ host, port, exclusive: true }, () => s.close(() => resolve()));
  });
}

/** The remark for an EADDRINUSE port that nothing listens on: a TIME-WAIT connection holds it as its local port. */
export function timeWaitRemark(host: string, port: number, setting: string): string {
  const range = ephemeralRange();
  const inRange = range !== null && port >= range[0] && port <= range[1];
  return (
    `${host}:${port} (${setting}) is held by a connection in TIME-WAIT (nothing listens on it: an earlier outgoing ` +
    `connection had it as its local port${inRange ? `, from the kernel's ephemeral range ${range[0]}-${range[1]}` : ''}); ` +
    `it frees within 60 s — or choose a port outside ${range === null ? 'the ephemeral range' : `${range[0]}-${range[1]}`} (net.ipv4.ip_local_port_range)`
  );
}

/** Does something accept connections on host:port? (A wildcard host is probed on loopback.) */
function listening(host: string, port: number): Promise<boolean> {
  const probe = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
  return new Promise((resolve) => {
    const c = net.connect({ host: probe, port });
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

/** Linux's ephemeral port range, or null where /proc does not have it. */
function ephemeralRange(): [number, number] | null {
  try {
    const [lo, hi] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return lo !== undefined && hi !== undefined && Number.isInteger(lo) && Number.isInteger(hi) ? [lo, hi] : null;
  } catch {
    return null;
  }
}
