// Test in VM copies a config from outside the workspace into
// <workspace>/tmp/coreos-vscode/ (src/engine/scratchFile.ts). The container
// writes tmp/ too: a link planted anywhere on that way must not turn the copy
// into a write outside the workspace. Real files and real symlinks.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SCRATCH_DIR, UnsafeScratchPathError, writeScratchFile } from '../../src/engine/scratchFile';

describe('scratch copies in the workspace (real symlinks)', () => {
  let scratch: string;
  let ws: string;
  let outside: string;
  const bytes = new TextEncoder().encode('{"ignition":{"version":"3.4.0"}}');

  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-scratch-'));
    ws = path.join(scratch, 'ws');
    outside = path.join(scratch, 'outside');
    fs.mkdirSync(ws);
    fs.mkdirSync(outside);
  });

  afterEach(() => {
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  const outsideFiles = () => fs.readdirSync(outside, { recursive: true }).map(String).sort();

  it('creates the directories and writes, and overwrites an earlier copy', async () => {
    const file = await writeScratchFile(ws, SCRATCH_DIR, 'config.ign', bytes);
    assert.equal(file, path.join(fs.realpathSync(ws), 'tmp', 'coreos-vscode', 'config.ign'));
    await writeScratchFile(ws, SCRATCH_DIR, 'config.ign', new TextEncoder().encode('{}'));
    assert.equal(fs.readFileSync(file, 'utf8'), '{}');
  });

  it('refuses tmp/ that links out of the workspace, and writes nothing there', async () => {
    fs.symlinkSync(outside, path.join(ws, 'tmp'));
    await assert.rejects(writeScratchFile(ws, SCRATCH_DIR, 'config.ign', bytes), (e: Error) => e instanceof UnsafeScratchPathError && /tmp .*symbolic link/.test(e.message));
    assert.deepEqual(outsideFiles(), []);
  });

  it('refuses tmp/coreos-vscode that links out of the workspace', async () => {
    fs.mkdirSync(path.join(ws, 'tmp'));
    fs.symlinkSync(outside, path.join(ws, 'tmp', 'coreos-vscode'));
    await assert.rejects(writeScratchFile(ws, SCRATCH_DIR, 'config.ign', bytes), UnsafeScratchPathError);
    assert.deepEqual(outsideFiles(), []);
  });

  it('refuses a copy that is a link to a file outside, and leaves that file alone', async () => {
    fs.mkdirSync(path.join(ws, 'tmp', 'coreos-vscode'), { recursive: true });
    fs.writeFileSync(path.join(outside, 'authorized_keys'), 'ssh-ed25519 KEEP');
    fs.symlinkSync(path.join(outside, 'authorized_keys'), path.join(ws, 'tmp', 'coreos-vscode', 'config.ign'));
    await assert.rejects(writeScratchFile(ws, SCRATCH_DIR, 'config.ign', bytes), /symbolic link/);
    assert.equal(fs.readFileSync(path.join(outside, 'authorized_keys'), 'utf8'), 'ssh-ed25519 KEEP');
  });

  it('refuses a file where a directory belongs, and names that are paths', async () => {
    fs.writeFileSync(path.join(ws, 'tmp'), '');
    await assert.rejects(writeScratchFile(ws, SCRATCH_DIR, 'config.ign', bytes), /not a directory/);
    for (const name of ['..', '../x.ign', '', 'a\u0000b']) {
      await assert.rejects(writeScratchFile(ws, ['x'], name, bytes), UnsafeScratchPathError, JSON.stringify(name));
    }
  });
});
