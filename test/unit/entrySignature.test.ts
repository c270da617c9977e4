import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { entrySignature, whenChanged } from '../../src/engine/entrySignature';

describe('entrySignature / whenChanged (one rewrite reported by two watchers re-reads once)', () => {
  let dir = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'entry-signature-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs on the first report and on every real change, not on a second report of the same change', () => {
    const index = path.join(dir, 'builds.json');
    const latest = path.join(dir, 'latest');
    let runs = 0;
    const report = whenChanged([index, latest], () => runs++);
    report();
    assert.equal(runs, 1, 'first report (both absent)');
    report();
    assert.equal(runs, 1, 'nothing changed');
    // cosa's way: a temp file renamed over builds.json (a new inode), and latest re-pointed
    fs.writeFileSync(`${index}.tmp`, '{"builds":[]}');
    fs.renameSync(`${index}.tmp`, index);
    report();
    assert.equal(runs, 2, 'builds.json appeared');
    report();
    assert.equal(runs, 2, 'the second watcher reports the same rewrite');
    fs.writeFileSync(`${index}.tmp`, '{"builds":[{"id":"1"}]}');
    fs.renameSync(`${index}.tmp`, index);
    report();
    assert.equal(runs, 3, 'rewritten');
    fs.symlinkSync('1', latest);
    report();
    assert.equal(runs, 4, 'latest appeared');
    fs.unlinkSync(latest);
    fs.symlinkSync('2', latest);
    report();
    assert.equal(runs, 5, 'latest re-pointed');
  });

  it('tells a symlink by its target, a file by inode, size and mtime, and a missing entry as absent', () => {
    const f = path.join(dir, 'f');
    assert.equal(entrySignature(f), 'absent');
    fs.writeFileSync(f, 'x');
    const st = fs.statSync(f);
    assert.equal(entrySignature(f), `file:${st.ino}:${st.size}:${st.mtimeMs}`);
    fs.symlinkSync('target', path.join(dir, 'l'));
    assert.equal(entrySignature(path.join(dir, 'l')), 'link:target');
  });
});
