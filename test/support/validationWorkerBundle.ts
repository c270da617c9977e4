// The validation worker built as scripts/build.mjs builds it for the .vsix: dist/validationWorker.js
// (with the yaml package's ESM build) and, beside it, the Butane schema checks the validators load with
// the first Butane document (butaneChecks.js, src/ignition/butane.ts). For tests and benches that drive
// a bundle of the validators without packaging the extension.

import * as path from 'node:path';
import { build } from 'esbuild';

const root = path.join(__dirname, '..', '..');
const common = (minify: boolean) => ({ bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify, logLevel: 'silent' } as const);

/** butaneChecks.js in `dir`, where a bundle of the validators built into `dir` finds it. */
export async function buildButaneChecks(dir: string, options: { minify?: boolean } = {}): Promise<void> {
  await build({ ...common(options.minify ?? false), entryPoints: [path.join(root, 'src/ignition/generated/butaneSchemaValidators.js')], outfile: path.join(dir, 'butaneChecks.js') });
}

/** Builds the worker and its Butane checks into `dir`; returns the worker's script. `minify` as the .vsix (benches); tests keep names readable. */
export async function buildValidationWorker(dir: string, options: { minify?: boolean } = {}): Promise<string> {
  const script = path.join(dir, 'validationWorker.js');
  await Promise.all([
    build({ ...common(options.minify ?? false), entryPoints: [path.join(root, 'src/engine/validationWorkerMain.ts')], outfile: script, alias: { yaml: path.join(root, 'node_modules/yaml/browser/index.js') } }),
    buildButaneChecks(dir, options),
  ]);
  return script;
}
