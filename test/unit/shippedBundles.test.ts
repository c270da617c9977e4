// Every bundle the extension loads at run time beside dist/extension.js (requireBundle's first
// argument, src/bundleLoader.ts; the validation worker's script) is built by scripts/build.mjs and
// goes into the .vsix (.vscodeignore lists what does). A bundle missing from either works from
// source and in the tests that build it themselves, and fails only in the packaged extension.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');
const read = (file: string): string => fs.readFileSync(path.join(root, file), 'utf8');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((d) => {
    const rel = path.join(dir, d.name);
    return d.isDirectory() ? sourceFiles(rel) : d.name.endsWith('.ts') ? [rel] : [];
  });
}

/** The bundles the sources load by file name: `requireBundle<...>('x.js', ...)` and `path.join(__dirname, 'x.js')`. */
function loadedBundles(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of sourceFiles('src')) {
    for (const m of read(file).matchAll(/requireBundle(?:<[^(]*>)?\(\s*'([\w.-]+\.js)'|path\.join\(__dirname, '([\w.-]+\.js)'\)/g)) {
      found.set(m[1] ?? m[2]!, file);
    }
  }
  return found;
}

describe('the bundles loaded at run time are built and shipped', () => {
  const bundles = loadedBundles();

  it('finds the bundles the sources load', () => {
    for (const b of ['features.js', 'ignition.js', 'validationWorker.js', 'butaneChecks.js']) assert.ok(bundles.has(b), `${b} not found among ${[...bundles.keys()].join(', ')}`);
  });

  it('scripts/build.mjs builds each of them into dist/', () => {
    const build = read('scripts/build.mjs');
    for (const [bundle, file] of bundles) {
      const name = bundle.replace(/\.js$/, '');
      assert.match(build, new RegExp(`entryPoints: \\{[^}]*\\b'?${name}'?:`), `${file} loads ${bundle}, which scripts/build.mjs does not build`);
    }
  });

  it('.vscodeignore lets each of them into the .vsix', () => {
    const shipped = read('.vscodeignore').split('\n').filter((l) => l.startsWith('!')).map((l) => l.slice(1).trim());
    for (const [bundle, file] of bundles) assert.ok(shipped.includes(`dist/${bundle}`), `${file} loads dist/${bundle}, which .vscodeignore leaves out of the .vsix`);
  });
});
