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
    assert.match(v, /lib\/timer never imports broker/);
    assert.match(v, /import cycle: lib\/nameserver -> lib\/broker -> lib\/nameserver|import cycle: lib\/broker -> lib\/nameserver -> lib\/broker/);
  });
});
