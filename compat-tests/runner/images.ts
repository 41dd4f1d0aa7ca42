import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GenericContainer, ImageName, type ContainerRuntimeClient } from 'testcontainers';
import { ensureClasspath, repoRoot, type ApacheServerVersion } from './paths';
import { runToCompletion, tailFile } from './process';
import type { RunContext } from './run';
import type { ImageKind } from './runtime';

/**
 * The images of the containers runtime, built on this machine (no registry is needed) and cached in the Docker
 * engine under a tag that is a content hash of what went in:
 *
 *   apogee-compat/base:<codename>-<h>   Debian minbase rootfs made with debootstrap (the host's Debian release,
 *                                       so host-built binaries find the same glibc), imported FROM scratch
 *   apogee-compat/jdk:<h>               base + the host's JDK (the directory `java` on PATH resolves to)
 *   apogee-compat/apache:<v>-<h>        jdk + the Apache RocketMQ <v> server jars Maven resolved (the classpath of
 *                                       compat-tests/java/apache-dist, at the same absolute paths as on the host)
 *   apogee-compat/apogee:<h>            base + the node binary running the harness, package.json, dist/lib,
 *                                       dist/protocol and the production node_modules of the working tree
 *
 * Every file is added at its host path, so a command line built for the host (java -cp <host jar paths>,
 * node <repo>/dist/lib/bin/apogee.js) runs unchanged in the container. A tag that exists is used as it is; a
 * changed input (a rebuilt dist/, another JDK, other jars) gives a new tag, and older tags of the same image beyond
 * the newest few are removed. A fresh machine builds all of them (debootstrap needs root and network access to the
 * Debian mirror: about 1-2 minutes); later runs find them.
 */
export interface ImageInfo {
  kind: string;
  tag: string;
  /** True when the tag already existed. */
  cached: boolean;
  /** Time spent (hashing, and building when not cached). */
  ms: number;
}

export const IMAGE_REPO = 'apogee-compat';
/** Bump to rebuild every image (a change in how they are made). */
const RECIPE_VERSION = '1';
const KEEP_TAGS = 3;

interface FileEntry {
  /** Absolute path on the host (symlinks followed). */
  abs: string;
  /** Path inside the image: the host path without its leading '/'. */
  rel: string;
}

export type ImageProgress = (line: string) => void;

export class ImageBuilder {
  private readonly memo = new Map<string, Promise<ImageInfo>>();
  readonly built: ImageInfo[] = [];

  constructor(
    private readonly ctx: RunContext,
    private readonly client: ContainerRuntimeClient,
    private readonly progress: ImageProgress = () => undefined,
  ) {}

  /** The tag of an image of the containers runtime, built if needed (memoized per run). */
  async ensure(kind: ImageKind): Promise<string> {
    if (kind === 'apogee') return (await this.once('apogee', () => this.apogee())).tag;
    const version = kind.replace(/^apache-/, '') as ApacheServerVersion;
    return (await this.once(kind, () => this.apache(version))).tag;
  }

  /** The Debian minbase image every other image starts from (no Node in it: see lib/dev/image.ts --node-from-host). */
  async ensureBase(): Promise<string> {
    return (await this.base()).tag;
  }

  private once(key: string, make: () => Promise<ImageInfo>): Promise<ImageInfo> {
    let p = this.memo.get(key);
    if (p === undefined) {
      p = make().then((info) => {
        this.built.push(info);
        return info;
      });
      this.memo.set(key, p);
      p.catch(() => this.memo.delete(key));
    }
    return p;
  }

  private base(): Promise<ImageInfo> {
    return this.once('base', async () => {
      const t0 = Date.now();
      const codename = hostCodename();
      const recipe = JSON.stringify({ RECIPE_VERSION, codename, variant: 'minbase', prune: PRUNE_PATHS });
      const tag = `${IMAGE_REPO}/base:${codename}-${sha(recipe).slice(0, 12)}`;
      if (await this.exists(tag)) return { kind: 'base', tag, cached: true, ms: Date.now() - t0 };
      this.progress(`building ${tag}: debootstrap --variant=minbase ${codename} (about a minute on a fresh machine)`);
      const work = this.workDir('base');
      try {
        const rootfs = path.join(work, 'rootfs');
        await debootstrap(this.ctx, codename, rootfs, hostMirror());
        for (const p of PRUNE_PATHS) fs.rmSync(path.join(rootfs, p), { recursive: true, force: true });
        const context = path.join(work, 'context');
        fs.mkdirSync(context, { recursive: true });
        await tar(this.ctx, ['-C', rootfs, '-cf', path.join(context, 'rootfs.tar'), '.'], 'rootfs');
        fs.rmSync(rootfs, { recursive: true, force: true });
        fs.writeFileSync(
          path.join(context, 'Dockerfile'),
          `FROM scratch\nADD rootfs.tar /\nLABEL org.apogee.compat.image="base" org.apogee.compat.recipe=${JSON.stringify(recipe)}\nCMD ["/bin/sh"]\n`,
        );
        await this.build(context, tag);
      } finally {
        fs.rmSync(work, { recursive: true, force: true });
      }
      return { kind: 'base', tag, cached: false, ms: Date.now() - t0 };
    });
  }

