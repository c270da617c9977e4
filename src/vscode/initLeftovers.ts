// A cosa init that fails midway leaves src/ (often src/config) behind: the
// next init refuses the folder without --force, and with --force it keeps the
// leftover src/config instead of cloning again. Remember what existed before
// each init starts, so a failure can say what it left and offer to remove
// exactly that (never anything that was there before).

import * as vscode from 'vscode';
import { INIT_CREATES, initLeftovers } from '../cosa/workspaceKind';
import { exists } from './workspaceContext';

async function present(root: vscode.Uri): Promise<Set<string>> {
  const found = await Promise.all(INIT_CREATES.map(async (e): Promise<string | undefined> => ((await exists(vscode.Uri.joinPath(root, e))) ? e : undefined)));
  return new Set(found.filter((e): e is string => e !== undefined));
}

export class InitLeftovers {
  private readonly before = new Map<string, Set<string>>();

  /** Called just before `cosa init` starts in `root`. */
  async recordBefore(root: vscode.Uri): Promise<void> {
    this.before.set(root.fsPath, await present(root));
  }

  /** What the last init in `root` created (after it failed); empty when nothing was recorded. */
  async leftBy(root: vscode.Uri): Promise<string[]> {
    const before = this.before.get(root.fsPath);
    this.before.delete(root.fsPath);
    return before ? initLeftovers(before, await present(root)) : [];
  }

  /** Deletes `entries` (top-level names from leftBy) in `root`. A symlinked src/config goes as a link, its target stays. */
  static async remove(root: vscode.Uri, entries: readonly string[]): Promise<void> {
    for (const e of entries) {
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(root, e), { recursive: true, useTrash: false });
    }
  }
}
