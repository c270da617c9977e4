// Context keys the welcome views and menus depend on.

import * as vscode from 'vscode';
import { workspaceKind, WorkspaceKind } from '../cosa/workspaceKind';
import { findOnPath } from '../engine/executables';

/** Whether a file or folder exists (through VS Code's file system, so remote workspaces work too). */
export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

export async function detectWorkspaceKind(root: vscode.Uri): Promise<WorkspaceKind> {
  const [hasBuildsJson, hasSrcConfig] = await Promise.all([
    exists(vscode.Uri.joinPath(root, 'builds', 'builds.json')),
    exists(vscode.Uri.joinPath(root, 'src', 'config')),
  ]);
  return workspaceKind({ hasBuildsJson, hasSrcConfig });
}

export async function updateContextKeys(root: vscode.Uri | undefined, runtime: string): Promise<void> {
  const kind = root ? await detectWorkspaceKind(root) : 'uninitialized';
  await Promise.all([
    vscode.commands.executeCommand('setContext', 'coreos.workspaceKind', kind),
    vscode.commands.executeCommand('setContext', 'coreos.runtimeMissing', findOnPath(runtime) === undefined),
  ]);
}
