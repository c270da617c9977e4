// The builds tree on real build directories: levels, images, facts, errors.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Workbench } from './harness';
import { openWorkbench } from './servers';
import { makeWorkspace } from './workspaces';

const VIEW = 'Builds';

describe('builds tree levels (code-server + chromium)', () => {
  let wb: Workbench | undefined; // closed by the root hooks (test/e2e/hooks.ts)

  it('expands a build into its arch, images with human sizes, and meta facts', async () => {
    wb = await openWorkbench(makeWorkspace('builds'));
    await wb.openActivity('CoreOS Builds');
    await wb.waitForTreeRow(VIEW, '42.20260101.3.0');
    const row = wb.sidebarPane(VIEW).locator('.monaco-list-row', { hasText: '42.20260101.3.0' }).first();
    // The first rows show their build time once meta.json was read ahead.
    await row.locator('.label-description', { hasText: /ago|in the future/ }).waitFor({ timeout: 15_000 });
    await row.click();
    await wb.page.keyboard.press('ArrowRight');
    await wb.waitForTreeRow(VIEW, 'oci-manifest');
    const text = await wb.sidebarPane(VIEW).locator('.monaco-list-rows').innerText();
    for (const expected of ['x86_64', 'ostree', 'fedora-coreos-42.20260101.3.0-ostree.x86_64.ociarchive', '1.0 MiB', 'oci-manifest', '1.0 KiB', '0138cafcf6c2']) {
      assert.ok(text.includes(expected), `tree shows ${expected}:\n${text}`);
    }
    await wb.screenshot('coreos-builds-expanded');
  });

  it('shows a corrupted meta.json as an error under its build while the rest of the tree works', async () => {
    const folder = makeWorkspace('builds');
    fs.writeFileSync(path.join(folder, 'builds', '42.20260101.2.0', 'x86_64', 'meta.json'), '{"buildid": "42.20260101.2.0", "images": {');
    wb = await openWorkbench(folder);
    await wb.openActivity('CoreOS Builds');
    await wb.waitForTreeRow(VIEW, '42.20260101.2.0');
    const bad = wb.sidebarPane(VIEW).locator('.monaco-list-row', { hasText: '42.20260101.2.0' }).first();
    await bad.locator('.label-description', { hasText: '⚠ meta.json' }).waitFor({ timeout: 15_000 });
    await bad.click();
    await wb.page.keyboard.press('ArrowRight');
    await wb.waitForTreeRow(VIEW, 'meta.json is not valid JSON');
    // The healthy build next to it still expands to its images.
    const good = wb.sidebarPane(VIEW).locator('.monaco-list-row', { hasText: '42.20260101.3.0' }).first();
    await good.click();
    await wb.page.keyboard.press('ArrowRight');
    await wb.waitForTreeRow(VIEW, 'oci-manifest');
  });

  it('repaints one build when its meta.json gains an image (cosa osbuild qemu)', async () => {
    const folder = makeWorkspace('builds');
    wb = await openWorkbench(folder);
    await wb.openActivity('CoreOS Builds');
    await wb.waitForTreeRow(VIEW, '42.20260101.3.0');
    const row = wb.sidebarPane(VIEW).locator('.monaco-list-row', { hasText: '42.20260101.3.0' }).first();
    await row.click();
    await wb.page.keyboard.press('ArrowRight');
    await wb.waitForTreeRow(VIEW, 'oci-manifest');
    const file = path.join(folder, 'builds', '42.20260101.3.0', 'x86_64', 'meta.json');
    const meta = JSON.parse(fs.readFileSync(file, 'utf8')) as { images: Record<string, unknown> };
    meta.images.qemu = { path: 'fedora-coreos-42.20260101.3.0-qemu.x86_64.qcow2', sha256: 'c'.repeat(64), size: 196_624 };
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(meta, null, 4));
    fs.renameSync(`${file}.tmp`, file);
    await wb.waitForTreeRow(VIEW, 'fedora-coreos-42.20260101.3.0-qemu.x86_64.qcow2', 15_000);
    assert.ok((await wb.sidebarPane(VIEW).locator('.monaco-list-rows').innerText()).includes('192.0 KiB'));
  });
});

describe('builds tree with many builds (code-server + chromium)', () => {
  it('lists a page of builds and a "show more" row that lists the rest', async () => {
    const folder = makeWorkspace('builds');
    const ids = Array.from({ length: 250 }, (_, i) => `42.20260201.${249 - i}.0`);
    fs.writeFileSync(path.join(folder, 'builds', 'builds.json'), JSON.stringify({ 'schema-version': '1.0.0', builds: ids.map((id) => ({ id, arches: ['x86_64'] })) }, null, 4));
    const wb = await openWorkbench(folder);
    await wb.openActivity('CoreOS Builds');
    await wb.waitForTreeRow(VIEW, ids[0]!);
    await wb.waitForTreeRow(VIEW, 'not present locally');
    // Scroll to the bottom of the list (rows are virtualised) until the row shows.
    const more = wb.sidebarPane(VIEW).locator('.monaco-list-row', { hasText: 'Show 50 more' }).first();
    await wb.scrollTreeUntil(VIEW, more);
    assert.match(await more.innerText(), /50 older builds not shown/);
    await more.click();
    await more.waitFor({ state: 'detached', timeout: 15_000 });
    await wb.scrollTreeUntil(VIEW, wb.sidebarPane(VIEW).locator('.monaco-list-row', { hasText: ids[249]! }).first());
    await wb.waitForTreeRow(VIEW, ids[249]!, 15_000);
  });
});
