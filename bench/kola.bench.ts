// kola discovery benchmark: `npm run bench:kola`.
// A generated tests/kola with 500 tests (250 directories: one test.sh, one
// two-executable directory with YAML metadata, kola.json, data/, nested
// directories), read from disk (src/engine/kolaTree.ts) and named
// (src/cosa/kolaDiscovery.ts) like the Test Explorer does on every refresh;
// also the pure part alone and the report parse of 500 results.
// Target: discovery of 500 tests <= 200 ms.
//
// Then real runs (needs podman and the stand-in image, COSA_STANDIN_IMAGE;
// on a shared machine run it under the heavy lock): `cosa kola run
// ext.config.basic.passes` through the engine and src/engine/kolaRunFollower.ts,
// the code the Test Explorer's run uses; from report.json's mtime (kola wrote
// it) to the follower's report callback (where the controller sets the
// TestRun's results), and in the same run to the old way (read the report
// once the process and its container are gone). BENCH_KOLA_RUNS (default 5;
// 0 skips the real runs). Target: results <= 0.5 s after the report.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { discoverExternalTests } from '../src/cosa/kolaDiscovery';
import { parseKolaReport, testOutcomes } from '../src/cosa/kolaReport';
import { KOLA_REPORT_PATH } from '../src/cosa/kolaRun';
import { resolveCosaSettings } from '../src/cosa/settingsResolution';
import { CosaEngine } from '../src/engine/cosaProcess';
import { followKolaRun, KolaReportRead, readKolaReport } from '../src/engine/kolaRunFollower';
import { readKolaDir } from '../src/engine/kolaTree';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const LIVE_RUNS = Number(process.env.BENCH_KOLA_RUNS ?? 5);
const IMAGE = process.env.COSA_STANDIN_IMAGE ?? 'localhost/coreos-assembler:test';

function makeTree(root: string): void {
  for (let i = 0; i < 250; i++) {
    const dir = path.join(root, `group${i % 10}`, `t${i}`);
    fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'data', 'x'), 'x');
    if (i % 2 === 0) {
      fs.writeFileSync(path.join(dir, 'test.sh'), `#!/bin/bash\n# kola: {"tags": "smoke t${i}", "timeoutMin": 3}\nset -xeuo pipefail\n${'true\n'.repeat(200)}`, { mode: 0o755 });
      fs.writeFileSync(path.join(dir, 'helper'), '#!/bin/bash\nexit 0\n', { mode: 0o755 });
    } else {
      for (const e of ['a', 'b']) {
        fs.writeFileSync(path.join(dir, e), `#!/bin/bash\n## kola:\n##   tags: "x y"\n##   exclusive: false\n##   description: t${i}${e}\nset -e\n`, { mode: 0o755 });
      }
      fs.writeFileSync(path.join(dir, 'kola.json'), '{"platforms": "qemu"}');
      fs.writeFileSync(path.join(dir, 'config.bu'), 'variant: fcos\nversion: 1.5.0\n');
    }
  }
}

function stats(ms: number[]): { median: number; p90: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p90: s[Math.min(s.length - 1, Math.floor(s.length * 0.9))] };
}

/** Wall-clock ms with sub-ms resolution (comparable with file mtimes). */
const wallNow = (): number => performance.timeOrigin + performance.now();

