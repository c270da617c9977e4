// `npm test`: every layer in order, each timed, one closing count.
//   static       type-check (extension + webview), lint, and the localisation check (scripts/check-l10n.ts)
//   unit         mocha over the pure layers (test/unit)
//   package      the .vsix users install, and the dev bundles the e2e tests load
//   conformance  the cosa stand-in image through real podman (test/conformance)
//   e2e          real VS Code: code-server + headless chromium, and extension-host tests
// Options: --only <layer>[,<layer>]   run only those layers
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const args = process.argv.slice(2);
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? new Set(args[onlyIndex + 1].split(',')) : undefined;

const mocha = (config) => ['npx', ['mocha', '--config', config]];
const layers = [
  { name: 'static', steps: [['npx', ['tsc', '-p', '.', '--noEmit']], ['npx', ['tsc', '-p', 'webview-ui', '--noEmit']], ['npx', ['eslint', '.']], ['npx', ['tsx', 'scripts/check-l10n.ts']]] },
  { name: 'unit', steps: [mocha('test/unit/.mocharc.json')], counts: true },
  { name: 'package', steps: [['npm', ['run', '--silent', 'package']], ['node', ['scripts/build.mjs']]] },
  { name: 'conformance', steps: [mocha('test/conformance/.mocharc.json')], counts: true, needs: 'test/conformance/.mocharc.json' },
  { name: 'integration', steps: [mocha('test/integration/.mocharc.json')], counts: true, needs: 'test/integration/.mocharc.json' },
  { name: 'e2e', steps: [mocha('test/e2e/.mocharc.json')], counts: true, after: 'package' },
];

function run(cmd, argv) {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    const tee = (stream, sink) => stream.on('data', (d) => { out += d; sink.write(d); });
    tee(child.stdout, process.stdout);
    tee(child.stderr, process.stderr);
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

const summary = [];
let passed = 0;
let failed = 0;
let broken = false;
const ok = new Set();
const start = Date.now();
for (const layer of layers) {
  if (only && !only.has(layer.name) && !(layer.name === 'package' && only.has('e2e'))) {
    continue;
  }
  if (layer.needs && !existsSync(layer.needs)) {
    console.error(`\n== ${layer.name}: ${layer.needs} is missing`);
    summary.push(`${layer.name.padEnd(12)} MISSING`);
    broken = true;
    continue;
  }
  if (layer.after && !ok.has(layer.after)) {
    summary.push(`${layer.name.padEnd(12)} not run: ${layer.after} failed`);
    broken = true;
    continue;
  }
  console.log(`\n== ${layer.name}`);
  const t0 = Date.now();
  let layerOk = true;
  let layerPassed = 0;
  let layerFailed = 0;
  for (const [cmd, argv] of layer.steps) {
    const { code, out } = await run(cmd, argv);
    if (layer.counts) {
      layerPassed += Number(/(\d+) passing/.exec(out)?.[1] ?? 0);
      layerFailed += Number(/(\d+) failing/.exec(out)?.[1] ?? 0);
    }
    if (code !== 0) {
      layerOk = false;
      if (layer.counts && layerFailed === 0) {
        layerFailed = 1; // the runner itself failed (e.g. a suite could not load)
      }
      break;
    }
  }
  if (layer.counts && layerOk && layerPassed === 0) {
    // A layer that ran no test proves nothing.
    layerOk = false;
    layerFailed += 1;
    console.error(`== ${layer.name}: no test ran`);
  }
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  passed += layerPassed;
  failed += layerFailed;
  if (layerOk) {
    ok.add(layer.name);
  } else {
    broken = true;
  }
  summary.push(`${layer.name.padEnd(12)} ${layerOk ? 'ok    ' : 'FAILED'} ${secs.padStart(7)} s${layer.counts ? `   ${layerPassed} passed, ${layerFailed} failed` : ''}`);
}
console.log(`\n== summary (${((Date.now() - start) / 1000).toFixed(1)} s)`);
for (const line of summary) {
  console.log(`   ${line}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(broken || failed > 0 ? 1 : 0);
