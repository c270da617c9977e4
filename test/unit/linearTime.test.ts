/**
 * Untrusted input must cost linear time (issue 14). Each defect of the issue
 * has a case whose input took tens of seconds before (quadratic validators,
 * backtracking regexes, a line buffer that grew with the output) and is
 * bounded here in CPU time of this process (user + system), which a loaded
 * machine inflates far less than wall time; the bounds are 10-50x what the
 * fixed code needs on a loaded 2-core machine and far below what the old code
 * took. Then a seeded fuzz over the shapes of pathologicalShapes.ts, mutated,
 * with a bound per input of at most 100 KB.
 */

import * as assert from 'node:assert/strict';
import { parseButaneOutput } from '../../src/cosa/butane';
import { parseCosaFailure } from '../../src/cosa/cosaFailure';
import { matchKnownProblem } from '../../src/cosa/knownProblems';
import { MAX_LINE, LineSplitter } from '../../src/engine/lineSplitter';
import { spawnProcess } from '../../src/engine/processRunner';
import { validateButane, validateIgnition } from '../../src/ignition';
import { COLLECTION_BYTES, COLLECTIONS_FREE, maxCollections, nestingProblem } from '../../src/ignition/yamlNesting';
import { mulberry32 } from './ignition/variants';
import { runShape, SHAPES, type Shape } from './pathologicalShapes';

/** CPU milliseconds of `fn` (this process, user + system). */
function cpuMs<T>(fn: () => T): { ms: number; result: T } {
  const c = process.cpuUsage();
  const result = fn();
  const d = process.cpuUsage(c);
  return { ms: (d.user + d.system) / 1000, result };
}

function within<T>(boundMs: number, what: string, fn: () => T): T {
  const { ms, result } = cpuMs(fn);
  assert.ok(ms <= boundMs, `${what}: ${ms.toFixed(0)} ms of CPU (bound ${boundMs} ms)`);
  return result;
}

const keys = (n: number, head: string): string => `{"ignition":{"version":"3.3.0"}${head}${Array.from({ length: n }, (_, i) => `,"k${i}":1`).join('')}}`;

const TOO_DEEP = 'exceeded max depth of 500: not checked (collections nested this deep would overflow this validator\'s YAML parser; butane allows 10000)';

