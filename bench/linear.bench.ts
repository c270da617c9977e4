/**
 * Linear time on untrusted input (issue 14): every validator and log parser
 * over the pathological shapes of test/unit/pathologicalShapes.ts at 0.1, 1
 * and 10 MB (time per MB must stay within 2x), and 100 MB of build output
 * through the line splitter and every line consumer, in-process and through a
 * real process (`cat`), with throughput and peak memory above the baseline,
 * as TypeScript through tsx and as the esbuild bundle the .vsix ships, in one
 * run (bench/logThroughput.ts, each form in a fresh process).
 *
 * Run: npm run bench:linear   (BENCH_SIZES=0.1,1 for a quick look or none, BENCH_SHAPES=butane, BENCH_LOG_MB=100,
 *      BENCH_ROUNDS=2, BENCH_BASE=<checkout of an older commit> to measure its bundle in the same run)
 */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { runShape, SHAPES } from '../test/unit/pathologicalShapes';
import { measure } from './measure';

const MB = 1024 * 1024;
const sizes = (process.env.BENCH_SIZES ?? '0.1,1,10').split(',').map(Number);
const logMb = Number(process.env.BENCH_LOG_MB ?? 100);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}, load average at start ${load()}`);
// BENCH_SIZES=none: only the log throughput; BENCH_SHAPES=butane,ignition: only shapes whose name contains one of them
const only = process.env.BENCH_SHAPES?.split(',');
const shapes = process.env.BENCH_SIZES === 'none' ? [] : SHAPES.filter((s) => !only || only.some((o) => s.name.includes(o)));
if (shapes.length > 0) {
  console.log('\n| shape | ' + sizes.map((s) => `${s} MB: ms (CPU ms) per MB`).join(' | ') + ` | ratio ${sizes[sizes.length - 1]} MB / ${sizes[0]} MB |`);
  console.log('|---|' + sizes.map(() => '---|').join('') + '---|');
}
for (const shape of shapes) {
  runShape(shape, shape.make(0.05 * MB)); // warm up (and compile ajv's schema)
  const perMb: number[] = [];
  const cells: string[] = [];
  for (const size of sizes) {
    const text = shape.make(size * MB);
    const mb = text.length / MB;
    const repeats = size < 1 ? 5 : size < 5 ? 2 : 1;
    const runs: { cpu: number; wall: number }[] = [];
    for (let k = 0; k < repeats; k++) { gc(); runs.push(measure(() => runShape(shape, text))); }
    const wall = median(runs.map((r) => r.wall)) / mb;
    const cpu = median(runs.map((r) => r.cpu)) / mb;
    perMb.push(cpu);
    cells.push(`${wall.toFixed(0)} (${cpu.toFixed(0)})`);
  }
  console.log(`| ${shape.name} | ${cells.join(' | ')} | ${(perMb[perMb.length - 1] / perMb[0]).toFixed(2)} |`);
}
console.log(`load average after the shapes: ${load()}`);

// 100 MB of build output through every line consumer, in both forms, each in a fresh process, alternating
const here = __dirname;
const bundleDir = mkdtempSync(join(tmpdir(), 'linear-bench-bundle-'));
/** BENCH_BASE: a checkout (`git worktree add`, `git archive | tar -x`) of an older commit, measured in the same run. */
const base = process.env.BENCH_BASE;
// as scripts/build.mjs builds the production .vsix (minified CommonJS for Node 20)
const bundleFrom = async (name: string, root?: string): Promise<string> => {
  const outfile = join(bundleDir, `${name}.js`);
  const fromRoot: Plugin = {
    name: 'from-root',
    setup: (b) => b.onResolve({ filter: /^\.\.\/(src|test)\// }, (a) => (root && a.importer === join(here, 'logThroughput.ts') ? { path: require.resolve(join(root, a.path.slice(3))) } : undefined)),
  };
  await build({ entryPoints: [join(here, 'logThroughput.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, logLevel: 'warning', plugins: [fromRoot] });
  return outfile;
};
void (async () => {
  const forms: [string, string[]][] = [
    ['tsx', ['--expose-gc', '--import', 'tsx', join(here, 'logThroughput.ts')]],
    ['bundle', ['--expose-gc', await bundleFrom('now')]],
    ...(base ? [[`bundle of ${base}`, ['--expose-gc', await bundleFrom('base', base)]] as [string, string[]]] : []),
  ];
  console.log(`\n| ${logMb} MB of output | form | size | throughput (wall) | peak RSS above baseline | lines |`);
  console.log('|---|---|---|---|---|---|');
  const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
  for (let r = 0; r < rounds; r++) {
    for (const [form, args] of forms) {
      const out = spawnSync(process.execPath, args, { env: { ...process.env, BENCH_FORM: `${form} (round ${r + 1})`, BENCH_LOG_MB: String(logMb) }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      process.stdout.write(out.stdout);
      if (out.status !== 0) throw new Error(`${form}: exit ${out.status}`);
    }
  }
  rmSync(bundleDir, { recursive: true, force: true });
  console.log(`load average at the end: ${load()}`);
})();
