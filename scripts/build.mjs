// esbuild: one CommonJS bundle for the extension host (only `vscode` external),
// one browser bundle for webview-ui/, and the extension-host test bundle.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const withTests = !production;

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'info', legalComments: 'linked' };
/** A CommonJS bundle for the extension host (Node 20) in dist/. */
const nodeBundle = (options) => ({ ...common, outdir: 'dist', platform: 'node', format: 'cjs', target: 'node20', ...options });
/**
 * The validators take the yaml package's ESM build (the one its exports map gives browsers): the same source as
 * its CommonJS build, bundled with direct calls instead of `exports.` lookups and without its `process.env.LOG_TOKENS`
 * read per token; 13-18 % less CPU for 1 MB of Butane, identical findings (test/unit/yamlBuild.test.ts, bench/RESULTS.md).
 */
const yamlEsm = { alias: { yaml: './node_modules/yaml/browser/index.js' } };
const configs = [
  nodeBundle({
    // extension: what activation needs (src/extension.ts); features: the rest, required on
    // first use (src/extensionFeatures.ts).
    entryPoints: { extension: 'src/extension.ts', features: 'src/extensionFeatures.ts' },
    // dockerode pulls in ssh2 and cpu-features; both load their native addons
    // inside try/catch and work without them, so the .node files stay out.
    external: ['vscode', '*.node'],
    mainFields: ['module', 'main'],
  }),
  // The validation worker thread (src/engine/validationWorker.ts starts dist/validationWorker.js):
  // the pure Ignition/Butane validators, no vscode.
  nodeBundle({ entryPoints: { validationWorker: 'src/engine/validationWorkerMain.ts' }, ...yamlEsm }),
  // The Butane schema checks compiled ahead of time, required with the first Butane document (src/ignition/butane.ts).
  nodeBundle({ entryPoints: { butaneChecks: 'src/ignition/generated/butaneSchemaValidators.js' } }),
  // ajv in a bundle of its own, required when the first meta.json is validated (src/cosa/buildMeta.ts).
  nodeBundle({ entryPoints: { ajv: 'src/engine/vendor/ajvEntry.ts' }, mainFields: ['module', 'main'] }),
  // dockerode in a bundle of its own, required on first use (src/engine/dockerApi.ts).
  nodeBundle({ entryPoints: { dockerode: 'src/engine/vendor/dockerodeEntry.ts' }, external: ['*.node'] }),
  // The Ignition/Butane validator (with yaml and the Butane schemas) in a bundle of its own,
  // required on first use (src/vscode/ignitionDiagnostics.ts), so activation does not load it.
  nodeBundle({ entryPoints: { ignition: 'src/ignition/index.ts' }, mainFields: ['module', 'main'], ...yamlEsm }),
  {
    // the webviews' scripts (webview-ui/src), one bundle each
    ...common,
    entryPoints: { webview: 'webview-ui/src/main.ts', prerequisites: 'webview-ui/src/prerequisites.ts', overview: 'webview-ui/src/overview.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
  },
  {
    // their stylesheets (webview-ui/styles), loaded under the CSP of webview-ui/src/page.ts
    ...common,
    entryPoints: ['webview-ui/styles/base.css', 'webview-ui/styles/editor.css', 'webview-ui/styles/prerequisites.css', 'webview-ui/styles/overview.css'],
    outdir: 'dist/styles',
  },
];
if (withTests) {
  configs.push({
    ...common,
    entryPoints: { 'exthost/index': 'test/exthost/index.ts' },
    outdir: 'dist/test',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // mocha is loaded from node_modules at run time (it reads its own files).
    external: ['vscode', 'mocha'],
    // As the extension bundle: jsonc-parser's UMD main requires its files at run time.
    mainFields: ['module', 'main'],
  });
}

// Codicons for the webviews (the prerequisites report's status icons): the
// stylesheet and its font, loaded from the extension under the webview CSP.
fs.mkdirSync('dist/codicons', { recursive: true });
for (const f of ['codicon.css', 'codicon.ttf']) {
  fs.copyFileSync(`node_modules/@vscode/codicons/dist/${f}`, `dist/codicons/${f}`);
}

if (watch) {
  for (const c of configs) {
    await (await esbuild.context(c)).watch();
  }
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
}
