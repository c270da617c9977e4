/**
 * A fresh validation worker's first answer (issue 14: a 10 MB config in <= 1 s; and what opening any
 * config costs, since the worker starts with the first one): the time from `new Worker` to the
 * findings of its first document, for a tiny Butane config, a tiny Ignition config and a valid
 * 10 MB Butane config ("butane: many files" of test/unit/pathologicalShapes.ts), each in a new worker.
 * With BENCH_COMPARE_WORKER=<another build's dist/validationWorker.js> both builds are timed
 * alternately in one run and the ratio is printed.
 *
 * Run: npm run package (or node scripts/build.mjs --production), then npm run bench:worker-start
 *      (BENCH_RUNS=8)
 */

import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ValidationRequest, ValidationResponse } from '../src/engine/validationWorker';
import { SHAPES } from '../test/unit/pathologicalShapes';
import { median } from './measure';

const runs = Number(process.env.BENCH_RUNS ?? 8);
const builds: [string, string][] = [['this build', join(__dirname, '../dist/validationWorker.js')]];
if (process.env.BENCH_COMPARE_WORKER) builds.push(['compared', process.env.BENCH_COMPARE_WORKER]);
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');

const tenMb = SHAPES.find((s) => s.name === 'butane: many files')!.make(10 * 1024 * 1024);
const documents: [string, ValidationRequest['kind'], string][] = [
  ['tiny Butane config', 'butane', 'variant: fcos\nversion: 1.5.0\nstorage:\n  files:\n    - path: /etc/motd\n      contents:\n        inline: hello\n'],
  ['tiny Ignition config', 'ignition', '{"ignition":{"version":"3.4.0"},"storage":{"files":[{"path":"/etc/motd","contents":{"source":"data:,hello"}}]}}'],
  ['10 MB Butane config, many files', 'butane', tenMb],
];

/** ms from `new Worker(script)` to the answer of its first request. */
async function firstAnswer(script: string, kind: ValidationRequest['kind'], text: string): Promise<number> {
  const t0 = performance.now();
  const worker = new Worker(script);
  const answer = await new Promise<ValidationResponse>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.postMessage({ id: 1, kind, key: 'doc', update: { text } } satisfies ValidationRequest);
  });
  const ms = performance.now() - t0;
  await worker.terminate();
  if (!answer.findings) throw new Error('the worker asked for the text again');
  return ms;
}

void (async () => {
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}, load average at start ${load()}, ${runs} runs, builds alternated`);
  console.log(`\n| new worker -> first findings, median (min-max) | ${builds.map(([b]) => b).join(' | ')} |${builds.length > 1 ? ' ratio |' : ''}`);
  console.log(`|---|${builds.map(() => '---|').join('')}${builds.length > 1 ? '---|' : ''}`);
  for (const [name, kind, text] of documents) {
    const times = builds.map((): number[] => []);
    for (let run = 0; run < runs; run++) {
      for (const [i, [, script]] of builds.entries()) times[i]!.push(await firstAnswer(script, kind, text));
    }
    const cells = times.map((t) => `${median(t).toFixed(0)} ms (${Math.min(...t).toFixed(0)}-${Math.max(...t).toFixed(0)})`);
    const ratio = times.length > 1 ? ` ${(median(times[0]!) / median(times[1]!)).toFixed(2)} |` : '';
    console.log(`| ${name} | ${cells.join(' | ')} |${ratio}`);
  }
  console.log(`\nload average at the end: ${load()}`);
})();
