// The "Ignition Config Editor": a structured view of a *.ign document in a
// webview. It edits the same TextDocument through WorkspaceEdits, so undo,
// redo, dirty state and save stay VS Code's; findings come from the shared
// diagnostics. Its page is src/vscode/webviewHtml.ts's (strict CSP with a
// nonce, only the bundled script, no remote content). Every message from the webview is checked by shape first
// (webview-ui/src/messageValidation.ts); a malformed one is dropped and logged.

import { modify, type JSONPath } from 'jsonc-parser';
import * as vscode from 'vscode';
import type { DocumentState, HostToWebview, JsonValue, Theme, WebviewToHost } from '../../webview-ui/src/messages';
import { checkWebviewToHost } from '../../webview-ui/src/messageValidation';
import { escapeHtml } from '../../webview-ui/src/page';
import { COMMANDS } from '../commandIds';
import { IgnitionDiagnostics, loadIgnitionLib } from './ignitionDiagnostics';
import { webviewHtml, webviewOptions } from './webviewHtml';

function themeOf(kind: vscode.ColorThemeKind): Theme {
  if (kind === vscode.ColorThemeKind.Light || kind === vscode.ColorThemeKind.HighContrastLight) return 'light';
  if (kind === vscode.ColorThemeKind.HighContrast) return 'high-contrast';
  return 'dark';
}

export class IgnitionEditorProvider implements vscode.CustomTextEditorProvider {
  /** The document of the config editor that has focus, for the palette commands. */
  activeDocument: vscode.TextDocument | undefined;

  constructor(private readonly extensionUri: vscode.Uri, private readonly diagnostics: IgnitionDiagnostics, private readonly log: vscode.LogOutputChannel) {}

  async resolveCustomTextEditor(document: vscode.TextDocument, panel: vscode.WebviewPanel): Promise<void> {
    const webview = panel.webview;
    // The tab tells the form apart from the text editor of the same file.
    panel.title = vscode.l10n.t('{0} (Config Editor)', document.uri.path.split('/').pop() ?? '');
    webview.options = webviewOptions(this.extensionUri);
    webview.html = webviewHtml(webview, this.extensionUri, {
      title: vscode.l10n.t('Ignition Config Editor'),
      scripts: ['webview'],
      styles: ['editor'],
      body: `<main id="app" aria-live="polite"><p class="muted">${escapeHtml(vscode.l10n.t('Loading…'))}</p></main>`,
    });
    const post = (m: HostToWebview): void => void webview.postMessage(m);
    let ready = false;

    const sendState = async (): Promise<void> => {
      if (!ready) return;
      const findings = this.diagnostics.findings(document.uri) ?? (await this.diagnostics.validateNow(document)) ?? [];
      const l = await loadIgnitionLib();
      const text = document.getText();
      let config: DocumentState['config'];
      let parseError: string | undefined;
      try {
        const parsed = JSON.parse(text) as unknown;
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) config = parsed as DocumentState['config'];
        else parseError = vscode.l10n.t('The document is not a JSON object.');
      } catch (e) {
        parseError = vscode.l10n.t('The document is not valid JSON ({0}); fix it in the text editor.', (e as Error).message);
      }
      const stable = l.SUPPORTED_VERSIONS.filter((v) => !v.includes('experimental'));
      const state: DocumentState = {
        fileName: document.uri.path.split('/').pop() ?? '',
        config,
        ...(parseError ? { parseError } : {}),
        problems: findings,
        latestVersion: stable[stable.length - 1],
        supportedVersions: l.SUPPORTED_VERSIONS,
      };
      post({ type: 'document', state });
    };

    const subs: vscode.Disposable[] = [
      // findings are recomputed (debounced) on every change; the view follows them
      this.diagnostics.onDidUpdate((uri) => { if (uri.toString() === document.uri.toString()) void sendState(); }),
      vscode.window.onDidChangeActiveColorTheme((t) => post({ type: 'init', theme: themeOf(t.kind), l10nBundle: vscode.l10n.bundle ?? {} })),
      panel.onDidChangeViewState(() => { if (panel.active) this.activeDocument = document; else if (this.activeDocument === document) this.activeDocument = undefined; }),
      webview.onDidReceiveMessage((raw: unknown) => {
        const checked = checkWebviewToHost(raw);
        if (!checked.ok) {
          this.log.warn(`Ignition Config Editor (${document.uri.fsPath}): dropped a malformed message from the webview: ${checked.reason}`);
          return;
        }
        void this.onMessage(document, checked.message, async () => {
          ready = true;
          post({ type: 'init', theme: themeOf(vscode.window.activeColorTheme.kind), l10nBundle: vscode.l10n.bundle ?? {} });
          await sendState();
        });
      }),
    ];
    if (panel.active) this.activeDocument = document;
    panel.onDidDispose(() => {
      if (this.activeDocument === document) this.activeDocument = undefined;
      for (const s of subs) s.dispose();
    });
  }

  private async onMessage(document: vscode.TextDocument, m: WebviewToHost, onReady: () => Promise<void>): Promise<void> {
    switch (m.type) {
      case 'ready':
        await onReady();
        return;
      case 'set':
        await this.applyModify(document, m.path, m.value, false);
        return;
      case 'append':
        await this.applyModify(document, [...m.path, -1], m.value, true);
        return;
      case 'remove':
        await this.applyModify(document, m.path, undefined, false);
        return;
      case 'reveal': {
        const start = document.positionAt(m.offset);
        const end = document.positionAt(m.offset + m.length);
        await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, selection: new vscode.Range(start, end), preserveFocus: false });
        return;
      }
      case 'testInVm':
        await vscode.commands.executeCommand(COMMANDS.testIgnitionInVm, document.uri);
        return;
    }
  }

  /** One JSON change as a WorkspaceEdit on the document (so it is undoable and marks the document dirty). */
  private async applyModify(document: vscode.TextDocument, path: readonly (string | number)[], value: JsonValue | undefined, insert: boolean): Promise<void> {
    const text = document.getText();
    const eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    const indent = /\n( +|\t)"/.exec(text)?.[1] ?? '  ';
    const edits = modify(text, path as JSONPath, value, {
      formattingOptions: { insertSpaces: !indent.startsWith('\t'), tabSize: indent.startsWith('\t') ? 1 : indent.length, eol },
      isArrayInsertion: insert,
    });
    if (edits.length === 0) return;
    const we = new vscode.WorkspaceEdit();
    for (const e of edits) {
      we.replace(document.uri, new vscode.Range(document.positionAt(e.offset), document.positionAt(e.offset + e.length)), e.content);
    }
    await vscode.workspace.applyEdit(we);
  }
}