  private jdk(): Promise<ImageInfo> {
    return this.once('jdk', async () => {
      const t0 = Date.now();
      const base = (await this.base()).tag;
      const home = javaHome();
      const files = walkFiles(home);
      const tag = `${IMAGE_REPO}/jdk:${path.basename(home).replace(/[^\w.-]/g, '_')}-${hashFiles(files, base).slice(0, 12)}`;
      if (await this.exists(tag)) return { kind: 'jdk', tag, cached: true, ms: Date.now() - t0 };
      this.progress(`building ${tag} from ${home} (${files.length} files)`);
      const env = `ENV JAVA_HOME=${home} PATH=${home}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`;
      await this.buildLayer('jdk', tag, base, files, [env, `LABEL org.apogee.compat.image="jdk"`]);
      return { kind: 'jdk', tag, cached: false, ms: Date.now() - t0 };
    });
  }

  private async apache(version: ApacheServerVersion): Promise<ImageInfo> {
    const t0 = Date.now();
    const jdk = (await this.jdk()).tag;
    const cp = await ensureClasspath(this.ctx, 'server', version);
    const files: FileEntry[] = cp
      .split(path.delimiter)
      .filter((j) => j !== '')
      .map((j) => {
        const abs = fs.realpathSync(j);
        return { abs, rel: j.replace(/^\/+/, '') };
      });
    const tag = `${IMAGE_REPO}/apache:${version}-${hashFiles(files, jdk).slice(0, 12)}`;
    if (await this.exists(tag)) return { kind: `apache-${version}`, tag, cached: true, ms: Date.now() - t0 };
    this.progress(`building ${tag} (${files.length} jars)`);
    await this.buildLayer(`apache-${version}`, tag, jdk, files, [`LABEL org.apogee.compat.image="apache-${version}"`]);
    await this.prune(`${IMAGE_REPO}/apache`, tag, (t) => t.startsWith(`${IMAGE_REPO}/apache:${version}-`));
    return { kind: `apache-${version}`, tag, cached: false, ms: Date.now() - t0 };
  }

  private async apogee(): Promise<ImageInfo> {
    const t0 = Date.now();
    const base = (await this.base()).tag;
    const files = apogeeFiles();
    const tag = `${IMAGE_REPO}/apogee:${hashFiles(files, base).slice(0, 12)}`;
    if (await this.exists(tag)) return { kind: 'apogee', tag, cached: true, ms: Date.now() - t0 };
    this.progress(`building ${tag} (node ${process.version}, dist/ and production node_modules: ${files.length} files)`);
    await this.buildLayer('apogee', tag, base, files, [`LABEL org.apogee.compat.image="apogee"`]);
    await this.prune(`${IMAGE_REPO}/apogee`, tag, () => true);
    return { kind: 'apogee', tag, cached: false, ms: Date.now() - t0 };
  }

