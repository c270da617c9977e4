// The one HTML page every webview of the extension is (Ignition Config
// Editor, prerequisites report, build overview): a strict Content Security
// Policy (nothing by default; scripts only by this render's nonce; styles,
// fonts and images only from the extension's own files), stylesheets and
// module scripts shipped in the extension, no remote content. Pure: the host
// (src/vscode/webviewHtml.ts) supplies the webview's CSP source, a fresh
// nonce and the resources' webview URIs.

export interface PageParts {
  readonly title: string;
  /** `webview.cspSource`: the origin the extension's files are served from. */
  readonly cspSource: string;
  /** Fresh per render; only scripts (and style elements) carrying it run. */
  readonly nonce: string;
  /** Webview URIs of stylesheets, in order. */
  readonly styles: readonly string[];
  /** Webview URIs of module scripts. */
  readonly scripts: readonly string[];
  /** The body's HTML; every text in it already escaped (escapeHtml). */
  readonly body: string;
  /** data-* attributes of <body> (e.g. what the script starts with); names without the prefix. */
  readonly data?: Readonly<Record<string, string>>;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));
}

/** The page's policy: no source is allowed unless named here. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource}`,
    `font-src ${cspSource}`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

const DATA_NAME = /^[a-z][a-z0-9-]*$/;
const NONCE = /^[A-Za-z0-9+/=]{16,}$/;

export function renderPage(p: PageParts): string {
  // a nonce is base64 of random bytes: anything else is a bug, not something to escape
  // not localised: a bug of the host (a bad nonce), never shown to a user
  if (!NONCE.test(p.nonce)) throw new Error('a webview nonce is base64 of at least 12 random bytes');
  const data = Object.entries(p.data ?? {}).map(([k, v]) => {
    // not localised: a bug of the host (a bad attribute name), never shown to a user
    if (!DATA_NAME.test(k)) throw new Error(`data attribute name ${JSON.stringify(k)} is not a-z0-9-`);
    return ` data-${k}="${escapeHtml(v)}"`;
  }).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(p.cspSource, p.nonce).replace(/[&<>"]/g, (c) => escapeHtml(c))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(p.title)}</title>
${p.styles.map((s) => `<link rel="stylesheet" href="${escapeHtml(s)}">`).join('\n')}
</head>
<body${data}>
${p.body}
${p.scripts.map((s) => `<script type="module" nonce="${p.nonce}" src="${escapeHtml(s)}"></script>`).join('\n')}
</body>
</html>
`;
}
