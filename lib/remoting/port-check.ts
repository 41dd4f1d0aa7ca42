import * as net from 'node:net';

/**
 * Checks, before anything is opened, that a server could listen on host:port: binds and closes at once. Throws an
 * Error naming the port and the setting when it cannot (EADDRINUSE, EACCES, EADDRNOTAVAIL). Port 0 always passes.
 * A check, not a reservation: another process may still take the port in between; the real listen reports that.
 */
export function checkPortFree(host: string, port: number, setting: string): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', (e: NodeJS.ErrnoException) => {
      const why = e.code === 'EADDRINUSE' ? 'is in use by another process' : `cannot be bound (${e.code ?? e.message})`;
      reject(new Error(`${host}:${port} (${setting}) ${why}; stop that process or choose another port`));
    });
    s.listen({ host, port, exclusive: true }, () => s.close(() => resolve()));
  });
}
