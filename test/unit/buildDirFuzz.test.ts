// Thousands of broken and hostile builds.json / meta.json files, seeded so
// every run sees the same ones. The parsers must never throw, must return a
// model the tree can render, and must keep the build directory's data in its
// place: every id, arch and image path they accept is safe to join to the
// build directory (one path component, no NUL or control character, no
// leading "-" or "."), and every unsafe one they meet is reported as an
// error instead. The safety checks below are written independently of the
// rules in src/cosa/buildDirPaths.ts, so they can catch a rule that is wrong.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseBuildMeta } from '../../src/cosa/buildMeta';
import { parseBuildsIndex } from '../../src/cosa/buildsIndex';
import { referenceFixtures } from './referenceFixtures';
import { mulberry32 } from '../support/prng';

const prng = mulberry32;

const CHARS = '{}[]":,\\ \n0123456789abcdefnulltrue-.eE\u0000\u2028é𝄞';
/** Strings that must never become a path component or a `--build` argument. */
const UNSAFE = ['../../etc', '..', '.', '/etc/passwd', 'a/../../b', 'x/y', '-1', '--help', 'a\u0000b', 'a\nb', '\u001b[2J', 'latest', '.hidden', ''];
const VALUES: unknown[] = [
  null, true, 0, -1, 1e308, '', 'x', '../../etc', [], {}, [1, 'a'], { path: 1 }, { path: 'p', sha256: 2 },
  ...UNSAFE, { path: '../../../etc/shadow', sha256: 'x' }, { path: '/etc/shadow', sha256: 'x' }, { id: '../..', arches: ['x86_64'] },
];

