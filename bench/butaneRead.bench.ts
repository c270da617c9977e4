/**
 * Butane's YAML reading (issue 14: "a 10 MB Butane config validated in ≤ 1 s", time per MB within 2x from
 * 0.1 to 10 MB): validateButane reading with the subset reader (src/ignition/yamlSubset.ts) against composing
 * with the yaml package (`reading: 'composed'`, what it did before), in the same process, interleaved; and the
 * parts of a 10 MB config: the reader alone, the package's parse alone, and an ordinary 10 MB Ignition config
 * through validateIgnition (what the translated config's check costs: Butane's floor now). The shapes with a finding
 * per key (unknown, duplicate keys) are left to bench/linear.bench.ts: composed at 10 MB they need over 4 GB of heap.
 *
 * Bundled as scripts/build.mjs bundles the validators (the yaml package's ESM build) and run in a fresh process.
 * Run: npx tsx bench/butaneRead.bench.ts   (BENCH_SIZES=0.1,1 for a quick look; BENCH_SHAPES=files)
 */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { measure } from './measure';

const MB = 1024 * 1024;
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');

async function main(): Promise<void> {
  if (process.env.BENCH_BUNDLED !== '1') {
    const { build } = await import('esbuild');
    const dir = mkdtempSync(join(tmpdir(), 'butane-read-bench-'));
    const outfile = join(dir, 'bench.js');
    await build({
      entryPoints: [__filename], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, logLevel: 'warning',
      mainFields: ['module', 'main'], alias: { yaml: './node_modules/yaml/browser/index.js' }, external: ['esbuild'],
    });
    const out = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', outfile], { env: { ...process.env, BENCH_BUNDLED: '1' }, stdio: 'inherit' });
    rmSync(dir, { recursive: true, force: true });
    if (out.status !== 0) console.error(`the bundled bench ended with ${out.status ?? out.signal}`);
    process.exitCode = out.status ?? 1;
    return;
  }
  const { parseDocument } = await import('yaml');
  const { validateButane, validateIgnition } = await import('../src/ignition');
  const { readYamlSubset } = await import('../src/ignition/yamlSubset');
  const { SHAPES } = await import('../test/unit/pathologicalShapes');
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  const cpuOf = (fn: () => void): number => {
    gc();
    return measure(fn).cpu;
  };

  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}, bundled, load average at start ${load()}`);
  const sizes = (process.env.BENCH_SIZES ?? '0.1,1,10').split(',').map(Number);
  const only = process.env.BENCH_SHAPES?.split(',');
  const shapes = SHAPES.filter((s) => s.kind === 'butane' && /files|snake|200 deep/.test(s.name) && (!only || only.some((o) => s.name.includes(o))));
  console.log('\nvalidateButane, CPU ms per MB: subset reader / composed by the yaml package (ratio)\n');
  console.log(`| shape | ${sizes.map((s) => `${s} MB`).join(' | ')} | subset: ratio ${sizes[sizes.length - 1]} MB / ${sizes[0]} MB |`);
  console.log(`|---|${sizes.map(() => '---|').join('')}---|`);
  for (const shape of shapes) {
    const warm = shape.make(0.05 * MB);
    validateButane(warm, {}, 'subset');
    validateButane(warm, {}, 'composed');
    const cells: string[] = [];
    const perMb: number[] = [];
    for (const size of sizes) {
      const text = shape.make(size * MB);
      const mb = text.length / MB;
      const repeats = size < 1 ? 5 : size < 5 ? 2 : 1;
      const subset: number[] = [];
      const composed: number[] = [];
      for (let k = 0; k < repeats; k++) {
        subset.push(cpuOf(() => validateButane(text, {}, 'subset')) / mb);
        composed.push(cpuOf(() => validateButane(text, {}, 'composed')) / mb);
      }
      const s = Math.min(...subset);
      const c = Math.min(...composed);
      perMb.push(s);
      cells.push(`${s.toFixed(0)} / ${c.toFixed(0)} (${(c / s).toFixed(1)}x)`);
    }
    console.log(`| ${shape.name} | ${cells.join(' | ')} | ${(perMb[perMb.length - 1]! / perMb[0]!).toFixed(2)} |`);
  }

  const files = SHAPES.find((s) => s.name === 'butane: many files')!.make(10 * MB);
  const ign = SHAPES.find((s) => s.name === 'ignition: files, units, users (ordinary, big)')!.make(10 * MB);
  const options = { uniqueKeys: false, prettyErrors: false };
  console.log('\n10 MB, CPU ms (best of 3, interleaved)\n\n| part | CPU ms |\n|---|---|');
  const parts: [string, () => void][] = [
    ['Butane, many files: `readYamlSubset` alone', () => readYamlSubset(files, options)],
    ['Butane, many files: yaml `parseDocument` alone', () => parseDocument(files, options)],
    ['Butane, many files: `validateButane` (subset)', () => validateButane(files)],
    ['Ignition, files/units/users: `validateIgnition`', () => validateIgnition(ign)],
  ];
  const best = parts.map(() => Infinity);
  for (let round = 0; round < 3; round++) parts.forEach(([, fn], i) => { best[i] = Math.min(best[i]!, cpuOf(fn)); });
  parts.forEach(([name], i) => console.log(`| ${name} | ${best[i]!.toFixed(0)} |`));
  console.log(`\nload average at the end: ${load()}`);
}

void main();
