/**
 * The one-pass tree builder (parseJsonTree) must accept exactly what Go's
 * scanner (goCheckValid) accepts: validateIgnition trusts its verdict and only
 * asks goCheckValid for the message. Checked over hand-picked edge cases and
 * seeded mutations (truncation, insertion, deletion, replacement) of the
 * corpus and generated configs; valid inputs must also give the same tree as
 * the unchecked builder.
 */

import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { goCheckValid } from '../../../src/ignition/go/jsonScan';
import { parseJsonTree, parseValidJsonTree } from '../../../src/ignition/go/jsonTree';
import { referenceFixtures } from '../referenceFixtures';
import { generateVariants, mulberry32 } from './variants';

const EDGE = [
  '0', '-0', '01', '1.', '1.e5', '1e', '1e+', '1E-2', '-', '-a', '.5', '1.5e+10', '[1,]', '[,1]', '{"a":1,}', '{"a" 1}', '{"a":}', '{,}', '{"a":1 "b":2}',
  '"\\u12"', '"\\u12G4"', '"\\x"', '"\\/"', '"a\tb"', '"a\u0001"', '"é😀"', 'é', 'nul', 'nulll', 'tru', 'true false', '[true,false,null]', '  {}  ', '{}x', '',
  ' ', '\u00a0{}', '{}\u00a0', '{"a":[{"b":{}}]}', '['.repeat(500) + ']'.repeat(500), '['.repeat(10001) + ']'.repeat(10001), '{"a":1}}', '[[]', '"',
];

describe('ignition: one-pass JSON tree builder', () => {
  it('gives the same verdict as the Go scanner on edge cases and 20,000 seeded mutations', () => {
    const corpus = join(referenceFixtures, 'ignition', 'corpus');
    const seeds = readdirSync(corpus).filter((f) => f.endsWith('.ign')).map((f) => readFileSync(join(corpus, f), 'utf8'));
    for (const v of generateVariants(300)) seeds.push(v.text);
    const rnd = mulberry32(42);
    const pieces = ['{', '}', '[', ']', ',', ':', '"', '\\', ' ', '\n', '\t', '0', '-', '.', 'e', 'E', '+', 't', 'n', 'f', 'é', '\u0001', '\\u00', '1', 'x', '\ud83d\ude00', '\ud800'];
    const inputs = [...EDGE, ...seeds];
    for (let k = 0; k < 20000; k++) {
      const t = seeds[Math.floor(rnd() * seeds.length)];
      const at = Math.floor(rnd() * t.length);
      const piece = pieces[Math.floor(rnd() * pieces.length)];
      const r = rnd();
      inputs.push(r < 0.25 ? t.slice(0, at) : r < 0.5 ? t.slice(0, at) + piece + t.slice(at) : r < 0.75 ? t.slice(0, at) + t.slice(at + 1) : t.slice(0, at) + piece + t.slice(at + 1));
    }
    let valid = 0;
    for (const text of inputs) {
      const goValid = text.length > 0 && goCheckValid(text) === undefined;
      const tree = parseJsonTree(text);
      assert.equal(tree !== undefined, goValid, `verdicts differ on ${JSON.stringify(text.slice(0, 120))}`);
      if (tree && text.length < 100_000) {
        valid++;
        assert.deepEqual(tree, parseValidJsonTree(text));
      }
    }
    // 10,000 levels (Go's limit) may exhaust the JS stack first; the builder then
    // refuses and goCheckValid decides, so it must never accept more than Go.
    const deepest = '['.repeat(10000) + ']'.repeat(10000);
    assert.equal(goCheckValid(deepest), undefined);
    const deep = parseJsonTree(deepest);
    if (deep) assert.equal(deep.type, 'array');
    assert.ok(valid > 500 && valid < inputs.length - 5000, `unbalanced inputs: ${valid} valid of ${inputs.length}`);
  });
});
