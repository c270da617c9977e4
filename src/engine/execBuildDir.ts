// The build directory inside a container reached by exec (a remote session, a pod): its entries
// that cosa init counts, and removing what a failed init left, each one command through the
// transport's capture (src/engine/execTransport.ts's seam). What it holds ("is it initialised")
// is src/engine/buildDirSource.ts's buildDirFacts. Process level, no vscode.

import * as path from 'node:path';
import { visibleSessionEntries } from '../cosa/sessionWorkspace';
import { InitCreated } from '../cosa/workspaceKind';
import { ExecTargetKind } from './execTransport';
import { CapturedResult } from './processRunner';

export interface CapturingTarget {
  readonly workdir: string;
  /** A plain command in the container, captured. */
  capture(argv: readonly string[], timeoutMs?: number): Promise<CapturedResult>;
}

/** The transport's error for a failed call (its client's words). */
export type FailureOf = (what: string, result: CapturedResult) => Error;

/** A build directory where cosa runs by exec (a session's or a pod's /srv), or one still to be made. */
export interface ExecBuildDir {
  /**
   * Which container: a remote session is sent the local src/, config checkout and overrides/
   * before a command that changes /srv (src/cosa/sessionWorkspace.ts); a pod is sent nothing.
   */
  readonly kind: ExecTargetKind;
  /** For people: "remote session 4644a05b735e on builder1", "pod ns/cosa-x (kubectl)". */
  readonly description: string;
  /** The entries of the build directory that `cosa init` counts (hidden ones do not). */
  visibleEntries(): Promise<string[]>;
  /** Deletes top-level entries that `cosa init` creates (what a failed one left), in one exec. */
  removeFromBuildDir(entries: readonly InitCreated[]): Promise<void>;
}

export async function execVisibleEntries(t: CapturingTarget, failed: FailureOf): Promise<string[]> {
  const r = await t.capture(['ls', '-A', '--', t.workdir]);
  if (r.exitCode !== 0) {
    throw failed('Listing the build directory on the builder', r);
  }
  return visibleSessionEntries(r.stdout);
}

export async function execRemoveFromBuildDir(t: CapturingTarget, entries: readonly InitCreated[], failed: FailureOf): Promise<void> {
  if (!entries.length) {
    return;
  }
  const r = await t.capture(['rm', '-rf', '--', ...entries.map((e) => path.posix.join(t.workdir, e))]);
  if (r.exitCode !== 0) {
    throw failed(`Removing ${entries.map((e) => `${e}/`).join(', ')} on the builder`, r);
  }
}
