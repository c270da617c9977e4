// What the open folder is to cosa, from the few paths that decide it.

export type WorkspaceKind =
  /** `builds/builds.json` exists: cosa has built here. */
  | 'builds'
  /** `cosa init` ran (src/config exists) but no build index yet. */
  | 'initialized'
  /** Nothing cosa-shaped: offer `cosa init`. */
  | 'uninitialized';

export interface WorkspaceFacts {
  readonly hasBuildsJson: boolean;
  readonly hasSrcConfig: boolean;
}

export function workspaceKind(facts: WorkspaceFacts): WorkspaceKind {
  if (facts.hasBuildsJson) {
    return 'builds';
  }
  return facts.hasSrcConfig ? 'initialized' : 'uninitialized';
}
