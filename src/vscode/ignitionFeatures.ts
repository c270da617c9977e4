// Ignition/Butane editing: live diagnostics, the Ignition Config Editor and
// the New / Validate / Open commands. One object for the composition root.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { configKind, IGNITION_EDITOR_VIEW_TYPE } from './configDocuments';
import { IgnitionDiagnostics, loadIgnitionLib } from './ignitionDiagnostics';
import { IgnitionEditorProvider } from './ignitionEditor';

export const SSH_KEY_PLACEHOLDER = 'ssh-ed25519 AAAA-REPLACE-WITH-YOUR-PUBLIC-SSH-KEY';

/** A minimal valid config for `version`: the core user with one SSH key (a placeholder to replace). */
export function newIgnitionConfig(version: string): string {
  return JSON.stringify({
    ignition: { version },
    // not localised: Ignition data (the user is named core)
    passwd: { users: [{ name: 'core', sshAuthorizedKeys: [SSH_KEY_PLACEHOLDER] }] },
  }, null, 2) + '\n';
}

/**
 * Live diagnostics and the Ignition Config Editor (`editor`: src/extension.ts registers it, at
 * activation); its methods are the New / Validate / Open commands (src/vscode/commandTable.ts).
 */
export class IgnitionFeatures implements vscode.Disposable {
  private readonly diagnostics = new IgnitionDiagnostics();
  readonly editor: IgnitionEditorProvider;
  private readonly disposables: vscode.Disposable[];

  /** `log`: the extension's log channel (malformed webview messages are reported there). */
  constructor(extensionUri: vscode.Uri, log: vscode.LogOutputChannel) {
    this.editor = new IgnitionEditorProvider(extensionUri, this.diagnostics, log);
    this.disposables = [this.diagnostics];
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }

  /** The config the palette commands act on: the text editor's, else the config editor's. */
  private activeConfig(): vscode.TextDocument | undefined {
    const doc = vscode.window.activeTextEditor?.document;
    if (doc && configKind(doc)) return doc;
    return this.editor.activeDocument;
  }

  async newConfig(): Promise<void> {
    const l = await loadIgnitionLib();
    const stable = l.SUPPORTED_VERSIONS.filter((v) => !v.includes('experimental'));
    const version = stable[stable.length - 1];
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
    let name = 'config.ign';
    for (let i = 2; vscode.workspace.textDocuments.some((d) => d.uri.path.endsWith('/' + name)); i++) name = `config-${i}.ign`;
    const uri = vscode.Uri.file(path.join(folder, name)).with({ scheme: 'untitled' });
    const doc = await vscode.workspace.openTextDocument(uri);
    const text = newIgnitionConfig(version);
    const shown = await vscode.window.showTextDocument(doc);
    await shown.edit((b) => b.insert(new vscode.Position(0, 0), text));
    const at = doc.getText().indexOf(SSH_KEY_PLACEHOLDER);
    if (at >= 0) {
      const range = new vscode.Range(doc.positionAt(at), doc.positionAt(at + SSH_KEY_PLACEHOLDER.length));
      shown.selection = new vscode.Selection(range.start, range.end);
      shown.revealRange(range);
    }
    void vscode.window.showInformationMessage(vscode.l10n.t(
      'New Ignition {0} config: replace the selected SSH key placeholder with your public key (e.g. the contents of ~/.ssh/id_ed25519.pub).', version,
    ));
  }

  async validate(uri?: unknown): Promise<void> {
    const doc = uri instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uri) : this.activeConfig();
    if (!doc || !configKind(doc)) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Open an Ignition (.ign) or Butane (.bu) config to validate.'));
      return;
    }
    const findings = (await this.diagnostics.validateNow(doc)) ?? [];
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    const errors = findings.filter((f) => f.severity === 'error').length;
    const warnings = findings.filter((f) => f.severity === 'warning').length;
    const name = path.basename(doc.uri.path);
    const errorCount = errors === 1 ? vscode.l10n.t('1 error') : vscode.l10n.t('{0} errors', errors);
    const warningCount = warnings === 1 ? vscode.l10n.t('1 warning') : vscode.l10n.t('{0} warnings', warnings);
    const summary = errors === 0 && warnings === 0 ? vscode.l10n.t('{0} is valid', name) : vscode.l10n.t('{0}: {1}, {2}', name, errorCount, warningCount);
    if (errors > 0) void vscode.window.showErrorMessage(summary);
    else if (warnings > 0) void vscode.window.showWarningMessage(summary);
    else void vscode.window.showInformationMessage(summary);
  }

  async openEditor(uri?: unknown): Promise<void> {
    const target = uri instanceof vscode.Uri ? uri : this.activeConfig()?.uri;
    if (target) await vscode.commands.executeCommand('vscode.openWith', target, IGNITION_EDITOR_VIEW_TYPE);
  }
}
