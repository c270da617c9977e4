// Run in QEMU in the real editor: the packaged extension in code-server,
// real podman, the cosa stand-in image and a real qemu (TCG) booting its tiny
// VM. The workspace is made by the stand-in itself (cosa init from a local
// config repo, cosa build, cosa osbuild qemu, another cosa build without a
// qemu image), like a user's.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, Workbench } from './harness';
import { openWorkbench } from './servers';
import { alive, BOOT_MS, Container, containers, MARKER, qemuPids, standIn, waitFor } from './standIn';
import { runtimeArgsHere } from '../support/hostKvm';


const vmContainers = (ws: string): Container[] => containers(ws).filter((c) => c.purpose.startsWith('run-'));

/** Host pids of the qemu processes in a container (`podman top NAME hpid args`). */
function buildsOf(ws: string): string[] {
  return (JSON.parse(fs.readFileSync(path.join(ws, 'builds', 'builds.json'), 'utf8')) as { builds: { id: string }[] }).builds.map((b) => b.id);
}

function qemuImageOf(ws: string, id: string): string | undefined {
  const meta = JSON.parse(fs.readFileSync(path.join(ws, 'builds', id, 'x86_64', 'meta.json'), 'utf8')) as { images: Record<string, { path: string }> };
  return meta.images.qemu?.path;
}

