/**
 * 100 MB of build output through the line splitter and every line consumer
 * (test/unit/pathologicalShapes.ts, LineConsumers), in-process in 64 KiB chunks
 * and through a real process (`cat` of a 100 MB file -> RunningProcess.onLine),
 * with throughput and peak memory above the baseline, and the floor of each: the same
 * output split into lines that go to no consumer. Run by bench/linear.bench.ts
 * twice in one run: as TypeScript through tsx, and bundled by esbuild as the .vsix
 * ships it (the form the extension host runs).
 *
 * Run alone: node --expose-gc --import tsx bench/logThroughput.ts   (BENCH_LOG_MB=100, BENCH_FORM=label)
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExeca, spawnProcess } from '../src/engine/processRunner';
import { LineConsumers, SHAPES, type Shape } from '../test/unit/pathologicalShapes';
import { measure } from './measure';

const MB = 1024 * 1024;
const logMb = Number(process.env.BENCH_LOG_MB ?? 100);
const form = process.env.BENCH_FORM ?? 'tsx';
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/** What each line goes to: every consumer, or nothing (the floor: splitting, and for a real process reading and decoding). */
type Sink = 'consumers' | 'floor';
const label = (name: string, sink: Sink): string => (sink === 'floor' ? `${name}, floor (no consumer)` : name);

// 100 MB of build output through every line consumer
function streamBench(name: string, shape: Shape, sink: Sink): void {
  const block = shape.make(MB);
  const chunks: string[] = [];
  for (let i = 0; i < block.length; i += 65536) chunks.push(block.slice(i, i + 65536));
  gc();
  const base = process.memoryUsage().rss;
  let peak = base;
  const consumers = new LineConsumers();
  if (sink === 'floor') consumers.line = () => { consumers.lines++; };
  const m = measure(() => {
    for (let k = 0; k < logMb; k++) {
      for (const c of chunks) consumers.push(c);
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    consumers.end();
  });
  const mbs = (block.length * logMb) / MB;
  console.log(`| ${label(name, sink)}, in-process | ${form} | ${mbs.toFixed(0)} MB | ${(mbs / (m.wall / 1000)).toFixed(0)} MB/s (CPU: ${(mbs / (m.cpu / 1000)).toFixed(0)} MB/s) | +${((peak - base) / MB).toFixed(1)} MB | ${consumers.lines} lines |`);
}

async function processBench(name: string, shape: Shape, sink: Sink): Promise<void> {
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
    p.onLine(sink === 'floor' ? () => { consumers.lines++; } : (line) => consumers.line(line));
    await p.exit;
    const wall = performance.now() - t0;
    const d = process.cpuUsage(c0);
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    const mbs = bytes / MB;
    console.log(`| ${label(name, sink)}, real process (cat → RunningProcess.onLine) | ${form} | ${mbs.toFixed(0)} MB | ${(mbs / (wall / 1000)).toFixed(0)} MB/s (CPU: ${(mbs / ((d.user + d.system) / 1e6)).toFixed(0)} MB/s) | +${((peak - base) / MB).toFixed(1)} MB | ${consumers.lines} lines |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void (async () => {
  // execa is loaded once per extension host: loading it (and, through tsx, compiling it) is not part of the output's cost
  await loadExeca();
  for (const shape of SHAPES.filter((s) => s.kind === 'stream')) {
    for (const sink of ['floor', 'consumers'] as const) {
      streamBench(shape.name, shape, sink);
      await processBench(shape.name, shape, sink);
    }
  }
})();
