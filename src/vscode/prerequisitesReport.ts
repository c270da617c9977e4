// `CoreOS: Check Prerequisites`: collect host facts, judge them (pure), and
// show the result as a read-only markdown preview.

import * as vscode from 'vscode';
import { checkPrerequisites, renderReportMarkdown } from '../cosa/prerequisites';
import { collectHostFacts } from '../engine/hostFacts';
import { readRawSettings } from './settings';

const SCHEME = 'coreos-report';

export class PrerequisitesReport implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private content = '';
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(SCHEME, this);

  provideTextDocumentContent(): string {
    return this.content;
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }

  async show(root: vscode.Uri | undefined): Promise<void> {
    const runtime = readRawSettings().containerRuntime || 'podman';
    const results = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'CoreOS: checking prerequisites…' },
      async () => checkPrerequisites(await collectHostFacts(runtime, root?.fsPath)),
    );
    this.content = renderReportMarkdown(results);
    const uri = vscode.Uri.from({ scheme: SCHEME, path: '/Prerequisites.md' });
    this.changed.fire(uri);
    await vscode.commands.executeCommand('markdown.showPreview', uri);
    const failed = results.filter((r) => r.status === 'fail');
    if (failed.length) {
      void vscode.window.showWarningMessage(`CoreOS prerequisites: ${failed.map((r) => r.title).join(', ')} need attention.`);
    }
  }
}