  /** FROM <from>, ADD the files at their host paths (one tar, symlinks followed), plus extra instructions. */
  private async buildLayer(name: string, tag: string, from: string, files: FileEntry[], extra: string[]): Promise<void> {
    const work = this.workDir(name);
    try {
      const list = path.join(work, 'files.list');
      fs.writeFileSync(list, files.map((f) => `${f.rel}\0`).join(''));
      const context = path.join(work, 'context');
      fs.mkdirSync(context);
      // GNU tar: names relative to /, -h stores what symlinks point to (the JDK links its conf into /etc)
      await tar(this.ctx, ['-C', '/', '--null', '-T', list, '-h', '--hard-dereference', '-cf', path.join(context, 'files.tar')], name);
      fs.writeFileSync(path.join(context, 'Dockerfile'), [`FROM ${from}`, 'ADD files.tar /', ...extra, ''].join('\n'));
      await this.build(context, tag);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }

  private async build(context: string, tag: string): Promise<void> {
    const t0 = Date.now();
    await GenericContainer.fromDockerfile(context).build(tag, { deleteOnExit: false });
    this.progress(`built ${tag} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }

  private async exists(tag: string): Promise<boolean> {
    return this.client.image.exists(ImageName.fromString(tag));
  }

  private workDir(name: string): string {
    const dir = path.join(os.tmpdir(), 'apogee-compat-images', `${name}-${process.pid}-${Date.now().toString(36)}`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** Removes older tags of `repo` (beyond the newest KEEP_TAGS); an image a container still uses stays. */
  private async prune(repo: string, keep: string, match: (tag: string) => boolean): Promise<void> {
    try {
      const docker = this.client.container.dockerode;
      const images = await docker.listImages({ filters: { reference: [repo] } });
      const tagged = images
        .flatMap((i) => (i.RepoTags ?? []).map((t) => ({ tag: t, created: i.Created })))
        .filter((x) => x.tag !== keep && match(x.tag))
        .sort((a, b) => b.created - a.created);
      for (const old of tagged.slice(Math.max(0, KEEP_TAGS - 1))) {
        try {
          await docker.getImage(old.tag).remove();
          this.progress(`removed old image ${old.tag}`);
        } catch {
          /* in use, or already gone */
        }
      }
    } catch {
      /* pruning is housekeeping */
    }
  }
}

/** Paths removed from the debootstrap tree before it becomes the base image (docs, manuals, apt caches). */
const PRUNE_PATHS = ['usr/share/doc', 'usr/share/man', 'usr/share/info', 'var/cache/apt/archives', 'var/lib/apt/lists'];

function sha(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** sha256 over (path in the image, executable bit, content) of every file, sorted, plus `seed` (the parent tag). */
export function hashFiles(files: readonly FileEntry[], seed: string): string {
  const h = createHash('sha256').update(`${RECIPE_VERSION}\0${seed}\0`);
  const buf = Buffer.allocUnsafe(1 << 20);
  for (const f of [...files].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0))) {
    const st = fs.statSync(f.abs);
    h.update(`${f.rel}\0${(st.mode & 0o111) !== 0 ? 'x' : '-'}\0${st.size}\0`);
    const fd = fs.openSync(f.abs, 'r');
    try {
      for (;;) {
        const n = fs.readSync(fd, buf, 0, buf.length, null);
        if (n <= 0) break;
        h.update(buf.subarray(0, n));
      }
    } finally {
      fs.closeSync(fd);
    }
  }
  return h.digest('hex');
}

/** Every regular file under `root` (symlinks followed, dangling ones skipped), at its host path. */
export function walkFiles(root: string, filter: (rel: string) => boolean = () => true): FileEntry[] {
  const out: FileEntry[] = [];
  const visit = (dir: string, depth: number): void => {
    if (depth > 40) throw new Error(`directory tree too deep at ${dir} (a symlink loop?)`);
    for (const name of fs.readdirSync(dir)) {
      const p = path.join(dir, name);
      let st: fs.Stats;
      try {
        st = fs.statSync(p);
      } catch {
        continue; // dangling symlink (e.g. the JDK's lib/src.zip)
      }
      if (st.isDirectory()) visit(p, depth + 1);
      else if (st.isFile() && filter(p)) out.push({ abs: fs.realpathSync(p), rel: p.replace(/^\/+/, '') });
    }
  };
  visit(root, 0);
  return out;
}

/** The JDK `java` on PATH belongs to (…/bin/java -> …). */
export function javaHome(): string {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'java');
    if (fs.existsSync(candidate)) return path.dirname(path.dirname(fs.realpathSync(candidate)));
  }
  throw new Error('no java on PATH: the Apache images copy the host JDK (install openjdk-17-jdk-headless)');
}

/** What `node dist/lib/bin/apogee.js start` needs: node, package.json, dist/lib, dist/protocol, production deps. */
export function apogeeFiles(): FileEntry[] {
  const root = repoRoot();
  const node = fs.realpathSync(process.execPath);
  const files: FileEntry[] = [{ abs: node, rel: process.execPath.replace(/^\/+/, '') }];
  files.push({ abs: path.join(root, 'package.json'), rel: path.join(root, 'package.json').replace(/^\/+/, '') });
  for (const d of ['lib', 'protocol']) {
    const dir = path.join(root, 'dist', d);
    if (!fs.existsSync(path.join(root, 'dist', 'lib', 'bin', 'apogee.js'))) throw new Error(`${dir}: not built (run npx tsc -p . first)`);
    files.push(...walkFiles(dir, (p) => !/\.test\.js(\.map)?$/.test(p)));
  }
  for (const pkg of productionPackages(root)) files.push(...walkFiles(pkg));
  // a package's walk includes its nested node_modules, which are also packages of their own: listed twice, tar
  // would store the second as a hard link to itself and the image build fails ("link X X: no such file")
  const seen = new Set<string>();
  return files.filter((f) => !seen.has(f.rel) && seen.add(f.rel) !== undefined);
}

/** Directories of the packages `dependencies` pull in (recursively), resolved as Node resolves them. */
export function productionPackages(root: string): string[] {
  const found = new Set<string>();
  const queue: string[] = [root];
  while (queue.length > 0) {
    const dir = queue.shift()!;
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    const deps = Object.keys({ ...(pkg.dependencies ?? {}), ...(pkg.optionalDependencies ?? {}) });
    for (const dep of deps) {
      const at = resolvePackage(dir, dep, root);
      if (at === undefined) {
        if (pkg.optionalDependencies?.[dep] !== undefined) continue;
        throw new Error(`${dep} (a dependency of ${dir}) is not installed: run npm ci`);
      }
      if (!found.has(at)) {
        found.add(at);
        queue.push(at);
      }
    }
  }
  return [...found].sort();
}

function resolvePackage(from: string, name: string, root: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return fs.realpathSync(candidate);
    if (dir === root || dir === path.dirname(dir)) return undefined;
    dir = path.dirname(dir); // node_modules/a/node_modules/b -> node_modules/a/node_modules -> node_modules/a -> ...
  }
}

/** The host's Debian release (VERSION_CODENAME), so the host's binaries find the glibc they were built for. */
export function hostCodename(): string {
  try {
    const m = /^VERSION_CODENAME=(\w+)/m.exec(fs.readFileSync('/etc/os-release', 'utf8'));
    if (m !== null) return m[1]!;
  } catch {
    /* not Debian-like */
  }
  return 'bookworm';
}

/** The Debian mirror the host's apt uses (deb822 or one-line sources), else deb.debian.org. */
export function hostMirror(): string {
  const candidates: string[] = [];
  for (const f of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) {
    try {
      const text = fs.readFileSync(f, 'utf8');
      for (const m of text.matchAll(/^URIs:\s*(\S+)/gm)) candidates.push(m[1]!);
      for (const m of text.matchAll(/^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+/gm)) candidates.push(m[1]!);
    } catch {
      /* absent */
    }
  }
  return candidates.find((u) => /\/debian\/?$/.test(u)) ?? 'http://deb.debian.org/debian';
}

async function debootstrap(ctx: RunContext, codename: string, dir: string, mirror: string): Promise<void> {
  const bin = ['/usr/sbin/debootstrap', '/sbin/debootstrap', '/usr/bin/debootstrap'].find((p) => fs.existsSync(p));
  if (bin === undefined) throw new Error('debootstrap is not installed (apt-get install debootstrap): it makes the base image of the containers runtime');
  if (process.getuid?.() !== 0) throw new Error('building the base image needs root (debootstrap); run the runner once as root, or use --runtime local');
  const logFile = path.join(ctx.subdir('images'), 'debootstrap.log');
  const r = await runToCompletion({ name: 'debootstrap', command: bin, args: ['--variant=minbase', codename, dir, mirror], cwd: ctx.dir, logFile, scope: null }, 15 * 60_000);
  if (r.code !== 0) throw new Error(`debootstrap ${codename} failed (exit ${r.code}); ${logFile}:\n${tailFile(logFile, 30)}`);
}

async function tar(ctx: RunContext, args: string[], what: string): Promise<void> {
  const logFile = path.join(ctx.subdir('images'), `tar-${what}.log`);
  const r = await runToCompletion({ name: `tar ${what}`, command: 'tar', args, cwd: ctx.dir, logFile, scope: null }, 10 * 60_000);
  if (r.code !== 0) throw new Error(`tar for the ${what} image failed (exit ${r.code}); ${logFile}:\n${tailFile(logFile, 30)}`);
}