/** Real `cosa kola run` runs: report written -> results (follower) and -> results the old way (after the process). */
async function liveRuns(): Promise<void> {
  const engine = new CosaEngine();
  const ws = fs.mkdtempSync(path.join(tmpdir(), 'kola-bench-live-'));
  try {
    const runtime = await engine.runtime('podman');
    const settings = resolveCosaSettings({ image: IMAGE, runtimeArgs: '--pull=never' }, {});
    const cosa = async (args: string[], purpose: string, env = ''): Promise<void> => {
      const r = await engine.start({ workspace: ws, args, purpose, tty: false, runtime,
        settings: env ? resolveCosaSettings({ image: IMAGE, runtimeArgs: `--pull=never ${env}` }, {}) : settings }).result;
      if (r.exitCode !== 0) {
        throw new Error(`cosa ${args.join(' ')}: exit ${r.exitCode} ${r.failure?.message ?? ''}`);
      }
    };
    execFileSync('bash', [path.join(__dirname, '..', 'test', 'fixtures', 'config-repo', 'make-config-repo.sh'), path.join(ws, '.cfg')], { stdio: 'ignore' });
    await cosa(['shell', 'bash', '-ec', 'cosa init file:///srv/.cfg; cosa build; cosa osbuild qemu'], 'bench-kola-setup', '-e COSA_STANDIN_BUILD_SECONDS=0.2');
    const early: number[] = [];
    const late: number[] = [];
    for (let i = 0; i < LIVE_RUNS; i++) {
      const since = Date.now();
      const p = engine.start({ workspace: ws, args: ['kola', 'run', 'ext.config.basic.passes'], purpose: `bench-kola-${i}`, tty: false, settings, runtime });
      let shown: { at: number; read: KolaReportRead } | undefined;
      const result = await followKolaRun(p, ws, since, { report: (read) => { shown = { at: wallNow(), read }; } });
      // the old way: the report read once the process (and its container) had ended
      const old = await readKolaReport(ws, since);
      const oldAt = wallNow();
      const written = fs.statSync(path.join(ws, KOLA_REPORT_PATH)).mtimeMs;
      if (result.exitCode !== 0 || !shown || !('outcomes' in shown.read) || shown.read.outcomes[0]?.result !== 'PASS' || !('outcomes' in old)) {
        throw new Error(`run ${i}: exit ${result.exitCode}, report ${JSON.stringify(shown?.read)}`);
      }
      early.push(shown.at - written);
      late.push(oldAt - written);
    }
    const e = stats(early);
    const l = stats(late);
    console.log(`report.json written -> results set (${LIVE_RUNS} real runs of ext.config.basic.passes, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}):`);
    console.log(`  at kola's last line (now):        median ${e.median.toFixed(0)} ms, max ${Math.max(...early).toFixed(0)} ms  [${early.map((x) => x.toFixed(0)).join(' ')}]`);
    console.log(`  after the process ended (before): median ${l.median.toFixed(0)} ms, max ${Math.max(...late).toFixed(0)} ms  [${late.map((x) => x.toFixed(0)).join(' ')}]  (${(l.median / e.median).toFixed(1)}x later)`);
    console.log(Math.max(...early) <= 500 ? 'target met: every run <= 500 ms' : 'TARGET MISSED: a run > 500 ms');
  } finally {
    await engine.dispose();
    fs.rmSync(ws, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(tmpdir(), 'kola-bench-'));
  try {
    makeTree(root);
    const full: number[] = [];
    const pure: number[] = [];
    let count = 0;
    const listing = await readKolaDir(root);
    for (let i = 0; i < RUNS; i++) {
      let t = process.hrtime.bigint();
      const d = discoverExternalTests(await readKolaDir(root));
      full.push(Number(process.hrtime.bigint() - t) / 1e6);
      count = d.tests.length;
      t = process.hrtime.bigint();
      discoverExternalTests(listing);
      pure.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const report = JSON.stringify({
      tests: Array.from({ length: 500 }, (_, i) => ({ name: `ext.config.t${i}`, subtests: null, result: i % 7 ? 'PASS' : 'FAIL', duration: 1e9, output: i % 7 ? '' : '        harness.go:1: kolet failed: x\n' })),
      result: 'FAIL', platform: 'qemu', version: '',
    });
    const parse: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = process.hrtime.bigint();
      testOutcomes(parseKolaReport(report));
      parse.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const f = stats(full);
    const p = stats(pure);
    const r = stats(parse);
    console.log(`tests discovered: ${count} (runs: ${RUNS}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')})`);
    console.log(`read + discover (disk):  median ${f.median.toFixed(1)} ms, p90 ${f.p90.toFixed(1)} ms`);
    console.log(`discover (listing only): median ${p.median.toFixed(2)} ms, p90 ${p.p90.toFixed(2)} ms  (${(f.median / p.median).toFixed(0)}x less than with the disk)`);
    console.log(`report.json of 500 tests: median ${r.median.toFixed(2)} ms, p90 ${r.p90.toFixed(2)} ms`);
    console.log(f.median <= 200 ? 'target met: <= 200 ms' : 'TARGET MISSED: > 200 ms');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  if (LIVE_RUNS > 0) {
    await liveRuns();
  }
}

void main();
