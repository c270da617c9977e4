// kola discovery benchmark: `npm run bench:kola`.
// A generated tests/kola with 500 tests (250 directories: one test.sh, one
// two-executable directory with YAML metadata, kola.json, data/, nested
// directories), read from disk (src/engine/kolaTree.ts) and named
// (src/cosa/kolaDiscovery.ts) like the Test Explorer does on every refresh;
// also the pure part alone and the report parse of 500 results.
// Target: discovery of 500 tests <= 200 ms.

import * as fs from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { discoverExternalTests } from '../src/cosa/kolaDiscovery';
import { parseKolaReport, testOutcomes } from '../src/cosa/kolaReport';
import { readKolaDir } from '../src/engine/kolaTree';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);

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
}

void main();
