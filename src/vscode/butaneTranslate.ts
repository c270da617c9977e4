// "CoreOS: Translate Butane to Ignition": `cosa shell butane --strict
// [--pretty] --files-dir <dir> <file.bu>` in the cosa container through the
// engine (no terminal, not mutating), stdout captured and written next to the
// source as <name>.ign (asking before overwriting), butane's report (either
// form) mapped back to diagnostics on the .bu, minus what the live check
// already shows there.

import * as vscode from 'vscode';
import { butaneArgs, ButaneMessage, butaneMissing, ignitionFromStdout, ignitionPathFor, parseButaneOutput, withoutDuplicates } from '../cosa/butane';
import { imagePathInContainer } from '../cosa/qemuArgs';
import { realPaths } from '../engine/buildDirFiles';
import { CosaLauncher } from './cosaLauncher';
import { validateText } from './ignitionDiagnostics';
import { exists } from './workspaceContext';

export const TRANSLATE_TITLE = vscode.l10n.t('Translate Butane');
const TITLE = TRANSLATE_TITLE;

export function isButane(uri: vscode.Uri): boolean {
  return /\.bu$/i.test(uri.path);
}

/** A butane message as a diagnostic on the .bu (butane's lines and columns are 1-based). */
export function butaneDiagnostic(m: ButaneMessage, doc: vscode.TextDocument | undefined): vscode.Diagnostic {
  const line = Math.max(0, m.line - 1);
  let range: vscode.Range;
  if (doc && line < doc.lineCount) {
    const text = doc.lineAt(line);
    const col = m.column > 0 ? Math.min(m.column - 1, text.text.length) : text.firstNonWhitespaceCharacterIndex;
    range = new vscode.Range(line, col, line, Math.max(col + 1, text.text.length));
  } else {
    range = new vscode.Range(line, 0, line, 0);
  }
  const severity = m.level === 'error' ? vscode.DiagnosticSeverity.Error : m.level === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
  const d = new vscode.Diagnostic(range, m.path ? `${m.message} (${m.path})` : m.message, severity);
  d.source = 'butane';
  return d;
}

export class ButaneTranslator implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('coreos-butane');
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly launcher: CosaLauncher) {
    this.disposables.push(
      this.collection,
      // butane's findings are about the text it saw: drop them when the text changes
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length && this.collection.has(e.document.uri)) this.collection.delete(e.document.uri);
      }),
    );
  }

  /** The command: translate `arg` (else the active editor's .bu) and open the result. */
  async translateCommand(root: vscode.Uri, arg?: unknown): Promise<vscode.Uri | undefined> {
    const uri = arg instanceof vscode.Uri ? arg : activeConfigUri();
    if (!uri || !isButane(uri)) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Open a Butane config (.bu) to translate it to Ignition.'));
      return undefined;
    }
    const out = await this.translate(root, uri);
    if (out) {
      await vscode.window.showTextDocument(out, { preview: false });
      void vscode.window.showInformationMessage(vscode.l10n.t('{0}: wrote {1}.', TITLE, vscode.workspace.asRelativePath(out)));
    }
    return out;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** Translates `uri` (a .bu in the workspace) to <name>.ign next to it; the .ign's uri, or undefined (the user was told why). */
  async translate(root: vscode.Uri, uri: vscode.Uri): Promise<vscode.Uri | undefined> {
    const name = uri.path.split('/').pop() ?? uri.fsPath;
    const inContainer = imagePathInContainer(root.fsPath, uri.fsPath, await realPaths(root.fsPath, uri.fsPath));
    if ('error' in inContainer) {
      void vscode.window.showErrorMessage(vscode.l10n.t(
        '{0}: butane runs in the cosa container, which sees only the workspace (at /srv): move {1} into {2} (its local: files are resolved next to it).',
        TITLE, name, root.fsPath,
      ));
      return undefined;
    }
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc?.isDirty && !(await doc.save())) {
      void vscode.window.showErrorMessage(vscode.l10n.t('{0}: {1} could not be saved.', TITLE, name));
      return undefined;
    }
    const target = vscode.Uri.file(ignitionPathFor(uri.fsPath));
    const targetName = target.path.split('/').pop()!;
    if (await exists(target)) {
      const overwrite = vscode.l10n.t('Overwrite');
      const choice = await vscode.window.showWarningMessage(vscode.l10n.t('{0} exists. Overwrite it with the translation of {1}?', targetName, name), { modal: true }, overwrite);
      if (choice !== overwrite) return undefined;
    }
    const pretty = vscode.workspace.getConfiguration('coreos', uri).get<boolean>('butane.prettyIgnition', true);
    const stdout: string[] = [];
    const stderr: string[] = [];
    const result = await this.launcher.run({
      root, args: butaneArgs(inContainer.path, { pretty }), purpose: this.launcher.uniquePurpose('butane'), mutating: false,
      title: vscode.l10n.t('butane: translating {0}', name), onLine: (line, stream) => (stream === 'stdout' ? stdout : stderr).push(line),
    });
    if (!result || result.cancelled) {
      return undefined;
    }
    const errText = stderr.join('\n');
    if (result.exitCode !== 0) {
      if (butaneMissing(`${errText}\n${stdout.join('\n')}`, result.exitCode)) {
        const said = stderr.find((l) => /butane/.test(l))?.trim() ?? vscode.l10n.t('exit status {0}', result.exitCode);
        void vscode.window.showErrorMessage(
          vscode.l10n.t('{0}: this cosa image has no butane ({1}: {2}). The real coreos-assembler image ships butane; set coreos.image to it.', TITLE, result.image, said),
        );
        return undefined;
      }
      const messages = parseButaneOutput(errText);
      const source = await vscode.workspace.openTextDocument(uri);
      // the live check (ignitionDiagnostics.ts) shows its own findings on this text: list each once
      const live = await validateText('butane', source.getText());
      this.collection.set(uri, withoutDuplicates(messages, live).map((m) => butaneDiagnostic(m, source)));
      const errors = messages.filter((m) => m.level === 'error');
      const shown = (errors.length ? errors : messages).slice(0, 3).map((m) => (m.line ? (m.column ? vscode.l10n.t('line {0} col {1}: {2}', m.line, m.column, m.message) : vscode.l10n.t('line {0}: {1}', m.line, m.message)) : m.message));
      const detail = shown.length ? shown.join('; ') : (stderr.filter((l) => l.trim()).slice(-3).join(' ') || vscode.l10n.t('butane exited with {0}', result.exitCode));
      void vscode.window.showErrorMessage(messages.length
        ? vscode.l10n.t('{0}: {1} did not translate: {2} (see Problems)', TITLE, name, detail)
        : vscode.l10n.t('{0}: {1} did not translate: {2}', TITLE, name, detail));
      return undefined;
    }
    this.collection.delete(uri);
    const ign = ignitionFromStdout(stdout);
    if ('error' in ign) {
      void vscode.window.showErrorMessage(vscode.l10n.t('{0}: {1}', TITLE, ign.error));
      return undefined;
    }
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(ign.text));
    return target;
  }
}

/** The .ign/.bu of the active editor: a text editor or the Ignition Config Editor (a custom editor tab). */
export function activeConfigUri(): vscode.Uri | undefined {
  const isConfig = (u: vscode.Uri): boolean => /\.(ign|bu)$/i.test(u.path);
  const text = vscode.window.activeTextEditor?.document.uri;
  if (text && isConfig(text)) return text;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri = input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom ? input.uri : undefined;
  return uri && isConfig(uri) ? uri : undefined;
}
