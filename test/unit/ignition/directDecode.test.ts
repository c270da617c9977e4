/**
 * The fast path of validateIgnition (src/ignition/directDecode.ts, decoded
 * straight from the text; entries placed by src/ignition/locate.ts) against
 * the general path (syntax tree + GoDecoder, itself held to ignition-validate
 * by differential.test.ts): identical results (entries, messages, lines,
 * columns, offsets, lengths, version, fatal) on the corpus, generated variants
 * of every spec version, byte-level mutations and edge cases, and the fast
 * path really taken for the plain ones.
 */

import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateIgnition, type IgnitionResult } from '../../../src/ignition';
import { validateIgnitionGenerally, validateIgnitionValue, validatePlainIgnition } from '../../../src/ignition/validate';
import { bigIgnitionConfig } from '../../support/bigIgnitionConfig';
import { referenceFixtures } from '../referenceFixtures';
import { generateVariants, mulberry32 } from './variants';

const LATER_SPECS = ['3.4.0', '3.5.0', '3.6.0', '3.7.0-experimental'];

/** Hand-written cases at the edges of "plain" (each either takes the fast path or must not). */
const EDGES: string[] = [
  '', ' ', '[]', '{}', '"x"', 'null', '\ufeff{"ignition":{"version":"3.3.0"}}', '{"ignition":{"version":"3.3.0"}} x',
  ' \n{"ignition":{"version":"3.3.0"}}\n ',
  '{"ignition":{"version":"3.3.0"},"ignition":{"version":"3.3.0"}}',
  '{"ignition":{"version":"3.3.0","version":"3.2.0"}}',
  '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"a"}]},"storage":{"directories":[{"path":"b"}]}}',
  '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"a"}]},"storage":{"files":[{"path":"b","mode":-1}]}}',
  '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/a","path":"b"}]}}',
  '{"Ignition":{"version":"3.3.0"}}', '{"ignition":{"Version":"3.3.0"}}', '{"ignition":{"version":"3.3.0"},"Storage":{}}',
  '{"ignition":{"version":"3.3\\u002e0"}}', '{"ignition":{"version":"3.3.0\\n"}}', '{"ignition":{"version":3}}',
  '{"ignition":{"version":"3.3.0"}', '{"ignition":{"version":"3.3', '{"ignition":{"version":"3.3.0"},}',
  '{"ignition":{"version":"3.3.0"},"storage":null}', '{"ignition":{"version":"3.3.0"},"storage":{"files":null}}',
  '{"ignition":{"version":"3.3.0"},"storage":[]}', '{"ignition":{"version":"3.3.0"},"storage":{"files":{}}}',
  '{"ignition":{"version":"3.9.0"}}', '{"ignition":{"version":"3.3.0-experimental"}}', '{"ignition":{"version":""}}', '{"ignition":{}}',
  '{"storage":{"files":[{"path":"rel"}]},"ignition":{"config":{"merge":[{"source":"ftp://x"}]},"version":"3.3.0"}}',
  '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/a","mode":420.0}]}}',
  '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/a","mode":4.2e2}]}}',
  '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/a","mode":-0}]}}',
  '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/a","mode":9223372036854775807}]}}',
  '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/a","mode":9223372036854775808}]}}',
  '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/a","mode":"420"}]}}',
  '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"p\\u0061th":"/a//b"}]}}',
  '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/\\u00e9t\\u00e9//\\ud83d\\ude00"}]}}',
  '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/é\ud83d\ude00/x","mode":99999},{"path":"/é\ud83d\ude00/x"}]}}',
  '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/a\tb"}]}}',
  '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/a","extra":1}]}}',
  '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/a/"},{"path":"/a/."},{"path":"/a/.."},{"path":"/..a"},{"path":"/"},{"path":"//"},{"path":"/a\\n/"}]}}',
  '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/a","contents":{"source":"data:,a b"}},{"path":"/b","contents":{"source":"data:;base64,YQ=="}},{"path":"/c","contents":{"source":"data:;base64,YQ=!"}},{"path":"/d","contents":{"source":"data:,%zz"}},{"path":"/e","contents":{"source":"data:,\\u00e9"}},{"path":"/f","contents":{"source":"http://x\\u0001"}}]}}',
  '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/a","contents":{"source":"data:,x","verification":{"hash":"sha512-é"}}}]}}',
  '{"ignition":{"version":"3.3.0"},"systemd":{"units":[{"name":"a.service","enabled":true,"contents":"[Unit]\\n"}]}}',
];

/** Every result of the fast path equals the general path's; returns the fast path's result when it took `text`. */
function sameResults(text: string): IgnitionResult | undefined {
  const general = validateIgnitionGenerally(text);
  const plain = validatePlainIgnition(text);
  const label = JSON.stringify(text.length > 300 ? text.slice(0, 300) + '…' : text);
  if (plain !== undefined) assert.deepEqual(plain, general, `fast path differs on ${label}`);
  assert.deepEqual(validateIgnition(text), general, `validateIgnition differs on ${label}`);
  return plain;
}

function laterSpecs(text: string): string[] {
  return LATER_SPECS.map((v) => text.replace(/"version": ?"3\.[0-3]\.0"/, `"version": "${v}"`));
}

