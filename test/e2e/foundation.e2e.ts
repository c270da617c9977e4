// The first real-editor tests: the view is there, welcomes an empty folder,
// shows an existing build directory, and nothing activates elsewhere.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runExtensionHostTests, Workbench } from './harness';
import { extHostServer, openWorkbench } from './servers';
import { makeWorkspace } from './workspaces';

const VIEW = 'Builds';

describe('CoreOS Builds view in a real editor (code-server + chromium)', () => {
  let wb: Workbench | undefined; // closed by the root hooks (test/e2e/hooks.ts)

  it('has its activity-bar icon and welcomes an empty folder with an Initialize button that starts cosa init', async () => {
    wb = await openWorkbench(makeWorkspace('empty'));
    await wb.openActivity('CoreOS Builds');
    const welcome = wb.welcome(VIEW);
    await welcome.waitFor({ timeout: 30_000 });
    await assert.doesNotReject(welcome.getByRole('button', { name: 'Initialize' }).waitFor({ timeout: 30_000 }));
    assert.match(await welcome.innerText(), /not a coreos-assembler working directory/);
    await wb.screenshot('coreos-builds-view-empty-folder');
    // The button is wired to the real command: it asks for the config repository.
    await welcome.getByRole('button', { name: 'Initialize' }).click();
    const input = wb.page.locator('.quick-input-widget');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await input.innerText(), /cosa init: config repository/);
    assert.equal(await wb.page.locator('.quick-input-widget input').inputValue(), 'https://github.com/coreos/fedora-coreos-config');
    await wb.page.keyboard.press('Escape');
  });

  it('shows the builds of an existing cosa build directory, newest first, latest marked', async () => {
    wb = await openWorkbench(makeWorkspace('builds'));
    await wb.openActivity('CoreOS Builds');
    await wb.waitForTreeRow(VIEW, '42.20260101.3.0');
    const rows = await wb.treeRows(VIEW);
    assert.deepEqual(rows, ['42.20260101.3.0', '42.20260101.2.0']);
    const latestRow = wb.sidebarPane(VIEW).locator('.monaco-list-row', { hasText: '42.20260101.3.0' }).first();
    assert.match(await latestRow.innerText(), /latest/);
    // The title-bar Build action is there.
    await assert.doesNotReject(wb.sidebarAction('Build').waitFor({ state: 'visible', timeout: 10_000 }));
    await wb.screenshot('coreos-builds-view');
  });

  it('refreshes the tree when builds.json changes on disk', async () => {
    const folder = makeWorkspace('builds');
    wb = await openWorkbench(folder);
    await wb.openActivity('CoreOS Builds');
    await wb.waitForTreeRow(VIEW, '42.20260101.3.0');
    const file = path.join(folder, 'builds', 'builds.json');
    const index = JSON.parse(fs.readFileSync(file, 'utf8')) as { builds: { id: string; arches: string[] }[] };
    index.builds.unshift({ id: '42.20260101.4.0', arches: ['x86_64'] });
    // Like cosa: write a temp file, then rename it over builds.json.
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(index, null, 4));
    fs.renameSync(`${file}.tmp`, file);
    await wb.waitForTreeRow(VIEW, '42.20260101.4.0', 15_000);
    assert.equal((await wb.treeRows(VIEW))[0], '42.20260101.4.0');
  });
});

describe('extension host tests with the real vscode API (code-server payload)', () => {
  for (const scenario of ['builds', 'unrelated'] as const) {
    it(`pass in the "${scenario}" workspace`, async () => {
      const results = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-exthost-')), 'results.json');
      const folder = makeWorkspace(scenario, results);
      const r = await runExtensionHostTests(await extHostServer(), folder, results);
      const report = `exit ${r.exitCode}, ${r.passes} passed, ${r.failures} failed\n${r.log.join('\n')}`;
      assert.equal(r.exitCode, 0, report);
      assert.equal(r.failures, 0, report);
      assert.ok(r.passes > 0, `no extension-host test ran: ${report}`);
      console.log(`      extension host: ${r.passes} passed, ${r.failures} failed`);
    });
  }
});
