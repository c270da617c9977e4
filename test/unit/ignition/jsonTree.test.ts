/**
 * The one-pass tree builder (parseJsonTree) must accept exactly what Go's
 * scanner (goCheckValid) accepts: validateIgnition trusts its verdict and only
 * asks goCheckValid for the message. Checked over hand-picked edge cases and
 * seeded mutations (truncation, insertion, deletion, replacement) of the
 * corpus and generated configs; valid inputs must also give the value
 * JSON.parse gives (the last of repeated keys wins, as in Go), and every node's
 * offset and length must span its own text.
 */

import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { goCheckValid } from '../../../src/ignition/go/jsonScan';
import { parseJsonTree, type JsonNode } from '../../../src/ignition/go/jsonTree';
import { referenceFixtures } from '../referenceFixtures';
import { generateVariants, mulberry32 } from './variants';

const EDGE = [
  '0', '-0', '01', '1.', '1.e5', '1e', '1e+', '1E-2', '-', '-a', '.5', '1.5e+10', '[1,]', '[,1]', '{"a":1,}', '{"a" 1}', '{"a":}', '{,}', '{"a":1 "b":2}',
  '"\\u12"', '"\\u12G4"', '"\\x"', '"\\/"', '"a\tb"', '"a\u0001"', '"é😀"', 'é', 'nul', 'nulll', 'tru', 'true false', '[true,false,null]', '  {}  ', '{}x', '',
  ' ', '\u00a0{}', '{}\u00a0', '{"a":[{"b":{}}]}', '['.repeat(500) + ']'.repeat(500), '['.repeat(10001) + ']'.repeat(10001), '{"a":1}}', '[[]', '"',
];

/** The value of a tree (last repeated key wins), checking that each node's text is its value. */
function treeValue(text: string, n: JsonNode): unknown {
  const own = text.slice(n.offset, n.offset + n.length);
  if (n.type === 'array') {
    assert.ok(own.startsWith('[') && own.endsWith(']'), `array node spans ${JSON.stringify(own.slice(0, 40))}`);
    return (n.children ?? []).map((c) => treeValue(text, c));
  }
  if (n.type === 'object') {
    assert.ok(own.startsWith('{') && own.endsWith('}'), `object node spans ${JSON.stringify(own.slice(0, 40))}`);
    const o: Record<string, unknown> = {};
    const kv = n.children ?? [];
    for (let i = 0; i < kv.length; i += 2) {
      assert.equal(kv[i].type, 'string');
      const key = treeValue(text, kv[i]) as string;
      // JSON.parse defines __proto__ as an own property too
      Object.defineProperty(o, key, { value: treeValue(text, kv[i + 1]), enumerable: true, configurable: true, writable: true });
    }
    return o;
  }
  assert.deepEqual(JSON.parse(own), n.value, `node text ${JSON.stringify(own.slice(0, 40))} is not its value`);
  return n.value;
}

/** Nesting depth of a tree, without recursion. */
function depthOf(root: JsonNode): number {
  let max = 0;
  const todo: [JsonNode, number][] = [[root, 1]];
  for (let t = todo.pop(); t; t = todo.pop()) {
    const [n, d] = t;
    if (n.type === 'array' || n.type === 'object') {
      max = Math.max(max, d);
      for (const c of n.children ?? []) todo.push([c, d + 1]);
    }
  }
  return max;
}

describe('ignition: one-pass JSON tree builder', () => {
  it('gives the same verdict as the Go scanner on edge cases and 20,000 seeded mutations', function () {
    // CPU-bound, no race: 20.8 s at load 12.7 on 2 cores (limit 20 s); the same limit as differential.test.ts.
    this.timeout(120_000);
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
        assert.deepEqual(treeValue(text, tree), JSON.parse(text));
      }
    }
    assert.ok(valid > 500 && valid < inputs.length - 5000, `unbalanced inputs: ${valid} valid of ${inputs.length}`);
  });

  it("builds Go's deepest documents (10,000 levels) and refuses one level more, without recursion", () => {
    for (const [open, close] of [['[', ']'], ['{"a":', '}']]) {
      const deepest = open.repeat(10000) + (open === '[' ? '' : '1') + close.repeat(10000);
      assert.equal(goCheckValid(deepest), undefined);
      const tree = parseJsonTree(deepest);
      assert.ok(tree, `${open}×10000 refused`);
      assert.equal(depthOf(tree), 10000);
      const over = open.repeat(10001) + (open === '[' ? '' : '1') + close.repeat(10001);
      assert.equal(goCheckValid(over)?.message, `invalid character '${open[0]}' exceeded max depth`);
      assert.equal(parseJsonTree(over), undefined);
    }
  });
});
