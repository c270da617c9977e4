// Reading the build directory never leaves it (src/engine/buildDirFiles.ts),
// on real files: symlinks planted by the container to files and directories
// outside, a builds/ that is itself a link out of the workspace, a FIFO that
// would block a plain read, and hostile names.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UnsafeBuildPathError } from '../../src/cosa/buildDirPaths';
import { listBuildDir, locateInBuildDir, readBuildDirFile, RefusedBuildDirFileError } from '../../src/engine/buildDirFiles';

const ID = '42.20260101.3.0';

describe('build directory files (real symlinks)', () => {
  let scratch: string;
  let ws: string;
  let outside: string;

  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-builddir-'));
    ws = path.join(scratch, 'ws');
    outside = path.join(scratch, 'outside');
    fs.mkdirSync(path.join(ws, 'builds', ID, 'x86_64'), { recursive: true });
    fs.mkdirSync(path.join(outside, 'x86_64'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'builds', 'builds.json'), '{"schema-version":"1.0.0","builds":[]}');
    fs.writeFileSync(path.join(ws, 'builds', ID, 'x86_64', 'meta.json'), '{"buildid":"inside"}');
    fs.writeFileSync(path.join(outside, 'secret'), 'SECRET');
    fs.writeFileSync(path.join(outside, 'x86_64', 'meta.json'), '{"summary":"SECRET"}');
  });

  afterEach(() => {
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  const refused = (p: Promise<unknown>, pattern: RegExp) => assert.rejects(p, (e: Error) => e instanceof RefusedBuildDirFileError && pattern.test(e.message));

  it('reads builds.json and a meta.json in place, and a link that stays inside builds/', async () => {
    assert.equal((await readBuildDirFile(ws, 'builds.json')).toString(), '{"schema-version":"1.0.0","builds":[]}');
    assert.equal((await readBuildDirFile(ws, { buildId: ID, arch: 'x86_64', file: 'meta.json' })).toString(), '{"buildid":"inside"}');
    fs.symlinkSync(ID, path.join(ws, 'builds', '42.20260101.4.0'));
    assert.equal((await readBuildDirFile(ws, { buildId: '42.20260101.4.0', arch: 'x86_64', file: 'meta.json' })).toString(), '{"buildid":"inside"}');
    assert.deepEqual(await listBuildDir(ws, { buildId: ID, arch: 'x86_64' }), ['meta.json']);
    assert.equal(await locateInBuildDir(ws, { buildId: ID, arch: 'x86_64', file: 'meta.json' }), path.join(ws, 'builds', ID, 'x86_64', 'meta.json'));
  });

  it('refuses a meta.json that links out of builds/', async () => {
    const meta = path.join(ws, 'builds', ID, 'x86_64', 'meta.json');
    fs.rmSync(meta);
    fs.symlinkSync(path.join(outside, 'secret'), meta);
    await refused(readBuildDirFile(ws, { buildId: ID, arch: 'x86_64', file: 'meta.json' }), /outside the build directory/);
    await refused(locateInBuildDir(ws, { buildId: ID, arch: 'x86_64', file: 'meta.json' }), /outside the build directory/);
  });

  it('refuses a build directory that links out of builds/ (read, list, reveal)', async () => {
    fs.symlinkSync(outside, path.join(ws, 'builds', '43.1'));
    await refused(readBuildDirFile(ws, { buildId: '43.1', arch: 'x86_64', file: 'meta.json' }), /outside the build directory/);
    await refused(listBuildDir(ws, { buildId: '43.1', arch: 'x86_64' }), /outside the build directory/);
    await refused(locateInBuildDir(ws, { buildId: '43.1' }), /outside the build directory/);
  });

  it('refuses builds/ itself when it links out of the workspace', async () => {
    fs.renameSync(path.join(ws, 'builds'), path.join(outside, 'builds'));
    fs.symlinkSync(path.join(outside, 'builds'), path.join(ws, 'builds'));
    await refused(readBuildDirFile(ws, 'builds.json'), /builds\/ resolves to .* outside the workspace/);
  });

  it('does not block on a FIFO, and refuses what is not a regular file', async () => {
    const meta = path.join(ws, 'builds', ID, 'x86_64', 'meta.json');
    fs.rmSync(meta);
    execFileSync('mkfifo', [meta]);
    await refused(readBuildDirFile(ws, { buildId: ID, arch: 'x86_64', file: 'meta.json' }), /not a regular file/);
  });

  it('says ENOENT for what is not there (a build not present locally)', async () => {
    await assert.rejects(readBuildDirFile(ws, { buildId: '41.1', arch: 'x86_64', file: 'meta.json' }), { code: 'ENOENT' });
  });

  it('never makes a path from a hostile id, arch or file name', async () => {
    for (const target of [{ buildId: '../../outside' }, { buildId: ID, arch: '../../..' }, { buildId: ID, arch: 'x86_64', file: '/etc/passwd' }, { buildId: '-1' }]) {
      await assert.rejects(locateInBuildDir(ws, target), UnsafeBuildPathError, JSON.stringify(target));
    }
  });
});
