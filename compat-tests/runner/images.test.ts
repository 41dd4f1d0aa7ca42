/**
 * The containers runtime copies Apogee into its image as one tar of host files: each path must be listed once.
 * (pino-pretty's nested node_modules/sonic-boom was listed twice, tar stored the second copy as a hard link to
 * itself and Docker refused the layer: "link X X: no such file or directory".)
 */
import * as assert from 'node:assert/strict';
import { apogeeFiles, productionPackages } from './images';
import * as path from 'node:path';

describe('compat runner images: the files copied into the apogee image', () => {
  it('lists every path once, even when a package has nested node_modules that are packages of their own', () => {
    const root = path.resolve(__dirname, '..', '..', '..');
    const pkgs = productionPackages(root);
    const nested = pkgs.filter((p) => pkgs.some((q) => q !== p && p.startsWith(q + path.sep)));
    assert.ok(nested.length > 0, 'the production dependencies include a nested package (pino-pretty/node_modules/...)');
    const rels = apogeeFiles().map((f) => f.rel);
    const dup = rels.filter((r, i) => rels.indexOf(r) !== i);
    assert.deepEqual(dup, []);
    assert.ok(rels.some((r) => r.endsWith(path.join('dist', 'lib', 'bin', 'apogee.js'))));
  });
});
