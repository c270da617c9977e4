// Removes the cosa locks a killed command left (see src/cosa/leftoverLocks.ts): in a local
// build directory, in builds/ and in each builds/<id>/<arch>/ changed since the command started
// (a claim made there changed that directory); in a long-lived container's (a remote session,
// a pod), by the sweep script run there through exec. Process level, no vscode.

import * as fs from 'fs';
import * as path from 'path';
import { LEFTOVER_LOCKS_SCRIPT, LockClaim, LockDirEntry, claimNamedBy, leftoverLockEntries } from '../cosa/leftoverLocks';
import { ExecTransport } from './execTransport';
import { runCaptured } from './processRunner';

/** In an exec target's build directory: the locks of its dead processes; the removed paths (relative to it). Never rejects. */
export async function removeLeftoverLocksIn(transport: ExecTransport, sinceMs: number): Promise<string[]> {
  const cmd = transport.execCommand(['sh', '-c', LEFTOVER_LOCKS_SCRIPT, 'sh', String(Math.floor(sinceMs / 1000) - 1)], { workdir: transport.workdir });
  const r = await runCaptured(cmd.file, cmd.argv, { env: cmd.env, timeoutMs: 30_000 }).catch(() => undefined);
  return (r?.stdout ?? '').split('\n').filter(Boolean);
}

/** The line a command's output gets for each removed lock. */
export function removedLockLine(file: string): string {
  return `Removed ${file}, a lock the stopped cosa command held.`;
}

/** The removed paths, relative to `buildDir`. Errors reading a directory skip it. */
export async function removeLeftoverLocks(buildDir: string, leftBehind: (claim: LockClaim) => boolean, sinceMs: number): Promise<string[]> {
  const builds = path.join(buildDir, 'builds');
  const dirs = [builds];
  const ids = await fs.promises.readdir(builds, { withFileTypes: true }).catch(() => []);
  for (const id of ids) {
    if (!id.isDirectory()) {
      continue;
    }
    const arches = await fs.promises.readdir(path.join(builds, id.name), { withFileTypes: true }).catch(() => []);
    for (const arch of arches) {
      if (!arch.isDirectory()) {
        continue;
      }
      const dir = path.join(builds, id.name, arch.name);
      // Claims change their directory's mtime; a build untouched since the start holds none.
      const st = await fs.promises.stat(dir).catch(() => undefined);
      if (st && st.mtimeMs >= sinceMs - 1000) {
        dirs.push(dir);
      }
    }
  }
  const removed: string[] = [];
  for (const dir of dirs) {
    const names = await fs.promises.readdir(dir).catch(() => []);
    if (!names.some((n) => n.includes('.lock|'))) {
      continue;
    }
    const entries: LockDirEntry[] = [];
    for (const name of names) {
      const st = await fs.promises.lstat(path.join(dir, name)).catch(() => undefined);
      if (st) {
        entries.push({ name, mtimeMs: st.mtimeMs, isFile: st.isFile() });
      }
    }
    const holders = new Map<string, string | undefined>();
    for (const e of entries) {
      if (e.name.endsWith('.lock') && e.isFile) {
        holders.set(e.name, await fs.promises.readFile(path.join(dir, e.name), 'utf8').then(claimNamedBy, () => undefined));
      }
    }
    for (const name of leftoverLockEntries(entries, leftBehind, (lock) => holders.get(lock), sinceMs - 1000)) {
      await fs.promises.rm(path.join(dir, name), { force: true });
      removed.push(path.relative(buildDir, path.join(dir, name)));
    }
  }
  return removed;
}
