// The HTML of every webview panel of the extension, through one page
// (webview-ui/src/page.ts: strict CSP, a fresh nonce per render, only the
// extension's own files). Scripts are the bundles scripts/build.mjs writes to
// dist/ from webview-ui/src; stylesheets come from webview-ui/styles via
// dist/styles; the codicon font from dist/codicons.

import { randomBytes } from 'node:crypto';
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { renderPage } from '../../webview-ui/src/page';

// The bodies the host renders (webview-ui/src/prerequisitesPage.ts, overviewPage.ts) are pure and
// translate with @vscode/l10n: they read the extension's own bundle, set before any panel renders.
l10n.config({ contents: vscode.l10n.bundle ?? {} });

export interface WebviewPage {
  readonly title: string;
  /** Bundles in dist/, without `.js` (e.g. 'overview'). */
  readonly scripts: readonly string[];
  /** Stylesheets in dist/styles, without `.css`; 'base' (theme colours, fonts, focus) always comes first. */
  readonly styles?: readonly string[];
  /** Load the codicon font (dist/codicons/codicon.css). */
  readonly codicons?: boolean;
  /** Escaped HTML of the body. */
  readonly body: string;
  readonly data?: Readonly<Record<string, string>>;
}

/** Options for a panel showing a WebviewPage: scripts on, files only from dist/. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')], enableFindWidget: true };
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  const uri = (...segments: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(dist, ...segments)).toString();
  return renderPage({
    title: page.title,
    cspSource: webview.cspSource,
    nonce: randomBytes(16).toString('base64'),
    styles: [
      ...(page.codicons ? [uri('codicons', 'codicon.css')] : []),
      ...['base', ...(page.styles ?? [])].map((s) => uri('styles', `${s}.css`)),
    ],
    scripts: page.scripts.map((s) => uri(`${s}.js`)),
    body: page.body,
    ...(page.data ? { data: page.data } : {}),
  });
}
