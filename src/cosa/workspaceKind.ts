// What the open folder is to cosa, from the few paths that decide it.
// `cosa init` clones the config into src/config, checks its manifest, and
// only then creates cache/, builds/ and tmp/ (coreos-assembler src/cmd-init):
// a folder has a finished init when all of those exist. An init that failed
// midway leaves src/ (and maybe src/config) behind, which the next init
// refuses without --force.

export type WorkspaceKind =
  /** `builds/builds.json` exists: cosa has built here (or builds were copied here). */
  | 'builds'
  /** `cosa init` finished (src/config, builds/, tmp/) but no build index yet. */
  | 'initialized'
  /** A `cosa init` that did not finish: src/ is there, the rest is not. */
  | 'incomplete'
  /** Nothing cosa-shaped: offer `cosa init`. */
  | 'uninitialized';

export interface WorkspaceFacts {
  readonly hasBuildsJson: boolean;
  readonly hasSrcConfig: boolean;
  /** src/ exists (a failed init leaves it, and makes the next one need --force). */
  readonly hasSrc: boolean;
  readonly hasBuildsDir: boolean;
  readonly hasTmp: boolean;
}

/** An empty build directory: a new remote session's /srv, a pod's emptyDir before it ran. */
export const EMPTY_BUILD_DIR: WorkspaceFacts = { hasBuildsJson: false, hasSrcConfig: false, hasSrc: false, hasBuildsDir: false, hasTmp: false };

/** The paths `cosa build`/`cosa fetch` need: cmd-init's last step makes them. */
export const INIT_PATHS = ['src/config', 'builds', 'tmp'] as const;

/** True when `cosa init` finished here: cosa build and fetch can run. */
export function isInitialized(facts: WorkspaceFacts): boolean {
  return facts.hasSrcConfig && facts.hasBuildsDir && facts.hasTmp;
}

export function workspaceKind(facts: WorkspaceFacts): WorkspaceKind {
  if (facts.hasBuildsJson) {
    return 'builds';
  }
  if (isInitialized(facts)) {
    return 'initialized';
  }
  return facts.hasSrc || facts.hasSrcConfig ? 'incomplete' : 'uninitialized';
}

/** Which of the paths a finished init makes are missing (for "Initialize first" and failed-init messages). */
export function missingInitPaths(facts: WorkspaceFacts): string[] {
  const have: Record<(typeof INIT_PATHS)[number], boolean> = {
    'src/config': facts.hasSrcConfig,
    builds: facts.hasBuildsDir,
    tmp: facts.hasTmp,
  };
  return INIT_PATHS.filter((p) => !have[p]);
}

/** Commands that need a finished cosa init. */
const NEEDS_INIT = new Set(['build', 'fetch']);

export function needsInit(args: readonly string[]): boolean {
  return NEEDS_INIT.has(args[0] ?? '');
}

/** Why `cosa <args>` cannot run in this folder (undefined: it can). */
export function initMissingReason(facts: WorkspaceFacts, args: readonly string[]): string | undefined {
  if (!needsInit(args) || isInitialized(facts)) {
    return undefined;
  }
  const missing = missingInitPaths(facts).join(', ');
  const what = facts.hasSrc
    ? `a cosa init did not finish in this folder (${missing} missing)`
    : `this folder is not a coreos-assembler working directory (no ${missing})`;
  return `Initialize first: ${what}. cosa ${args[0]} was not started.`;
}

/** What `cosa init` creates at the top of the folder (cmd-init: src/, then cache/, builds/, tmp/, overrides/). */
export const INIT_CREATES = ['src', 'cache', 'builds', 'tmp', 'overrides'] as const;

export type InitCreated = (typeof INIT_CREATES)[number];

/**
 * What a failed init left: the top-level entries it creates that exist now
 * but did not before it started (a folder the user had is never counted).
 */
export function initLeftovers(before: ReadonlySet<string>, now: ReadonlySet<string>): InitCreated[] {
  return INIT_CREATES.filter((e) => now.has(e) && !before.has(e));
}
