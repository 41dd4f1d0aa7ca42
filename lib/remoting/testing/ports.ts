/**
 * Free TCP ports on 127.0.0.1 for tests that start servers. One place, so that every test picks a broker's ports
 * by the same rule: a broker listens on p, p-2 (the VIP channel) and, as a master, p+1 (HA). Broker ports are drawn
 * below Linux's ephemeral range (32768+), so that outgoing connections made meanwhile cannot take p+1 or p-2, and
 * all three are checked free. Checked free is not reserved: another process may still take a port before the
 * server binds it, which is why the range is random.
 */
import * as net from 'node:net';

/** Broker ports are drawn from [BROKER_PORT_RANGE_START, BROKER_PORT_RANGE_END). */
const BROKER_PORT_RANGE_START = 20_002;
const BROKER_PORT_RANGE_END = 31_998;
const BROKER_PORT_ATTEMPTS_MAX = 200;

function probe(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** Any free port (the kernel's choice). */
export function freePort(): Promise<number> {
  return probe(0);
}

/** A port p with p-2 (VIP) and p+1 (HA) free too, below the ephemeral range. */
export async function freeBrokerPort(): Promise<number> {
  for (let i = 0; i < BROKER_PORT_ATTEMPTS_MAX; i++) {
    const p = BROKER_PORT_RANGE_START + Math.floor(Math.random() * (BROKER_PORT_RANGE_END - BROKER_PORT_RANGE_START));
    try {
      for (const q of [p - 2, p, p + 1]) await probe(q);
      return p;
    } catch {
      // one of them is taken: draw again
    }
  }
  throw new Error(`no free broker port triple (p-2, p, p+1) in [${BROKER_PORT_RANGE_START}, ${BROKER_PORT_RANGE_END}) on 127.0.0.1`);
}
