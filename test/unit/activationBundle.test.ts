// Activation loads only what the first view needs (issue 18.4): the modules
// src/extension.ts reaches (its bundle, dist/extension.js) stay clear of the
// features (src/extensionFeatures.ts, dist/features.js, loaded on first use)
// and of the large libraries, which are bundles of their own.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');

/** Files under src/ a module loads at run time, transitively (`import type` loads nothing: esbuild drops it). */
function loadedFrom(entry: string): string[] {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file) || !file.endsWith('.ts')) continue;
    seen.add(file);
    const text = fs.readFileSync(path.join(repoRoot, file), 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s*'(\.[^']*)'/gm)) {
      const base = path.join(path.dirname(file), m[1]!);
      const target = [`${base}.ts`, path.join(base, 'index.ts'), base].find((c) => fs.existsSync(path.join(repoRoot, c)) && fs.statSync(path.join(repoRoot, c)).isFile());
      if (target) queue.push(target);
    }
  }
  return [...seen];
}

/** Packages a module imports at run time (not `import type`), by name. */
function runtimePackages(file: string): string[] {
  const text = fs.readFileSync(path.join(repoRoot, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^import\s+(?!type\b)[^;]*?from\s*'([^.'][^']*)'|\brequire\(\s*'([^.'][^']*)'\s*\)/gm)) out.push((m[1] ?? m[2])!);
  return out;
}

describe('the activation bundle (src/extension.ts)', () => {
  const reached = loadedFrom('src/extension.ts');

  it('reaches no feature module: commands, tasks, the engine, the Ignition validator and editor load on first use', () => {
    const features = ['src/vscode/commandTable.ts', 'src/vscode/tasks.ts', 'src/engine/cosaProcess.ts', 'src/vscode/ignitionDiagnostics.ts',
      'src/vscode/ignitionEditor.ts', 'src/vscode/prerequisitesReport.ts', 'src/vscode/kolaTests.ts', 'src/vscode/qemuConsole.ts', 'src/extensionFeatures.ts'];
    assert.deepEqual(reached.filter((f) => features.includes(f) || f.startsWith('src/ignition/')), []);
  });

  it('imports no large library at run time (ajv, yaml, execa, dockerode are required on first use from their own bundles)', () => {
    const large = ['ajv', 'yaml', 'execa', 'dockerode'];
    assert.deepEqual(reached.flatMap((f) => runtimePackages(f).filter((p) => large.includes(p)).map((p) => `${f}: ${p}`)), []);
  });
});