describe('QEMU console: Run in QEMU in a real terminal (code-server + chromium + podman + qemu)', function () {
  this.timeout(6 * 60_000);
  let ws = '';
  let withImage = '';
  let withoutImage = '';
  let wb: Workbench | undefined;

  before(async function () {
    this.timeout(10 * 60_000);
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-e2e-qemu-'));
    execFileSync('bash', [path.join(REPO_ROOT, 'test', 'fixtures', 'config-repo', 'make-config-repo.sh'), path.join(ws, '.cfg')], { stdio: 'ignore' });
    await standIn(ws, 'cosa init file:///srv/.cfg; cosa build; cosa osbuild qemu; cosa build --force --skip-prune');
    const ids = buildsOf(ws);
    assert.equal(ids.length, 2, `two builds: ${ids.join(', ')}`);
    [withoutImage, withImage] = ids as [string, string];
    assert.ok(qemuImageOf(ws, withImage), 'the older build has a qemu image');
    assert.equal(qemuImageOf(ws, withoutImage), undefined, 'the newest build has none');
    fs.mkdirSync(path.join(ws, '.vscode'));
    fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({
      // The serial console: Ctrl-a x quits (the devshell's SSH session would pass it to the guest).
      'coreos.qemu.console': true,
      'coreos.runtimeArgs': runtimeArgsHere('-e COSA_STANDIN_BUILD_SECONDS=1'),
      'terminal.integrated.tabs.hideCondition': 'never',
    }, null, 2));
  });

  afterEach(() => {
    // (the root hooks take a failure screenshot, then close the editor)
    wb = undefined;
    // after a failure, no VM may stay behind for the next test; the tests check cleanup themselves before this
    for (const c of vmContainers(ws)) {
      execFileSync('podman', ['rm', '-f', c.name], { stdio: 'ignore' });
    }
  });

  after(() => {
    // builds written by the container's builder user are ours (uid mapping), so this works
    fs.rmSync(ws, { recursive: true, force: true });
  });

  async function runFromPalette(buildId: string): Promise<void> {
    await wb!.runCommand('CoreOS: Run in QEMU');
    await wb!.pickQuickItem(buildId);
  }

  it('boots a build from the palette, shows the marker and the Ctrl-a x hint, and Ctrl-a x ends the VM and its container', async () => {
    wb = await openWorkbench(ws);
    await wb.openActivity('CoreOS Builds');
    const started = Date.now();
    await runFromPalette(withImage);
    // The first line says how to quit, then the command (the guest clears the screen when it boots).
    const head = await wb.waitForActiveTerminalText(/Serial console: press Ctrl-a x to quit qemu/, 60_000);
    assert.match(head.trimStart(), /^Serial console: press Ctrl-a x to quit qemu/);
    const flat = head.replace(/\n/g, ''); // the command wraps over rows
    assert.match(flat, /\+ \S*podman run --rm -i -t /);
    assert.match(flat, new RegExp(`run --qemu-image /srv/builds/${withImage.replace(/\./g, '\\.')}/x86_64/\\S+\\.qcow2 -c`));
    await wb.waitForActiveTerminalText(MARKER, BOOT_MS);
    const bootMs = Date.now() - started;
    console.log(`      boot to marker in the terminal: ${bootMs} ms`);
    await wb.page.locator('.terminal-tabs-entry', { hasText: `cosa run ${withImage}` }).first().waitFor({ timeout: 15_000 });
    assert.deepEqual(await wb.terminalNames(), [`cosa run ${withImage}`]);
    const [vm] = vmContainers(ws);
    assert.ok(vm && vm.state === 'running', `one running VM container: ${JSON.stringify(vmContainers(ws))}`);
    const pids = qemuPids(vm.name);
    assert.equal(pids.length, 1, 'one qemu in the container');
    await wb.waitForActiveTerminalText(/\[core@cosa-devsh ~\]\$ /, BOOT_MS);
    await wb.terminalKeys('Control+a', 'x');
    await waitFor('the VM container to be gone', () => vmContainers(ws).length === 0, 60_000);
    await waitFor('qemu to exit', () => !pids.some(alive), 30_000);
    // the process ended with 0: VS Code closes the terminal
    await wb.page.locator('.terminal-tabs-entry', { hasText: `cosa run ${withImage}` }).waitFor({ state: 'detached', timeout: 30_000 });
  });

  it('runs two VMs at once, each in its own terminal and container', async () => {
    wb = await openWorkbench(ws);
    await wb.openActivity('CoreOS Builds');
    await runFromPalette(withImage);
    await wb.waitForActiveTerminalText(MARKER, BOOT_MS);
    await runFromPalette(withImage);
    await wb.page.locator('.terminal-tabs-entry', { hasText: `cosa run ${withImage} (2)` }).waitFor({ timeout: 30_000 });
    // the second terminal is the one shown; its own VM boots
    await wb.waitForActiveTerminalText(MARKER, BOOT_MS);
    assert.deepEqual((await wb.terminalNames()).sort(), [`cosa run ${withImage}`, `cosa run ${withImage} (2)`]);
    const vms = vmContainers(ws);
    assert.equal(vms.length, 2, JSON.stringify(vms));
    assert.notEqual(vms[0]!.name, vms[1]!.name);
    assert.ok(vms.every((c) => c.state === 'running'));
    const pids = vms.flatMap((c) => qemuPids(c.name));
    assert.equal(pids.length, 2, 'two qemu processes');
    // both VMs answer in their own terminal
    await wb.showTerminal(`cosa run ${withImage} (2)`);
    await wb.waitForActiveTerminalText(/\[core@cosa-devsh ~\]\$ /, BOOT_MS);
    await wb.terminalKeys();
    await wb.page.keyboard.type('echo second-$((6*7))');
    await wb.page.keyboard.press('Enter');
    await wb.waitForActiveTerminalText(/second-42/, 30_000);
    await wb.page.locator('.terminal-tabs-entry', { hasText: new RegExp(`cosa run ${withImage.replace(/\./g, '\\.')}$`) }).first().click();
    const first = await wb.waitForActiveTerminalText(/\[core@cosa-devsh ~\]\$ /, BOOT_MS);
    assert.ok(!first.includes('second-42'), 'the first terminal is another VM');
    // closing both terminals stops both VMs
    await wb.killActiveTerminal();
    await wb.killActiveTerminal();
    await waitFor('both VM containers to be gone', () => vmContainers(ws).length === 0, 60_000);
    await waitFor('both qemu processes to exit', () => !pids.some(alive), 30_000);
  });

  it('closing the terminal mid-boot stops qemu and removes the container', async () => {
    wb = await openWorkbench(ws);
    await wb.openActivity('CoreOS Builds');
    await runFromPalette(withImage);
    const vm = await waitFor('the VM container', () => vmContainers(ws)[0], 60_000);
    const pids = await waitFor('qemu to start', () => { const p = qemuPids(vm.name); return p.length ? p : undefined; }, 60_000);
    const text = await wb.activeTerminalText();
    assert.doesNotMatch(text, MARKER, 'still booting when the terminal is closed');
    await wb.killActiveTerminal();
    await waitFor('the VM container to be gone', () => vmContainers(ws).length === 0, 60_000);
    await waitFor('qemu to exit', () => !pids.some(alive), 30_000);
    assert.equal(await wb.page.locator('.terminal-tabs-entry').count(), 0);
  });

  it('a build without a qemu image: the offer builds it as a cosa task (cosa osbuild --build <id> qemu) and then boots it', async () => {
    wb = await openWorkbench(ws);
    await wb.openActivity('CoreOS Builds');
    await runFromPalette(withoutImage);
    const offer = `Build ${withoutImage} has no qemu image`;
    const toast = wb.page.locator('.notifications-toasts .notification-toast', { hasText: offer }).first();
    await toast.waitFor({ timeout: 30_000 });
    await toast.locator('.monaco-button', { hasText: 'Build QEMU Image and Boot' }).first().click();
    // A cosa task like every other step: the build flow's progress toast and the task's terminal.
    await wb.page.locator('.notifications-toasts .notification-toast', { hasText: `cosa osbuild --build ${withoutImage} qemu` }).first().waitFor({ timeout: 30_000 });
    const head = await wb.waitForActiveTerminalText(/Serial console: press Ctrl-a x/, 120_000);
    assert.ok((await wb.terminalNames()).some((n) => n.includes(`osbuild --build ${withoutImage} qemu`)), `the task's terminal stays: ${(await wb.terminalNames()).join(', ')}`);
    // Success needs no notification of its own: the VM boots.
    assert.equal(await wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'finished' }).count(), 0);
    const image = qemuImageOf(ws, withoutImage);
    assert.ok(image, 'meta.json now has images.qemu');
    assert.ok(fs.existsSync(path.join(ws, 'builds', withoutImage, 'x86_64', image)));
    assert.match(head.replace(/\n/g, ''), new RegExp(`--qemu-image /srv/builds/${withoutImage.replace(/\./g, '\\.')}/x86_64/${image.replace(/\./g, '\\.')}`));
    const text = await wb.waitForActiveTerminalText(MARKER, BOOT_MS);
    assert.doesNotMatch(text, /No disk image provided/);
    assert.equal(containers(ws).filter((c) => c.purpose.startsWith('osbuild')).length, 0, 'the osbuild container is gone');
    await wb.screenshot('part6-qemu-image-task-then-boot');
    await wb.waitForActiveTerminalText(/\[core@cosa-devsh ~\]\$ /, BOOT_MS);
    await wb.terminalKeys('Control+a', 'x');
    await waitFor('the VM container to be gone', () => vmContainers(ws).length === 0, 60_000);
  });

  it('from the tree with options: devshell (no -c) with -m 512, ended by exit in the guest', async () => {
    wb = await openWorkbench(ws);
    await wb.openActivity('CoreOS Builds');
    await wb.waitForTreeRow('Builds', withImage);
    await wb.rowContextMenu(wb.sidebarPane('Builds').locator('.monaco-list-row', { hasText: withImage }).first(), 'Run in QEMU with Options...');
    // (1/3) toggles, prefilled from the settings: the serial console is on; turn it off
    const consoleRow = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Serial console (-c)' }).first();
    await consoleRow.waitFor({ timeout: 30_000 });
    assert.equal(await consoleRow.getAttribute('aria-checked'), 'true', 'prefilled from coreos.qemu.console');
    await consoleRow.locator('.monaco-checkbox').first().click();
    assert.equal(await consoleRow.getAttribute('aria-checked'), 'false');
    await wb.page.locator('.quick-input-widget .monaco-button', { hasText: /^OK$/ }).first().click();
    await wb.answerInputBox('memory in MiB (2/3)', '512');
    await wb.answerInputBox('more kola qemuexec arguments (3/3)', '');
    // A fast boot can scroll the hint out of view before a poll sees it (one more banner line without KVM): read the scrollback too.
    const head = await wb.waitForTerminalText(/Devshell: `exit` or Ctrl-d in the VM ends the session/, 60_000, { scrollback: true });
    const flat = head.replace(/\n/g, '');
    assert.match(flat, new RegExp(`run --qemu-image /srv/builds/${withImage.replace(/\./g, '\\.')}/x86_64/\\S+\\.qcow2 -m 512(?! -c)`));
    assert.doesNotMatch(flat, /qcow2 -m 512 -c/);
    // kola's status line ([STARTUP] ..., [EVENT | QEMU guest is ready for SSH] <marker>) is overwritten in place; this stays:
    await wb.waitForActiveTerminalText(/\[SESSION\] Starting SSH/, BOOT_MS);
    await wb.waitForActiveTerminalText(/\[core@cosa-devsh ~\]\$ /, BOOT_MS);
    await wb.terminalKeys();
    // 512 MiB for the guest: the kernel reports a little less
    await wb.page.keyboard.type("echo mem-$(awk '/MemTotal/{print $2}' /proc/meminfo)-kB");
    await wb.page.keyboard.press('Enter');
    const mem = await wb.waitForActiveTerminalText(/mem-\d+-kB/, 30_000);
    const kb = Number(/mem-(\d+)-kB/.exec(mem)![1]);
    assert.ok(kb > 400_000 && kb <= 512 * 1024, `guest memory ${kb} kB for -m 512`);
    await wb.page.keyboard.type('exit');
    await wb.page.keyboard.press('Enter');
    await waitFor('the VM container to be gone', () => vmContainers(ws).length === 0, 60_000);
  });

  it('from the explorer on a *.qcow2 with a space in its name (the path under /srv)', async () => {
    const src = path.join(ws, 'builds', withImage, 'x86_64', qemuImageOf(ws, withImage)!);
    fs.mkdirSync(path.join(ws, 'my images'), { recursive: true });
    fs.copyFileSync(src, path.join(ws, 'my images', 'test disk.qcow2'));
    wb = await openWorkbench(ws);
    await wb.openActivity('Explorer');
    const explorer = wb.page.locator('.explorer-folders-view');
    const folder = explorer.locator('.monaco-list-row', { hasText: 'my images' }).first();
    await folder.waitFor({ timeout: 30_000 });
    await folder.click();
    const file = explorer.locator('.monaco-list-row', { hasText: 'test disk.qcow2' }).first();
    await file.waitFor({ timeout: 30_000 });
    await wb.rowContextMenu(file, 'Run in QEMU');
    const head = await wb.waitForActiveTerminalText(/Serial console: press Ctrl-a x/, 60_000);
    assert.match(head.replace(/\n/g, ''), /run --qemu-image '\/srv\/my images\/test disk\.qcow2' -c/);
    await wb.page.locator('.terminal-tabs-entry', { hasText: 'cosa run test disk.qcow2' }).first().waitFor({ timeout: 15_000 });
    assert.deepEqual(await wb.terminalNames(), ['cosa run test disk.qcow2']);
    const text = await wb.waitForActiveTerminalText(MARKER, BOOT_MS);
    assert.match(text, /disk: \/dev\/vda 10737418240 bytes serial=primary-disk/);
    await wb.waitForActiveTerminalText(/\[core@cosa-devsh ~\]\$ /, BOOT_MS);
    await wb.terminalKeys('Control+a', 'x');
    await waitFor('the VM container to be gone', () => vmContainers(ws).length === 0, 60_000);
  });
});