/** One directory entry name that joins below `dir` as a direct child, and nothing a terminal, a shell or getopt could misread. */
function safeComponent(name: string): boolean {
  const dir = '/ws/builds';
  const joined = path.join(dir, name);
  return name.length > 0
    && path.dirname(joined) === dir && path.basename(joined) === name
    && ![...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)
    && !name.startsWith('-') && !name.startsWith('.');
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

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

/** A copy with one string that becomes a path (an id, an arch, an image path; else any string) replaced by a hostile one. */
function plantUnsafe(value: unknown, rnd: () => number): unknown {
  const copy = structuredClone(value);
  const slots: { holder: Record<string, unknown> | unknown[]; key: string | number; pathy: boolean }[] = [];
  const walk = (node: unknown, parentKey: string | number | undefined, depth: number): void => {
    if (depth > 8 || typeof node !== 'object' || node === null) {
      return;
    }
    const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
    for (const [key, child] of entries) {
      if (typeof child === 'string') {
        slots.push({ holder: node as Record<string, unknown>, key, pathy: key === 'id' || key === 'path' || parentKey === 'arches' });
      }
      walk(child, key, depth + 1);
    }
  };
  walk(copy, undefined, 0);
  const pathy = slots.filter((slot) => slot.pathy);
  const pool = pathy.length && rnd() < 0.8 ? pathy : slots;
  if (pool.length) {
    const slot = pool[Math.floor(rnd() * pool.length)]!;
    (slot.holder as Record<string | number, unknown>)[slot.key] = UNSAFE[Math.floor(rnd() * UNSAFE.length)];
  }
  return copy;
}

function variants(seedText: string, seed: number, count: number): string[] {
  const rnd = prng(seed);
  const parsed = JSON.parse(seedText) as unknown;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let value = rnd() < 0.5 ? mutateJson(parsed, rnd) : undefined;
    if (rnd() < 0.4) {
      value = plantUnsafe(value ?? parsed, rnd);
    }
    let text = value === undefined ? seedText : JSON.stringify(value, null, 4);
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
  it('parseBuildsIndex survives 5000 mutated builds.json files, keeps only safe ids and arches, and reports every unsafe one', () => {
    const seed = JSON.stringify({
      'schema-version': '1.0.0',
      builds: [{ id: '42.20260101.3.0', arches: ['x86_64', 'aarch64'] }, { id: '42.20260101.2.0', arches: ['x86_64'] }],
      timestamp: '2026-01-01T12:00:05Z',
      tags: [{ name: 'keep', target: '42.20260101.2.0', created: '2026-01-01T00:00:00Z' }],
    }, null, 4);
    let withError = 0;
    let unsafeSeen = 0;
    for (const text of variants(seed, 42, 5000)) {
      const index = parseBuildsIndex(text);
      assert.ok(Array.isArray(index.builds) && Array.isArray(index.tags));
      for (const b of index.builds) {
        assert.ok(typeof b.id === 'string' && safeComponent(b.id) && b.id !== 'latest', `accepted an unsafe id ${JSON.stringify(b.id)}`);
        for (const a of b.arches) {
          assert.ok(typeof a === 'string' && safeComponent(a), `accepted an unsafe arch ${JSON.stringify(a)}`);
        }
      }
      if (index.error !== undefined) {
        assert.equal(typeof index.error, 'string');
        withError++;
      }
      const raw = parsedOrUndefined(text);
      const entries = isRecord(raw) && Array.isArray(raw.builds) ? raw.builds.filter(isRecord) : [];
      for (const entry of entries) {
        const unsafeId = typeof entry.id === 'string' && entry.id !== '' && (!safeComponent(entry.id) || entry.id === 'latest');
        const arches = Array.isArray(entry.arches) ? entry.arches : [];
        const unsafeArch = arches.find((a) => typeof a === 'string' && !safeComponent(a));
        if (unsafeId || unsafeArch !== undefined) {
          unsafeSeen++;
          assert.ok(index.error, `no error for the unsafe entry ${JSON.stringify(entry)}`);
        }
        if (unsafeId) {
          assert.ok(!index.builds.some((b) => b.id === entry.id), `unsafe id ${JSON.stringify(entry.id)} listed`);
        }
        if (typeof unsafeArch === 'string') {
          assert.ok(!index.builds.some((b) => b.arches.includes(unsafeArch)), `unsafe arch ${JSON.stringify(unsafeArch)} listed`);
        }
      }
    }
    assert.ok(withError > 1000, `the mutations really break files (${withError} flagged)`);
    assert.ok(unsafeSeen > 200, `the mutations really plant unsafe ids and arches (${unsafeSeen} seen)`);
  });

  it('parseBuildMeta survives 3000 mutated meta.json files (legacy and current), keeps only safe image paths, and reports every unsafe one', () => {
    const fixtures = path.resolve(__dirname, '..', 'fixtures');
    const seeds = [
      fs.readFileSync(path.join(referenceFixtures, 'cosa', 'fixtures-fcos.meta.json'), 'utf8'),
      fs.readFileSync(path.join(fixtures, 'workspaces', 'builds', 'builds', '42.20260101.3.0', 'x86_64', 'meta.json'), 'utf8'),
    ];
    let invalid = 0;
    let unsafeSeen = 0;
    seeds.forEach((seed, n) => {
      for (const text of variants(seed, 7 + n, 1500)) {
        const { meta, errors } = parseBuildMeta(text);
        assert.ok(Array.isArray(meta.images) && Array.isArray(errors));
        assert.ok(errors.every((e) => typeof e === 'string' && e.length > 0));
        for (const image of meta.images) {
          assert.equal(typeof image.kind, 'string');
          assert.ok(typeof image.path === 'string' && safeComponent(image.path), `accepted an unsafe image path ${JSON.stringify(image.path)}`);
          assert.ok(image.size === undefined || typeof image.size === 'number');
        }
        if (errors.length) {
          invalid++;
        }
        const raw = parsedOrUndefined(text);
        const images = isRecord(raw) && isRecord(raw.images) ? Object.values(raw.images).filter(isRecord) : [];
        for (const image of images) {
          if (typeof image.path === 'string' && !safeComponent(image.path)) {
            unsafeSeen++;
            assert.ok(errors.length > 0, `no error for the unsafe image path ${JSON.stringify(image.path)}`);
            assert.ok(!meta.images.some((i) => i.path === image.path), `unsafe image path ${JSON.stringify(image.path)} listed`);
          }
        }
      }
    });
    assert.ok(invalid > 1000, `the mutations really break files (${invalid} flagged)`);
    assert.ok(unsafeSeen > 100, `the mutations really plant unsafe image paths (${unsafeSeen} seen)`);
  });
});
