// Where the builds tree reads `builds/` from: the local workspace (src/engine/buildDirFiles.ts,
// which never leaves it), or the build directory of a remote session, read through exec on the
// builder (`cat`, `ls`, `readlink`, `stat` in the session: nothing comes from the local disk).
// Paths are made from checked parts only (src/cosa/buildDirPaths.ts). Process level, no vscode.

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { buildDirSegments, BuildDirTarget } from '../cosa/buildDirPaths';
import { FileProbe } from '../cosa/imageState';
import { parseSessionFacts, sessionFactsArgv } from '../cosa/sessionWorkspace';
import { WorkspaceFacts } from '../cosa/workspaceKind';
import { BuildDirEntry, listBuildDir, readBuildDirFile } from './buildDirFiles';
import { ExecTransport } from './execTransport';
import { CapturedResult } from './processRunner';
import { RemoteBuilderError } from '../cosa/remoteSession';
import { RemoteCommandError, withoutKnownHostsNoise } from './remoteSession';

/** A long-lived cosa container whose plain commands can be run and captured: a remote session or a pod. */
export interface CapturingTarget extends ExecTransport {
  capture(argv: readonly string[]): Promise<CapturedResult>;
}

export interface BuildDirSource {
  /** For people, when the build directory is not the local one: "remote session 4644a05b735e on builder1". */
  readonly remote?: string;
  /** A file of builds/; a missing one rejects with code ENOENT. */
  read(entry: BuildDirEntry): Promise<Uint8Array>;
  /** The names in builds/<id>[/<arch>]; a missing directory rejects with code ENOENT. */
  list(entry: BuildDirTarget): Promise<string[]>;
  /** The target of builds/latest, undefined when there is none. */
  latest(): Promise<string | undefined>;
  /** An image file's size; undefined: the tree stats it through VS Code's file system (local). */
  probe?(entry: BuildDirTarget): Promise<FileProbe>;
  /** A remote build directory: where a file of builds/ is in its container (what cosa there is given). */
  pathInTarget?(entry: BuildDirTarget): string;
  /** A remote build directory: what it holds (is it initialised), judged there. */
  facts?(): Promise<WorkspaceFacts>;
  /**
   * What each entry is now (inode, size, mtime), all in one call; undefined where it is absent.
   * Two equal signatures: the entry was not rewritten in between. Absent: the source cannot tell cheaply.
   */
  signatures?(entries: readonly BuildDirTarget[]): Promise<(string | undefined)[]>;
  /**
   * A file of builds/ and the signatures of it and of its directory, taken just before it is read
   * (one call): what signatures() is later compared with.
   */
  readSigned?(entry: SignedEntry): Promise<{ readonly bytes: Uint8Array; readonly signatures: readonly [string | undefined, string | undefined] }>;
}

/** A file in a build's arch directory. */
export type SignedEntry = BuildDirTarget & { readonly file: string };

/** A build directory read through exec (a session's or a pod's /srv): it also says what it holds. */
export type RemoteBuildDir = BuildDirSource & { facts(): Promise<WorkspaceFacts> };

export function localBuildDir(workspace: string): BuildDirSource {
  return {
    read: (entry) => readBuildDirFile(workspace, entry),
    list: (entry) => listBuildDir(workspace, entry),
    latest: () => fs.readlink(path.join(workspace, 'builds', 'latest')).catch(() => undefined),
  };
}

function notFound(what: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${what}: No such file or directory (on the builder)`), { code: 'ENOENT' });
}

const MISSING = /No such file or directory/;

/** find and stat exit 1 for a missing path and still report the others: another status, or anything else on stderr, is a failure. */
function failedBeyondMissing(r: CapturedResult): boolean {
  const otherErrors = withoutKnownHostsNoise(r.stderr).split('\n').filter((l) => l.trim() !== '' && !MISSING.test(l));
  return otherErrors.length > 0 || (r.exitCode !== 0 && r.exitCode !== 1);
}

/** `stat -c STAT_FORMAT` lines by path (paths are made of checked parts: no spaces, no newlines). */
const STAT_FORMAT = '%n %i %s %y';
function statLines(lines: readonly string[]): Map<string, string> {
  return new Map(lines.filter((l) => l.includes(' ')).map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)]));
}

/** What the build directory of a session or pod holds (for "Initialize first" and the welcome view), judged there with one `find`. */
export async function buildDirFacts(session: CapturingTarget): Promise<WorkspaceFacts> {
  const r = await session.capture(sessionFactsArgv(session.workdir));
  if (failedBeyondMissing(r)) {
    throw new RemoteCommandError('Looking at the build directory on the builder', r);
  }
  return parseSessionFacts(r.stdout, session.workdir);
}

/** The build directory (the workdir, /srv) of a remote session or a pod, read through exec. */
export function sessionBuildDir(session: CapturingTarget): RemoteBuildDir {
  const inSession = (entry: BuildDirEntry): string =>
    path.posix.join(session.workdir, ...(entry === 'builds.json' ? ['builds', 'builds.json'] : buildDirSegments(entry)));
  const run = async (argv: string[], file: string): Promise<string> => {
    const r = await session.capture(argv);
    if (r.exitCode === 0) {
      return r.stdout;
    }
    if (MISSING.test(r.stderr)) {
      throw notFound(file);
    }
    throw new RemoteCommandError(`Reading ${file} on the builder`, r);
  };
  return {
    remote: session.description,
    pathInTarget: (entry) => inSession(entry),
    facts: () => buildDirFacts(session),
    read: async (entry) => new TextEncoder().encode(await run(['cat', '--', inSession(entry)], inSession(entry))),
    list: async (entry) => (await run(['ls', '-A', '--', inSession(entry)], inSession(entry))).split('\n').filter((l) => l !== ''),
    latest: async () => {
      const r = await session.capture(['readlink', '--', path.posix.join(session.workdir, 'builds', 'latest')]);
      return r.exitCode === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : undefined;
    },
    signatures: async (entries) => {
      if (!entries.length) {
        return [];
      }
      const paths = entries.map(inSession);
      const r = await session.capture(['stat', '-c', STAT_FORMAT, '--', ...paths]);
      if (failedBeyondMissing(r)) {
        throw new RemoteCommandError('Looking at builds/ on the builder', r);
      }
      const found = statLines(r.stdout.split('\n'));
      return paths.map((p) => found.get(p));
    },
    readSigned: async (entry) => {
      const file = inSession(entry);
      const dir = path.posix.dirname(file);
      // Two stat lines (stat first: a change after it shows in the next look), then the file.
      const out = await run(['sh', '-c', `stat -c '${STAT_FORMAT}' -- "$1" "$2" && exec cat -- "$1"`, 'sh', file, dir], file);
      const first = out.indexOf('\n');
      const second = out.indexOf('\n', first + 1);
      if (first < 0 || second < 0) {
        throw new RemoteBuilderError(`Reading ${file} on the builder: no stat lines before it`);
      }
      const found = statLines([out.slice(0, first), out.slice(first + 1, second)]);
      return { bytes: new TextEncoder().encode(out.slice(second + 1)), signatures: [found.get(file), found.get(dir)] };
    },
    probe: async (entry) => {
      const r = await session.capture(['stat', '-L', '-c', '%s', '--', inSession(entry)]);
      if (r.exitCode === 0 && /^\d+\s*$/.test(r.stdout)) {
        return { exists: true, size: Number(r.stdout.trim()) };
      }
      return MISSING.test(r.stderr) ? { exists: false } : { error: r.stderr.trim() || `exit status ${r.exitCode}` };
    },
  };
}
