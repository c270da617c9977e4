// The main gesture, in a real editor with real podman and the cosa stand-in:
// an empty folder is initialised from the welcome view, Build in the view's
// title runs cosa build as a task, the new build shows in the tree; a second
// build reports that nothing changed; Build QEMU Image from the build's
// context menu adds the qcow2; a build terminated right after its start
// leaves no container; a slow build is refused a twin, then terminated, and
// no container is left behind.
// The tests run in order on one folder (each step needs the previous one).

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, Workbench } from './harness';
import { openWorkbench } from './servers';
import { makeWorkspace } from './workspaces';
import { runtimeArgsHere } from '../support/hostKvm';

const VIEW = 'Builds';
const MAKE_CONFIG_REPO = path.join(REPO_ROOT, 'test', 'fixtures', 'config-repo', 'make-config-repo.sh');
const LONG = 150_000;

function writeRuntimeArgs(folder: string, args: string): void {
  fs.mkdirSync(path.join(folder, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(folder, '.vscode', 'settings.json'), JSON.stringify({ 'coreos.runtimeArgs': runtimeArgsHere(args) }, null, 2));
}

function buildsJson(folder: string): { builds: { id: string; arches: string[] }[] } {
  return JSON.parse(fs.readFileSync(path.join(folder, 'builds', 'builds.json'), 'utf8')) as { builds: { id: string; arches: string[] }[] };
}

/** Containers of this workspace with the extension's label (running or not). */
function containersOf(folder: string): string[] {
  const id = createHash('sha256').update(folder).digest('hex').slice(0, 10);
  const out = execFileSync('podman', ['ps', '-a', '--filter', 'label=io.github.coreos-vscode=1',
    '--filter', `label=io.github.coreos-vscode.workspace=${id}`, '--format', '{{.Names}} {{.Status}}'], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

async function openBuilds(folder: string): Promise<Workbench> {
  const wb = await openWorkbench(folder);
  await wb.openActivity('CoreOS Builds');
  return wb;
}

async function terminateBuildTask(wb: Workbench): Promise<void> {
  await wb.runCommand('Tasks: Terminate Task');
  // With several running tasks VS Code asks which one; pick ours if it does.
  const pick = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: /build/ }).first();
  if (await pick.waitFor({ timeout: 3000 }).then(() => true, () => false)) {
    await pick.click();
  }
}

async function expandRow(wb: Workbench, text: string | RegExp): Promise<void> {
  const row = wb.sidebarPane(VIEW).locator('.monaco-list-row', { hasText: text }).first();
  await row.waitFor({ timeout: 30_000 });
  if ((await row.getAttribute('aria-expanded')) !== 'true') {
    await row.click();
    await wb.page.keyboard.press('ArrowRight');
  }
}

describe('build flow: init, build, nothing changed, QEMU image, cancel (code-server + chromium + podman)', function () {
  this.timeout(240_000);
  // One folder for the whole flow; the config repo lives inside it (hidden, so
  // cosa init still sees an empty folder) and is reachable in the container at /srv.
  const folder = makeWorkspace('empty');
  let firstBuild = '';

  /** Build (90 s) clicked in the view's title; builds.json as it was before. */
  async function clickSlowBuild(): Promise<{ wb: Workbench; before: string }> {
    assert.ok(firstBuild, 'needs the first build');
    writeRuntimeArgs(folder, '-e COSA_STANDIN_BUILD_SECONDS=90 -e COSA_STANDIN_LOG_LINES=12');
    const before = fs.readFileSync(path.join(folder, 'builds', 'builds.json'), 'utf8');
    const wb = await openBuilds(folder);
    await wb.waitForTreeRow(VIEW, firstBuild, 30_000);
    await wb.clickSidebarAction('Build', 'coreos.build');
    return { wb, before };
  }

  before(() => {
    execFileSync('bash', [MAKE_CONFIG_REPO, path.join(folder, '.config-repo')], { stdio: 'pipe' });
    writeRuntimeArgs(folder, '-e COSA_STANDIN_BUILD_SECONDS=1 -e COSA_STANDIN_LOG_LINES=12');
  });

  it('initializes an empty folder from the welcome view (cosa init with a local config repo)', async () => {
    const wb = await openBuilds(folder);
    await wb.clickWelcomeButton(VIEW, 'Initialize');
    await wb.answerInputBox('config repository (1/3)', 'file:///srv/.config-repo');
    await wb.answerInputBox('branch (2/3)', '');
    await wb.answerInputBox('variant (3/3)', '');
    await wb.waitForTerminalText('Initialized /srv as coreos-assembler working directory.', LONG, { scrollback: true });
    await wb.notification('is now a coreos-assembler working directory', LONG);
    assert.ok(fs.existsSync(path.join(folder, 'src', 'config', 'manifest.yaml')), 'src/config was cloned');
    // The welcome view now offers Build.
    await wb.welcome(VIEW).locator('.monaco-button', { hasText: 'Build' }).first().waitFor({ timeout: 30_000 });
  });

  it('Build in the view title runs cosa build as a task; the new build appears with its arch and images', async () => {
    const wb = await openBuilds(folder);
    await wb.clickSidebarAction('Build', 'coreos.build');
    await wb.waitForTerminalText(/cosa build finished \(exit code 0\)/, LONG);
    // the task terminal shows cosa's output (its stdout line may sit above the last screenful of stderr)
    await wb.waitForTerminalText(/Imported OCI image as build 43\.\d{8}\.20\.dev0/, 15_000, { scrollback: true });
    const ids = buildsJson(folder).builds.map((b) => b.id);
    assert.equal(ids.length, 1, `one build: ${ids.join(', ')}`);
    firstBuild = ids[0]!;
    await wb.notification(`Build ${firstBuild} finished.`, LONG);
    await wb.waitForTreeRow(VIEW, firstBuild, 30_000);
    await expandRow(wb, firstBuild);
    await expandRow(wb, 'x86_64');
    await wb.waitForTreeRow(VIEW, 'oci-manifest', 30_000);
    const tree = await wb.sidebarPane(VIEW).locator('.monaco-list-rows').innerText();
    for (const expected of [firstBuild, 'x86_64', 'ostree', `fedora-coreos-${firstBuild}-ostree.x86_64.ociarchive`, 'oci-manifest']) {
      assert.ok(tree.includes(expected), `tree shows ${expected}:\n${tree}`);
    }
    await wb.screenshot('build-flow-first-build');
  });

  it('a second build with nothing changed says so and makes no new build', async () => {
    assert.ok(firstBuild, 'needs the first build');
    const wb = await openBuilds(folder);
    await wb.waitForTreeRow(VIEW, firstBuild, 30_000);
    await wb.clickSidebarAction('Build', 'coreos.build');
    await wb.notification('Nothing changed, no new build', LONG);
    const text = await wb.terminalText();
    assert.match(text, /Input hash unchanged \([0-9a-f]{64}\)/);
    assert.deepEqual(buildsJson(folder).builds.map((b) => b.id), [firstBuild]);
  });

  it('Build QEMU Image from the build\'s context menu adds the qcow2 under it', async () => {
    assert.ok(firstBuild, 'needs the first build');
    const wb = await openBuilds(folder);
    await wb.waitForTreeRow(VIEW, firstBuild, 30_000);
    await wb.treeContextMenu(VIEW, firstBuild, 'Build QEMU Image');
    await wb.waitForTerminalText(/cosa osbuild finished \(exit code 0\)/, LONG);
    const qcow2 = `fedora-coreos-${firstBuild}-qemu.x86_64.qcow2`;
    await wb.notification(qcow2, LONG);
    await expandRow(wb, firstBuild);
    await expandRow(wb, 'x86_64');
    await wb.waitForTreeRow(VIEW, qcow2, 30_000);
    assert.ok(fs.existsSync(path.join(folder, 'builds', firstBuild, 'x86_64', qcow2)));
    await wb.screenshot('build-flow-qemu-image');
  });

  it('Terminate Task right after Build (while podman is still creating the container) leaves no container the moment the cancel is reported', async () => {
    const { wb, before } = await clickSlowBuild();
    // The status bar shows the run as soon as the runtime's client is spawned: cancel from here, not after STEP 1/12.
    await wb.page.locator('.statusbar-item', { hasText: /cosa build/ }).first().waitFor({ timeout: 30_000 });
    await terminateBuildTask(wb);
    await wb.notification('cosa build was cancelled; its container was stopped.', LONG);
    // No waiting: the result (and the lock) come only once the container is gone.
    assert.deepEqual(containersOf(folder), [], 'no container of this workspace is left');
    assert.equal(fs.readFileSync(path.join(folder, 'builds', 'builds.json'), 'utf8'), before, 'builds.json untouched');
    // And nothing starts later: a container created after the cancel would show up here.
    await new Promise((r) => setTimeout(r, 5000));
    assert.deepEqual(containersOf(folder), [], 'no container appeared after the cancel');
  });

  it('a slow build refuses a second Build click (with Show), then Terminate Task leaves no container and the build dir as it was', async () => {
    const { wb, before } = await clickSlowBuild();
    await wb.waitForTerminalText(/STEP 1\/12/, LONG);
    assert.equal(containersOf(folder).length, 1, `one cosa container runs: ${containersOf(folder).join('; ')}`);
    // The status bar shows the running step with a spinner.
    await wb.page.locator('.statusbar-item', { hasText: /cosa build/ }).first().waitFor({ timeout: 30_000 });
    // A second click: no second build, a message with a button to show the running one.
    await wb.clickSidebarAction('Build', 'coreos.build');
    await wb.clickNotificationButton('cosa build is already running in this workspace', 'Show');
    // Show brings the running build's terminal to the front with the focus; only then is the palette ours again.
    await wb.page.locator('.terminal-wrapper:visible .xterm.focus').first().waitFor({ timeout: 30_000 });
    assert.equal(containersOf(folder).length, 1, 'still one container');
    await terminateBuildTask(wb);
    await wb.notification('cosa build was cancelled; its container was stopped.', LONG);
    const deadline = Date.now() + 30_000;
    let left = containersOf(folder);
    while (left.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      left = containersOf(folder);
    }
    assert.deepEqual(left, [], 'no container of this workspace is left');
    assert.equal(fs.readFileSync(path.join(folder, 'builds', 'builds.json'), 'utf8'), before, 'builds.json untouched');
    assert.equal(fs.readlinkSync(path.join(folder, 'builds', 'latest')), firstBuild);
  });

  it('the Assembler Shell holds the workspace: Build is refused while it is open', async () => {
    assert.ok(firstBuild, 'needs the first build');
    writeRuntimeArgs(folder, '-e COSA_STANDIN_BUILD_SECONDS=1 -e COSA_STANDIN_LOG_LINES=12');
    const wb = await openBuilds(folder);
    await wb.waitForTreeRow(VIEW, firstBuild, 30_000);
    await wb.runCommand('CoreOS: Open Assembler Shell');
    await wb.waitForTerminalText('[coreos-assembler]$', LONG);
    await wb.clickSidebarAction('Build', 'coreos.build');
    await wb.notification('the Assembler Shell is open in this workspace', LONG);
    // Every command that changes the workspace runs under one container name: the shell's is the only one.
    assert.equal(containersOf(folder).length, 1, `only the shell's container: ${containersOf(folder).join('; ')}`);
    // Leave the shell: its container goes (--rm), nothing is left behind.
    await wb.page.locator('.terminal-wrapper:visible .xterm-screen').first().click();
    await wb.page.keyboard.type('exit\n');
    const deadline = Date.now() + 60_000;
    while (containersOf(folder).length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.deepEqual(containersOf(folder), [], 'the shell container is gone after exit');
  });
});
