// Runs one cosa command in an integrated terminal: the runtime is the
// terminal's process and gets an argv array, never a shell line.

import * as vscode from 'vscode';
import { cosaRunArgv } from '../cosa/invocation';
import { shellQuote } from '../cosa/shellWords';
import { findOnPath } from '../engine/executables';
import { readCosaSettings } from './settings';

export interface CosaTerminalRequest {
  readonly root: vscode.Uri;
  readonly args: readonly string[];
  readonly purpose: string;
}

export async function runCosaInTerminal(request: CosaTerminalRequest): Promise<vscode.Terminal | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(
      'CoreOS Assembler runs a privileged container; trust this workspace first (Workspaces: Manage Workspace Trust).',
    );
    return undefined;
  }
  let settings;
  try {
    settings = readCosaSettings();
  } catch (e) {
    void vscode.window.showErrorMessage(`CoreOS Assembler settings: ${(e as Error).message}`);
    return undefined;
  }
  const runtimePath = findOnPath(settings.runtime);
  if (!runtimePath) {
    const check = 'Check Prerequisites';
    const choice = await vscode.window.showErrorMessage(
      `${settings.runtime} was not found on PATH. Install it (e.g. \`sudo apt install podman\`) or pick another runtime in the coreos.containerRuntime setting.`,
      check,
    );
    if (choice === check) {
      await vscode.commands.executeCommand('coreos.checkPrerequisites');
    }
    return undefined;
  }
  const argv = cosaRunArgv(settings, { workspace: request.root.fsPath, args: request.args, tty: true, purpose: request.purpose });
  const terminal = vscode.window.createTerminal({
    name: `cosa ${request.args.join(' ')}`,
    shellPath: runtimePath,
    shellArgs: argv,
    cwd: request.root,
    message: `$ ${[settings.runtime, ...argv].map(shellQuote).join(' ')}`,
    iconPath: new vscode.ThemeIcon('package'),
  });
  terminal.show();
  return terminal;
}
