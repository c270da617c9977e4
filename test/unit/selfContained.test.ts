// The test suite needs nothing outside the repository: a fresh clone has no sibling folders, no
// reference copies elsewhere on the machine. Proven twice: a scan of every test, bench and script
// source for paths that leave the checkout, and a real run of the unit tests that read files from a
// copy of the checkout in an empty temporary folder.

import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');
const thisFile = path.relative(repoRoot, __filename);

/** Names from the machine the suite was first written on: a fresh clone has none of them. */
const OUTSIDE_NAMES = /COREOS_SHARED_REFERENCE|shared\/reference|(?<![\w.-])\/work\//g;
const CODE = /\.(ts|mts|cts|js|mjs|cjs|sh)$/;

/** Each place in `text` (the source of `file`, relative to `root`) that names a path outside `root`. */
export function pathsLeavingRoot(root: string, file: string, text: string): string[] {
  const dir = path.dirname(path.join(root, file));
  const found: string[] = [];
  const lineOf = (index: number): number => text.slice(0, index).split('\n').length;
  const check = (index: number, target: string): void => {
    const rel = path.relative(root, target);
    if (rel.startsWith('..') || path.isAbsolute(rel)) found.push(`${file}:${lineOf(index)}: ${target}`);
  };
  for (const m of text.matchAll(OUTSIDE_NAMES)) found.push(`${file}:${lineOf(m.index)}: names ${m[0]}`);
  if (!CODE.test(file)) return found;
  // path.resolve/join(__dirname | import.meta.dirname, 'literal', ...)
  const fromHere = /\b(?:resolve|join)\(\s*(?:__dirname|import\.meta\.dirname)((?:\s*,\s*'[^']*')+)/g;
  for (const m of text.matchAll(fromHere)) {
    const segments = [...m[1]!.matchAll(/'([^']*)'/g)].map((s) => s[1]!);
    check(m.index, path.resolve(dir, ...segments));
  }
  // new URL('../x', import.meta.url)
  for (const m of text.matchAll(/new URL\(\s*'([^']*)'\s*,\s*import\.meta\.url\s*\)/g)) check(m.index, path.resolve(dir, m[1]!));
  // "$(dirname "${BASH_SOURCE[0]}")/../.." and "$(dirname "$0")/.."
  for (const m of text.matchAll(/\$\(dirname "\$(?:\{BASH_SOURCE\[0\]\}|0)"\)\/((?:\.\.\/?)+)/g)) check(m.index, path.resolve(dir, m[1]!));
  return found;
}

function sourcesUnder(top: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(repoRoot, rel), { withFileTypes: true })) {
      const child = path.join(rel, entry.name);
      // node_modules: installed packages; fixtures/reference: upstream data, not code that reads files
      if (entry.name === 'node_modules' || child === path.join('test', 'fixtures', 'reference')) continue;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && child !== thisFile && fs.statSync(path.join(repoRoot, child)).size < 1_000_000) out.push(child);
    }
  };
  walk(top);
  return out;
}

/** The files of the checkout a clone would have: git's view when there is one, else the tree without installs. */
function checkoutFiles(): string[] {
  if (fs.existsSync(path.join(repoRoot, '.git'))) {
    return execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' })
      // a node_modules symlink is no directory to .gitignore's `node_modules/`: git lists it
      .split('\0').filter((f) => f && f.split('/')[0] !== 'node_modules' && fs.existsSync(path.join(repoRoot, f)));
  }
  const skip = new Set(['node_modules', '.git', 'dist', '.harness', 'test-results']);
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(repoRoot, rel), { withFileTypes: true })) {
      if (skip.has(entry.name)) continue;
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  walk('');
  return out;
}

describe('the test suite needs nothing outside the repository', () => {
  it('finds a path that leaves the checkout (so the scan below can fail)', () => {
    const sample = [
      "const a = path.resolve(__dirname, '..', '..', '..', 'shared', 'x');",
      "const b = join(__dirname, '..', 'fixtures');",
      "const c = new URL('../../../up', import.meta.url);",
      'cd "$(dirname "${BASH_SOURCE[0]}")/../../.."',
      'ok=process.env.COREOS_SHARED_REFERENCE; d=/work/x; e=/srv/work/fine',
    ].join('\n');
    const found = pathsLeavingRoot(repoRoot, 'test/unit/sample.ts', sample);
    // a, c, the shell line, the two names; b stays inside, /srv/work/ is a path of its own
    assert.equal(found.length, 5, found.join('\n'));
    assert.deepEqual(pathsLeavingRoot(repoRoot, 'test/unit/sample.md', sample).map((f) => f.replace(/.*: /, '')), ['names COREOS_SHARED_REFERENCE', 'names /work/']);
  });

  it('no test, bench or script source names a path outside the checkout', () => {
    const files = ['test', 'bench', 'scripts'].flatMap(sourcesUnder);
    assert.ok(files.length > 50, `only ${files.length} files scanned`);
    const found = files.flatMap((f) => pathsLeavingRoot(repoRoot, f, fs.readFileSync(path.join(repoRoot, f), 'utf8')));
    assert.deepEqual(found, []);
  });

  it('the unit tests that read files pass from a copy of the checkout in an empty folder', function () {
    this.timeout(300_000); // a child mocha run of ~80 tests; each keeps its own timeout in there
    const specs = sourcesUnder(path.join('test', 'unit'))
      .filter((f) => f.endsWith('.test.ts') && /referenceFixtures|__dirname/.test(fs.readFileSync(path.join(repoRoot, f), 'utf8')));
    assert.ok(specs.length >= 8, `only ${specs.length} unit specs read files`);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-clone-'));
    try {
      const clone = path.join(empty, 'repo'); // its only sibling-to-be: nothing
      for (const f of checkoutFiles()) {
        fs.mkdirSync(path.dirname(path.join(clone, f)), { recursive: true });
        fs.cpSync(path.join(repoRoot, f), path.join(clone, f), { verbatimSymlinks: true });
      }
      fs.symlinkSync(fs.realpathSync(path.join(repoRoot, 'node_modules')), path.join(clone, 'node_modules'));
      const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0' };
      delete env.COREOS_SHARED_REFERENCE;
      // The two long generated-input checks (their corpus reads are covered by the other tests).
      const r = spawnSync(process.execPath, [
        path.join(clone, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--no-config', '--node-option', 'import=tsx',
        '--timeout', '20000', '--grep', 'generated variants|seeded mutations', '--invert', ...specs,
      ], { cwd: clone, env, encoding: 'utf8' });
      const out = `${r.stdout}${r.stderr}`;
      assert.equal(r.status, 0, out.slice(-4000));
      assert.match(out, /\b([5-9]\d|\d{3,}) passing/, out.slice(-2000));
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
