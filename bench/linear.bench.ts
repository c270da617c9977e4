/**
 * Linear time on untrusted input (issue 14): every validator and log parser
 * over the pathological shapes of test/unit/pathologicalShapes.ts at 0.1, 1
 * and 10 MB (time per MB must stay within 2x), and 100 MB of build output
 * through the line splitter and every line consumer, in-process and through a
 * real process (`cat`), with throughput and peak memory above the baseline.
 *
 * Run: npm run bench:linear   (BENCH_SIZES=0.1,1 for a quick look, BENCH_LOG_MB=100)
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnProcess } from '../src/engine/processRunner';
import { LineConsumers, runShape, SHAPES, type Shape } from '../test/unit/pathologicalShapes';

const MB = 1024 * 1024;
const sizes = (process.env.BENCH_SIZES ?? '0.1,1,10').split(',').map(Number);
const logMb = Number(process.env.BENCH_LOG_MB ?? 100);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/** CPU ms (user + system of this process) and wall ms of one call. */
function measure(fn: () => void): { cpu: number; wall: number } {
  const c = process.cpuUsage();
  const t = performance.now();
  fn();
  const wall = performance.now() - t;
  const d = process.cpuUsage(c);
  return { cpu: (d.user + d.system) / 1000, wall };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}, load average at start ${load()}`);
console.log('\n| shape | ' + sizes.map((s) => `${s} MB: ms (CPU ms) per MB`).join(' | ') + ` | ratio ${sizes[sizes.length - 1]} MB / ${sizes[0]} MB |`);
console.log('|---|' + sizes.map(() => '---|').join('') + '---|');
for (const shape of SHAPES) {
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

// 100 MB of build output through every line consumer
function streamBench(name: string, shape: Shape): void {
  const block = shape.make(MB);
  const chunks: string[] = [];
  for (let i = 0; i < block.length; i += 65536) chunks.push(block.slice(i, i + 65536));
  gc();
  const base = process.memoryUsage().rss;
  let peak = base;
  const consumers = new LineConsumers();
  const m = measure(() => {
    for (let k = 0; k < logMb; k++) {
      for (const c of chunks) consumers.push(c);
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    consumers.end();
  });
  const mbs = (block.length * logMb) / MB;
  console.log(`| ${name}, in-process | ${mbs.toFixed(0)} MB | ${(mbs / (m.wall / 1000)).toFixed(0)} MB/s (CPU: ${(mbs / (m.cpu / 1000)).toFixed(0)} MB/s) | +${((peak - base) / MB).toFixed(1)} MB | ${consumers.lines} lines |`);
}

async function processBench(name: string, shape: Shape): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'linear-bench-'));
  try {
    const file = join(dir, 'log.txt');
    const block = Buffer.from(shape.make(MB));
    const big = Buffer.alloc(block.length * logMb);
    for (let k = 0; k < logMb; k++) block.copy(big, k * block.length);
    writeFileSync(file, big);
    const bytes = big.length;
    gc();
    const base = process.memoryUsage().rss;
    let peak = base;
    const consumers = new LineConsumers();
    const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const p = spawnProcess('cat', [file]);
    p.onLine((line) => consumers.line(line));
    await p.exit;
    const wall = performance.now() - t0;
    const d = process.cpuUsage(c0);
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    const mbs = bytes / MB;
    console.log(`| ${name}, real process (cat → RunningProcess.onLine) | ${mbs.toFixed(0)} MB | ${(mbs / (wall / 1000)).toFixed(0)} MB/s (CPU: ${(mbs / ((d.user + d.system) / 1e6)).toFixed(0)} MB/s) | +${((peak - base) / MB).toFixed(1)} MB | ${consumers.lines} lines |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void (async () => {
  console.log(`\n| ${logMb} MB of output | size | throughput (wall) | peak RSS above baseline | lines |`);
  console.log('|---|---|---|---|---|');
  for (const shape of SHAPES.filter((s) => s.kind === 'stream')) {
    streamBench(shape.name, shape);
    await processBench(shape.name, shape);
  }
  console.log(`load average at the end: ${load()}`);
})();
