// The one page every webview is (webview-ui/src/page.ts): the policy allows
// nothing but the extension's own files and this render's scripts; what goes
// into attributes is escaped; a malformed nonce is a bug, refused.

import * as assert from 'node:assert/strict';
import { contentSecurityPolicy, renderPage } from '../../webview-ui/src/page';

const NONCE = 'AbCdEfGhIjKlMnOpQrStUv==';
const page = {
  title: 'A <title>',
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: NONCE,
  styles: ['https://file+.vscode-resource.vscode-cdn.net/ext/dist/styles/base.css'],
  scripts: ['https://file+.vscode-resource.vscode-cdn.net/ext/dist/overview.js'],
  body: '<main id="app"></main>',
  data: { focus: 'check-"x"' },
};

describe('webview page (strict CSP, own files only)', () => {
  it('allows nothing by default, scripts only by nonce, styles/fonts/images only from the extension', () => {
    const csp = contentSecurityPolicy(page.cspSource, NONCE);
    const directives = new Map(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('script-src'), [`'nonce-${NONCE}'`]);
    assert.deepEqual(directives.get('style-src'), [page.cspSource, `'nonce-${NONCE}'`]);
    assert.deepEqual(directives.get('font-src'), [page.cspSource]);
    assert.deepEqual(directives.get('img-src'), [page.cspSource]);
    assert.doesNotMatch(csp, /unsafe|\*(?!\.)|https?:\/\/(?!file\+)/);
  });

  it('renders the policy meta first, then the extension stylesheets, the body and its nonce-carrying module scripts', () => {
    const html = renderPage(page);
    const head = html.slice(0, html.indexOf('</head>'));
    assert.match(head, new RegExp(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${page.cspSource.replace(/[.+]/g, '\\$&')}`));
    assert.ok(head.indexOf('Content-Security-Policy') < head.indexOf('<link'), 'the policy comes before anything it governs');
    assert.match(head, /<title>A &lt;title&gt;<\/title>/);
    assert.match(head, /<link rel="stylesheet" href="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/styles\/base\.css">/);
    assert.match(html, /<body data-focus="check-&quot;x&quot;">\n<main id="app"><\/main>/);
    assert.match(html, new RegExp(`<script type="module" nonce="${NONCE}" src="https://file\\+\\.vscode-resource\\.vscode-cdn\\.net/ext/dist/overview\\.js"></script>`));
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.doesNotMatch(html, /<style|style=/, 'no inline styles');
  });

  it('refuses a nonce that is not base64 of random bytes and a data name that is not a-z0-9-', () => {
    assert.throws(() => renderPage({ ...page, nonce: "x' 'unsafe-inline" }), /nonce/);
    assert.throws(() => renderPage({ ...page, nonce: 'short' }), /nonce/);
    assert.throws(() => renderPage({ ...page, data: { 'on"click': 'x' } }), /data attribute/);
  });
});
