import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Builds Apogee's one native piece, dist/native/malloc-trim.node (lib/common/native/malloc-trim.c: glibc's
 * malloc_trim for lib/common/release-memory.ts), with the C compiler directly: one N-API file needs no node-gyp.
 * Headers: Node's own, <prefix>/include/node next to the running node binary (official tarballs and Debian's
 * nodejs ship them).
 *
 * Optional by design: without a compiler, Node's headers or glibc (musl has no malloc_trim) it prints why and
 * exits 0; Apogee then works the same, except that at rest glibc keeps the heap memory it freed. `npm run build`
 * runs it after tsc; it compiles only when the source is newer than the module.
 * Usage: node dist/lib/dev/build-native.js [--cc <compiler>]
 */

/** <checkout>/ (this file runs from dist/lib/dev/). */
const ROOT = path.resolve(__dirname, '..', '..', '..');
export const NATIVE_SOURCE = path.join(ROOT, 'lib', 'common', 'native', 'malloc-trim.c');
export const NATIVE_MODULE = path.join(ROOT, 'dist', 'native', 'malloc-trim.node');

export type NativeBuild = { built: boolean; reason: string };

/** Node's C headers for the running node, or undefined. */
export function nodeIncludeDir(): string | undefined {
  const dir = path.resolve(path.dirname(process.execPath), '..', 'include', 'node');
  return fs.existsSync(path.join(dir, 'node_api.h')) ? dir : undefined;
}

export function buildNative(cc = 'cc', source = NATIVE_SOURCE, out = NATIVE_MODULE): NativeBuild {
  if (process.platform !== 'linux') return { built: false, reason: `malloc_trim is glibc's; this is ${process.platform}` };
  if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= fs.statSync(source).mtimeMs) return { built: true, reason: 'up to date' };
  const include = nodeIncludeDir();
  if (include === undefined) return { built: false, reason: `Node's headers (node_api.h) are not in ${path.resolve(path.dirname(process.execPath), '..', 'include', 'node')}` };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    execFileSync(cc, ['-O2', '-fPIC', '-shared', '-Wall', '-Werror', '-I', include, '-o', tmp, source], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    const e = err as { code?: string; stderr?: Buffer };
    const why = e.code === 'ENOENT' ? `no C compiler (${cc})` : (e.stderr?.toString('utf8').trim().split('\n').slice(0, 3).join(' / ') ?? String(err));
    return { built: false, reason: why };
  }
  fs.renameSync(tmp, out);
  return { built: true, reason: `compiled with ${cc} against ${include}` };
}

if (require.main === module) {
  const i = process.argv.indexOf('--cc');
  const r = buildNative(i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : 'cc');
  if (r.built) {
    if (r.reason !== 'up to date') console.log(`apogee: built ${path.relative(ROOT, NATIVE_MODULE)} (${r.reason})`);
  } else {
    console.log(`apogee: ${path.relative(ROOT, NATIVE_MODULE)} not built: ${r.reason}. Apogee works without it; at rest glibc keeps the heap memory it freed.`);
  }
}
