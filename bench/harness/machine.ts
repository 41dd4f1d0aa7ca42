import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadAverage } from './proc';

/**
 * The machine a result was taken on, and its limits measured in the same run: loopback TCP throughput, disk
 * sequential write (dd with fdatasync, as bench/store does) and the fsync rate of small appends, in the directory
 * the servers store their data in.
 */
export interface MachineFacts {
  hostname: string;
  cpus: number;
  cpuModel: string;
  /** cgroup v2 cpu.max as "quota period", or "max" (no limit), when readable. */
  cgroupCpuMax: string;
  memoryGiB: number;
  memoryFreeGiB: number;
  kernel: string;
  node: string;
  java: string;
  /** Filesystem of the data directory: type, device, size, free. */
  disk: { dir: string; fs: string; device: string; sizeGiB: number; freeGiB: number; rotational: string };
  loadAvg: [number, number, number];
}

export interface MachineLimits {
  /** One TCP connection over 127.0.0.1, 64 KiB writes, sender and receiver on two threads, MB/s. */
  loopbackMBps: number;
  /** dd if=/dev/zero bs=1M conv=fdatasync in the data directory, MB/s. */
  ddWriteMBps: number;
  ddMiB: number;
  /** 4 KiB append + fdatasync, one after the other, per second. */
  fsyncPerSec: number;
  loadAvg: [number, number, number];
}

export function machineFacts(dataDir: string): MachineFacts {
  const cpus = os.cpus();
  let cg = 'unknown';
  try {
    cg = fs.readFileSync('/sys/fs/cgroup/cpu.max', 'utf8').trim();
  } catch {
    /* cgroup v1 or not Linux */
  }
  let java = 'not found';
  const jv = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (jv.status === 0) java = (jv.stderr || jv.stdout).split('\n')[0]!.trim();
  return {
    hostname: os.hostname(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    cgroupCpuMax: cg,
    memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    memoryFreeGiB: Number((os.freemem() / 2 ** 30).toFixed(1)),
    kernel: `${os.platform()} ${os.release()}`,
    node: process.version,
    java,
    disk: diskOf(dataDir),
    loadAvg: loadAverage(),
  };
}

function diskOf(dir: string): MachineFacts['disk'] {
  const out = { dir, fs: 'unknown', device: 'unknown', sizeGiB: NaN, freeGiB: NaN, rotational: 'unknown' };
  try {
    const df = execFileSync('df', ['-PT', '-k', dir], { encoding: 'utf8' }).trim().split('\n')[1]!.split(/\s+/);
    out.device = df[0]!;
    out.fs = df[1]!;
    out.sizeGiB = Number((Number(df[2]) / 2 ** 20).toFixed(1));
    out.freeGiB = Number((Number(df[4]) / 2 ** 20).toFixed(1));
    const dev = path.basename(out.device).replace(/\d+$/, '');
    const rot = `/sys/block/${dev}/queue/rotational`;
    if (fs.existsSync(rot)) out.rotational = fs.readFileSync(rot, 'utf8').trim() === '1' ? 'rotational' : 'non-rotational';
  } catch {
    /* not fatal */
  }
  return out;
}

/** dd bs=1M count=mib conv=fdatasync into dir; MB/s (MiB/s). */
export function ddWrite(dir: string, mib: number): number {
  const file = path.join(dir, `dd-${process.pid}.bin`);
  const t = process.hrtime.bigint();
  execFileSync('dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', `count=${mib}`, 'conv=fdatasync'], { stdio: 'ignore' });
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  fs.rmSync(file, { force: true });
  return mib / s;
}

/** Appends 4 KiB and fdatasyncs, in a loop, for `ms`; returns fsyncs per second. */
export function fsyncRate(dir: string, ms: number): number {
  const file = path.join(dir, `fsync-${process.pid}.bin`);
  const fd = fs.openSync(file, 'w');
  const buf = Buffer.alloc(4096, 0x61);
  let n = 0;
  const t0 = Date.now();
  try {
    while (Date.now() - t0 < ms) {
      fs.writeSync(fd, buf);
      fs.fdatasyncSync(fd);
      n++;
    }
  } finally {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
  }
  return n / ((Date.now() - t0) / 1000);
}

/** One TCP connection over 127.0.0.1: a worker thread writes 64 KiB chunks for `ms`, this thread counts bytes. */
export async function loopbackThroughput(ms: number): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen({ host: '127.0.0.1', port: 0 }, () => r()));
  const port = (server.address() as net.AddressInfo).port;
  let bytes = 0;
  let t0 = 0;
  let t1 = 0;
  const done = new Promise<void>((resolve) => {
    server.once('connection', (s) => {
      t0 = Date.now();
      s.on('data', (c: Buffer) => {
        bytes += c.length;
        t1 = Date.now();
      });
      s.on('close', () => resolve());
      s.on('error', () => resolve());
    });
  });
  const src = `
    const net = require('node:net');
    const { workerData } = require('node:worker_threads');
    const chunk = Buffer.alloc(65536, 120);
    const s = net.connect({ host: '127.0.0.1', port: workerData.port }, () => {
      const end = Date.now() + workerData.ms;
      const pump = () => {
        while (Date.now() < end) { if (!s.write(chunk)) { s.once('drain', pump); return; } }
        s.end();
      };
      pump();
    });`;
  const w = new Worker(src, { eval: true, workerData: { port, ms } });
  await done;
  await w.terminate();
  server.close();
  return bytes / 2 ** 20 / Math.max(0.001, (t1 - t0) / 1000);
}

export async function machineLimits(dir: string, quick: boolean): Promise<MachineLimits> {
  const loadAvg = loadAverage();
  const loopbackMBps = await loopbackThroughput(quick ? 1000 : 3000);
  const ddMiB = quick ? 256 : 1024;
  const ddWriteMBps = ddWrite(dir, ddMiB);
  const fsyncPerSec = fsyncRate(dir, quick ? 1000 : 3000);
  return { loopbackMBps, ddWriteMBps, ddMiB, fsyncPerSec, loadAvg };
}
