// The localisation check of `npm test`'s static layer (scripts/l10nCheck.ts, run by
// scripts/check-l10n.ts): it finds strings that reach the user without vscode.l10n.t, manifest
// prose without a package.nls.json entry, and a stale bundle; and the unit tests' vscode stand-in
// formats l10n.t's placeholders as the extension host does.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { bundleDifferences, exportedBundle, findBypasses, htmlProse, isProse, manifestFindings } from '../../scripts/l10nCheck';
import { l10n } from '../mocks/vscode';

const repoRoot = path.resolve(__dirname, '..', '..');
/** A source that exists only in memory, checked against the real @types/vscode. */
const SAMPLE = path.join(repoRoot, 'src', 'vscode', '__l10nSample__.ts');
/** The same for a webview page, checked against the DOM types and @vscode/l10n. */
const PAGE_SAMPLE = path.join(repoRoot, 'webview-ui', 'src', '__l10nSample__.ts');

function bypassesInSource(file: string, text: string, lib: string[]): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, strict: true, noEmit: true,
    lib, types: [], skipLibCheck: true,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) => (path.resolve(name) === file
    ? ts.createSourceFile(name, text, version) : getSourceFile(name, version, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => path.resolve(name) === file || fileExists(name);
  const program = ts.createProgram({ rootNames: [file], options, host });
  const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.category === ts.DiagnosticCategory.Error);
  assert.deepEqual(errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), [], 'the sample must compile');
  return findBypasses(program, [file]).map((f) => f.text);
}

function bypassesIn(body: string): string[] {
  const text = `import * as vscode from 'vscode';\nexport async function sample(root: vscode.Uri, n: number): Promise<unknown> {\n${body}\n}\n`;
  return bypassesInSource(SAMPLE, text, ['lib.es2022.d.ts']);
}

/** A webview page's code: an el() helper like webview-ui/src/main.ts's, the DOM, @vscode/l10n. */
function bypassesInPage(body: string): string[] {
  const text = `import * as l10n from '@vscode/l10n';
function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}
function button(label: string): HTMLElement { return el('button', {}, label); }
export function sample(n: number): void {
  const app = document.getElementById('app')!;
${body}
}
`;
  return bypassesInSource(PAGE_SAMPLE, text, ['lib.es2022.d.ts', 'lib.dom.d.ts']);
}

