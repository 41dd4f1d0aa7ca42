import * as fs from 'node:fs';
import * as path from 'node:path';

/** Test support: locate the repository root (the directory holding package.json) from dist/ or source. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'protocol'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`repository root not found above ${__dirname}`);
    dir = up;
  }
}

export const FIXTURE_VERSIONS = ['java5', 'java49'] as const;
export type FixtureVersion = (typeof FIXTURE_VERSIONS)[number];

export function fixturePath(version: FixtureVersion, ...parts: string[]): string {
  return path.join(repoRoot(), 'protocol', 'fixtures', version, ...parts);
}

export function fixtureExists(version: FixtureVersion, ...parts: string[]): boolean {
  return fs.existsSync(fixturePath(version, ...parts));
}

export function readFixture(version: FixtureVersion, ...parts: string[]): Buffer {
  return fs.readFileSync(fixturePath(version, ...parts));
}

export function readFixtureJson<T = unknown>(version: FixtureVersion, ...parts: string[]): T {
  return JSON.parse(readFixture(version, ...parts).toString('utf8')) as T;
}

export function listFixtures(version: FixtureVersion, dir: string, suffix: string): string[] {
  const p = fixturePath(version, dir);
  if (!fs.existsSync(p)) return [];
  return fs
    .readdirSync(p)
    .filter((f) => f.endsWith(suffix))
    .sort();
}

export function hex(b: Buffer | null): string | null {
  return b === null ? null : b.toString('hex');
}
