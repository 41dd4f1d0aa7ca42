/**
 * Architecture lint: checks the import rules of ../shared/docs/architecture.md on the TypeScript sources.
 *   - protocol/ imports only itself, node:buffer and node:zlib (tests and protocol/testing may use node:fs/path)
 *   - lib/store never imports remoting, broker, nameserver or node:net
 *   - lib/timer never imports broker, remoting, nameserver or client (the broker imports it)
 *   - lib/filter imports only itself (pure functions, no I/O); lib/metrics imports only lib/common
 *   - lib/nameserver and lib/broker never import each other; lib/admin uses only client, common and protocol
 *   - lib/dashboard uses only client, common and protocol (it sees the cluster as mqadmin does, over remoting)
 *   - no deep imports across modules: another module is imported through its index
 *   - only lib/bin (and entry points in bench/, compat-tests/runner, lib/dev) read process.argv / process.env
 *   - lib/ha, lib/timer and lib/filter never import lib/broker (the broker imports them)
 *   - no import cycles between modules, and none between files (`import type` counts: a type cycle is still a
 *     pair of files that cannot be read one without the other)
 * Run: npm run lint (also part of npm test). Exit code 1 with one line per violation.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';


function findRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) || !fs.existsSync(path.join(dir, 'protocol'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
  return dir;
}

function walk(dir: string, out: string[]): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name === 'target' || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The module a file belongs to: 'protocol/command', 'lib/remoting', 'bench', ... */
function moduleOf(rel: string): string {
  const parts = rel.split('/');
  if (parts[0] === 'protocol' || parts[0] === 'lib') {
    return `${parts[0]}/${parts.length > 2 ? parts[1] : parts[1]!.replace(/\.ts$/, '')}`;
  }
  if (parts[0] === 'compat-tests') return `compat-tests/${parts[1]}`;
  return parts[0]!;
}

const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)/g;

function isTest(rel: string): boolean {
  // compat-tests/runner/*.compat.ts are mocha spec files too (the slow set), not runner code
  return rel.endsWith('.test.ts') || rel.endsWith('.compat.ts') || rel.includes('/testing/');
}

