// Compressed and fetched images in the real editor (code-server + chromium +
// podman + the stand-in + qemu): a build whose qemu image `cosa compress`
// compressed is decompressed (cosa decompress, a task) before Run in QEMU
// boots it; and a build published over HTTP is pulled with Build Fetch
// (cosa buildfetch --artifact qemu, then cosa decompress), appears in the
// tree and boots. The HTTP server listens on the host's 127.0.0.1; podman's
// default network does not reach the host's loopback, so the fetching
// workspace sets coreos.hostNetwork (--net=host, the documented VPN setting).

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { serveDirectory, StaticServer } from '../support/staticServer';
import { REPO_ROOT, Workbench } from './harness';
import { openWorkbench } from './servers';
import { BOOT_MS, containers, MARKER, standIn, waitFor } from './standIn';
import { HOST_HAS_KVM, runtimeArgsHere } from '../support/hostKvm';

const ARCH = 'x86_64';
const vmContainers = (ws: string) => containers(ws).filter((c) => c.purpose.startsWith('run-'));

function qemuImageOf(ws: string, id: string): string | undefined {
  const meta = JSON.parse(fs.readFileSync(path.join(ws, 'builds', id, ARCH, 'meta.json'), 'utf8')) as { images: Record<string, { path: string }> };
  return meta.images.qemu?.path;
}

function writeSettings(ws: string, extra: Record<string, unknown> = {}): void {
  fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({
    'coreos.qemu.console': true,
    'terminal.integrated.tabs.hideCondition': 'never',
    ...(HOST_HAS_KVM ? {} : { 'coreos.runtimeArgs': runtimeArgsHere('') }),
    ...extra,
  }, null, 2));
}

describe('Compressed and fetched images (code-server + chromium + podman + qemu)', function () {
  this.timeout(8 * 60_000);
  /** A workspace made by the stand-in: one build, its qemu image compressed with gzip. */
  let published = '';
  let id = '';
  let compressedFile = '';
  const scratch: string[] = [];
  let wb: Workbench | undefined;
  let server: StaticServer | undefined;

  const tempWorkspace = (name: string): string => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), `coreos-e2e-${name}-`));
    scratch.push(d);
    return d;
  };

  before(async function () {
    this.timeout(10 * 60_000);
    published = tempWorkspace('published');
    execFileSync('bash', [path.join(REPO_ROOT, 'test', 'fixtures', 'config-repo', 'make-config-repo.sh'), path.join(published, '.cfg')], { stdio: 'ignore' });
    await standIn(published, 'cosa init file:///srv/.cfg; cosa build; cosa osbuild qemu; cosa compress --fast');
    id = fs.readlinkSync(path.join(published, 'builds', 'latest'));
    compressedFile = qemuImageOf(published, id) ?? '';
    assert.match(compressedFile, /\.qcow2\.gz$/, 'cosa compress rewrote images.qemu.path');
  });

  afterEach(() => {
    wb = undefined;
    for (const ws of scratch) {
      for (const c of vmContainers(ws)) {
        execFileSync('podman', ['rm', '-f', c.name], { stdio: 'ignore' });
      }
    }
  });

  after(async () => {
    await server?.close();
    for (const d of scratch) {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });

  it('Run in QEMU on a compressed image offers cosa decompress, then boots the VM to its marker', async () => {
    const ws = tempWorkspace('compressed');
    fs.cpSync(published, ws, { recursive: true, verbatimSymlinks: true });
    writeSettings(ws);
    wb = await openWorkbench(ws);
    await wb.openActivity('CoreOS Builds');
    // the tree says the image is compressed (one stat when the build is expanded)
    await wb.waitForTreeRow('Builds', id);
    await wb.sidebarPane('Builds').locator('.monaco-list-row', { hasText: id }).first().click();
    await wb.waitForTreeRow('Builds', 'compressed (gzip)', 60_000);

    await wb.runCommand('CoreOS: Run in QEMU');
    await wb.pickQuickItem(id);
    await wb.clickNotificationButton(/is compressed .*kola boots only a decompressed image/, 'Decompress and Boot');
    const head = await wb.waitForActiveTerminalText(/Serial console: press Ctrl-a x/, 180_000);
    const image = qemuImageOf(ws, id)!;
    assert.equal(image, compressedFile.replace(/\.gz$/, ''), 'cosa decompress rewrote images.qemu.path');
    assert.ok(fs.existsSync(path.join(ws, 'builds', id, ARCH, image)));
    assert.ok(!fs.existsSync(path.join(ws, 'builds', id, ARCH, compressedFile)));
    assert.match(head.replace(/\n/g, ''), new RegExp(`--qemu-image /srv/builds/${id.replace(/\./g, '\\.')}/${ARCH}/${image.replace(/\./g, '\\.')} `));
    await wb.waitForActiveTerminalText(MARKER, BOOT_MS);
    await wb.waitForActiveTerminalText(/\[core@cosa-devsh ~\]\$ /, BOOT_MS);
    await wb.terminalKeys('Control+a', 'x');
    await waitFor('the VM container to be gone', () => vmContainers(ws).length === 0, 60_000);
  });

  it('Build Fetch pulls a build over HTTP (buildfetch --artifact qemu, decompress): it appears in the tree and boots', async () => {
    server = await serveDirectory(path.join(published, 'builds'));
    const ws = tempWorkspace('fetched');
    writeSettings(ws, { 'coreos.hostNetwork': true });
    wb = await openWorkbench(ws);
    await wb.openActivity('CoreOS Builds');
    await wb.runCommand('CoreOS: Build Fetch (cosa buildfetch)…');
    await wb.answerInputBox('where the builds are (1/3)', server.url);
    await wb.answerInputBox('which build (2/3)', '');
    // (3/3) the defaults: --artifact qemu, then cosa decompress
    await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'options (3/3)' }).first().waitFor({ timeout: 30_000 });
    await wb.page.locator('.quick-input-widget .monaco-button', { hasText: /^OK$/ }).first().click();
    await wb.clickNotificationButton(`build ${id} fetched`, 'Run in QEMU', 180_000);
    await wb.waitForTreeRow('Builds', id);
    assert.ok(server.requests.includes(`GET /${id}/${ARCH}/${compressedFile}`), server.requests.join('\n'));
    assert.equal(fs.readFileSync(path.join(ws, 'tmp', 'builds-source.txt'), 'utf8'), `${server.url}\n`);
    const image = qemuImageOf(ws, id)!;
    assert.equal(image, compressedFile.replace(/\.gz$/, ''), 'decompressed after the fetch');
    await wb.waitForActiveTerminalText(MARKER, BOOT_MS);
    await wb.waitForActiveTerminalText(/\[core@cosa-devsh ~\]\$ /, BOOT_MS);
    await wb.terminalKeys('Control+a', 'x');
    await waitFor('the VM container to be gone', () => vmContainers(ws).length === 0, 60_000);
  });
});
