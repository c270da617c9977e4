// Thousands of broken builds.json / meta.json files, seeded so every run sees
// the same ones: the parsers must never throw, and always return a model the
// tree can render (arrays of strings and images, an error when input is bad).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseBuildMeta } from '../../src/cosa/buildMeta';
import { parseBuildsIndex } from '../../src/cosa/buildsIndex';
import { referenceFixtures } from './referenceFixtures';
import { mulberry32 } from '../support/prng';

const prng = mulberry32;

const CHARS = '{}[]":,\\ \n0123456789abcdefnulltrue-.eE\u0000\u2028é𝄞';
const VALUES: unknown[] = [null, true, 0, -1, 1e308, '', 'x', '../../etc', [], {}, [1, 'a'], { path: 1 }, { path: 'p', sha256: 2 }];

function mutateText(text: string, rnd: () => number): string {
  const pos = Math.floor(rnd() * (text.length + 1));
  const len = Math.floor(rnd() * 20);
  const ch = CHARS[Math.floor(rnd() * CHARS.length)]!;
  switch (Math.floor(rnd() * 5)) {
    case 0: return text.slice(0, pos); // truncated / half-written
    case 1: return text.slice(0, pos) + text.slice(pos + len);
    case 2: return text.slice(0, pos) + ch + text.slice(pos);
    case 3: return text.slice(0, pos) + ch + text.slice(pos + 1);
    default: return text.slice(0, pos) + text.slice(pos, pos + len) + text.slice(pos);
  }
}

function mutateJson(value: unknown, rnd: () => number, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > 6) {
    return rnd() < 0.5 ? VALUES[Math.floor(rnd() * VALUES.length)] : value;
  }
  if (Array.isArray(value)) {
    const copy = [...value];
    if (copy.length && rnd() < 0.7) {
      const i = Math.floor(rnd() * copy.length);
      copy[i] = mutateJson(copy[i], rnd, depth + 1);
    } else {
      copy.push(VALUES[Math.floor(rnd() * VALUES.length)]);
    }
    return copy;
  }
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  const r = rnd();
  if (keys.length && r < 0.6) {
    const k = keys[Math.floor(rnd() * keys.length)]!;
    copy[k] = mutateJson(copy[k], rnd, depth + 1);
  } else if (keys.length && r < 0.8) {
    delete copy[keys[Math.floor(rnd() * keys.length)]!];
  } else {
    copy[`k${Math.floor(rnd() * 100)}`] = VALUES[Math.floor(rnd() * VALUES.length)];
  }
  return copy;
}

function variants(seedText: string, seed: number, count: number): string[] {
  const rnd = prng(seed);
  const parsed = JSON.parse(seedText) as unknown;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = rnd() < 0.5 ? JSON.stringify(mutateJson(parsed, rnd), null, 4) : seedText;
    const rounds = 1 + Math.floor(rnd() * 3);
    for (let j = 0; j < rounds; j++) {
      if (rnd() < 0.6) {
        text = mutateText(text, rnd);
      }
    }
    out.push(text);
  }
  return out;
}

describe('build directory parsers under fuzzing (seeded)', () => {
  it('parseBuildsIndex survives 5000 mutated builds.json files', () => {
    const seed = JSON.stringify({
      'schema-version': '1.0.0',
      builds: [{ id: '42.20260101.3.0', arches: ['x86_64', 'aarch64'] }, { id: '42.20260101.2.0', arches: ['x86_64'] }],
      timestamp: '2026-01-01T12:00:05Z',
      tags: [{ name: 'keep', target: '42.20260101.2.0', created: '2026-01-01T00:00:00Z' }],
    }, null, 4);
    let withError = 0;
    for (const text of variants(seed, 42, 5000)) {
      const index = parseBuildsIndex(text);
      assert.ok(Array.isArray(index.builds) && Array.isArray(index.tags));
      for (const b of index.builds) {
        assert.equal(typeof b.id, 'string');
        assert.ok(b.arches.every((a: unknown) => typeof a === 'string'));
      }
      if (index.error !== undefined) {
        assert.equal(typeof index.error, 'string');
        withError++;
      }
    }
    assert.ok(withError > 1000, `the mutations really break files (${withError} flagged)`);
  });

  it('parseBuildMeta survives 3000 mutated meta.json files (legacy and current)', () => {
    const seeds = [
      fs.readFileSync(path.join(referenceFixtures, 'cosa', 'fixtures-fcos.meta.json'), 'utf8'),
      fs.readFileSync(path.resolve(__dirname, '..', 'fixtures', 'workspaces', 'builds', 'builds', '42.20260101.3.0', 'x86_64', 'meta.json'), 'utf8'),
    ];
    let invalid = 0;
    seeds.forEach((seed, n) => {
      for (const text of variants(seed, 7 + n, 1500)) {
        const { meta, errors } = parseBuildMeta(text);
        assert.ok(Array.isArray(meta.images) && Array.isArray(errors));
        assert.ok(errors.every((e) => typeof e === 'string' && e.length > 0));
        for (const image of meta.images) {
          assert.equal(typeof image.kind, 'string');
          assert.equal(typeof image.path, 'string');
          assert.ok(image.size === undefined || typeof image.size === 'number');
        }
        if (errors.length) {
          invalid++;
        }
      }
    });
    assert.ok(invalid > 1000, `the mutations really break files (${invalid} flagged)`);
  });
});
