// Remote building in the real editor: the packaged extension in code-server, a workspace whose
// settings select the test machine's remote builder (test/remote-builder/setup.sh: sshd on
// 127.0.0.1:2222, its own podman storage, so nothing of a build is reachable through the local
// file system). Initialize and Build from the CoreOS Builds view run in the workspace's cosa
// remote session on the builder, the remote build shows in the tree (marked remote), Run in QEMU
// boots it on the builder in a local terminal, Download brings its qcow2 into the local builds/,
// and the local workspace gets nothing else; an ssh connection cut mid-build (the test's own
// relay in front of the builder's sshd, test/integration/remoteBuilder.ts) gives a clear message
// and leaves nothing running on the builder. No session of these workspaces is left afterwards.
// (The ui server runs with --disable-workspace-trust: the folders are trusted, so coreos.builder is honoured.)

import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseBuildMeta } from '../../src/cosa/buildMeta';
import { parseBuildsIndex } from '../../src/cosa/buildsIndex';
import { LABEL_WORKSPACE, workspaceId } from '../../src/cosa/invocation';
import { findWorkspaceSession } from '../../src/engine/builderSessions';
import { RemoteSession } from '../../src/engine/remoteSession';
import { makeConfigRepo, removeScratch } from '../integration/helpers';
import { remotePodman, snapshot, SshRelay, sshRelay, testBuilder } from '../integration/remoteBuilder';
import { Workbench } from './harness';
import { openWorkbench } from './servers';
import { BOOT_MS, containers, IMAGE, MARKER } from './standIn';
import { makeWorkspace } from './workspaces';
import { HOST_HAS_KVM } from '../support/hostKvm';

const VIEW = 'Builds';
const LONG = 120_000;
const builder = testBuilder();

/** Every container on the builder labelled with `ws` (running or not). */
function builderContainersOf(ws: string): string[] {
  return remotePodman(builder, ['--remote', 'ps', '-a', '--filter', `label=${LABEL_WORKSPACE}=${workspaceId(ws)}`, '--format', '{{.ID}} {{.Status}}'])
    .split('\n').filter(Boolean);
}

