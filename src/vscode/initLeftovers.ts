// A cosa init that fails midway leaves src/ (often src/config) behind: the
// next init refuses the folder without --force, and with --force it keeps the
// leftover src/config instead of cloning again. Remember what existed before
// each init starts, so a failure can say what it left and offer to remove
// exactly that (never anything that was there before). The build directory is
// where the init runs: the local folder, or with a remote builder the /srv of
// the workspace's session or pod, looked at and cleaned there by exec (never locally).

import * as vscode from 'vscode';
import { INIT_CREATES, InitCreated, initLeftovers } from '../cosa/workspaceKind';
import { ExecBuildDir } from '../engine/execBuildDir';
import { exists } from './workspaceContext';

async function present(root: vscode.Uri, session: ExecBuildDir | undefined): Promise<Set<string>> {
  if (session) {
    const entries = new Set(await session.visibleEntries());
    return new Set(INIT_CREATES.filter((e) => entries.has(e)));
  }
  const found = await Promise.all(INIT_CREATES.map(async (e): Promise<string | undefined> => ((await exists(vscode.Uri.joinPath(root, e))) ? e : undefined)));
  return new Set(found.filter((e): e is string => e !== undefined));
}

/** What a failed init left, and where: the local folder (no session) or a session's build directory. */
export interface InitLeft {
  readonly entries: InitCreated[];
  readonly session?: ExecBuildDir;
}

export class InitLeftovers {
  private readonly before = new Map<string, { readonly present: Set<string>; readonly session?: ExecBuildDir }>();

  /** `where`: the session the workspace's cosa runs in (undefined: locally); throws when that cannot be told now. */
  constructor(private readonly where: (root: vscode.Uri) => Promise<ExecBuildDir | undefined>) {}

  /** Called just before `cosa init` starts in `root`. When its build directory cannot be looked at, nothing is recorded (nothing offered). */
  async recordBefore(root: vscode.Uri): Promise<void> {
    this.before.delete(root.fsPath);
    try {
      const session = await this.where(root);
      this.before.set(root.fsPath, { present: await present(root, session), ...(session ? { session } : {}) });
    } catch {
      // An unreachable builder: the init's own start says why.
    }
  }

  /** What the last init in `root` created (after it failed); no entries when nothing was recorded. */
  async leftBy(root: vscode.Uri): Promise<InitLeft> {
    const before = this.before.get(root.fsPath);
    this.before.delete(root.fsPath);
    if (!before) {
      return { entries: [] };
    }
    const now = await present(root, before.session).catch(() => undefined);
    const entries = now ? initLeftovers(before.present, now) : [];
    return { entries, ...(before.session ? { session: before.session } : {}) };
  }

  /** Deletes `left` (top-level names from leftBy) where the init ran. A symlinked src/config goes as a link, its target stays. */
  static async remove(root: vscode.Uri, left: InitLeft): Promise<void> {
    if (left.session) {
      await left.session.removeFromBuildDir(left.entries);
      return;
    }
    for (const e of left.entries) {
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(root, e), { recursive: true, useTrash: false });
    }
  }
}
