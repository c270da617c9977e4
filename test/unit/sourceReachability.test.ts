// No dead code in src/: every source file is reached by an import chain from
// one of the product's entry points (the bundles scripts/build.mjs builds and
// the ignition-validate CLI of package.json). A file reached only from tests
// or benches fails here: delete it, or move what a bench needs to bench/.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');

/** The product's entry points: scripts/build.mjs's entryPoints under src/, and package.json's ignition-validate script. */
export const ENTRY_POINTS = ['src/extension.ts', 'src/extensionFeatures.ts', 'src/engine/validationWorkerMain.ts', 'src/engine/vendor/dockerodeEntry.ts', 'src/engine/vendor/ajvEntry.ts', 'src/ignition/index.ts', 'src/ignition/cli.ts'];

/** Relative module specifiers a TypeScript source imports (static, dynamic, require, export ... from). */
export function importedSpecifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)'(\.[^']*)'/gm)) out.push(m[1]!);
  return out;
}

function resolveModule(fromFile: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(fromFile), specifier);
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts'), base.replace(/\.js$/, '.ts')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Every file under src/ reached from `entries` (repo-relative paths). */
export function reachableFrom(entries: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const queue = entries.map((e) => path.join(repoRoot, e));
  while (queue.length) {
    const file = queue.pop()!;
    const rel = path.relative(repoRoot, file);
    if (seen.has(rel)) continue;
    seen.add(rel);
    if (!/\.ts$/.test(file)) continue;
    for (const spec of importedSpecifiers(fs.readFileSync(file, 'utf8'))) {
      const target = resolveModule(file, spec);
      if (target) queue.push(target);
    }
  }
  return seen;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(repoRoot, dir), { withFileTypes: true }).flatMap((d) => {
    const rel = path.join(dir, d.name);
    return d.isDirectory() ? sourceFiles(rel) : /\.ts$/.test(d.name) && !/\.d\.ts$/.test(d.name) ? [rel] : [];
  });
}

/**
 * Groundwork that an open issue wires into the product next (file -> the issue).
 * Each entry must still be unreached: once it is reached, the entry goes.
 */
const PENDING: Readonly<Record<string, string>> = {};

describe('every file in src/ is reached from the product', () => {
  it('finds static, dynamic and re-export imports', () => {
    assert.deepEqual(
      importedSpecifiers("import { a } from './a';\nexport { b } from '../b';\nconst c = import('./c');\nimport './d';\nimport x from 'vscode';"),
      ['./a', '../b', './c', './d'],
    );
  });

  it('no src/ file is reached only from tests or benches', () => {
    const reached = reachableFrom(ENTRY_POINTS);
    const unreached = sourceFiles('src').filter((f) => !reached.has(f) && !(f in PENDING));
    assert.deepEqual(unreached, [], `not reached from ${ENTRY_POINTS.join(', ')}: delete them or move them to bench/`);
  });

  it('the pending groundwork is still unreached (else its entry goes)', () => {
    const reached = reachableFrom(ENTRY_POINTS);
    assert.deepEqual(Object.keys(PENDING).filter((f) => reached.has(f) || !fs.existsSync(path.join(repoRoot, f))), []);
  });
});
