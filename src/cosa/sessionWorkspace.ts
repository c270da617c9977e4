// The build directory of a remote session (its workdir, /srv) as the workspace's commands see it:
// what is there (judged on the builder, never on the local disk), and what goes there from the
// local workspace before a command that changes it: the config checkout (src/, or the
// coreos.configGit checkout that the local alias would mount at /srv/src/config/) and the local
// overrides/. They go the way `cosa remote-session sync FROM :TO` sends files (rsync over
// `podman --remote exec -i`, src/cosa/remoteSession.ts sessionSyncArgv). Nothing comes back.
// Pure: paths and parsing only.

import * as path from 'node:path';
import { WorkspaceFacts } from './workspaceKind';

/** One local folder and where it goes in the session (rsync's `FROM/ :TO/`: the folder's contents). */
export interface SessionInput {
  /** For people: "src/", "overrides/", "coreos.configGit". */
  readonly label: string;
  /** Absolute local folder, with a trailing slash. */
  readonly from: string;
  /** `:` + absolute folder in the session, with a trailing slash. */
  readonly to: string;
}

export interface LocalInputs {
  /** The workspace's src/ exists locally. */
  readonly hasSrc: boolean;
  /** The workspace's overrides/ exists locally. */
  readonly hasOverrides: boolean;
  /** coreos.configGit (COREOS_ASSEMBLER_CONFIG_GIT): a local config checkout. */
  readonly configGit?: string;
}

const slash = (p: string) => (p.endsWith('/') ? p : `${p}/`);

/**
 * The folders a command's inputs come from, in the order they are sent: src/ first, then the
 * configGit checkout over src/config (locally it is mounted over it), then overrides/.
 */
export function sessionInputs(workspace: string, local: LocalInputs, workdir = '/srv'): SessionInput[] {
  const inSession = (...p: string[]) => `:${slash(path.posix.join(workdir, ...p))}`;
  const out: SessionInput[] = [];
  if (local.hasSrc) {
    out.push({ label: 'src/', from: slash(path.join(workspace, 'src')), to: inSession('src') });
  }
  if (local.configGit) {
    out.push({ label: 'coreos.configGit', from: slash(local.configGit), to: inSession('src', 'config') });
  }
  if (local.hasOverrides) {
    out.push({ label: 'overrides/', from: slash(path.join(workspace, 'overrides')), to: inSession('overrides') });
  }
  return out;
}

/** The paths that decide WorkspaceFacts (src/cosa/workspaceKind.ts), relative to the build directory. */
const FACT_PATHS: readonly [keyof WorkspaceFacts, string][] = [
  ['hasBuildsJson', 'builds/builds.json'],
  ['hasSrcConfig', 'src/config'],
  ['hasSrc', 'src'],
  ['hasBuildsDir', 'builds'],
  ['hasTmp', 'tmp'],
];

/** One exec in the session: `find P... -maxdepth 0` prints the paths that exist (a missing one only on stderr). */
export function sessionFactsArgv(workdir = '/srv'): string[] {
  return ['find', ...FACT_PATHS.map(([, p]) => path.posix.join(workdir, p)), '-maxdepth', '0'];
}

/** sessionFactsArgv's stdout as WorkspaceFacts. */
export function parseSessionFacts(stdout: string, workdir = '/srv'): WorkspaceFacts {
  const present = new Set(stdout.split('\n').map((l) => l.trim()).filter((l) => l !== ''));
  const facts = Object.fromEntries(FACT_PATHS.map(([k, p]) => [k, present.has(path.posix.join(workdir, p))]));
  return facts as unknown as WorkspaceFacts;
}

/** The entries `cosa init` would count (`ls ./`: hidden ones do not), from `ls -A` of the build directory. */
export function visibleSessionEntries(lsOutput: string): string[] {
  return lsOutput.split('\n').filter((n) => n !== '' && !n.startsWith('.')).sort();
}
