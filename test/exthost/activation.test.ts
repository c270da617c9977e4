// Runs inside the real extension host with the real `vscode` API.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'coreos-tools.coreos-assembler-vscode';

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is loaded`);
  return ext;
}

async function waitFor(predicate: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await predicate()) {
      return true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return predicate();
}

export function registerActivationInBuildDir(): void {
  describe('in a cosa build directory', () => {
    it('activates by itself (workspaceContains:builds/builds.json)', async () => {
      assert.ok(await waitFor(() => extension().isActive, 20_000), 'extension became active without any command');
    });

    it('registers the contributed commands', async () => {
      const all = await vscode.commands.getCommands(true);
      const contributed = (extension().packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands;
      for (const { command } of contributed) {
        assert.ok(all.includes(command), `${command} is registered`);
      }
    });

  });
}

export function registerNoActivationElsewhere(): void {
  describe('in an unrelated folder', () => {
    it('stays inactive (activation is lazy, never "*")', async () => {
      // Give startup-time activation events time to fire.
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal(extension().isActive, false);
    });
  });
}
