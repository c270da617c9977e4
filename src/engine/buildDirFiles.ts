// Reading, listing and locating files of `builds/` without ever leaving it.
// The cosa container writes that directory and may plant symlinks (a
// `meta.json` or a whole `builds/<id>` pointing at /etc or at $HOME): every
// path is made from checked parts (src/cosa/buildDirPaths.ts), resolved with
// realpath and refused when it lands outside the real `builds/`, which must
// itself lie in the workspace (only the workspace is mounted into the
// container, so cosa never wrote anything elsewhere). A read opens the
// resolved file without following a symlink, without blocking on a FIFO, and
// checks again through /proc/self/fd what it opened, so a symlink swapped in
// between the check and the open is caught too.

import { constants, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { BuildDirTarget, buildDirSegments, isInside } from '../cosa/buildDirPaths';

/** Outside `builds/` once symlinks are resolved, not a regular file, or too large: never read or opened. */
export class RefusedBuildDirFileError extends Error {
  readonly code = 'EOUTSIDEBUILDDIR';
}

/** meta.json and builds.json are kilobytes; a planted multi-gigabyte file must not be read into memory. */
export const MAX_BUILD_DIR_FILE_BYTES = 64 * 1024 * 1024;

/** `builds/builds.json`, or a build, its arch directory, or a file in it. */
export type BuildDirEntry = BuildDirTarget | 'builds.json';

function segmentsOf(entry: BuildDirEntry): string[] {
  return entry === 'builds.json' ? ['builds', 'builds.json'] : buildDirSegments(entry);
}

/** The real `builds/` of a workspace; refused when it is a link out of the workspace. */
async function realBuildsDir(workspace: string): Promise<string> {
  const [realWorkspace, realBuilds] = await Promise.all([fsp.realpath(workspace), fsp.realpath(path.join(workspace, 'builds'))]);
  if (!isInside(realWorkspace, realBuilds)) {
    throw new RefusedBuildDirFileError(`builds/ resolves to ${realBuilds}, outside the workspace`);
  }
  return realBuilds;
}

/**
 * The host path of `entry` (as the workspace names it, for display, reveal
 * and mounts) after checking that its real path is inside `builds/`.
 * Throws UnsafeBuildPathError, RefusedBuildDirFileError, or the file system's
 * error (ENOENT when it does not exist).
 */
export async function locateInBuildDir(workspace: string, entry: BuildDirEntry): Promise<string> {
  const segments = segmentsOf(entry);
  const lexical = path.join(workspace, ...segments);
  await realPathInBuildDir(workspace, lexical, segments);
  return lexical;
}

async function realPathInBuildDir(workspace: string, lexical: string, segments: readonly string[]): Promise<{ root: string; real: string }> {
  const root = await realBuildsDir(workspace);
  const real = await fsp.realpath(lexical);
  if (!isInside(root, real)) {
    throw new RefusedBuildDirFileError(`${segments.join('/')} resolves to ${real}, outside the build directory`);
  }
  return { root, real };
}

/** The names in a build's directory (e.g. osbuild's `.<platform>.building` markers). */
export async function listBuildDir(workspace: string, entry: BuildDirTarget): Promise<string[]> {
  const segments = segmentsOf(entry);
  const { real } = await realPathInBuildDir(workspace, path.join(workspace, ...segments), segments);
  return fsp.readdir(real);
}

/** The bytes of a regular file in `builds/`. */
export async function readBuildDirFile(workspace: string, entry: BuildDirEntry): Promise<Buffer> {
  const segments = segmentsOf(entry);
  const { root, real } = await realPathInBuildDir(workspace, path.join(workspace, ...segments), segments);
  const handle = await fsp.open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const opened = await fsp.readlink(`/proc/self/fd/${handle.fd}`).catch(() => real);
    if (!isInside(root, opened)) {
      throw new RefusedBuildDirFileError(`${segments.join('/')} was replaced by a link to ${opened}, outside the build directory`);
    }
    const stat = await handle.stat();
    if (!stat.isFile()) {
      throw new RefusedBuildDirFileError(`${segments.join('/')} is not a regular file`);
    }
    if (stat.size > MAX_BUILD_DIR_FILE_BYTES) {
      throw new RefusedBuildDirFileError(`${segments.join('/')} is ${stat.size} bytes, more than cosa ever writes there`);
    }
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/**
 * The workspace and a file with symlinks resolved (what imagePathInContainer,
 * src/cosa/qemuArgs.ts, compares); undefined when either cannot be resolved.
 */
export async function realPaths(workspace: string, file: string): Promise<{ workspace: string; image: string } | undefined> {
  try {
    return { workspace: await fsp.realpath(workspace), image: await fsp.realpath(file) };
  } catch {
    return undefined;
  }
}
