// The cosa problem patterns of package.json: a Problems entry only for a line
// that names a workspace file and a line number, never for cosa's failure
// lines that name none (they used to file "failed to execute cmd-build" against
// a file "cmd-build" that does not exist).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

interface ProblemPattern { name: string; regexp: string; kind?: string; file: number; line?: number; column?: number; message: number }
const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: { problemPatterns: ProblemPattern[]; problemMatchers: { name: string; pattern: string }[] };
};
const patterns = manifest.contributes.problemPatterns;

/** What VS Code would file for `line`: the first pattern that matches. */
function problemFor(line: string): { file: string; line: string; column?: string; message: string } | undefined {
  for (const p of patterns) {
    const m = new RegExp(p.regexp).exec(line);
    if (m) {
      return { file: m[p.file]!, line: m[p.line!]!, ...(p.column && m[p.column] ? { column: m[p.column] } : {}), message: m[p.message]! };
    }
  }
  return undefined;
}

describe('cosa problem matchers (package.json)', () => {
  it('every matcher names a contributed pattern, and every pattern carries a file and a line', () => {
    const names = new Set(patterns.map((p) => `$${p.name}`));
    for (const m of manifest.contributes.problemMatchers) {
      assert.ok(names.has(m.pattern), `${m.name} uses ${m.pattern}`);
    }
    for (const p of patterns) {
      assert.equal(p.kind, 'location', p.name);
      assert.ok(p.file && p.line, `${p.name} has file and line groups`);
    }
  });

  it('files nothing for cosa failure lines that name no file', () => {
    for (const line of [
      'failed to execute cmd-build: exit status 1',
      "mkdir: cannot create directory '/srv/tmp/build': No such file or directory",
      'fatal: Missing /dev/kvm; you can set COSA_NO_KVM=1 to bypass this at the cost of performance.',
      'fatal: init: current directory is not empty, override with --force',
      'error: unknown command: frobnicate',
      'Error: exit status 1',
      'Error: No disk image provided',
      'ERROR: Missing GITCONFIG',
      'error: https://example.com:443: connection refused',
      'fatal: /usr/lib/coreos-assembler/cmdlib.sh:12: outside the workspace',
    ]) {
      assert.equal(problemFor(line), undefined, line);
    }
  });

  it('files a line that names a workspace file with its line (the container\'s /srv is the workspace)', () => {
    assert.deepEqual(problemFor('fatal: src/config/manifest.yaml:3: unknown key'), { file: 'src/config/manifest.yaml', line: '3', message: 'unknown key' });
    assert.deepEqual(problemFor('error: /srv/src/config/image.yaml:7:5: expected a mapping'),
      { file: 'src/config/image.yaml', line: '7', column: '5', message: 'expected a mapping' });
  });
});
