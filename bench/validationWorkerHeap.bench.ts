/**
 * Memory of the validation worker (src/engine/validationWorker.ts, issue 14): 10 MB Butane and Ignition
 * configs of each shape of test/unit/pathologicalShapes.ts validated by the bundled worker under its
 * real heap limit (1024 MB), each in a fresh worker: the answer (findings, or the out-of-memory finding),
 * the wall time, and the peak RSS of this process above its baseline while the worker ran (the worker's
 * heap is most of it; the main thread only waits).
 *
 * Run: npx tsx bench/validationWorkerHeap.bench.ts   (BENCH_MB=10, BENCH_SHAPES=butane: many files, BENCH_HEAP_MB=1024)
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationWorker } from '../src/engine/validationWorker';
import { buildValidationWorker } from '../test/support/validationWorkerBundle';
import { SHAPES } from '../test/unit/pathologicalShapes';

const MB = 1024 * 1024;
const size = Number(process.env.BENCH_MB ?? 10);
const heapMb = process.env.BENCH_HEAP_MB ? Number(process.env.BENCH_HEAP_MB) : undefined;
const only = process.env.BENCH_SHAPES?.split(',');
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');

void (async () => {
  const dir = mkdtempSync(join(tmpdir(), 'worker-heap-bench-'));
  const script = await buildValidationWorker(dir, { minify: true });
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}, load average at start ${load()}, worker heap limit ${heapMb ?? 'default (1024)'} MB`);
  console.log(`\n| ${size} MB config | answer | wall s | peak RSS above baseline |`);
  console.log('|---|---|---|---|');
  for (const shape of SHAPES.filter((s) => (s.kind === 'butane' || s.kind === 'ignition') && (!only || only.some((o) => s.name.includes(o))))) {
    let text: string | undefined = shape.make(size * MB);
    const bytes = text.length;
    const worker = new ValidationWorker(script, { ...(heapMb ? { maxHeapMb: heapMb } : {}), restartAfterMs: 1e9 });
    const base = process.memoryUsage().rss;
    let peak = base;
    const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 25);
    const t0 = performance.now();
    const findings = await worker.validate(shape.name, shape.kind as 'butane' | 'ignition', () => { const t = text!; text = undefined; return t; });
    const wall = (performance.now() - t0) / 1000;
    clearInterval(timer);
    worker.dispose();
    const oom = findings?.find((f) => /more than \d+ MB of memory/.test(f.message));
    const answer = oom ? `out of memory: "${oom.message}"` : `${findings?.length ?? 'no'} findings`;
    console.log(`| ${shape.name} (${(bytes / MB).toFixed(1)} MB) | ${answer} | ${wall.toFixed(1)} | +${((peak - base) / MB).toFixed(0)} MB |`);
    await new Promise((r) => setTimeout(r, 500)); // the stopped worker's memory is returned
  }
  rmSync(dir, { recursive: true, force: true });
  console.log(`load average at the end: ${load()}`);
})();