/** Processes in the session (pid, pgid, args) besides its init, its `sleep EXPIRATION` and the ps listing them. */
async function runningIn(session: RemoteSession): Promise<{ pid: number; pgid: number; args: string }[]> {
  return (await session.processes())
    .filter((p) => p.pid !== 1 && !/^(?:\/usr\/bin\/)?sleep (?:\d+[smhd]|infinity)$/.test(p.args) && !/^ps -eo/.test(p.args));
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeout = LONG): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await probe();
    if (v) {
      return v;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out (${timeout} ms) waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function writeSettings(ws: string, settings: Record<string, unknown>): void {
  fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
}

/** The workbench's view description for a builder ("remote: user@host:port"). */
async function waitForRemoteDescription(wb: Workbench, url: string): Promise<void> {
  const label = url.replace(/^ssh:\/\//, '').replace(/\/.*$/, '');
  await wb.page.locator('.part.sidebar').getByText(`remote: ${label}`).first().waitFor({ state: 'attached', timeout: LONG });
}

async function expandRow(wb: Workbench, text: string | RegExp): Promise<void> {
  const row = wb.sidebarPane(VIEW).locator('.monaco-list-row', { hasText: text }).first();
  await row.waitFor({ timeout: LONG });
  if ((await row.getAttribute('aria-expanded')) !== 'true') {
    await row.click();
    await wb.page.keyboard.press('ArrowRight');
    await until(`${String(text)} to expand`, async () => (await row.getAttribute('aria-expanded')) === 'true', 30_000);
  }
}

describe('remote builder: build, tree, Run in QEMU, Download, a cut connection (code-server + chromium + podman over ssh)', function () {
  this.timeout(300_000);
  const workspaces: string[] = [];
  let relay: SshRelay | undefined;

  after(async () => {
    await relay?.close();
    // Whatever a failed test left: every session of these workspaces goes, then none may be left.
    for (const ws of workspaces) {
      for (const line of builderContainersOf(ws)) {
        await new RemoteSession('podman', builder, line.split(' ')[0]!).destroy();
      }
    }
    removeScratch();
    assert.deepEqual(workspaces.flatMap(builderContainersOf), [], 'no container of these workspaces is left on the builder');
  });

  it('Initialize and Build run on the builder; the remote build in the tree; Run in QEMU boots it there; Download brings its qcow2; nothing else local; Destroy Remote Session', async () => {
    const ws = makeWorkspace('empty');
    workspaces.push(ws);
    const configRepo = makeConfigRepo();
    writeSettings(ws, {
      'coreos.builder': builder.url,
      'coreos.builderIdentity': builder.identity,
      'coreos.qemu.console': true,
      'terminal.integrated.tabs.hideCondition': 'never',
    });
    const wb = await openWorkbench(ws);
    await wb.openActivity('CoreOS Builds');

    // Initialize with a local config checkout: it goes to the session (cosa remote-session sync), cosa init runs there.
    await wb.runCommand('CoreOS: Initialize Workspace (cosa init)');
    await wb.answerInputBox('config repository (1/3)', configRepo);
    await wb.answerInputBox('variant (3/3)', '');
    await wb.notification('is now a coreos-assembler working directory', LONG);
    await wb.statusBarItem(`Builder: ${builder.url.replace(/^ssh:\/\//, '').replace(/\/.*$/, '')}`).waitFor({ timeout: LONG });
    const session = await findWorkspaceSession('podman', builder, ws);
    assert.ok(session, 'the workspace has a session on the builder');
    await waitForRemoteDescription(wb, builder.url);
    const before = snapshot(ws);
    const repoBefore = snapshot(configRepo);

    // Build from the view's title bar: cosa build runs in the session.
    await wb.clickSidebarAction('Build', 'coreos.build');
    await wb.waitForTerminalText(/Imported OCI image as build \S+/, LONG);
    const index = parseBuildsIndex((await session.readFile('/srv/builds/builds.json'))!);
    assert.equal(index.builds.length, 1, `one build on the builder: ${JSON.stringify(index.builds)}`);
    const { id, arches } = index.builds[0]!;
    const arch = arches[0]!;
    await wb.notification(`Build ${id} finished.`, LONG);
    await wb.waitForTreeRow(VIEW, id, LONG);
    assert.equal(fs.existsSync(path.join(ws, 'builds')), false, 'the build stays on the builder');

    // Run in QEMU on it: no qemu image yet, so the offer builds one (cosa osbuild qemu in the session), then it boots there.
    // The test builder is this machine: without /dev/kvm here (test/support/hostKvm.ts) cosa osbuild refuses in the
    // session ("Missing /dev/kvm", as upstream's session passes no COSA_NO_KVM), so the image is made there first
    // with cosa's bypass and Run in QEMU boots it without the offer.
    if (!HOST_HAS_KVM) {
      const made = await session.capture(['env', 'COSA_NO_KVM=1', 'cosa', 'osbuild', '--build', id, 'qemu'], LONG);
      assert.equal(made.exitCode, 0, made.stderr);
      // Made behind the extension's back, as by another tool: the tree learns of it on Refresh (it does not poll the builder).
      await wb.runCommand('CoreOS: Refresh Builds');
    }
    await wb.treeContextMenu(VIEW, id, 'Run in QEMU');
    // The builder's /dev/kvm, as the session sees it, decides (not the local one): a rootless builder's session
    // may not open it, and then the product offers TCG, as the integration tests do (remoteTerminal.test.ts).
    const kvmWritable = (await session.capture(['test', '-w', '/dev/kvm'])).exitCode === 0;
    if (HOST_HAS_KVM) {
      await wb.clickNotificationButton(`Build ${id} has no qemu image`, 'Build QEMU Image and Boot', LONG);
    }
    if (!kvmWritable) {
      const noKvm = wb.page.locator('.monaco-dialog-box', { hasText: `Run in QEMU on remote session ${session.id.slice(0, 12)} on cosabuilder@` }).first();
      await noKvm.waitFor({ timeout: LONG });
      await noKvm.locator('.monaco-button', { hasText: 'Continue without KVM (slow)' }).first().click();
    }
    await wb.waitForActiveTerminalText(MARKER, BOOT_MS);
    const vm = (await runningIn(session)).filter((p) => /qemu-system/.test(p.args));
    assert.equal(vm.length, 1, 'qemu runs in the session on the builder');
    assert.deepEqual(containers(ws), [], 'no local container');
    await wb.waitForActiveTerminalText(/\[core@\S+ ~\]\$ /, BOOT_MS);
    await wb.terminalKeys('Control+a', 'x');
    await wb.page.locator('.terminal-tabs-entry', { hasText: `cosa run ${id}` }).waitFor({ state: 'detached', timeout: LONG });
    await until('the VM to end on the builder', async () => !(await runningIn(session)).some((p) => p.pgid === vm[0]!.pgid));

    // Download the qcow2 from its row (build > arch > image).
    const meta = parseBuildMeta((await session.readFile(`/srv/builds/${id}/${arch}/meta.json`))!).meta;
    const qcow2 = meta.images.find((i) => i.kind === 'qemu')?.path;
    assert.ok(qcow2, `meta.json of ${id} lists the qemu image`);
    await expandRow(wb, id);
    await expandRow(wb, arch);
    await wb.waitForTreeRow(VIEW, qcow2, LONG);
    await wb.treeContextMenu(VIEW, qcow2, 'Download');
    // ... and which way the bytes came (over OpenSSH where this machine's ssh knows the builder's key; both ways: test/integration/imageDownload.test.ts)
    await wb.notification(`Download: ${qcow2} is in ${path.join('builds', id, arch)} (over `, LONG);
    const local = path.join(ws, 'builds', id, arch, qcow2);
    const remoteSum = (await session.capture(['sha256sum', `/srv/builds/${id}/${arch}/${qcow2}`])).stdout.split(' ')[0];
    assert.equal(createHash('sha256').update(fs.readFileSync(local)).digest('hex'), remoteSum, 'the downloaded qcow2 is the builder\'s');

    // Locally: the downloaded image (with its meta.json) and the folders holding it, nothing else.
    const after = snapshot(ws);
    const pathOf = (line: string) => line.split(' ')[0]!;
    assert.deepEqual(before.filter((l) => !after.includes(l)), [], 'nothing local changed or went away');
    assert.deepEqual(after.filter((l) => !before.includes(l)).map(pathOf).sort(), [
      'builds', path.join('builds', id), path.join('builds', id, arch), path.join('builds', id, arch, qcow2), path.join('builds', id, arch, 'meta.json'),
    ].sort(), 'only the download came back');
    assert.deepEqual(snapshot(configRepo), repoBefore, 'the config checkout is untouched');

    // Destroy Remote Session: confirmed in its dialog; the container and its /srv go from the builder.
    await wb.runCommand('CoreOS: Destroy Remote Session');
    const dialog = wb.page.locator('.monaco-dialog-box', { hasText: 'Destroy remote session' }).first();
    await dialog.waitFor({ timeout: LONG });
    await dialog.locator('.monaco-button', { hasText: /^Destroy$/ }).first().click();
    await until('the session to be gone from the builder', async () => builderContainersOf(ws).length === 0);
  });

  it('the ssh connection cut mid-build: a clear message, nothing left running on the builder, nothing local changed', async () => {
    relay = await sshRelay(builder);
    const ws = makeWorkspace('empty');
    workspaces.push(ws);
    // The workspace's session made earlier (by another window, or the cosa CLI) with a slow build, initialised:
    // the extension finds it by its labels through the relay.
    const session = await RemoteSession.create('podman', builder, {
      image: IMAGE, expiration: '30m', pull: 'never', workspace: ws, env: ['COSA_STANDIN_BUILD_SECONDS=60', 'COSA_STANDIN_LOG_LINES=20'],
    });
    await session.sync(`${makeConfigRepo()}/`, ':/srv/.coreos-vscode/config-repo/');
    const init = await session.run(['init', 'file:///srv/.coreos-vscode/config-repo']);
    assert.equal(init.exitCode, 0, `${init.stdout}\n${init.stderr}`);
    writeSettings(ws, { 'coreos.builder': relay.builder.url, 'coreos.builderIdentity': relay.builder.identity });
    const before = snapshot(ws);

    const wb = await openWorkbench(ws);
    await wb.openActivity('CoreOS Builds');
    await wb.clickSidebarAction('Build', 'coreos.build');
    await wb.waitForTerminalText(/STEP 1\/\d+/, LONG);
    const build = (await runningIn(session)).find((p) => /cmd-build/.test(p.args));
    assert.ok(build, 'the build runs on the builder');
    assert.ok(relay.open() >= 1, 'through the relay');
    relay.cut();
    await wb.notification('cosa build did not finish', LONG);
    const message = await wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'cosa build did not finish' }).first().innerText();
    assert.match(message, /remote session [0-9a-f]{12} on cosabuilder@127\.0\.0\.1:\d+/, message);
    assert.match(message, /the ssh connection to the builder dropped/, message);
    assert.match(message, /The command was stopped there\./, message);
    // (the tree may be reading the session now: the build's process group is what must be gone)
    assert.deepEqual((await runningIn(session)).filter((p) => p.pgid === build.pgid), [], 'nothing of the build is left running in the session');
    assert.equal(await session.readFile('/srv/builds/builds.json'), undefined, 'no build was imported');
    assert.deepEqual(snapshot(ws), before, 'nothing local changed');
  });
});
