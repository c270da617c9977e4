/**
 * The validators' bundles (scripts/build.mjs: dist/validationWorker.js, dist/ignition.js) take the yaml
 * package's ESM build instead of its CommonJS one, for speed (bench/RESULTS.md). The two must give the same
 * Butane findings: both bundles are built here as scripts/build.mjs builds them and compared on the Butane
 * corpus, seeded mutations of it and the pathological shapes.
 */

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { validateButane as ValidateButane } from '../../src/ignition';
import { buildButaneChecks } from '../support/validationWorkerBundle';
import { SHAPES } from './pathologicalShapes';
import { referenceFixtures } from './referenceFixtures';

const YAML_ESM = './node_modules/yaml/browser/index.js';

describe('the validators\' yaml build (ESM) gives the findings of the CommonJS build', function () {
  this.timeout(120_000);
  let dir: string;
  const bundle = async (name: string, alias: Record<string, string>): Promise<{ code: string; validateButane: typeof ValidateButane }> => {
    const outfile = path.join(dir, `${name}.js`);
    await esbuild.build({ entryPoints: ['src/ignition/index.ts'], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', mainFields: ['module', 'main'], alias, logLevel: 'silent' });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a bundle built just now
    return { code: fs.readFileSync(outfile, 'utf8'), validateButane: (require(outfile) as { validateButane: typeof ValidateButane }).validateButane };
  };
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yaml-build-'));
    await buildButaneChecks(dir); // both bundles load it from beside them, as from dist/
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('scripts/build.mjs uses the ESM build this test compares', () => {
    assert.ok(fs.readFileSync('scripts/build.mjs', 'utf8').includes(`yaml: '${YAML_ESM}'`));
  });

  it('same findings on the corpus, 1,000 seeded mutations of it and each Butane shape', async () => {
    const cjs = await bundle('cjs', {});
    const esm = await bundle('esm', { yaml: YAML_ESM });
    assert.ok(cjs.code.includes('LOG_TOKENS') && !esm.code.includes('LOG_TOKENS'), 'the two bundles hold different yaml builds');
    const corpus = path.join(referenceFixtures, 'ignition', 'corpus');
    const texts = fs.readdirSync(corpus).filter((f) => f.endsWith('.bu')).map((f) => fs.readFileSync(path.join(corpus, f), 'utf8'));
    assert.ok(texts.length > 100);
    let seed = 14;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const mutations: string[] = [];
    for (let k = 0; k < 1000; k++) {
      const chars = [...texts[k % texts.length]!];
      for (let m = 0; m < 3; m++) {
        const i = Math.floor(rnd() * chars.length);
        const c = ' :-\n"\'{}[]#&*!|>?%@`,x0\t'[Math.floor(rnd() * 25)]!;
        const op = rnd();
        if (op < 0.4) chars[i] = c;
        else if (op < 0.7) chars.splice(i, 1);
        else chars.splice(i, 0, c);
      }
      mutations.push(chars.join(''));
    }
    const shapes = SHAPES.filter((s) => s.kind === 'butane').map((s) => s.make(5_000, rnd));
    let withFindings = 0;
    for (const text of [...texts, ...mutations, ...shapes]) {
      const want = cjs.validateButane(text, { filesDir: true });
      assert.deepEqual(esm.validateButane(text, { filesDir: true }), want, text.slice(0, 300));
      if (want.entries.length > 0) withFindings++;
    }
    assert.ok(withFindings > 500, `${withFindings} inputs with findings`);
  });
});
