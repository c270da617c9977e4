import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { watchDirEntries } from '../../src/engine/dirEntryWatch';

/** Waits until `done()` (inotify events arrive asynchronously), failing after `ms`. */
async function until(done: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    assert.ok(Date.now() < deadline, 'no event arrived');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** What cosa does: write a temp file beside it, then rename over builds.json. */
function rewrite(builds: string, text: string): void {
  fs.writeFileSync(path.join(builds, '.builds.json.tmp'), text);
  fs.renameSync(path.join(builds, '.builds.json.tmp'), path.join(builds, 'builds.json'));
}

describe('watchDirEntries (inotify on builds/)', () => {
  let scratch: string;
  let builds: string;
  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dir-entry-watch-'));
    builds = path.join(scratch, 'builds');
  });
  afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it('reports builds.json renamed into place and latest replaced, not the temp file or other entries', async () => {
    fs.mkdirSync(builds);
    const seen: string[] = [];
    const w = watchDirEntries(builds, ['builds.json', 'latest'], (name) => seen.push(name));
    try {
      fs.mkdirSync(path.join(builds, '43.1.0'));
      fs.writeFileSync(path.join(builds, 'other.txt'), 'x');
      rewrite(builds, '{}');
      await until(() => seen.includes('builds.json'));
      fs.symlinkSync('43.1.0', path.join(builds, 'latest'));
      await until(() => seen.includes('latest'));
      assert.deepEqual([...new Set(seen)].sort(), ['builds.json', 'latest']);
    } finally {
      w.dispose();
    }
  });

  it('a missing directory is no error; reattach() after it appears, and after it is made again', async () => {
    const seen: string[] = [];
    const w = watchDirEntries(builds, ['builds.json'], (name) => seen.push(name));
    try {
      fs.mkdirSync(builds);
      w.reattach();
      rewrite(builds, '{}');
      await until(() => seen.length > 0);
      fs.rmSync(builds, { recursive: true });
      fs.mkdirSync(builds);
      w.reattach();
      seen.length = 0;
      rewrite(builds, '{"builds":[]}');
      await until(() => seen.length > 0);
    } finally {
      w.dispose();
    }
  });

  it('reports nothing after dispose', async () => {
    fs.mkdirSync(builds);
    const seen: string[] = [];
    const w = watchDirEntries(builds, ['builds.json'], (name) => seen.push(name));
    w.dispose();
    w.reattach();
    rewrite(builds, '{}');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(seen, []);
  });
});

describe('watchDirEntries.reattach', () => {
  it('keeps the same watch while the directory is the same (no gap in which an event is lost)', async () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dir-entry-watch-'));
    const builds = path.join(scratch, 'builds');
    fs.mkdirSync(builds);
    const seen: string[] = [];
    const w = watchDirEntries(builds, ['builds.json'], (name) => seen.push(name));
    try {
      for (let i = 0; i < 50; i++) {
        w.reattach();
        if (i === 25) {
          rewrite(builds, '{}');
        }
      }
      await until(() => seen.length > 0);
    } finally {
      w.dispose();
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });
});
