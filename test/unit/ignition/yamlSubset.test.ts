/**
 * The fast YAML reader (src/ignition/yamlSubset.ts) against the yaml package: over seeded generated
 * Butane-like documents (block mappings and sequences at varied indentation, compact `- key:` entries,
 * every kind of scalar it reads and many it must leave to the package, block scalars with blank lines,
 * comments, then random character mutations), whatever the reader accepts must be what the package
 * composes without an error, warning or duplicate key, with an identical toJS() value. And
 * validateButane gives the same findings (messages, levels, positions) reading with the subset as
 * composing with the package.
 */

import * as assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { parseDocument, type ScalarTag } from 'yaml';
import { validateButane } from '../../../src/ignition/butane';
import { readYamlSubset, type YamlSubsetOptions } from '../../../src/ignition/yamlSubset';
import { SHAPES } from '../pathologicalShapes';
import { mulberry32 } from './variants';

// the options src/ignition/butane.ts parses with (go-yaml v3's octal `0644`)
const goOctal: ScalarTag = { tag: 'tag:yaml.org,2002:int', default: true, test: /^[-+]?0[0-7]+$/, resolve: (s: string) => parseInt(s, 8) };
const OPTIONS: YamlSubsetOptions = { customTags: (tags) => [goOctal, ...tags], uniqueKeys: false, prettyErrors: false };

type Rnd = () => number;
const pick = <T>(rnd: Rnd, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
/** Mostly one of `usual`, now and then (`odd` of the time) one of `unusual`. */
const mostly = <T>(rnd: Rnd, usual: readonly T[], unusual: readonly T[], odd = 0.04): T => pick(rnd, rnd() < odd ? unusual : usual);

const PLAIN = [
  'fcos', 'hello world', '/etc/hostname', 'https://example.com/a?b=c#d', 'a:b', 'a#b', 'a  b', 'x-y_z.1', 'core', 'é✓ 𝄞',
];
const PLAIN_ODD = [
  'true', 'True', 'TRUE', 'false', 'yes', 'no', 'on', 'null', 'Null', '~', '0644', '0755', '0o17', '0x1F', '08', '0', '-0', '+5',
  '-1', '1_000', '1.5', '1.', '.5', '1e3', '1E-3', '.inf', '-.Inf', '.NaN', '12345678901234567890', '0.0', '3.10',
  '-a', ':a', '?a', '- a', ': a', 'a: b', 'a #b', 'x:', '%x', '@x', '`x`', '*x', '&x', '!x', '!!str x', '[a]', '{a: 1}', 'a, b',
  '|', '>', 'a\tb', "it's", '"q"', '---', '...', '#x', 'a ', ' a',
];
const KEYS = ['path', 'mode', 'contents', 'inline', 'name', 'enabled', 'users', 'k'];
const KEYS_ODD = ['a b', '__proto__', 'toString', '<<', '1', 'true', 'null', '~', 'x:y', 'é', '"q"', "'s'", '"a\\tb"', '"x', 'k ', '-k', '?k', 'a[0]', 'a,b', 'a#b', 'a #b'];
const DQ = ['"plain"', '"tab\\tnew\\nline"', '"\\u00e9\\x41\\U0001F600"', '"\\/\\\\\\"\\ \\_\\N\\L\\P\\0\\a\\e"', '""', '"a # b"'];
const DQ_ODD = ['"\\q"', '"\\uD800"', '"\\U00110000"', '"a # b"', '""', '"a\\', '"x" y', '"x" # c', '"x"# c', '"a\tb"'];
const SQ = ["'plain'", "'it''s'", "''", "'a # b'", "'\\n'"];
const SQ_ODD = ["'x' y", "'a''", "'\\n'"];
const FLOW = ['[]', '[ ]', '[a]', '[a, b]', '[ "a" , \'b\' ,1 ]', '[a] # c', '[-1, -a]', '[a b, c]', '[ssh-ed25519 AAAA user@host]'];
const FLOW_ODD = ['[a,]', '[,a]', '[a b, c]', '[-1, -a]', '[a, [b]]', '[a: b]', '[a # c]', '[a] # c', '[a] x', '[a, {b}]', '[ssh-ed25519 AAAA user@host]', '[a'];

/** A block scalar (header and lines) whose content lines are indented `indent` + extra. */
function blockScalar(rnd: Rnd, indent: number): string[] {
  const header = mostly(rnd, ['|', '|-', '|+', '>', '>-', '>+', '| # c'], ['|2', '|#c', '|x', '|+ ', '>- #']);
  const base = indent + 1 + Math.floor(rnd() * 3);
  const lines: string[] = [header];
  const n = Math.floor(rnd() * 6);
  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (r < 0.1) lines.push(' '.repeat(rnd() < 0.8 ? 0 : Math.floor(rnd() * (base + 2)))); // blank, maybe with spaces
    else if (r < 0.2) lines.push(' '.repeat(base + 1 + Math.floor(rnd() * 2)) + 'more indented');
    else if (r < 0.24) lines.push(' '.repeat(base) + '\tafter a tab');
    else if (r < 0.28) lines.push(' '.repeat(base) + '# not a comment');
    else if (r < 0.3) lines.push(' '.repeat(Math.max(0, base - 1)) + 'less indented');
    else lines.push(' '.repeat(base) + pick(rnd, ['text', 'ExecStart=/usr/bin/x --y', 'a: b', '- item', 'trailing  ', '"q"', 'end']));
  }
  if (rnd() < 0.3) lines.push('');
  return lines;
}

