// Writing a file into the workspace's scratch directory (`tmp/...`) without
// following a symlink: the cosa container writes `tmp/` too, and a link
// planted there (tmp -> /home/you, tmp/coreos-vscode -> ~/.ssh) must not turn
// the extension's copy into a write outside the workspace. Each directory on
// the way is checked with lstat (created when missing), the file is opened
// with O_NOFOLLOW and without truncating, and what was opened is checked
// through /proc/self/fd before a byte is written, so a directory swapped for
// a link in between is caught too.

import { constants, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { isInside } from '../cosa/buildDirPaths';

/** cosa's scratch directory in the workspace, where Test in VM copies configs from outside it. */
export const SCRATCH_DIR = ['tmp', 'coreos-vscode'] as const;

export class UnsafeScratchPathError extends Error {}

function checkName(name: string): void {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new UnsafeScratchPathError(`${JSON.stringify(name)} is not a file name`);
  }
}

/** Writes `bytes` to `<workspace>/<dirs...>/<name>`; returns the path. Throws UnsafeScratchPathError when a link or a non-directory is in the way. */
export async function writeScratchFile(workspace: string, dirs: readonly string[], name: string, bytes: Uint8Array): Promise<string> {
  [...dirs, name].forEach(checkName);
  const root = await fsp.realpath(workspace);
  let dir = root;
  for (const part of dirs) {
    dir = path.join(dir, part);
    try {
      await fsp.mkdir(dir, { mode: 0o755 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw e;
      }
    }
    const stat = await fsp.lstat(dir);
    if (stat.isSymbolicLink() || !stat.isDirectory()) {
      throw new UnsafeScratchPathError(`${path.relative(root, dir)} in the workspace is ${stat.isSymbolicLink() ? 'a symbolic link' : 'not a directory'}; not writing through it`);
    }
  }
  const file = path.join(dir, name);
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new UnsafeScratchPathError(`${path.relative(root, file)} in the workspace is a symbolic link; not writing through it`);
    }
    throw e;
  }
  try {
    const opened = await fsp.readlink(`/proc/self/fd/${handle.fd}`).catch(() => file);
    if (!isInside(root, opened) || !(await handle.stat()).isFile()) {
      throw new UnsafeScratchPathError(`${path.relative(root, file)} is not a regular file in the workspace (it leads to ${opened}); not writing it`);
    }
    await handle.truncate(0);
    await handle.writeFile(bytes);
  } finally {
    await handle.close();
  }
  return file;
}
