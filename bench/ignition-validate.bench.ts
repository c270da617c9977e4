/**
 * Ignition validation benchmark: in-process validateIgnition() vs spawning
 * ignition-validate per check, over the corpus in test/fixtures/reference/ignition/corpus and a generated ~1 MB
 * config. Run: npx tsx bench/ignition-validate.bench.ts
 * BENCH_COMPARE=<another checkout of this repository> also measures that checkout's validateIgnition on the
 * generated config, interleaved with this one's, so before/after and both ratios come from the same run.
 */

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { validateIgnition } from '../src/ignition';
import { bigIgnitionConfig } from '../test/support/bigIgnitionConfig';

const corpusDir = resolve(__dirname, '..', 'test', 'fixtures', 'reference', 'ignition', 'corpus');
const ORACLE = '/usr/bin/ignition-validate';

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${q(0.5).toFixed(2)} ms, p95 ${q(0.95).toFixed(2)} ms, max ${s[s.length - 1].toFixed(2)} ms (n=${s.length})`;
}

const cpuTimes: number[] = [];
/** Wall time in ms; the process CPU time (user + system, all threads incl. GC helpers) goes to cpuTimes. */
function time(fn: () => void): number {
  const c = process.cpuUsage();
  const t = process.hrtime.bigint();
  fn();
  const wall = Number(process.hrtime.bigint() - t) / 1e6;
  const d = process.cpuUsage(c);
  cpuTimes.push((d.user + d.system) / 1000);
  return wall;
}
function cpuStats(from: number): string {
  return stats(cpuTimes.slice(from));
}

const corpus = readdirSync(corpusDir).filter((f) => f.endsWith('.ign')).sort().map((f) => join(corpusDir, f));
const texts = corpus.map((f) => readFileSync(f, 'utf8'));
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}`);

// warm up the JIT
for (let k = 0; k < 20; k++) for (const t of texts) validateIgnition(t);
const inproc: number[] = [];
for (let k = 0; k < 20; k++) for (const t of texts) inproc.push(time(() => validateIgnition(t)));
console.log(`corpus (${texts.length} .ign files), in-process validateIgnition: ${stats(inproc)}`);

if (existsSync(ORACLE)) {
  const spawned: number[] = [];
  for (let k = 0; k < 3; k++) for (const f of corpus) spawned.push(time(() => { spawnSync(ORACLE, [f]); }));
  console.log(`corpus, spawning ignition-validate per check: ${stats(spawned)}`);
} else console.log('ignition-validate not installed: spawn numbers skipped');

const big = bigIgnitionConfig(1024 * 1024);
const dir = mkdtempSync(join(tmpdir(), 'ign-bench-'));
const bigFile = join(dir, 'big.ign');
writeFileSync(bigFile, big);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const compared = process.env.BENCH_COMPARE ? require(join(resolve(process.env.BENCH_COMPARE), 'src', 'ignition')) as { validateIgnition: typeof validateIgnition } : undefined;
for (let k = 0; k < 5; k++) { validateIgnition(big); compared?.validateIgnition(big); }
const bigTimes: number[] = [];
const otherTimes: number[] = [];
let entries = 0;
const cpuFrom = cpuTimes.length;
const otherCpu: number[] = [];
for (let k = 0; k < 30; k++) {
  bigTimes.push(time(() => { entries = validateIgnition(big).entries.length; }));
  if (compared) {
    const validateOther = compared.validateIgnition;
    otherTimes.push(time(() => { validateOther(big); }));
    otherCpu.push(cpuTimes.pop()!);
  }
}
console.log(`generated config ${(Buffer.byteLength(big) / 1024).toFixed(0)} KiB (${entries} entries), in-process: ${stats(bigTimes)}`);
console.log(`  same, process CPU time per validation (not inflated by other processes waiting for the cores): ${cpuStats(cpuFrom)}`);
if (compared) {
  console.log(`  ${process.env.BENCH_COMPARE}'s validateIgnition, interleaved: ${stats(otherTimes)}; CPU ${stats(otherCpu)}`);
}
console.log(`  load average while measuring: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
// same config with an error near the end and many warnings
const bigBad = big.replace(/"mode": 420/g, '"mode": 2541').replace(/"user": \{/g, '"usr": 1, "user": {');
for (let k = 0; k < 3; k++) validateIgnition(bigBad);
const badTimes: number[] = [];
for (let k = 0; k < 10; k++) badTimes.push(time(() => { entries = validateIgnition(bigBad).entries.length; }));
console.log(`same config with ${entries} warnings, in-process: ${stats(badTimes)}`);
if (existsSync(ORACLE)) {
  const spawnBig: number[] = [];
  for (let k = 0; k < 5; k++) spawnBig.push(time(() => { spawnSync(ORACLE, [bigFile]); }));
  console.log(`generated config, spawning ignition-validate: ${stats(spawnBig)}`);
  const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  console.log(`  in-process is ${(med(spawnBig) / med(bigTimes)).toFixed(1)}x faster than ignition-validate (medians, same run; target >= 15x)`);
  if (compared) console.log(`  ${process.env.BENCH_COMPARE}'s is ${(med(spawnBig) / med(otherTimes)).toFixed(1)}x faster; this checkout ${(med(otherTimes) / med(bigTimes)).toFixed(2)}x faster than it (medians, same run)`);
}
rmSync(dir, { recursive: true, force: true });
