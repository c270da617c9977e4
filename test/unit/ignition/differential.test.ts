/**
 * Differential test: our validator vs the real `ignition-validate` (Debian
 * package `ignition` 2.14, spec 3.0–3.3) over the reference corpus and several
 * thousand seeded variants. Every case the oracle supports must agree on
 * stdout, stderr and exit code (lines may differ only in order where Go
 * iterates a map, which the oracle itself does randomly).
 */

import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { referenceFixtures } from '../referenceFixtures';
import { compare, oracleAvailable, oracleSupports, ours, runOracleAll, type Outcome } from './oracle';
import { generateVariants } from './variants';

const VARIANTS = Number(process.env.IGNITION_VARIANTS ?? 3000);
const corpusDir = join(referenceFixtures, 'ignition', 'corpus');

interface Case { name: string; file: string; text: string }

async function diffCases(cases: Case[], outDir: string): Promise<{ agree: number; orderOnly: number; failures: string[] }> {
  const oracle = await runOracleAll(cases.map((c) => c.file), outDir);
  const results = cases.map((c, i) => ({ c, oracle: oracle[i]!, mine: ours(c.text) }));
  let agree = 0;
  let orderOnly = 0;
  const failures: string[] = [];
  const show = (o: Outcome): string => `[exit ${o.exitCode}] stdout=${JSON.stringify(o.stdout)} stderr=${JSON.stringify(o.stderr)}`;
  for (const { c, oracle, mine } of results) {
    const v = compare(oracle, mine);
    if (v === 'same') agree++;
    else if (v === 'order-only') { agree++; orderOnly++; }
    else failures.push(`${c.name}\n  ignition-validate ${show(oracle)}\n  ours              ${show(mine)}`);
  }
  return { agree, orderOnly, failures };
}

describe('ignition: differential test against ignition-validate', function () {
  this.timeout(120_000);
  let workDir: string;

  before(function () {
    const o = oracleAvailable();
    if (!o.ok) throw new Error(`ignition-validate is required for this test: ${o.why}`);
    workDir = mkdtempSync(join(tmpdir(), 'ign-diff-'));
  });
  after(() => { if (workDir) rmSync(workDir, { recursive: true, force: true }); });

  it('agrees on every corpus .ign file the oracle supports (spec 3.0–3.3)', async () => {
    const files = readdirSync(corpusDir).filter((f) => f.endsWith('.ign')).sort();
    assert.ok(files.length >= 30, `expected the corpus in ${corpusDir}`);
    const cases = files.map((f) => ({ name: f, file: join(corpusDir, f), text: readFileSync(join(corpusDir, f), 'utf8') }))
      .filter((c) => oracleSupports(c.text));
    assert.ok(cases.length >= 25, `only ${cases.length} corpus files within spec 3.0–3.3`);
    const r = await diffCases(cases, join(workDir, 'corpus-out'));
    assert.deepEqual(r.failures, [], `${r.failures.length} of ${cases.length} corpus files disagree`);
  });

  it(`agrees on ${VARIANTS} generated variants (wrong types, paths, URLs, duplicates, unknown keys, truncation, modes, hashes, labels, units…)`, async function () {
    // ~2,700 runs of ignition-validate at ~30 ms of CPU each (mostly the kernel's, starting a Go
    // binary): its length is the work's and the machine's load (past 120 s twice while other work
    // shared the two cores), not a hang; each run has its own hang guard (ORACLE_HANG_MS).
    this.timeout(0);
    const variants = generateVariants(VARIANTS);
    const cases: Case[] = [];
    for (const v of variants) {
      if (!oracleSupports(v.text)) continue;
      const file = join(workDir, v.name);
      writeFileSync(file, v.text);
      cases.push({ name: v.name, file, text: v.text });
    }
    assert.ok(cases.length > VARIANTS * 0.8, `too few variants within the oracle's versions: ${cases.length}`);
    const r = await diffCases(cases, join(workDir, 'variants-out'));
    // a variety check, so the generator cannot silently degrade into trivial cases
    const outcomes = cases.map((c) => ours(c.text));
    const invalid = outcomes.filter((o) => o.exitCode !== 0).length;
    assert.ok(invalid > cases.length * 0.3 && invalid < cases.length * 0.95, `unbalanced variants: ${invalid}/${cases.length} invalid`);
    assert.deepEqual(r.failures.slice(0, 10), [], `${r.failures.length} of ${cases.length} variants disagree (first 10 shown)`);
  });
});