/** Returns one line per violation of the import rules for the tree rooted at `root`. */
export function lintTree(root: string): { files: number; violations: string[] } {
const violations: string[] = [];
const files = [
  ...walk(path.join(root, 'protocol'), []),
  ...walk(path.join(root, 'lib'), []),
  ...walk(path.join(root, 'bench'), []),
  ...walk(path.join(root, 'compat-tests', 'runner'), []),
];

const edges = new Map<string, Set<string>>();
const fileEdges = new Map<string, Set<string>>();

/** The repository-relative .ts file an import specifier resolves to ('x' -> 'x.ts' or 'x/index.ts'), if any. */
function resolveFile(target: string): string | undefined {
  const base = target.replace(/\.js$/, '');
  for (const c of [`${base}.ts`, `${base}/index.ts`]) if (fs.existsSync(path.join(root, c))) return c;
  return undefined;
}

for (const file of files) {
  const rel = path.relative(root, file).split(path.sep).join('/');
  const src = fs.readFileSync(file, 'utf8');
  const mod = moduleOf(rel);
  const test = isTest(rel);
  for (const m of src.matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    const where = `${rel}: import '${spec}'`;
    if (!spec.startsWith('.')) {
      // package or node built-in
      if (rel.startsWith('protocol/') && !test) {
        if (!['node:buffer', 'node:zlib'].includes(spec)) violations.push(`${where} — protocol/ may import only node:buffer and node:zlib`);
      }
      if (rel.startsWith('lib/filter/') && !test) violations.push(`${where} — lib/filter is pure functions: no packages, no I/O`);
      if ((rel.startsWith('lib/store/') || rel.startsWith('lib/timer/')) && !test && (spec === 'node:net' || spec === 'net')) {
        violations.push(`${where} — ${rel.split('/').slice(0, 2).join('/')} knows no network`);
      }
      continue;
    }
    const target = path.relative(root, path.resolve(path.dirname(file), spec)).split(path.sep).join('/');
    const tmod = moduleOf(target);
    if (!test) {
      const tfile = resolveFile(target);
      if (tfile !== undefined && !isTest(tfile)) {
        if (!fileEdges.has(rel)) fileEdges.set(rel, new Set());
        fileEdges.get(rel)!.add(tfile);
      }
    }
    if (rel.startsWith('protocol/') && !target.startsWith('protocol/') && !test) {
      violations.push(`${where} — protocol/ imports nothing outside protocol/`);
    }
    if (tmod !== mod) {
      // Cross-module import: only through the module's index.
      const tparts = target.split('/');
      const depth = tmod.split('/').length;
      const inner = tparts.slice(depth).join('/');
      if (inner !== '' && inner !== 'index' && !test) {
        violations.push(`${where} — deep import into ${tmod}; import its index instead`);
      }
      if (!test) {
        if (!edges.has(mod)) edges.set(mod, new Set());
        edges.get(mod)!.add(tmod);
      }
      const forbid = (a: string, b: string, why: string): void => {
        if (mod === a && tmod === b && !test) violations.push(`${where} — ${why}`);
      };
      for (const b of ['lib/remoting', 'lib/broker', 'lib/nameserver']) forbid('lib/store', b, 'lib/store never imports the network layers');
      for (const b of ['lib/remoting', 'lib/broker', 'lib/nameserver', 'lib/client']) forbid('lib/timer', b, 'lib/timer never imports the broker or the network layers (the broker imports it)');
      forbid('lib/nameserver', 'lib/broker', 'nameserver and broker never import each other');
      if (mod === 'lib/metrics' && !test && tmod !== 'lib/common') violations.push(`${where} — lib/metrics imports only lib/common (everyone may record into it)`);
      if (mod === 'lib/filter' && !test && tmod !== 'lib/filter') violations.push(`${where} — lib/filter is pure: it imports only itself`);
      forbid('lib/broker', 'lib/nameserver', 'nameserver and broker never import each other');
      for (const a of ['lib/ha', 'lib/filter']) forbid(a, 'lib/broker', `${a} never imports lib/broker (the broker imports it)`);
      if (mod === 'lib/admin' && !test && !['lib/client', 'lib/common'].includes(tmod) && !tmod.startsWith('protocol')) {
        violations.push(`${where} — lib/admin uses only lib/client, lib/common and protocol`);
      }
      if (mod === 'lib/dashboard' && !test && !['lib/client', 'lib/common'].includes(tmod) && !tmod.startsWith('protocol')) {
        violations.push(`${where} — lib/dashboard uses only lib/client, lib/common and protocol (data over remoting, as mqadmin)`);
      }
    }
  }
  const entry = rel.startsWith('lib/bin/') || rel.startsWith('lib/dev/') || rel.startsWith('bench/') || rel.startsWith('compat-tests/');
  if (!entry && !test) {
    const code = src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    if (/process\.(argv|env)\b/.test(code)) violations.push(`${rel}: reads process.argv/env — only lib/bin reads them; pass config down as a value`);
  }
}

violations.push(...findCycles(edges, 'import cycle'));
violations.push(...findCycles(fileEdges, 'file import cycle'));

return { files: files.length, violations };
}

/** One line per back edge found by a depth-first walk of `graph` (each cycle is reported at least once). */
function findCycles(graph: Map<string, Set<string>>, label: string): string[] {
  const out: string[] = [];
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): void => {
    state.set(n, 1);
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      if (state.get(m) === 1) out.push(`${label}: ${[...stack.slice(stack.indexOf(m)), m].join(' -> ')}`);
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 2);
  };
  for (const n of [...graph.keys()].sort()) if (!state.has(n)) visit(n);
  return out;
}

if (require.main === module) {
  const { files, violations } = lintTree(findRoot());
  if (violations.length > 0) {
    for (const v of violations) console.error(`lint: ${v}`);
    console.error(`lint: ${violations.length} architecture violation(s)`);
    process.exit(1);
  }
  console.log(`lint: ${files} files, import rules hold`);
}
