// kola tests in the Test Explorer, in the real editor: the packaged extension
// in code-server, real podman, the cosa stand-in's `kola run` booting its tiny
// VM (qemu) for each test of the fixture config repo's tests/kola.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, Workbench } from './harness';
import { openWorkbench } from './servers';
import { alive, containers, qemuPids, standIn, waitFor } from './standIn';
import { runtimeArgsHere } from '../support/hostKvm';

const PANE = 'Test Explorer';
const RUN_MS = 5 * 60_000;

async function openTestExplorer(wb: Workbench): Promise<void> {
  await wb.runCommand('Testing: Focus on Test Explorer View');
  await wb.sidebarPane(PANE).waitFor({ timeout: 30_000 });
}

/** Expands every collapsed row of the Test Explorer, then returns the rows' aria labels (name and state). */
async function testRows(wb: Workbench): Promise<string[]> {
  const pane = wb.sidebarPane(PANE);
  for (let i = 0; i < 20; i++) {
    const collapsed = pane.locator('.monaco-list-row .monaco-tl-twistie.collapsible.collapsed');
    if ((await collapsed.count()) === 0) {
      break;
    }
    await collapsed.first().click();
    await wb.page.waitForTimeout(200);
  }
  // label and description (text) and the state (aria label, e.g. "smoke (Passed)")
  return (await pane.locator('.monaco-list-row').evaluateAll((rows) => rows.map((r) => `${r.textContent ?? ''} | ${r.getAttribute('aria-label') ?? ''}`)));
}

async function waitForRow(wb: Workbench, pattern: RegExp, timeout: number): Promise<string> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const row = (await testRows(wb)).find((r) => pattern.test(r));
    if (row) {
      return row;
    }
    if (Date.now() > deadline) {
      throw new Error(`no Test Explorer row matching ${pattern} in ${timeout} ms; rows: ${(await testRows(wb)).join(' | ')}`);
    }
    await wb.page.waitForTimeout(500);
  }
}