/** A value after `key:` or `- `: inline (first line) plus the lines that follow. */
function value(rnd: Rnd, indent: number, depth: number): { inline: string; lines: string[] } {
  const r = rnd();
  if (depth < 4 && r < 0.25) return { inline: '', lines: mapping(rnd, indent + 1 + Math.floor(rnd() * 3), depth + 1) };
  if (depth < 4 && r < 0.4) {
    const at = rnd() < 0.3 ? indent : indent + 1 + Math.floor(rnd() * 3);
    return { inline: '', lines: sequence(rnd, at, depth + 1) };
  }
  if (r < 0.5) {
    const [head, ...rest] = blockScalar(rnd, indent);
    return { inline: head!, lines: rest };
  }
  if (r < 0.55) return { inline: '', lines: [] }; // null
  if (r < 0.6) return { inline: '', lines: [' '.repeat(indent + 2) + mostly(rnd, [...PLAIN, ...DQ], [...PLAIN_ODD, ...DQ_ODD])] }; // a scalar on its own line
  const scalar = r < 0.7 ? mostly(rnd, DQ, DQ_ODD) : r < 0.76 ? mostly(rnd, SQ, SQ_ODD) : r < 0.82 ? mostly(rnd, FLOW, FLOW_ODD)
    : r < 0.9 ? pick(rnd, PLAIN_ODD.slice(0, 25)) : mostly(rnd, PLAIN, PLAIN_ODD);
  const lines = rnd() < 0.02 ? [' '.repeat(indent + 1) + 'continued'] : [];
  return { inline: scalar + (rnd() < 0.1 ? mostly(rnd, [' # c', '  #c', '   '], ['#c', '\t']) : ''), lines };
}

function mapping(rnd: Rnd, indent: number, depth: number): string[] {
  const out: string[] = [];
  const n = 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < n; i++) {
    if (rnd() < 0.1) out.push(' '.repeat(Math.floor(rnd() * (indent + 3))) + pick(rnd, ['# comment', '', '#', '  ']));
    const key = rnd() < 0.96 ? pick(rnd, KEYS) + String(i) : pick(rnd, [...KEYS, ...KEYS_ODD]);
    const v = value(rnd, indent, depth);
    out.push(`${' '.repeat(indent)}${key}${rnd() < 0.05 ? ' ' : ''}:${v.inline === '' ? (rnd() < 0.1 ? ' # c' : '') : ' ' + v.inline}`, ...v.lines);
  }
  return out;
}

function sequence(rnd: Rnd, indent: number, depth: number): string[] {
  const out: string[] = [];
  const n = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (r < 0.45 && depth < 4) {
      // a compact mapping: `- key: v` then its other keys at the first key's column
      const m = mapping(rnd, indent + 2, depth + 1);
      out.push(' '.repeat(indent) + '-' + m[0]!.slice(indent + 1), ...m.slice(1));
    } else if (r < 0.55 && depth < 4) {
      out.push(' '.repeat(indent) + '-', ...mapping(rnd, indent + 1 + Math.floor(rnd() * 3), depth + 1));
    } else {
      const v = value(rnd, indent, depth);
      out.push(`${' '.repeat(indent)}-${v.inline === '' ? '' : ' ' + v.inline}`, ...v.lines);
    }
  }
  return out;
}

