// src/vscode/trust.ts with the typed vscode stand-in (test/mocks/vscode.ts):
// the restricted settings match the manifest, workspace values are found in
// inspect() and in the settings files VS Code hides in Restricted Mode, and an
// untrusted workspace is told why a gesture started nothing.

import '../../mocks/registerVscode';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { standIn } from '../../mocks/vscode';
import {
  explainRestrictedMode, notStartedMessage, RESTRICTED_EXPLANATION, RESTRICTED_SETTINGS, restrictedKeysIn, restrictedMessage, trustedOrExplain,
  workspaceRestrictedSettings,
} from '../../../src/vscode/trust';

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
};

/** Waits for what the module does in a fire-and-forget promise (the observable, not a fixed number of turns). */
async function until(done: () => boolean): Promise<void> {
  for (let turn = 0; !done(); turn++) {
    assert.ok(turn < 10_000, 'the module never got there');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('workspace trust (src/vscode/trust.ts)', () => {
  let scratch: string | undefined;

  beforeEach(() => standIn.reset());
  afterEach(() => {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    scratch = undefined;
  });

  it("lists exactly the manifest's restrictedConfigurations", () => {
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.deepEqual([...RESTRICTED_SETTINGS].sort(), [...manifest.capabilities.untrustedWorkspaces.restrictedConfigurations].sort());
  });

  it('finds restricted keys flat and nested, and nothing in what is not an object', () => {
    assert.deepEqual(restrictedKeysIn({ 'coreos.runtimeArgs': '-v /:/host', 'coreos.qemu.memory': 4096, 'editor.fontSize': 3 }), ['coreos.runtimeArgs']);
    assert.deepEqual(restrictedKeysIn({ coreos: { image: 'evil', hostNetwork: true, qemu: {} } }), ['coreos.image', 'coreos.hostNetwork']);
    assert.deepEqual(restrictedKeysIn({ coreos: { 'qemu.extraArgs': '-x' } }), ['coreos.qemu.extraArgs']);
    for (const v of [undefined, null, 'coreos.image', 42, []]) {
      assert.deepEqual(restrictedKeysIn(v), []);
    }
  });

  it('says which settings are ignored, or only why nothing runs', () => {
    assert.equal(restrictedMessage([]), RESTRICTED_EXPLANATION);
    assert.match(restrictedMessage(['coreos.image', 'coreos.runtimeArgs']), /Its settings coreos\.image, coreos\.runtimeArgs are ignored/);
  });

  it('reads workspace values from inspect(), .vscode/settings.json (JSONC) and the .code-workspace file, in manifest order', async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-trust-'));
    const folder = path.join(scratch, 'ws');
    fs.mkdirSync(path.join(folder, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(folder, '.vscode', 'settings.json'), '{\n  // mounts the host\n  "coreos.runtimeArgs": "-v /:/host",\n}\n');
    const wsFile = path.join(scratch, 'x.code-workspace');
    fs.writeFileSync(wsFile, JSON.stringify({ folders: [{ path: 'ws' }], settings: { coreos: { configGit: '/home' } } }));
    standIn.folders = [folder];
    standIn.workspaceFile = wsFile;
    standIn.workspaceValues.set('coreos.image', 'quay.io/evil/cosa');
    assert.deepEqual(await workspaceRestrictedSettings(), ['coreos.image', 'coreos.configGit', 'coreos.runtimeArgs']);
  });

  it('survives missing and broken settings files', async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-trust-'));
    fs.mkdirSync(path.join(scratch, 'broken', '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(scratch, 'broken', '.vscode', 'settings.json'), '{"coreos.image": ');
    standIn.folders = [path.join(scratch, 'missing'), path.join(scratch, 'broken')];
    assert.deepEqual(await workspaceRestrictedSettings(), []);
  });

  it('lets a gesture go on in a trusted workspace, silently', () => {
    assert.equal(trustedOrExplain('Test in VM'), true);
    assert.deepEqual(standIn.warnings, []);
  });

  it('stops a gesture in an untrusted workspace, says why, and opens Manage Workspace Trust when asked', async () => {
    standIn.trusted = false;
    standIn.answer = 'Manage Workspace Trust';
    assert.equal(trustedOrExplain('Test in VM'), false);
    await until(() => standIn.executed.length > 0);
    assert.deepEqual(standIn.warnings, [{ message: notStartedMessage('Test in VM'), items: ['Manage Workspace Trust'] }]);
    assert.match(standIn.warnings[0]!.message, /^Test in VM was not started: coreos-assembler runs a privileged container/);
    assert.deepEqual(standIn.executed.map((e) => e.command), ['workbench.trust.manage']);
  });

  it('shows nothing extra in a trusted workspace', () => {
    assert.deepEqual(explainRestrictedMode(), []);
    assert.deepEqual(standIn.statusBarItems, []);
  });

  it('in Restricted Mode: a status bar item, the ignored settings in a warning and a context key, gone once trusted', async () => {
    standIn.trusted = false;
    standIn.workspaceValues.set('coreos.hostNetwork', true);
    const disposables = explainRestrictedMode();
    const item = standIn.statusBarItems[0]!;
    assert.equal(item.shown, true);
    assert.equal(item.command, 'workbench.trust.manage');
    await until(() => standIn.warnings.length > 0);
    assert.match(item.tooltip ?? '', /Its settings coreos\.hostNetwork are ignored/);
    assert.deepEqual(standIn.executed[0], { command: 'setContext', args: ['coreos.ignoredWorkspaceSettings', true] });
    assert.match(standIn.warnings[0]?.message ?? '', /^CoreOS Assembler: .*coreos\.hostNetwork/);
    standIn.grantTrust.fire();
    assert.equal(item.disposed, true);
    disposables.forEach((d) => d.dispose());
  });

  it('in Restricted Mode without workspace settings: the item, no warning', async () => {
    standIn.trusted = false;
    explainRestrictedMode();
    await until(() => standIn.executed.length > 0);
    assert.equal(standIn.statusBarItems.length, 1);
    assert.deepEqual(standIn.warnings, []);
    assert.deepEqual(standIn.executed[0], { command: 'setContext', args: ['coreos.ignoredWorkspaceSettings', false] });
  });
});
