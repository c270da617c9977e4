// A status-bar item for the running cosa command of this workspace: a spinner,
// the command and its phase from the log; a click shows its terminal.

import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds';
import { CosaRun, CosaRuns } from './tasks';

export class CosaStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly runs: CosaRuns, private readonly root: () => vscode.Uri | undefined) {
    this.item = vscode.window.createStatusBarItem('coreos.running', vscode.StatusBarAlignment.Left, 50);
    this.item.name = vscode.l10n.t('CoreOS Assembler: running command');
    this.item.command = COMMANDS.showRunningCosa;
    this.disposables.push(
      runs.onDidStart(() => this.update()),
      runs.onDidChangePhase(() => this.update()),
      runs.onDidEnd(() => this.update()),
    );
  }

  private current(): CosaRun | undefined {
    const root = this.root();
    return root ? this.runs.running(root).at(-1) : undefined;
  }

  update(): void {
    const run = this.current();
    if (!run) {
      this.item.hide();
      return;
    }
    const phase = run.phases.phase?.label;
    this.item.text = `$(sync~spin) cosa ${run.args[0]}${phase ? `: ${phase}` : ''}`;
    this.item.tooltip = new vscode.MarkdownString([
      vscode.l10n.t('**cosa {0}** running in `{1}`', run.args.join(' '), run.root.fsPath),
      ...(phase ? [vscode.l10n.t('Phase: {0}', phase)] : []),
      vscode.l10n.t('Container `{0}`. Click to show its terminal.', run.process.containerName),
    ].join('\n\n'));
    this.item.show();
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
    this.item.dispose();
  }
}
