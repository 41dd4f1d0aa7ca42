import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lintTree } from './lint';

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-lint-'));
  for (const [rel, src] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), src);
  }
  return root;
}

describe('lib/dev lint (architecture import rules)', () => {
  it('accepts a tree that follows the rules', () => {
    const root = tree({
      'protocol/codec/index.ts': "import { Buffer } from 'node:buffer';\n",
      'protocol/command/index.ts': "import { x } from '../codec';\n",
      'lib/store/index.ts': "import { y } from '../../protocol/command';\n",
      'lib/bin/apogee.ts': "const a = process.argv;\n",
    });
    assert.deepEqual(lintTree(root).violations, []);
  });

  it('lib/timer never imports the broker or the network (the broker imports it)', () => {
    const root = tree({
      'lib/timer/index.ts': "import { b } from '../broker';\nimport * as net from 'node:net';\nimport { s } from '../store';\n",
      'lib/broker/index.ts': "import { t } from '../timer';\n",
      'lib/store/index.ts': '',
    });
    const v = lintTree(root).violations.join('\n');
    assert.match(v, /lib\/timer never imports the broker/);
    assert.match(v, /lib\/timer knows no network/);
    assert.doesNotMatch(v, /lib\/broker\/index.ts: import '..\/timer'/);
  });

  it('rejects each broken rule with a line that names it', () => {
    const root = tree({
      'protocol/codec/index.ts': "import * as net from 'node:net';\nimport { l } from '../../lib/common';\n",
      'protocol/command/index.ts': "import { x } from '../codec/reader';\n",
      'lib/store/index.ts': "import { s } from '../remoting';\nimport * as net from 'node:net';\n",
      'lib/remoting/index.ts': "export const r = process.env.X;\n",
      'lib/nameserver/index.ts': "import { b } from '../broker';\n",
      'lib/broker/index.ts': "import { n } from '../nameserver';\n",
      'lib/admin/index.ts': "import { b } from '../remoting';\n",
      'lib/common/index.ts': '',
      'lib/filter/index.ts': "import * as fs from 'node:fs';\nimport { c } from '../common';\n",
      'lib/timer/index.ts': "import { b } from '../broker';\n",
    });
    const v = lintTree(root).violations.join('\n');
    assert.match(v, /protocol\/ may import only node:buffer/);
    assert.match(v, /protocol\/ imports nothing outside protocol/);
    assert.match(v, /deep import into protocol\/codec/);
    assert.match(v, /lib\/store never imports the network layers/);
    assert.match(v, /lib\/store knows no network/);
    assert.match(v, /lib\/remoting\/index.ts: reads process.argv\/env/);
    assert.match(v, /nameserver and broker never import each other/);
    assert.match(v, /lib\/admin uses only lib\/client/);
    assert.match(v, /lib\/filter is pure functions: no packages, no I\/O/);
    assert.match(v, /lib\/filter is pure: it imports only itself/);
    assert.match(v, /lib\/timer never imports the broker/);
    assert.match(v, /import cycle: lib\/nameserver -> lib\/broker -> lib\/nameserver|import cycle: lib\/broker -> lib\/nameserver -> lib\/broker/);
  });

  it('rejects a cycle between files of one module, type-only imports included', () => {
    const root = tree({
      'lib/store/a.ts': "import type { B } from './b';\nexport interface A { b: B }\n",
      'lib/store/b.ts': "import { c } from './c';\nexport interface B { n: number }\n",
      'lib/store/c.ts': "import type { A } from './a';\nexport const c = 1;\n",
      'lib/store/index.ts': "export * from './a';\n",
    });
    const v = lintTree(root).violations;
    assert.equal(v.length, 1, v.join('\n'));
    assert.match(v[0]!, /^file import cycle: lib\/store\/a\.ts -> lib\/store\/b\.ts -> lib\/store\/c\.ts -> lib\/store\/a\.ts$/);
  });

  it('accepts files of one module that import each other one way only, and tests that import back', () => {
    const root = tree({
      'lib/store/a.ts': "import { b } from './b';\nexport const a = b;\n",
      'lib/store/b.ts': 'export const b = 1;\n',
      'lib/store/b.test.ts': "import { a } from './a';\nimport { b } from './b';\n",
    });
    assert.deepEqual(lintTree(root).violations, []);
  });

  it('rejects lib/timer, lib/filter and lib/ha importing the broker', () => {
    const root = tree({
      'lib/broker/index.ts': "import { t } from '../timer';\n",
      'lib/timer/index.ts': "import { b } from '../broker';\n",
      'lib/filter/index.ts': "import { b } from '../broker';\n",
    });
    const v = lintTree(root).violations.join('\n');
    assert.match(v, /lib\/timer never imports the broker/);
    assert.match(v, /lib\/filter never imports lib\/broker/);
  });

  it('lib/dashboard sees the cluster only through lib/client (no broker or nameserver internals)', () => {
    const root = tree({
      'lib/dashboard/index.ts': "import { b } from '../broker';\nimport { c } from '../client';\nimport { l } from '../common';\n",
      'lib/broker/index.ts': '',
      'lib/client/index.ts': '',
      'lib/common/index.ts': '',
    });
    const v = lintTree(root).violations;
    assert.equal(v.length, 1, v.join('\n'));
    assert.match(v[0]!, /lib\/dashboard\/index.ts: import '..\/broker' — lib\/dashboard uses only lib\/client/);
  });
});