describe('linear time on untrusted input', function () {
  this.timeout(120_000);

  before(() => {
    // compile ajv's schema and warm the JIT outside the measured calls
    validateButane('variant: fcos\nversion: 1.5.0\nstorage:\n  files:\n    - path: /a\n');
    validateIgnition(keys(100, ',"é":1'));
  });

  describe('Ignition', () => {
    it('30,000 unknown keys after a non-ASCII key on one line (was 80 s)', () => {
      const r = within(5000, '30,000 keys', () => validateIgnition(keys(30_000, ',"é":1')));
      assert.equal(r.entries.length, 30_001);
      const last = r.entries[r.entries.length - 1];
      assert.equal(last.message, 'Unused key k29999');
      // the column counts UTF-8 bytes: é is two
      const text = keys(30_000, ',"é":1');
      assert.equal(last.column, Buffer.byteLength(text.slice(0, text.lastIndexOf('"k29999"'))) + 1);
    });

    it('nesting of 10,000 levels is Go\'s limit: no RangeError, Go\'s verdicts on both sides of it', () => {
      for (const depth of [6_144, 9_999]) {
        const text = `{"ignition":{"version":"3.3.0"},"x":${'['.repeat(depth)}${']'.repeat(depth)}}`;
        const r = validateIgnition(text);
        assert.deepEqual(r.entries.map((e) => [e.level, e.line, e.column, e.message]), [['warning', 1, 33, 'Unused key x']]);
      }
      const over = `{"ignition":{"version":"3.3.0"},"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
      // ignition-validate 2.14: "error at line 1 col 10037: invalid character '[' exceeded max depth"
      assert.deepEqual(validateIgnition(over).entries.map((e) => [e.line, e.column, e.message]), [[1, 10037, "invalid character '[' exceeded max depth"]]);
    });

    it('an enabled unit named with 1,000,000 "@" (was 81 s)', () => {
      const text = `{"ignition":{"version":"3.4.0"},"systemd":{"units":[{"name":"${'@'.repeat(1_000_000)}","enabled":true}]}}`;
      const r = within(3000, 'unit of @', () => validateIgnition(text));
      assert.deepEqual(r.entries.map((e) => e.path.join('.')), ['systemd.units.0.name']);
    });
  });

  describe('Butane', () => {
    it('20,000 files (ajv uniqueItems was quadratic)', () => {
      const text = 'variant: fcos\nversion: 1.5.0\nstorage:\n  files:\n' + Array.from({ length: 20_000 }, (_, i) => `    - path: /etc/f${i}\n`).join('');
      const r = within(10_000, '20,000 files', () => validateButane(text));
      assert.deepEqual(r.entries, []);
    });

    it('30,000 unknown keys (duplicate-key check and per-finding lookups were quadratic: 66 s)', () => {
      const text = 'variant: fcos\nversion: 1.5.0\n' + Array.from({ length: 30_000 }, (_, i) => `k${i}: 1\n`).join('');
      const r = within(10_000, '30,000 keys', () => validateButane(text));
      assert.equal(r.entries.length, 30_000);
      assert.deepEqual([r.entries[29_999].message, r.entries[29_999].line], ['unused key k29999', 30_002]);
    });

    it('150,000 unknown keys: findings are not spread into one call (RangeError before)', () => {
      const text = 'variant: fcos\nversion: 1.5.0\n' + Array.from({ length: 150_000 }, (_, i) => `k${i}: 1\n`).join('');
      assert.equal(within(40_000, '150,000 keys', () => validateButane(text)).entries.length, 150_000);
    });

    it('15,000 duplicate keys: every one reported, at its key, in linear time (the yaml package marked the previous line end)', () => {
      const text = 'variant: fcos\nversion: 1.5.0\n' + 'k: 1\n'.repeat(15_000);
      const r = within(10_000, '15,000 duplicate keys', () => validateButane(text));
      assert.equal(r.entries.length, 14_999);
      assert.ok(r.entries.every((e) => e.message === 'Map keys must be unique'));
      assert.deepEqual([r.entries[0].line, r.entries[0].column], [4, 1]);
    });
  });

  describe('Butane: what the yaml package would overflow its stack on is refused before parsing', () => {
    it('flow collections nested 20,000 deep: one finding at the 500th (the map of x is the 1st level), the same every time', () => {
      const text = 'variant: fcos\nversion: 1.5.0\nx: ' + '['.repeat(20_000) + '\n';
      const first = within(2000, 'deep flow', () => validateButane(text));
      assert.deepEqual(first.entries.map((e) => [e.line, e.column, e.message]), [[3, 503, TOO_DEEP]]);
      assert.deepEqual(validateButane(text), first);
      // 400 levels, closed: parsed as before
      assert.deepEqual(validateButane('variant: fcos\nversion: 1.5.0\nx: ' + '['.repeat(400) + ']'.repeat(400) + '\n').entries.map((e) => e.message), ['unused key x']);
    });

    it('block sequences nested 20,000 deep (`- - - …`, was "Maximum call stack size exceeded" or a crash in V8\'s RegExp compiler): one finding, like butane\'s "exceeded max depth"', () => {
      const text = 'variant: fcos\nversion: 1.5.0\nx:\n' + '- '.repeat(20_000) + 'y\n';
      const first = within(2000, 'deep block sequence', () => validateButane(text));
      // x: is not a level for go-yaml (a sequence at the key's column); the 501st `-` is
      assert.deepEqual(first.entries.map((e) => [e.line, e.column, e.message]), [[4, 1001, TOO_DEEP]]);
      assert.deepEqual(validateButane(text), first);
      // 499 levels: parsed as before
      assert.deepEqual(validateButane('variant: fcos\nversion: 1.5.0\nx:\n' + '- '.repeat(499) + 'y\n').entries.map((e) => e.message), ['unused key x']);
    });

    it('mappings nested 600 deep (one more space per line): one finding at the 501st key', () => {
      const text = 'variant: fcos\nversion: 1.5.0\n' + Array.from({ length: 600 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' x\n';
      const r = within(2000, 'deep mapping', () => validateButane(text));
      assert.deepEqual(r.entries.map((e) => [e.line, e.column, e.message]), [[503, 501, TOO_DEEP]]);
    });

    it('block and flow nesting add up: 300 sequences holding flow lists 300 deep', () => {
      const text = 'variant: fcos\nversion: 1.5.0\nx:\n' + '- '.repeat(300) + '['.repeat(300) + ']'.repeat(300) + '\n';
      assert.deepEqual(validateButane(text).entries.map((e) => [e.line, e.column, e.message]), [[4, 801, TOO_DEEP]]);
    });

    it('explicit keys nested `? ? ? …` (the yaml package stringified every key with the keys in it: 400 levels took minutes): butane\'s "cannot unmarshal !!map into string"', () => {
      const text = 'variant: fcos\nversion: 1.5.0\n' + '? '.repeat(400) + 'x\n';
      const r = within(2000, 'nested explicit keys', () => validateButane(text));
      assert.deepEqual(r.entries.map((e) => [e.line, e.column, e.message]), [[3, 3, 'cannot unmarshal !!map into string (a key must be a scalar)']]);
      assert.deepEqual(validateButane('variant: fcos\nversion: 1.5.0\n? [a, b]\n: 1\n').entries.map((e) => [e.line, e.column, e.message]),
        [[3, 3, 'cannot unmarshal !!seq into string (a key must be a scalar)']]);
    });

    it('more maps and sequences than the bound (`- ` 400 deep on 300 lines: 119,700 sequences in 240 KB; 10 MB of it ran Node out of its 4 GB heap): one finding before parsing, at the first one past it', () => {
      const perLine = 399; // the first `-` of a line continues x's map at its column; each further one opens a sequence
      const text = 'variant: fcos\nversion: 1.5.0\nx:\n' + `${'- '.repeat(400)}y\n`.repeat(300);
      const max = maxCollections(text.length);
      assert.ok(300 * perLine + 1 > max && max > 100_000);
      // the top-level map is the first collection: the one past the bound is sequence number max (0-based: max - 1) of the lines
      const past = max - 1;
      const expected = [[4 + Math.floor(past / perLine), 2 * (past % perLine + 1) + 1,
        `more than ${max} maps and sequences (at most ${COLLECTIONS_FREE} plus one per ${COLLECTION_BYTES} bytes): not checked (this validator's YAML parser would need hundreds of bytes of memory for each)`]];
      const first = validateButane(text);
      assert.deepEqual(first.entries.map((e) => [e.line, e.column, e.message]), expected);
      assert.deepEqual(validateButane(text), first);
    });

    it('the collection bound leaves ordinary configs alone: 10 MB of files, 110,000 flow lists within the allowance', () => {
      assert.equal(nestingProblem(SHAPES.find((s) => s.name === 'butane: many files')!.make(10 << 20)), undefined);
      // one collection per 16 bytes is allowed on top of the first 100,000
      const lists = 'variant: fcos\nversion: 1.5.0\nx:\n' + '  - [a, b]\n'.repeat(110_000);
      assert.ok(110_002 <= maxCollections(lists.length));
      assert.equal(nestingProblem(lists), undefined);
    });

    it('a flow map left open over 20,000 lines: one finding at it, the same every time', () => {
      const text = 'variant: fcos\nversion: 1.5.0\n{{{k: 1\n' + 'k: 1\n'.repeat(20_000);
      const first = within(2000, 'unclosed flow', () => validateButane(text));
      assert.deepEqual(first.entries.map((e) => [e.line, e.column, e.message]), [[3, 1, 'this flow collection is never closed (the YAML parser would read the over 200 lines after it as part of it)']]);
      assert.deepEqual(validateButane(text), first);
      // a short one is the yaml package's to report, as before
      assert.ok(validateButane('variant: fcos\nversion: 1.5.0\nx: [1\ny: 2\n').entries.every((e) => !/never closed/.test(e.message)));
    });
  });

  describe('log parsers', () => {
    it('cosa failure: "error: initializing source " + ": " x 50,000 (was 10.8 s)', () => {
      const f = within(1000, 'cosaFailure', () => parseCosaFailure('error: initializing source ' + ': '.repeat(50_000), 125));
      assert.equal(f?.kind, 'runtime');
      const pulled = parseCosaFailure('Error: initializing source docker://quay.io/x:latest: pinging container registry quay.io: dial tcp: lookup quay.io: no such host', 125);
      assert.equal(pulled?.kind, 'image-missing');
    });

    it('known problems: "initializing source a:" x 20,000', () => {
      assert.equal(within(1000, 'knownProblems', () => matchKnownProblem('initializing source a:'.repeat(20_000))), undefined);
      assert.equal(matchKnownProblem('initializing source a:'.repeat(100) + ' connection refused')?.id, 'image-missing');
      assert.equal(matchKnownProblem('Error: initializing source :docker://x: connection refused'), undefined);
      assert.equal(matchKnownProblem('initializing source :x initializing source y: pinging container registry')?.id, 'image-missing');
    });

    it('butane stderr: "a" + 100,000 spaces + "b" (/\\s+$/ took 16 s)', () => {
      assert.deepEqual(within(1000, 'butane output', () => parseButaneOutput('a' + ' '.repeat(100_000) + 'b')), []);
      assert.deepEqual(parseButaneOutput('error at $.x, line 3 col 5: bad \u00a0 \t'), [{ level: 'error', path: '$.x', line: 3, column: 5, message: 'bad' }]);
    });
  });

  describe('output lines', () => {
    it('\\r ends a line, \\r\\n is one end (also across chunks), a long line comes in MAX_LINE pieces', () => {
      const got: [string, boolean][] = [];
      const s = new LineSplitter((l, c) => got.push([l, c]), 4);
      for (const chunk of ['a\r', '\nb\rc', 'd\n\r', '\r\n', 'abcdefghij', 'k\ne']) s.push(chunk);
      s.end();
      assert.deepEqual(got, [['a', false], ['b', false], ['cd', false], ['', false], ['', false],
        ['abcd', true], ['efgh', true], ['ijk', false], ['e', false]]);
    });

    it('20 MB of \\r-only progress from a real process: one line per update, none longer than MAX_LINE', async () => {
      const updates = 400_000; // 50 bytes each
      const script = `const u = ${updates}; let s = ''; for (let i = 0; i < u; i++) { s += 'Copying blob ' + String(i).padStart(8, '0') + ' 12 MiB / 100 MiB ok\\r'; if (s.length > 65536) { process.stdout.write(s); s = ''; } }
        process.stdout.write(s + 'x'.repeat(${MAX_LINE * 2 + 5}) + '\\nend\\n');`;
      const p = spawnProcess(process.execPath, ['-e', script]);
      let lines = 0;
      let longest = 0;
      let pieces = 0;
      let last = '';
      p.onLine((line, _stream, continues) => {
        lines++;
        longest = Math.max(longest, line.length);
        if (continues) pieces++;
        last = line;
      });
      const c = process.cpuUsage();
      const exit = await p.exit;
      const d = process.cpuUsage(c);
      assert.equal(exit.exitCode, 0);
      assert.equal(lines, updates + 3 + 1, 'one line per \\r update, the long line in 3 pieces, then "end"');
      assert.equal(pieces, 2);
      assert.equal(longest, MAX_LINE);
      assert.equal(last, 'end');
      // the old runner re-split the whole growing partial line on every chunk (100 MB: 104 s, 1.65 GB)
      assert.ok((d.user + d.system) / 1000 < 10_000, `20 MB took ${((d.user + d.system) / 1000).toFixed(0)} ms of CPU`);
    });
  });

  describe('seeded fuzz over the pathological shapes (inputs up to 100 KB)', () => {
    const PIECES = ['@', ':', ': ', '? ', '- - ', ' ', '\t', '\r', '\n', '"', '[', ']', '{', '}', ',', 'é', '\ud83d\ude00', '\u001b[', '\u001b]', 'initializing source ', 'error at $', '- ', '  ', 'k: ', '\\', '0'];
    const BOUND_MS: Record<Shape['kind'], number> = { ignition: 2000, butane: 10_000, 'log-line': 1000, stream: 1000 };
    const rnd = mulberry32(14);

    const mutate = (text: string): string => {
      let t = text;
      const n = 1 + Math.floor(rnd() * 4);
      for (let k = 0; k < n; k++) {
        const at = Math.floor(rnd() * (t.length + 1));
        const piece = PIECES[Math.floor(rnd() * PIECES.length)].repeat(1 + Math.floor(rnd() * (rnd() < 0.2 ? 2000 : 3)));
        const r = rnd();
        t = r < 0.6 ? t.slice(0, at) + piece + t.slice(at) : r < 0.8 ? t.slice(0, at) + t.slice(at + piece.length) : t.slice(0, at) + piece + t.slice(at + piece.length);
      }
      return t.length > 100_000 ? t.slice(0, 100_000) : t;
    };

    // Butane too: its nesting the yaml package would overflow its stack on (which made findings and time
    // vary from call to call, bench/RESULTS.md "Butane in the fuzz") is refused before parsing
    // (src/ignition/yamlNesting.ts). Fewer inputs: the yaml package parses ~100 KB per second.
    const INPUTS: Record<Shape['kind'], number> = { ignition: 12, butane: 4, 'log-line': 12, stream: 12 };
    for (const shape of SHAPES) {
      it(`${shape.name}: ${INPUTS[shape.kind]} inputs, each within ${BOUND_MS[shape.kind]} ms of CPU and without an exception`, () => {
        for (let k = 0; k < INPUTS[shape.kind]; k++) {
          const size = Math.floor(1_000 + rnd() * 90_000);
          const text = mutate(shape.make(size, rnd));
          assert.ok(text.length <= 100_000);
          const what = `${shape.name}, input ${k} (${text.length} chars)`;
          if (shape.kind === 'butane') {
            // a stack overflow inside the yaml package comes back as a finding, not as an exception
            const overflow = within(BOUND_MS.butane, what, () => validateButane(text)).entries.find((e) => /call stack|RangeError/i.test(e.message));
            assert.equal(overflow, undefined, `${what}: ${overflow?.message}`);
          } else {
            within(BOUND_MS[shape.kind], what, () => runShape(shape, text, 4096));
          }
        }
      });
    }
  });
});