/** A Butane-like document, sometimes mutated by a character or a line. */
function generated(rnd: Rnd): string {
  const head = mostly(rnd, ['', '', '---\n', '# config\n', '--- # c\n'], ['--- x\n', '%YAML 1.2\n---\n']);
  let text = head + 'variant: fcos\nversion: 1.5.0\n' + mapping(rnd, 0, 0).join('\n') + (rnd() < 0.8 ? '\n' : '');
  const mutations = rnd() < 0.6 ? 0 : 1 + Math.floor(rnd() * 2);
  for (let m = 0; m < mutations; m++) {
    const i = Math.floor(rnd() * (text.length + 1));
    const op = rnd();
    const c = pick(rnd, [...' :-\n"\'{}[]#&*!|>?,\t\\x0', '\r\n', '\ufeff']);
    if (op < 0.4) text = text.slice(0, i) + c + text.slice(i);
    else if (op < 0.8) text = text.slice(0, i) + text.slice(i + 1);
    else {
      const lines = text.split('\n');
      const l = Math.floor(rnd() * lines.length);
      lines.splice(l, 0, lines[l]!);
      text = lines.join('\n');
    }
  }
  return text;
}

/** Why the package's reading of `text` differs from the subset reader's value, or undefined when it does not. */
function difference(text: string, fast: unknown): string | undefined {
  const doc = parseDocument(text, { ...OPTIONS, uniqueKeys: true });
  if (doc.errors.length > 0) return `the package reports ${doc.errors[0]!.message}`;
  if (doc.warnings.length > 0) return `the package warns ${doc.warnings[0]!.message}`;
  const composed: unknown = doc.toJS({ maxAliasCount: 1000 });
  return isDeepStrictEqual(fast, composed) ? undefined : `values differ: ${JSON.stringify(fast)} vs ${JSON.stringify(composed)}`;
}

