// The Build Overview in a real editor (code-server + chromium, the packaged
// .vsix): opened from the builds tree, its page runs under the webview CSP
// (its script and the codicon font load, its buttons work from the keyboard),
// and it follows the build directory.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Workbench } from './harness';
import { openWorkbench } from './servers';
import { makeWorkspace } from './workspaces';

const VIEW = 'Builds';
const ID = '42.20260101.3.0';

describe('Build Overview (code-server + chromium)', () => {
  let wb: Workbench | undefined; // closed by the root hooks (test/e2e/hooks.ts)

  it('draws where a build stands, follows its meta.json, and runs its buttons from the keyboard', async () => {
    const folder = makeWorkspace('builds');
    wb = await openWorkbench(folder);
    await wb.openActivity('CoreOS Builds');
    await wb.waitForTreeRow(VIEW, ID);
    await wb.treeContextMenu(VIEW, ID, 'Open Build Overview');
    const view = wb.webview();
    const pipeline = view.locator('#pipeline');
    await pipeline.waitFor({ timeout: 30_000 });
    // the fixture build: config commit known, its images listed in meta.json but not on disk, no qemu image
    assert.match(await view.locator('#step-config').innerText(), /Init & fetch\s+done\s+config 0138cafcf6c2/);
    assert.match(await view.locator('#step-build').innerText(), /needs attention\s+ostree [0-9a-f]{12}, OCI archive absent/);
    assert.match(await view.locator('#step-image-qemu').innerText(), /qemu image\s+not yet\s+not built/);
    assert.equal(await view.locator('#next-step').innerText(), 'Build QEMU Image');
    // the codicon font (a file of the extension) loaded under the CSP
    type Fonts = { ownerDocument: { fonts: Iterable<{ family: string; status: string }> & { ready: Promise<unknown> } } };
    const loaded = await view.locator('#step-config .codicon').evaluate(async (e) => {
      const fonts = (e as unknown as Fonts).ownerDocument.fonts;
      await fonts.ready;
      return [...fonts].filter((f) => f.family.replace(/"/g, '') === 'codicon').map((f) => f.status);
    });
    assert.deepEqual(loaded, ['loaded']);
    await view.locator('.chart').first().waitFor();
    await wb.screenshot('build-overview');

    // a qemu image appears in meta.json: the page follows, the next step becomes Run in QEMU
    const file = path.join(folder, 'builds', ID, 'x86_64', 'meta.json');
    const meta = JSON.parse(fs.readFileSync(file, 'utf8')) as { images: Record<string, unknown> };
    const qcow = `fedora-coreos-${ID}-qemu.x86_64.qcow2`;
    fs.writeFileSync(path.join(folder, 'builds', ID, 'x86_64', qcow), Buffer.alloc(4096));
    meta.images.qemu = { path: qcow, sha256: 'c'.repeat(64), size: 4096 };
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(meta, null, 4));
    fs.renameSync(`${file}.tmp`, file);
    await view.locator('#next-step', { hasText: 'Run in QEMU' }).waitFor({ timeout: 20_000 });
    assert.match(await view.locator('#step-image-qemu').innerText(), /qemu image\s+done\s+present, 4\.0 KiB/);

    // the page's script runs under the CSP: a button pressed with the keyboard runs its command for this build
    const openMeta = view.locator('button[data-command="coreos.openMetaJson"]');
    await openMeta.focus();
    await openMeta.press('Enter');
    await wb.editorTab('meta.json').waitFor({ timeout: 15_000 });
    assert.match(await wb.editorText(), new RegExp(`"buildid": "${ID.replace(/\./g, '\\.')}"`));
  });
});
