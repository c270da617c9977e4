// CoreOS: Open Assembler Shell: an interactive terminal running `cosa shell`
// (bash in a cosa container for this workspace) with a real TTY. The user types
// `cosa ...` there, so while it is open it holds the workspace lock like a
// running build (the launcher keeps the lease until the terminal closes):
// builds from the UI are refused with a clear message (two cosa commands must
// never change one build directory at once). Its container is labelled as
// changing the workspace, so other windows see it too.

import * as vscode from 'vscode';
import { CosaLauncher } from './cosaLauncher';

export const ASSEMBLER_SHELL_TITLE = vscode.l10n.t('The Assembler Shell');

export class AssemblerShells implements vscode.Disposable {
  private readonly open = new Map<string, vscode.Terminal>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly launcher: CosaLauncher) {
    this.disposables.push(vscode.window.onDidCloseTerminal((t) => {
      for (const [ws, terminal] of this.open) {
        if (terminal === t) this.open.delete(ws);
      }
    }));
  }

  async openShell(root: vscode.Uri): Promise<vscode.Terminal | undefined> {
    const existing = this.open.get(root.fsPath);
    if (existing) {
      existing.show();
      return existing;
    }
    const launched = await this.launcher.openTerminal({
      root, args: ['shell'], purpose: 'shell', mutating: true, name: vscode.l10n.t('CoreOS Assembler Shell'), icon: 'terminal',
      banner: [vscode.l10n.t('Type cosa commands here (e.g. cosa build). Builds from the UI wait until this shell is closed.')],
    }, ASSEMBLER_SHELL_TITLE);
    if (!launched) {
      return undefined;
    }
    this.open.set(root.fsPath, launched.terminal);
    return launched.terminal;
  }

  dispose(): void {
    this.open.clear();
    this.disposables.forEach((d) => d.dispose());
  }
}