describe('ignition: the fast path for plain documents', function () {
  // CPU-bound, no race: ~20,000 inputs, each validated three times
  this.timeout(120_000);

  it('agrees with the general path on edge cases, the corpus and generated variants of every spec version', () => {
    const corpus = join(referenceFixtures, 'ignition', 'corpus');
    const inputs = [...EDGES, ...readdirSync(corpus).filter((f) => f.endsWith('.ign')).map((f) => readFileSync(join(corpus, f), 'utf8'))];
    generateVariants(3000).forEach((v, i) => inputs.push(v.text, ...(i < 1000 ? laterSpecs(v.text) : [])));
    let plain = 0;
    let plainWithEntries = 0;
    for (const text of inputs) {
      const r = sameResults(text);
      if (r) plain++;
      if (r && r.entries.length > 0) plainWithEntries++;
    }
    // not vacuous: most inputs are plain, and many of those have entries to place
    assert.ok(plain > inputs.length * 0.3 && plain < inputs.length, `${plain} of ${inputs.length} inputs took the fast path`);
    assert.ok(plainWithEntries > 500, `only ${plainWithEntries} plain inputs had entries`);
  });

  it('agrees on 10,000 byte-level mutations', () => {
    const seeds = generateVariants(200).flatMap((v) => [v.text, ...laterSpecs(v.text)]);
    const rnd = mulberry32(7);
    const pieces = ['{', '}', '[', ']', ',', ':', '"', '\\', ' ', '\n', '0', '-', '.', 'e', 't', 'n', 'é', '\u0001', '\\u00', '1', 'x', '/', '\ud83d\ude00', 'null', '"x":1,'];
    let plain = 0;
    for (let k = 0; k < 10000; k++) {
      const t = seeds[Math.floor(rnd() * seeds.length)];
      const at = Math.floor(rnd() * t.length);
      const piece = pieces[Math.floor(rnd() * pieces.length)];
      const r = rnd();
      const text = r < 0.2 ? t.slice(0, at) : r < 0.5 ? t.slice(0, at) + piece + t.slice(at) : r < 0.75 ? t.slice(0, at) + t.slice(at + 1) : t.slice(0, at) + piece + t.slice(at + 1);
      if (sameResults(text)) plain++;
    }
    assert.ok(plain > 1000, `only ${plain} mutations took the fast path`);
  });

  it('takes the big generated config (1.28 MB) with no, one and thousands of entries', () => {
    const big = bigIgnitionConfig(1024 * 1024);
    const oneError = big.replace('"mode": 420', '"mode": 4200');
    const nearTheEnd = big.slice(0, big.lastIndexOf('"mode": 420')) + '"mode": 9999' + big.slice(big.lastIndexOf('"mode": 420') + 11);
    const manyWarnings = big.replace(/"mode": 420/g, '"mode": 2541');
    for (const text of [big, oneError, nearTheEnd, manyWarnings]) assert.ok(sameResults(text), 'the big config left the fast path');
    assert.equal(validateIgnition(oneError).entries.length, 1);
    assert.ok(validateIgnition(manyWarnings).entries.length > 2000);
  });

  it('a value (a translated Butane config) gives what its JSON text gives, without positions, or leaves it to the text', () => {
    const corpus = join(referenceFixtures, 'ignition', 'corpus');
    const texts = [...EDGES, ...readdirSync(corpus).filter((f) => f.endsWith('.ign')).map((f) => readFileSync(join(corpus, f), 'utf8'))];
    generateVariants(2000).forEach((v) => texts.push(v.text, ...laterSpecs(v.text)));
    const values: unknown[] = [];
    for (const t of texts) {
      try {
        values.push(JSON.parse(t));
      } catch {
        // not JSON: nothing to take as a value
      }
    }
    // values that JSON.stringify prints differently from a parse of it: -0, unsafe integers, fractions, undefined, lone surrogates
    const rnd = mulberry32(11);
    const odd = [-0, 2 ** 53, 1e21, 0.5, undefined, null, '\ud800', 'a\udc00b', true, [], {}];
    const mutate = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map((e) => (rnd() < 0.02 ? odd[Math.floor(rnd() * odd.length)] : mutate(e)));
      if (typeof v === 'object' && v !== null) {
        return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, rnd() < 0.02 ? odd[Math.floor(rnd() * odd.length)] : mutate(e)]));
      }
      return v;
    };
    for (const v of values.slice(0, 2000)) values.push(mutate(v));
    let taken = 0;
    let takenWithEntries = 0;
    for (const v of values) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) continue;
      const text = JSON.stringify(v);
      const fromValue = validateIgnitionValue(v as Record<string, unknown>);
      if (fromValue === undefined) continue;
      taken++;
      const r = validateIgnition(text);
      assert.equal(r.fatal, undefined, text.slice(0, 300));
      assert.deepEqual(fromValue, r.entries.map((e) => ({ level: e.level, path: e.path, message: e.message })), `the value path differs on ${text.slice(0, 300)}`);
      if (fromValue.length > 0) takenWithEntries++;
    }
    // not vacuous: most values are taken, many of them with entries
    assert.ok(taken > values.length * 0.3, `${taken} of ${values.length} values were taken`);
    assert.ok(takenWithEntries > 300, `only ${takenWithEntries} taken values had entries`);
    // lone surrogates are left to the text (Go replaces them), -0 is 0
    assert.equal(validateIgnitionValue({ ignition: { version: '3.3.0' }, storage: { files: [{ path: '/a\ud800' }] } }), undefined);
    const paired = { ignition: { version: '3.3.0' }, storage: { files: [{ path: 'rel/\ud83d\ude00' }] } };
    assert.deepEqual(validateIgnitionValue(paired), validateIgnition(JSON.stringify(paired)).entries.map((e) => ({ level: e.level, path: e.path, message: e.message })));
    assert.equal(validateIgnitionValue(paired)?.length, 1, 'a relative path is an error');
    assert.deepEqual(validateIgnitionValue({ ignition: { version: '3.3.0' }, storage: { files: [{ path: '/a', mode: -0 }] } }), []);
    assert.equal(validateIgnitionValue({ ignition: { version: '3.3.0' }, storage: { files: [{ path: '/a', mode: 2 ** 53 }] } }), undefined);
  });
});