describe('yamlSubset: the fast YAML reader against the yaml package', function () {
  this.timeout(120_000);

  it('reads 4,000 seeded generated documents exactly as the package composes them, or leaves them to it', () => {
    const rnd = mulberry32(0x5b7a);
    let read = 0;
    let left = 0;
    for (let n = 0; n < 4000; n++) {
      const text = generated(rnd);
      const fast = readYamlSubset(text, OPTIONS);
      if (fast === undefined) {
        left++;
        continue;
      }
      read++;
      const why = difference(text, fast);
      assert.equal(why, undefined, `document ${n}:\n${text}`);
    }
    // both sides are exercised
    assert.ok(read > 800 && left > 800, `read ${read}, left to the package ${left}`);
  });

  it('keeps Unicode spaces at the end of keys, plain values and flow items as the package does (YAML trims only spaces)', () => {
    for (const space of ['\u00a0', '\u2003', '\u3000', '\u0085', '\u2028']) {
      for (const text of [`path${space}: x\n`, `a: b${space}\n`, `a: [b${space}, c]\n`, `a:\n  - b${space}\n`]) {
        const fast = readYamlSubset(text, OPTIONS);
        if (fast !== undefined) assert.equal(difference(text, fast), undefined, JSON.stringify(text));
      }
    }
  });

  it('reads the Butane shapes the package reads without a finding, the same way', () => {
    for (const shape of SHAPES.filter((s) => s.kind === 'butane')) {
      const text = shape.make(20_000, mulberry32(7));
      const fast = readYamlSubset(text, OPTIONS);
      if (fast !== undefined) assert.equal(difference(text, fast), undefined, shape.name);
    }
    // the ordinary shapes are in the subset
    for (const name of ['butane: many files', 'butane: keys with snake_case (mapped back from Ignition)']) {
      assert.ok(readYamlSubset(SHAPES.find((s) => s.name === name)!.make(20_000), OPTIONS), name);
    }
  });

  it('leaves duplicate keys, tabs as indentation, anchors, multi-line scalars and a second document to the package', () => {
    for (const text of [
      'a: 1\na: 2\n', 'a: 1\n"a": 2\n', 'a:\n\tb: 1\n', 'a: &x 1\nb: *x\n', 'a: b\n  c\n', 'a: "b\n  c"\n', 'a: 1\n---\nb: 2\n',
      'a: 1\r\nb: 2\r\n', '? a\n: 1\n', 'a: {b: 1}\n', 'a: !!str 1\n', 'a: |2\n   x\n', '1: a\n', 'true: a\n', '- a\n', '  a: 1\n', '',
    ]) assert.equal(readYamlSubset(text, OPTIONS), undefined, JSON.stringify(text));
  });

  it('resolves plain scalars by the schema it is given (go-yaml v3 octal 0644, YAML 1.2 core for the rest)', () => {
    assert.deepEqual(
      readYamlSubset('a: 0644\nb: 0o17\nc: 0x1F\nd: 1.50\ne: yes\nf: ~\ng: -.inf\nh: 08\ni:\n', OPTIONS),
      { a: 420, b: 15, c: 31, d: 1.5, e: 'yes', f: null, g: -Infinity, h: 8, i: null },
    );
  });

  it('resolves a scalar it has resolved before as the package does (the resolver keeps what scalars resolved to)', () => {
    // every scalar that may resolve, as a value twice in a document and again in a second one
    const scalars = ['0644', '0755', '0o17', '0x1F', '08', '0', '-0', '+5', '-1', '1_000', '1.5', '1.', '.5', '1e3', '1E-3', '.inf', '-.Inf',
      '.NaN', '12345678901234567890', '0.0', '3.10', 'true', 'True', 'FALSE', 'null', 'Null', '~', 'nil', 'tRUE', '-a', '.x', '+', '0644x', 'n'];
    const text = [...scalars, ...scalars].map((v, i) => `k${i}: ${v}\n`).join('') + 'e:\n';
    for (let round = 0; round < 2; round++) {
      const fast = readYamlSubset(text, OPTIONS);
      assert.ok(fast, 'in the subset');
      assert.equal(difference(text, fast), undefined);
    }
    // as keys: a string key is read, anything else leaves the document to the package, the first time and later
    for (const key of ['n', 'nil', '+', '.x', '+a', 'tRUE']) {
      for (let round = 0; round < 2; round++) assert.deepEqual(readYamlSubset(`${key}: 1\n`, OPTIONS), { [key]: 1 });
    }
    for (const key of ['1', 'true', '~', '0644', '.5']) {
      for (let round = 0; round < 2; round++) assert.equal(readYamlSubset(`${key}: 1\n`, OPTIONS), undefined, key);
    }
    // more distinct scalars than it keeps, then the first ones again
    const many = Array.from({ length: 12_000 }, (_, i) => `${i % 100 === 0 ? `g${i}:\n` : ''}  k${i}: ${i % 2 === 0 ? i : `0${i % 8}${i % 7}`}\n`).join('');
    for (let round = 0; round < 2; round++) assert.equal(difference(many, readYamlSubset(many, OPTIONS)), undefined);
  });

  it('knows which first characters may resolve a plain scalar to something else than a string (the schema\'s default tags)', () => {
    // yamlSubset.ts's MAY_RESOLVE assumes these tests; a new yaml version that changes them must be looked at
    const tags = parseDocument('', OPTIONS).schema.tags.filter((t) => t.default && t.test).map((t) => t.test!.source);
    assert.deepEqual(tags, [
      '^[-+]?0[0-7]+$', '^(?:~|[Nn]ull|NULL)?$', '^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$', '^0o[0-7]+$', '^[-+]?[0-9]+$', '^0x[0-9a-fA-F]+$',
      '^(?:[-+]?\\.(?:inf|Inf|INF)|\\.nan|\\.NaN|\\.NAN)$', '^[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)[eE][-+]?[0-9]+$', '^[-+]?(?:\\.[0-9]+|[0-9]+\\.[0-9]*)$',
    ]);
  });

  it('validateButane gives the same findings reading with the subset as composing with the package, on 600 generated configs', () => {
    const rnd = mulberry32(0xb07a);
    let withFindings = 0;
    for (let n = 0; n < 600; n++) {
      const text = generated(rnd);
      for (const filesDir of [false, true]) {
        const subset = validateButane(text, { filesDir }, 'subset');
        const composed = validateButane(text, { filesDir }, 'composed');
        assert.deepEqual(subset, composed, `document ${n}:\n${text}`);
        if (subset.entries.length > 0) withFindings++;
      }
    }
    assert.ok(withFindings > 300, `configs with findings: ${withFindings}`);
  });
});
