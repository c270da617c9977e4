// Ignition editing in a real editor (code-server + chromium, the packaged
// .vsix): live diagnostics in the text editor, the Ignition Config Editor
// editing the same document, and the Validate command.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Workbench } from './harness';
import { openWorkbench } from './servers';
import { makeWorkspace } from './workspaces';

describe('Ignition configs in a real editor (code-server + chromium)', () => {
  let wb: Workbench | undefined; // closed by the root hooks (test/e2e/hooks.ts), after a failure screenshot

  it('shows the error of a .ign at its line, and the config editor fixes it through the same document', async () => {
    wb = await openWorkbench(makeWorkspace('ignition'));
    await wb.openFile('broken.ign');

    // ignition-validate says: error at $.storage.files.0.path, line 6 col 17: path not absolute
    const rows = await wb.waitForProblem(/path not absolute/);
    const row = rows.find((r) => /path not absolute/.test(r))!;
    assert.match(row, /\$\.storage\.files\.0\.path/);
    assert.match(row, /Ln 6, Col 17/);
    assert.match(row, /Ignition/);

    await wb.reopenEditorWith('Ignition Config Editor');
    const view = wb.webview();
    await view.locator('#status').waitFor({ timeout: 30_000 });
    assert.match(await view.locator('#status').innerText(), /1 error/);
    // the finding is listed in the editor too, with its line
    assert.match(await view.locator('.problems').innerText(), /line 6: path not absolute/);
    await assert.doesNotReject(view.locator('#test-in-vm').waitFor({ timeout: 5000 }));

    // the field in error is marked with its message, like an invalid setting in the Settings editor
    const pathBox = view.locator('vscode-textfield[data-key="storage.files.0.path"]');
    assert.equal(await pathBox.getAttribute('invalid'), '');
    assert.equal(await pathBox.getAttribute('aria-invalid'), 'true');
    assert.match(await view.locator('.setting', { has: pathBox }).locator('.field-problems.error').innerText(), /^path not absolute$/);
    // the form's tab says it is not the text editor of the same file
    assert.match(await wb.editorTab('broken.ign').innerText(), /broken\.ign \(Config Editor\)/);
    // from the finding to its field (its group opened, the keyboard focus on it)
    await view.locator('.problems .go-to-field[data-target="storage.files.0.path"]').click();
    type Doc = { ownerDocument: { activeElement: { getAttribute(n: string): string | null } | null } };
    assert.equal(await view.locator('body').evaluate((b) => (b as unknown as Doc).ownerDocument.activeElement?.getAttribute('data-key')), 'storage.files.0.path');
    await wb.screenshot('ignition-config-editor-field-in-error');

    const pathField = pathBox.locator('input');
    assert.equal(await pathField.inputValue(), 'etc/motd');
    await pathField.fill('/etc/motd');
    await pathField.press('Enter');
    await wb.screenshot('ignition-config-editor');

    // the document changed (dirty, not saved to disk), the finding is gone everywhere
    await view.locator('#status', { hasText: 'Valid' }).waitFor({ timeout: 30_000 });
    assert.equal(await view.locator('.field-problems').count(), 0);
    assert.equal(await pathBox.getAttribute('invalid'), null);
    await wb.waitForProblem(/path not absolute/, { absent: true });
    await wb.editorTab('broken.ign').and(wb.page.locator('.dirty')).waitFor({ timeout: 10_000 });

    await wb.reopenEditorWith('Text Editor');
    await wb.page.locator('.editor-group-container.active .view-lines', { hasText: '"/etc/motd"' }).first().waitFor({ timeout: 15_000 });
    assert.match(await wb.editorText(), /"path": "\/etc\/motd"/);

    // the edit is on VS Code's undo stack: undo brings the error back
    await wb.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await wb.page.keyboard.press('Control+Z');
    await wb.waitForProblem(/path not absolute/);
  });

  it('validates a Butane file on open and reports the result of the Validate command', async () => {
    const folder = makeWorkspace('ignition');
    // Issue 13.8's case (below): a relative path (Ignition's rule) next to a schema error on mode
    fs.writeFileSync(path.join(folder, 'hostname.bu'), 'variant: fcos\nversion: 1.5.0\nstorage:\n  files:\n    - path: etc/hostname\n      mode: "0644"\n      contents:\n        inline: myhost\n');
    wb = await openWorkbench(folder);
    await wb.openFile('example.bu');
    const rows = await wb.waitForProblem(/expected integer, got string/);
    assert.match(rows.find((r) => /expected integer/.test(r))!, /Ln 6, Col 12/);
    await wb.runCommand('CoreOS: Validate Ignition Config');
    assert.ok(await wb.notification('example.bu: 1 error, 0 warnings'));
    // Issue 13.8: Ignition's rules run on the desugared config as butane does, even with a schema error elsewhere in
    // the file, so "path not absolute" (which Translate would report) shows live at its line, and only once.
    await wb.openFile('hostname.bu');
    const live = await wb.waitForProblem(/path not absolute/);
    const relative = live.filter((r) => /path not absolute/.test(r));
    assert.equal(relative.length, 1, `one "path not absolute": ${live.join(' | ')}`);
    assert.match(relative[0]!, /Ln 5\b/);
    assert.ok(live.some((r) => /expected integer, got string/.test(r) && /Ln 6\b/.test(r)), `the schema error on mode stays: ${live.join(' | ')}`);
    await wb.screenshot('part8-butane-live-ignition-rules');
  });

  it('creates a new valid config with the SSH key placeholder selected', async () => {
    wb = await openWorkbench(makeWorkspace('ignition'));
    await wb.runCommand('CoreOS: New Ignition Config');
    assert.ok(await wb.notification('replace the selected SSH key placeholder'));
    await wb.editorTab('config.ign').waitFor({ timeout: 15_000 });
    const text = await wb.editorText();
    assert.match(text, /"version": "3\.\d\.0"/);
    assert.match(text, /AAAA-REPLACE-WITH-YOUR-PUBLIC-SSH-KEY/);
    await wb.runCommand('CoreOS: Validate Ignition Config');
    assert.ok(await wb.notification('config.ign is valid'));
  });
});
