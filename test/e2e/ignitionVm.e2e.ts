// Test in VM in the real editor: the packaged extension in code-server, real
// podman, the cosa stand-in image and a real qemu (TCG) booting its tiny VM,
// which prints the sha256 and the first passwd user of the Ignition config it
// received through fw_cfg. The workspace is made by the stand-in itself
// (cosa init from a local config repo, cosa build, cosa osbuild qemu).

import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, Workbench } from './harness';
import { openWorkbench } from './servers';
import { alive, BOOT_MS, containers, MARKER, qemuPids, standIn, waitFor } from './standIn';
import { runtimeArgsHere } from '../support/hostKvm';


/** Host pids of the qemu processes in a container (`podman top NAME hpid args`). */
/** Opens a workspace file and focuses its editor, so the palette's resourceExtname conditions see it. */
async function openConfig(wb: Workbench, name: string): Promise<void> {
  await wb.openFile(name);
  await wb.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  await wb.page.waitForTimeout(500);
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const VALID = `${JSON.stringify({
  ignition: { version: '3.4.0' },
  passwd: { users: [{ name: 'vmtester', groups: ['wheel'] }, { name: 'second' }] },
  storage: { files: [{ path: '/etc/hostname', mode: 420, contents: { source: 'data:,ignition-vm-test' } }] },
}, null, 2)}\n`;

const INVALID = `${JSON.stringify({
  ignition: { version: '3.4.0' },
  passwd: { users: [{ name: 'vmtester' }] },
  storage: { files: [{ path: 'etc/relative', contents: { source: 'data:,x' } }] },
}, null, 2)}\n`;

/** A real butane error: an unknown key, which --strict (the extension always passes it) turns into a failure. */
const BUTANE_UNKNOWN_KEY = 'variant: fcos\nversion: 1.5.0\npasswd:\n  users:\n    - name: vmtester\n      frobnicate: true\n';

const BUTANE_EXAMPLE = [
  'variant: fcos',
  'version: 1.5.0',
  'passwd:',
  '  users:',
  '    - name: butaneuser',
  '      groups: [wheel]',
  'storage:',
  '  files:',
  '    - path: /etc/motd',
  '      mode: 0644',
  '      contents:',
  '        inline: "from butane, via the stand-in\\n"',
  '',
].join('\n');

describe('Test in VM: an Ignition config boots a build in a terminal (code-server + chromium + podman + qemu)', function () {
  this.timeout(6 * 60_000);
  let ws = '';
  let buildId = '';
  let wb: Workbench | undefined;

  before(async function () {
    this.timeout(10 * 60_000);
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-e2e-ignvm-'));
    execFileSync('bash', [path.join(REPO_ROOT, 'test', 'fixtures', 'config-repo', 'make-config-repo.sh'), path.join(ws, '.cfg')], { stdio: 'ignore' });
    await standIn(ws, 'cosa init file:///srv/.cfg; cosa build; cosa osbuild qemu');
    const ids = (JSON.parse(fs.readFileSync(path.join(ws, 'builds', 'builds.json'), 'utf8')) as { builds: { id: string }[] }).builds.map((b) => b.id);
    assert.equal(ids.length, 1, `one build: ${ids.join(', ')}`);
    buildId = ids[0]!;
    fs.mkdirSync(path.join(ws, '.vscode'));
    fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({
      'coreos.runtimeArgs': runtimeArgsHere('-e COSA_STANDIN_BUILD_SECONDS=1'),
      'terminal.integrated.tabs.hideCondition': 'never',
    }, null, 2));
    fs.writeFileSync(path.join(ws, 'test.ign'), VALID);
    fs.writeFileSync(path.join(ws, 'bad.ign'), INVALID);
    fs.writeFileSync(path.join(ws, 'hello.bu'), BUTANE_UNKNOWN_KEY);
    fs.writeFileSync(path.join(ws, 'example.bu'), BUTANE_EXAMPLE);
  });

  afterEach(() => {
    wb = undefined;
    // after a failure, no VM may stay behind for the next test; the tests check cleanup themselves before this
    for (const c of containers(ws)) {
      execFileSync('podman', ['rm', '-f', c.name], { stdio: 'ignore' });
    }
  });

  after(() => {
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('boots the picked build with test.ign: the VM reports the file\'s sha256 and user, Ctrl-a x ends VM and container', async () => {
    const sha = createHash('sha256').update(fs.readFileSync(path.join(ws, 'test.ign'))).digest('hex');
    wb = await openWorkbench(ws);
    await openConfig(wb, 'test.ign');
    const started = Date.now();
    await wb.runCommand('CoreOS: Test Ignition Config in VM');
    await wb.pickQuickItem(buildId);
    const head = await wb.waitForActiveTerminalText(/Ctrl-a x quits qemu/, 60_000);
    assert.match(head.trimStart(), /^Ctrl-a x quits qemu/, 'the quit hint comes first');
    const flatHead = head.replace(/\n/g, '');
    assert.match(flatHead, /\+ \S*podman run --rm -i -t /);
    assert.match(flatHead, new RegExp(`shell kola qemuexec --ignition /srv/test\\.ign --ignition-direct --qemu-image /srv/builds/${esc(buildId)}/x86_64/\\S+\\.qcow2`));
    assert.doesNotMatch(flatHead, / -c( |$)| --devshell/);
    await wb.page.locator('.terminal-tabs-entry', { hasText: `ignition test.ign on ${buildId}` }).first().waitFor({ timeout: 15_000 });
    assert.deepEqual(await wb.terminalNames(), [`ignition test.ign on ${buildId}`]);
    // room for the whole boot log: the DOM shows only the rows in view
    await wb.runCommand('View: Toggle Maximized Panel');
    const text = await wb.waitForActiveTerminalText(MARKER, BOOT_MS);
    console.log(`      boot to marker in the terminal: ${Date.now() - started} ms`);
    const flat = text.replace(/\n/g, '');
    assert.match(flat, new RegExp(`ignition: config sha256 ${sha}`), `the VM got exactly test.ign (${sha})`);
    assert.match(flat, new RegExp(`ignition: config size ${fs.statSync(path.join(ws, 'test.ign')).size} bytes`));
    assert.match(text, /ignition: config version 3\.4\.0/);
    assert.match(text, /ignition: first user vmtester/);
    const vms = containers(ws);
    assert.equal(vms.length, 1, JSON.stringify(vms));
    assert.equal(vms[0]!.state, 'running');
    const pids = qemuPids(vms[0]!.name);
    assert.equal(pids.length, 1, 'one qemu in the container');
    await wb.waitForActiveTerminalText(/\[vmtester@\S+ ~\]\$ /, BOOT_MS);
    await wb.terminalKeys('Control+a', 'x');
    await waitFor('the VM container to be gone', () => containers(ws).length === 0, 60_000);
    await waitFor('qemu to exit', () => !pids.some(alive), 30_000);
    await wb.page.locator('.terminal-tabs-entry', { hasText: `ignition test.ign on ${buildId}` }).waitFor({ state: 'detached', timeout: 30_000 });
  });

  it('the Ignition Config Editor\'s Test in VM button boots the build with its document', async () => {
    const sha = createHash('sha256').update(fs.readFileSync(path.join(ws, 'test.ign'))).digest('hex');
    wb = await openWorkbench(ws);
    await openConfig(wb, 'test.ign');
    await wb.reopenEditorWith('Ignition Config Editor');
    const button = wb.webview().locator('#test-in-vm');
    await button.waitFor({ timeout: 30_000 });
    await button.click();
    await wb.pickQuickItem(buildId);
    await wb.page.locator('.terminal-tabs-entry', { hasText: `ignition test.ign on ${buildId}` }).first().waitFor({ timeout: 60_000 });
    await wb.runCommand('View: Toggle Maximized Panel');
    const text = await wb.waitForActiveTerminalText(MARKER, BOOT_MS);
    assert.match(text.replace(/\n/g, ''), new RegExp(`ignition: config sha256 ${sha}`));
    assert.match(text, /ignition: first user vmtester/);
    await wb.waitForActiveTerminalText(/\[vmtester@\S+ ~\]\$ /, BOOT_MS);
    await wb.terminalKeys('Control+a', 'x');
    await waitFor('the VM container to be gone', () => containers(ws).length === 0, 60_000);
  });

  it('a config outside the workspace is copied into tmp/coreos-vscode/ (the user is told) and the copy boots', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-e2e-outside-'));
    try {
      const file = path.join(outside, 'outside.ign');
      fs.writeFileSync(file, VALID.replace('vmtester', 'outsider'));
      const sha = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
      wb = await openWorkbench(ws);
      // Quick Open takes an absolute path
      await wb.page.keyboard.press('Escape');
      await wb.page.keyboard.press('F1');
      const input = wb.page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      await input.fill(file);
      await wb.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'outside.ign' }).first().waitFor({ timeout: 15_000 });
      await wb.page.keyboard.press('Enter');
      await wb.editorTab('outside.ign').waitFor({ timeout: 15_000 });
      await wb.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
      await wb.page.waitForTimeout(500);
      await wb.runCommand('CoreOS: Test Ignition Config in VM');
      await wb.notification('outside.ign is outside the workspace', 30_000);
      await wb.pickQuickItem(buildId);
      const head = await wb.waitForActiveTerminalText(/Ctrl-a x quits qemu/, 60_000);
      assert.match(head.replace(/\n/g, ''), /--ignition \/srv\/tmp\/coreos-vscode\/outside\.ign --ignition-direct/);
      const copy = path.join(ws, 'tmp', 'coreos-vscode', 'outside.ign');
      assert.deepEqual(fs.readFileSync(copy), fs.readFileSync(file), 'the copy has the same bytes');
      await wb.runCommand('View: Toggle Maximized Panel');
      const text = await wb.waitForActiveTerminalText(MARKER, BOOT_MS);
      assert.match(text.replace(/\n/g, ''), new RegExp(`ignition: config sha256 ${sha}`));
      assert.match(text, /ignition: first user outsider/);
      await wb.waitForActiveTerminalText(/\[outsider@\S+ ~\]\$ /, BOOT_MS);
      await wb.terminalKeys('Control+a', 'x');
      await waitFor('the VM container to be gone', () => containers(ws).length === 0, 60_000);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('closing the terminal stops the VM and removes its container', async () => {
    wb = await openWorkbench(ws);
    await openConfig(wb, 'test.ign');
    await wb.runCommand('CoreOS: Test Ignition Config in VM');
    await wb.pickQuickItem(buildId);
    const vm = await waitFor('the VM container', () => containers(ws)[0], 60_000);
    const pids = await waitFor('qemu to start', () => { const p = qemuPids(vm.name); return p.length ? p : undefined; }, 60_000);
    await wb.killActiveTerminal();
    await waitFor('the VM container to be gone', () => containers(ws).length === 0, 60_000);
    await waitFor('qemu to exit', () => !pids.some(alive), 30_000);
  });

  it('refuses an invalid config with the reason and starts no container', async () => {
    wb = await openWorkbench(ws);
    await openConfig(wb, 'bad.ign');
    await wb.runCommand('CoreOS: Test Ignition Config in VM');
    const toast = wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'bad.ign is not a valid Ignition config' }).first();
    await toast.waitFor({ timeout: 30_000 });
    const message = await toast.innerText();
    assert.match(message, /\$\.storage\.files\.0\.path, line \d+ col \d+: path not absolute/);
    assert.match(message, /See Problems/);
    // no build pick, no terminal, no container
    await wb.page.waitForTimeout(3000);
    assert.equal(await wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: buildId }).count(), 0);
    assert.equal(await wb.page.locator('.terminal-tabs-entry').count(), 0);
    assert.deepEqual(containers(ws), []);
  });

  it('Translate Butane on a config butane rejects (unknown key + --strict): the warning is a diagnostic on the .bu, the toast says why, nothing is written, no container left', async () => {
    wb = await openWorkbench(ws);
    await openConfig(wb, 'hello.bu');
    await wb.runCommand('CoreOS: Translate Butane to Ignition');
    const toast = wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'hello.bu did not translate' }).first();
    await toast.waitFor({ timeout: 90_000 });
    const message = await toast.innerText();
    assert.match(message, /Translate Butane: hello\.bu did not translate: line 6 col 7: Unused key frobnicate \(see Problems\)/);
    assert.doesNotMatch(message, /no butane/);
    // the stand-in's butane prints butane 0.29's pretty report: the finding keeps its line and column, and
    // Problems lists it once (the live check's `unused key frobnicate` is the same finding)
    const rows = await wb.waitForProblem(/unused key frobnicate/i);
    await wb.page.waitForTimeout(1500);
    const same = (await wb.waitForProblem(/unused key frobnicate/i)).filter((r) => /unused key frobnicate/i.test(r));
    assert.equal(same.length, 1, `one Problems row for the finding: ${JSON.stringify(same)} (first seen: ${JSON.stringify(rows)})`);
    assert.match(same[0]!, /nused key frobnicate \(\$\.passwd\.users\.0\.frobnicate\)/);
    assert.match(same[0]!, /\[Ln 6, Col 7\]/);
    assert.ok(!fs.existsSync(path.join(ws, 'hello.ign')), 'no hello.ign written');
    await waitFor('no container left', () => containers(ws).length === 0, 30_000);
  });

  it('Translate Butane writes example.ign (butane in the stand-in), and Test in VM boots it: the VM reports its user', async () => {
    wb = await openWorkbench(ws);
    await openConfig(wb, 'example.bu');
    const started = Date.now();
    await wb.runCommand('CoreOS: Translate Butane to Ignition');
    await wb.notification('Translate Butane: wrote example.ign', 90_000);
    console.log(`      translate: ${Date.now() - started} ms`);
    const ignPath = path.join(ws, 'example.ign');
    const text = fs.readFileSync(ignPath, 'utf8');
    assert.match(text, /^\{\n {2}"ignition": \{\n {4}"version": "3\.4\.0"\n {2}\},\n/, 'indented JSON (butane --pretty, coreos.butane.prettyIgnition)');
    assert.deepEqual(JSON.parse(text), {
      ignition: { version: '3.4.0' },
      passwd: { users: [{ groups: ['wheel'], name: 'butaneuser' }] },
      storage: { files: [{ path: '/etc/motd', contents: { compression: '', source: 'data:,from%20butane%2C%20via%20the%20stand-in%0A' }, mode: 420 }] },
    });
    await waitFor('the butane container to be gone', () => containers(ws).length === 0, 30_000);
    // the translation is the active editor: Test in VM on it
    await wb.editorTab('example.ign').waitFor({ timeout: 15_000 });
    const sha = createHash('sha256').update(fs.readFileSync(ignPath)).digest('hex');
    await wb.runCommand('CoreOS: Test Ignition Config in VM');
    await wb.pickQuickItem(buildId);
    const head = await wb.waitForActiveTerminalText(/Ctrl-a x quits qemu/, 60_000);
    assert.match(head.replace(/\n/g, ''), /shell kola qemuexec --ignition \/srv\/example\.ign --ignition-direct/);
    await wb.runCommand('View: Toggle Maximized Panel');
    const boot = await wb.waitForActiveTerminalText(MARKER, BOOT_MS);
    const flat = boot.replace(/\n/g, '');
    assert.match(flat, new RegExp(`ignition: config sha256 ${sha}`), 'the VM got exactly example.ign');
    assert.match(boot, /ignition: config version 3\.4\.0/);
    assert.match(boot, /ignition: first user butaneuser/);
    const vms = containers(ws);
    assert.equal(vms.length, 1, JSON.stringify(vms));
    const pids = qemuPids(vms[0]!.name);
    assert.equal(pids.length, 1, 'one qemu in the container');
    await wb.waitForActiveTerminalText(/\[butaneuser@\S+ ~\]\$ /, BOOT_MS);
    await wb.terminalKeys('Control+a', 'x');
    await waitFor('the VM container to be gone', () => containers(ws).length === 0, 60_000);
    await waitFor('qemu to exit', () => !pids.some(alive), 30_000);
  });
});