describe('kola tests in the Test Explorer (code-server + chromium + podman + qemu)', function () {
  this.timeout(10 * 60_000);
  let ws = '';
  let wb: Workbench | undefined;

  before(async function () {
    this.timeout(10 * 60_000);
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-e2e-kola-'));
    execFileSync('bash', [path.join(REPO_ROOT, 'test', 'fixtures', 'config-repo', 'make-config-repo.sh'), path.join(ws, '.cfg')], { stdio: 'ignore' });
    await standIn(ws, 'cosa init file:///srv/.cfg; cosa build; cosa osbuild qemu');
    fs.mkdirSync(path.join(ws, '.vscode'));
    fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'coreos.runtimeArgs': runtimeArgsHere('-e COSA_STANDIN_BUILD_SECONDS=1') }, null, 2));
  });

  beforeEach(async () => {
    // the root hooks close every workbench after each test
    wb = await openWorkbench(ws);
    await openTestExplorer(wb);
    await waitForRow(wb, /ext\.config\.nested\.deeper/, 90_000);
  });

  afterEach(() => {
    for (const c of containers(ws)) {
      execFileSync('podman', ['rm', '-f', c.name], { stdio: 'ignore' });
    }
  });

  after(() => {
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('lists the config repo\'s tests named like kola names them, nested directories as folders', async () => {
    const rows = await testRows(wb!);
    for (const name of ['ext.config.basic.passes', 'ext.config.basic.fails', 'ext.config.not-on-x86', 'ext.config.nested.deeper']) {
      assert.ok(rows.some((r) => r.includes(name)), `${name} in ${rows.join(' | ')}`);
    }
    assert.ok(rows.some((r) => /^nested \|/.test(r)), `the nested directory is a folder: ${rows.join(' ; ')}`);
  });

  it('runs all: pass, fail with kola\'s message, skip by metadata; no container left', async () => {
    await wb!.runCommand('Test: Run All Tests');
    await waitForRow(wb!, /ext\.config\.basic\.fails.*Failed/i, RUN_MS);
    await waitForRow(wb!, /ext\.config\.basic\.passes.*Passed/i, RUN_MS);
    await waitForRow(wb!, /ext\.config\.nested\.deeper.*Passed/i, RUN_MS);
    await waitForRow(wb!, /ext\.config\.not-on-x86.*Skipped/i, RUN_MS);
    await waitFor('the run to end', () => containers(ws).length === 0, 60_000);
    // the failing test's message (from report.json) in the Test Results panel's result tree
    await wb!.runCommand('Test: Show Output');
    await wb!.page.locator('.monaco-list-row', { hasText: 'kolet failed: Error: Unit kola-runext.service exited with code 3' }).first().waitFor({ timeout: 30_000 });
    assert.ok(fs.existsSync(path.join(ws, 'tmp', 'kola', 'reports', 'report.json')));
  });

  it('cancel mid-run stops kola: no container, no qemu left', async () => {
    await wb!.runCommand('Test: Run All Tests');
    const c = await waitFor('the kola container', () => containers(ws).find((x) => x.purpose === 'kola-run'), 60_000);
    const pids = await waitFor('a qemu in the kola container', () => { const p = qemuPids(c.name); return p.length ? p : undefined; }, 120_000);
    await wb!.runCommand('Test: Cancel Test Run');
    await waitFor('the container to go', () => containers(ws).length === 0, 60_000);
    await waitFor('qemu to exit', () => pids.every((p) => !alive(p)), 30_000);
  });

  it('Debug keeps a failed test\'s VM with a shell in a terminal; closing it leaves no container or qemu', async () => {
    // the row's own Debug Test action (shown on hover): the Debug profile, this test only
    const failsRow = wb!.sidebarPane(PANE).locator('.monaco-list-row', { hasText: 'ext.config.basic.fails' }).first();
    await failsRow.hover();
    await failsRow.locator('[aria-label="Debug Test"]').first().click();
    const c = await waitFor('the kola debug container', () => containers(ws).find((x) => x.purpose.startsWith('kola-debug-')), 60_000);
    // kola's Manhole: the failed test's VM, its environment, a shell on this terminal
    await wb!.waitForActiveTerminalText(/dropping to shell: kolet failed/, RUN_MS);
    await wb!.waitForActiveTerminalText(/\[core@localhost ~\]\$ /, 60_000);
    await wb!.terminalKeys();
    await wb!.page.keyboard.type('echo "inside $KOLA_TEST"');
    await wb!.page.keyboard.press('Enter');
    await wb!.waitForActiveTerminalText(/inside ext\.config\.basic\.fails/, 30_000);
    const pids = qemuPids(c.name);
    assert.equal(pids.length, 1, 'the failed test\'s VM is still running');
    await wb!.killActiveTerminal();
    await waitFor('the container to go', () => containers(ws).length === 0, 60_000);
    await waitFor('qemu to exit', () => pids.every((p) => !alive(p)), 30_000);
    // stopped before kola wrote a report: the test errored (it neither passed nor failed)
    await waitForRow(wb!, /ext\.config\.basic\.fails.*Errored/, 30_000);
  });

  it('New Kola Test scaffolds a test that passes when run from its file', async () => {
    await wb!.runCommand('CoreOS: New Kola Test');
    await wb!.answerInputBox('New Kola Test', 'made/bycommand');
    const file = path.join(ws, 'src', 'config', 'tests', 'kola', 'made', 'bycommand', 'test.sh');
    await waitFor('the scaffolded test', () => fs.existsSync(file), 30_000);
    assert.equal(fs.statSync(file).mode & 0o777, 0o755);
    await waitForRow(wb!, /ext\.config\.made\.bycommand/, 30_000);
    await wb!.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await wb!.runCommand('Test: Run Tests in Current File');
    await waitForRow(wb!, /ext\.config\.made\.bycommand.*Passed/i, RUN_MS);
    await waitFor('the run to end', () => containers(ws).length === 0, 60_000);
  });
});
