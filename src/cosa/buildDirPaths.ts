// What a build id, an arch and an image path in builds.json / meta.json may
// be, and the only way such values become paths or arguments. The build
// directory is written by a privileged container from a config repository
// someone else may control, so its data is untrusted: accept exactly what
// coreos-assembler itself can produce, refuse the rest with a reason.
//
// Rules, from coreos-assembler's source:
// - build id: cmd-build tags its image `localhost/<name>:<VERSION>` and
//   cmd-import makes the tag's version the build id, so an id is an OCI tag,
//   `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}` (distribution/reference). It is also
//   an ostree ref and the name of `builds/<id>`; `latest` is the
//   `builds/latest` symlink (cosa resolves it to the newest build), and kola
//   reads a `--build` starting with `-` as a relative index (`-1`).
// - arch: `coreos-assembler.basearch`, rpm's basearch; cmd-osbuild accepts
//   x86_64, aarch64, s390x, ppc64le, riscv64.
// - image path: `images.<kind>.path` is a file name in `builds/<id>/<arch>/`
//   (cosa joins it to that directory): `<name>-<id>-<platform>.<arch>.<ext>`,
//   where the name is an image repository component and the id a tag, so
//   the same characters as an id, up to a file name's 255 bytes.
// Pure: no file system. Symlinks are checked where files are read
// (src/engine/buildDirFiles.ts) with `isInside` below.

import * as path from 'node:path';

export const BUILD_ARCHES = ['x86_64', 'aarch64', 's390x', 'ppc64le', 'riscv64'] as const;
export type BuildArch = (typeof BUILD_ARCHES)[number];

const BUILD_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const IMAGE_FILE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$/;

/** Shown in messages: a value as JSON, cut short, so control characters and NULs are visible and harmless. */
export function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…"` : text;
}

/** Why `id` is not a build id cosa makes, or undefined when it is one. */
export function buildIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string' || !BUILD_ID.test(id)) {
    return `build id ${quoted(id)} is not one cosa makes (letters, digits, _ . - and at most 128 characters, not starting with . or -)`;
  }
  if (id === 'latest') {
    return 'build id "latest" is the builds/latest link, not a build';
  }
  return undefined;
}

/** Why `arch` is not a basearch cosa builds for, or undefined when it is one. */
export function archProblem(arch: unknown): string | undefined {
  return typeof arch === 'string' && (BUILD_ARCHES as readonly string[]).includes(arch)
    ? undefined
    : `arch ${quoted(arch)} is not one cosa builds for (${BUILD_ARCHES.join(', ')})`;
}

/** Why `file` is not an image file name cosa writes into a build's arch directory, or undefined. */
export function imageFileProblem(file: unknown): string | undefined {
  return typeof file === 'string' && IMAGE_FILE.test(file)
    ? undefined
    : `image path ${quoted(file)} is not a file name in the build's directory`;
}

export const isBuildId = (id: unknown): id is string => buildIdProblem(id) === undefined;
export const isBuildArch = (arch: unknown): arch is BuildArch => archProblem(arch) === undefined;
export const isImageFile = (file: unknown): file is string => imageFileProblem(file) === undefined;

export class UnsafeBuildPathError extends Error {}

/** What a path or argument is made of; checked again here so no caller can skip the rules. */
export interface BuildDirTarget {
  readonly buildId: string;
  readonly arch?: string;
  /** A file in the arch directory: meta.json or an image's path. */
  readonly file?: string;
}

/**
 * The path segments under the workspace: `builds/<id>[/<arch>[/<file>]]`.
 * Throws UnsafeBuildPathError for anything cosa cannot have written.
 */
export function buildDirSegments(target: BuildDirTarget): string[] {
  const problem = buildIdProblem(target.buildId)
    ?? (target.arch !== undefined ? archProblem(target.arch) : undefined)
    ?? (target.file !== undefined ? imageFileProblem(target.file) : undefined)
    ?? (target.file !== undefined && target.arch === undefined ? 'a file needs its arch directory' : undefined);
  if (problem) {
    throw new UnsafeBuildPathError(problem);
  }
  return ['builds', target.buildId, ...(target.arch !== undefined ? [target.arch] : []), ...(target.file !== undefined ? [target.file] : [])];
}

/** A build id for `--build <id>`; throws UnsafeBuildPathError for one cosa cannot have made (e.g. `-1`, which kola reads as an index). */
export function buildIdArgument(id: string): string {
  const problem = buildIdProblem(id);
  if (problem) {
    throw new UnsafeBuildPathError(problem);
  }
  return id;
}

/** Whether `candidate` is `root` or below it; both absolute and already resolved (realpath). */
export function isInside(root: string, candidate: string): boolean {
  if (!path.isAbsolute(root) || !path.isAbsolute(candidate)) {
    return false;
  }
  const rel = path.relative(path.resolve(root), path.resolve(candidate));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
