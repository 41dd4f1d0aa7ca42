import { ProtocolError } from '../errors';
import { IPV4_SIZE, IPV6_SIZE } from './layout';

/**
 * A born or store host as it sits in a record: the raw address (4 bytes IPv4 or 16 bytes IPv6) and the port.
 * Java keeps an InetSocketAddress; the wire form is the address bytes then the port as int32.
 */
export interface HostAddress {
  readonly ip: Uint8Array;
  readonly port: number;
}

const V4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/** True for ::ffff:a.b.c.d, which Java's InetAddress.getByAddress turns into an Inet4Address. */
export function isIpv4Mapped(ip: Uint8Array): boolean {
  if (ip.length !== IPV6_SIZE) return false;
  for (let i = 0; i < 12; i++) if (ip[i] !== V4_MAPPED_PREFIX[i]) return false;
  return true;
}

/**
 * Text of an address as Java's InetAddress#getHostAddress prints it: dotted IPv4, and IPv6 as eight lower-case
 * hex groups without leading zeros and WITHOUT "::" compression (Inet6Address#numericToTextFormat), e.g.
 * "0:0:0:0:0:0:0:1". An IPv4-mapped IPv6 address prints as IPv4, as Java converts it (Java: InetAddress#getByAddress).
 */
export function formatIp(ip: Uint8Array): string {
  if (ip.length === IPV4_SIZE) return `${ip[0]}.${ip[1]}.${ip[2]}.${ip[3]}`;
  if (ip.length === IPV6_SIZE) {
    if (isIpv4Mapped(ip)) return `${ip[12]}.${ip[13]}.${ip[14]}.${ip[15]}`;
    let s = '';
    for (let i = 0; i < 16; i += 2) {
      if (i > 0) s += ':';
      s += (((ip[i]! << 8) | ip[i + 1]!) >>> 0).toString(16);
    }
    return s;
  }
  throw new ProtocolError('BAD_VALUE', `an IP address has 4 or 16 bytes, not ${ip.length}`);
}

/**
 * "ip:port", with an IPv6 address in brackets: "[2001:db8:0:0:0:0:0:10]:10911" (the address text is Java's
 * getHostAddress, see formatIp). parseHost reads it back.
 */
export function formatHost(host: HostAddress): string {
  const ip = formatIp(host.ip);
  return ip.includes(':') ? `[${ip}]:${host.port}` : `${ip}:${host.port}`;
}

function parseIpv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    out.push(v);
  }
  return out;
}

function parseIpv6(text: string): number[] | undefined {
  let s = text;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  let tail: number[] = [];
  // Embedded IPv4 in the last 32 bits (::ffff:1.2.3.4).
  const lastColon = s.lastIndexOf(':');
  if (lastColon >= 0 && s.indexOf('.', lastColon) >= 0) {
    const v4 = parseIpv4(s.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = v4;
    s = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return undefined;
  const groupsOf = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let groups: number[];
  if (dbl >= 0) {
    const head = groupsOf(s.slice(0, dbl));
    const rest = groupsOf(s.slice(dbl + 2));
    if (head === undefined || rest === undefined || head.length + rest.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
  } else {
    const all = groupsOf(s);
    if (all === undefined || all.length !== 8) return undefined;
    groups = all;
  }
  const bytes: number[] = [];
  for (const g of groups) bytes.push(g >> 8, g & 0xff);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

/**
 * Parses an IPv4 or IPv6 literal (brackets, a zone id and an embedded IPv4 are accepted) into address bytes.
 * An IPv4-mapped IPv6 address (what a dual-stack Node socket reports for an IPv4 peer, "::ffff:1.2.3.4")
 * becomes 4 bytes, as Java stores such a peer (Java: InetAddress#getByAddress converts it to Inet4Address), so
 * the record gets an IPv4 host and no V6 sysFlag bit. Returns undefined for anything else (host names included:
 * protocol/ does no DNS).
 */
export function parseIp(text: string): Buffer | undefined {
  let s = text.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (s.includes(':')) {
    const b = parseIpv6(s);
    if (b === undefined) return undefined;
    const ip = Buffer.from(b);
    return isIpv4Mapped(ip) ? ip.subarray(12) : ip;
  }
  const v4 = parseIpv4(s);
  return v4 === undefined ? undefined : Buffer.from(v4);
}

/** Parses "ip:port" or "[ipv6]:port" (also a bare IPv6 whose last group is the port, as Java prints it). */
export function parseHost(text: string): HostAddress | undefined {
  const i = text.lastIndexOf(':');
  if (i <= 0) return undefined;
  const portText = text.slice(i + 1);
  if (!/^\d{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port > 0xffff) return undefined;
  const ip = parseIp(text.slice(0, i));
  return ip === undefined ? undefined : { ip, port };
}