describe('localisation check (scripts/l10nCheck.ts)', function () {
  // each case compiles a sample against @types/vscode
  this.timeout(120_000);

  it('flags a message, a template and a button passed to a notification without l10n.t', () => {
    assert.deepEqual(bypassesIn(`
      const SHOW = 'Show Output';
      return vscode.window.showErrorMessage(\`Build \${n} failed\`, SHOW, 'Retry');`), ['Build {} failed', 'Show Output', 'Retry']);
    assert.deepEqual(bypassesIn(`return vscode.window.showWarningMessage('Something is ' + String(n) + ' wrong');`), ['Something is {} wrong']);
  });

  it('flags progress titles, quick pick items, tree items and terminal banners', () => {
    assert.deepEqual(bypassesIn(`
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Pulling the image' }, async () => undefined);
      await vscode.window.showQuickPick([{ label: 'Keep the last N builds', description: n > 1 ? 'many' : 'one' }], { placeHolder: 'Pick one' });
      const item = new vscode.TreeItem('Show more');
      item.description = \`\${n} older builds\`;
      return vscode.window.createTerminal({ name: 'Assembler Shell', message: 'Type cosa commands here' });`),
    ['Pulling the image', 'Keep the last N builds', 'many', 'one', 'Pick one', 'Show more', '{} older builds', 'Assembler Shell', 'Type cosa commands here']);
  });

  it('accepts l10n.t with placeholders, values without words, command lines and an explained exemption', () => {
    assert.deepEqual(bypassesIn(`
      const show = vscode.l10n.t('Show Output');
      void vscode.window.showErrorMessage(vscode.l10n.t('Build {0} failed', n), show);
      void vscode.window.showQuickPick([{ label: 'cosa build', description: '--force' }, { label: '--arch all' }]);
      vscode.window.setStatusBarMessage(\`$(check) \${vscode.l10n.t('{0} finished', n)}\`);
      // not localised: a name the pure layer parses back
      return vscode.window.createTerminal({ name: 'VM build' });`), []);
  });

  it('flags l10n.t without a literal message (npm run l10n could not export it) and a shown phrase passed as its value', () => {
    assert.deepEqual(bypassesIn(`
      const message = String(n);
      void vscode.window.showInformationMessage(vscode.l10n.t(message));
      return vscode.window.showInformationMessage(vscode.l10n.t('{0}: done', 'Translate Butane'));`),
    ['vscode.l10n.t(message)', 'Translate Butane']);
  });

  it('flags texts a webview page writes into the DOM without @vscode/l10n, and accepts them through l10n.t', () => {
    assert.deepEqual(bypassesInPage(`
  app.textContent = 'Loading the config';
  app.setAttribute('title', 'Show in the text editor');
  app.setAttribute('data-key', 'passwd.users');
  app.append(el('h2', { id: 'problems-h' }, 'Validation'), el('ul', { 'aria-label': 'Validation results' }), button('Add user'));
  app.replaceChildren(\`Users (\${n})\`);`),
    ['Loading the config', 'Show in the text editor', 'Validation', 'Validation results', 'Add user', 'Users ({})']);
    assert.deepEqual(bypassesInPage(`
  app.textContent = l10n.t('Loading the config');
  app.setAttribute('title', l10n.t('Show in the text editor'));
  app.append(el('h2', { id: 'problems-h' }, l10n.t('Validation')), el('ul', { 'aria-label': l10n.t('Validation results') }), button(l10n.t('Add user')));
  // not localised: an example value, as typed in the config
  app.append(el('vscode-textfield', { placeholder: 'console=ttyS0 quiet' }));
  app.replaceChildren(l10n.t('Users ({0})', n), '/etc/example.conf');`), []);
  });

  it('flags the texts of an HTML literal (a host-rendered page body) and accepts one built from l10n.t', () => {
    assert.deepEqual(bypassesInPage(`
  const rows = String(n);
  app.innerHTML = \`<h1>CoreOS Assembler: prerequisites</h1>
<p class="summary">\${n} ok. <button type="button" data-command="coreos.checkPrerequisites">Check Again</button></p>
<table><thead><tr><th aria-label="Status"></th><th>Check</th></tr></thead><tbody>\${rows}</tbody></table>\`;`),
    ['CoreOS Assembler: prerequisites', '{} ok.', 'Check Again', 'Check', 'Status']);
    assert.deepEqual(bypassesInPage(`
  app.innerHTML = \`<h1>\${l10n.t('CoreOS Assembler: prerequisites')}</h1><th aria-label="\${l10n.t('Status')}"></th><td>\${n}</td><code>/etc/hostname</code>\`;`), []);
    assert.deepEqual(htmlProse('<!DOCTYPE html>\n<html lang="en">'), []);
  });

  it('tells prose from values', () => {
    for (const text of ['Show', 'Delete build {}?', 'cosa {} failed', '{}: build {} fetched.']) assert.equal(isProse(text), true, text);
    for (const text of ['cosa build', 'cosa prune --keep-last-n', '--version …', '$(check) {}', 'src/config', 'https://example.invalid/x', '{}: {}']) {
      assert.equal(isProse(text), false, text);
    }
  });

  it('finds manifest prose that is not a %key% and %key%s without an entry', () => {
    const manifest = {
      displayName: '%displayName%',
      contributes: {
        commands: [{ command: 'coreos.build', title: '%commands.build.title%', category: 'CoreOS' }],
        problemMatchers: [{ name: 'cosa-fatal', label: '%problemMatchers.label%' }],
      },
    };
    assert.deepEqual(manifestFindings(manifest, { displayName: 'CoreOS Assembler', 'problemMatchers.label': 'cosa fatal' }), [
      'package.json contributes.commands.0.title: %commands.build.title% has no entry in package.nls.json',
      'package.json contributes.commands.0.category: "CoreOS" is not a %key% of package.nls.json',
    ]);
  });

  it("passes the repository's manifest", () => {
    const read = (f: string) => JSON.parse(fs.readFileSync(path.join(repoRoot, f), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(manifestFindings(read('package.json'), read('package.nls.json')), []);
  });

  it('finds a bundle that lacks an exported string or keeps one no call uses', async () => {
    const file = path.join(repoRoot, 'src', 'vscode', 'commandTable.ts');
    const exported = await exportedBundle([file]);
    const message = 'Open a folder first: it becomes the coreos-assembler build directory.';
    assert.equal(exported[message], message);
    assert.deepEqual(bundleDifferences(exported, exported), []);
    const { [message]: _dropped, ...lacking } = exported;
    assert.deepEqual(bundleDifferences({ ...lacking, 'Gone {0}': 'Gone {0}' }, exported), [
      `l10n/bundle.l10n.json lacks "${message.slice(0, 60)}"`,
      'l10n/bundle.l10n.json still has "Gone {0}", which no l10n.t call uses',
    ]);
  });
});

describe('the vscode stand-in: l10n.t as the extension host formats it', () => {
  it('puts values into {0}, {1} (a value may repeat), keeps a placeholder without a value, and takes a record', () => {
    assert.equal(l10n.t('Build {0} failed', 'x'), 'Build x failed');
    assert.equal(l10n.t('remove it with "podman rm -f {0}" ({0}, {1})', 'c', 2), 'remove it with "podman rm -f c" (c, 2)');
    assert.equal(l10n.t('{0} and {1}', 'a'), 'a and {1}');
    assert.equal(l10n.t('{name} is {state}', { name: 'qemu', state: 'ready' }), 'qemu is ready');
    assert.equal(l10n.t('no values {0}'), 'no values {0}');
  });
});
