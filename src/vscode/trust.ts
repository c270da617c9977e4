// Workspace trust. In an untrusted workspace the builds tree and Ignition
// validation work read-only, nothing starts the privileged cosa container
// (the command table and CosaLauncher.prepare refuse), and VS Code itself ignores the
// workspace-level values of the settings listed in the manifest's
// `restrictedConfigurations`. This module makes that visible: a status bar
// item while the workspace is restricted, and a notification naming the
// workspace settings that are being ignored.

import { parse as parseJsonc } from 'jsonc-parser';
import * as vscode from 'vscode';

/** The settings that add mounts, runtime arguments, another image or another runtime (package.json restrictedConfigurations). */
export const RESTRICTED_SETTINGS = [
  'coreos.containerRuntime', 'coreos.image', 'coreos.configGit', 'coreos.assemblerGit',
  'coreos.runtimeArgs', 'coreos.userNamespace', 'coreos.hostNetwork', 'coreos.qemu.extraArgs',
  'coreos.registryAuthFile', 'coreos.addCerts', 'coreos.builder', 'coreos.builderIdentity',
  'coreos.moreBuilders',
] as const;

export const RESTRICTED_EXPLANATION = vscode.l10n.t(
  'This workspace is not trusted: CoreOS Assembler shows its builds and validates Ignition read-only, but runs no cosa container (it is privileged) until you trust the workspace.',
);

/** Restricted keys set in a settings object (flat "coreos.x" keys or a nested "coreos" object). */
export function restrictedKeysIn(settings: unknown): string[] {
  if (!settings || typeof settings !== 'object') {
    return [];
  }
  const s = settings as Record<string, unknown>;
  const nested = (s.coreos && typeof s.coreos === 'object' ? s.coreos : {}) as Record<string, unknown>;
  return RESTRICTED_SETTINGS.filter((k) => s[k] !== undefined || nested[k.slice('coreos.'.length)] !== undefined);
}

async function readJsonc(uri: vscode.Uri): Promise<unknown> {
  try {
    return parseJsonc(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
  } catch {
    return undefined;
  }
}

/**
 * Workspace-level values of restricted settings. In restricted mode VS Code
 * hides them from getConfiguration().inspect(), so the files are read too.
 */
export async function workspaceRestrictedSettings(): Promise<string[]> {
  const found = new Set<string>();
  const config = vscode.workspace.getConfiguration();
  for (const key of RESTRICTED_SETTINGS) {
    const i = config.inspect(key);
    if (i?.workspaceValue !== undefined || i?.workspaceFolderValue !== undefined) {
      found.add(key);
    }
  }
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    restrictedKeysIn(await readJsonc(vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json'))).forEach((k) => found.add(k));
  }
  const file = vscode.workspace.workspaceFile;
  if (file && file.scheme !== 'untitled') {
    const ws = await readJsonc(file) as { settings?: unknown } | undefined;
    restrictedKeysIn(ws?.settings).forEach((k) => found.add(k));
  }
  return RESTRICTED_SETTINGS.filter((k) => found.has(k));
}

/** The message shown in restricted mode (pure text, also used by the e2e test). */
export function restrictedMessage(ignored: readonly string[]): string {
  return ignored.length
    ? vscode.l10n.t('{0} Its settings {1} are ignored (they add mounts, runtime arguments or another image).', RESTRICTED_EXPLANATION, ignored.join(', '))
    : RESTRICTED_EXPLANATION;
}

const MANAGE = vscode.l10n.t('Manage Workspace Trust');

/** What an untrusted workspace is told when a gesture would start the container. */
export function notStartedMessage(action: string): string {
  return vscode.l10n.t(
    '{0} was not started: coreos-assembler runs a privileged container, which this untrusted workspace may not start. Trust the workspace first (Workspaces: Manage Workspace Trust).',
    action,
  );
}

/**
 * True in a trusted workspace. Otherwise says that `action` was not started
 * and why, offers Manage Workspace Trust, and returns false: call it before
 * anything else a gesture does (reading, copying, asking).
 */
export function trustedOrExplain(action: string): boolean {
  if (vscode.workspace.isTrusted) {
    return true;
  }
  void Promise.resolve(vscode.window.showWarningMessage(notStartedMessage(action), MANAGE)).then((choice) =>
    choice === MANAGE ? vscode.commands.executeCommand('workbench.trust.manage') : undefined);
  return false;
}

/** Status bar item + notification while the workspace is untrusted; gone once it is trusted. */
export function explainRestrictedMode(): vscode.Disposable[] {
  if (vscode.workspace.isTrusted) {
    return [];
  }
  const item = vscode.window.createStatusBarItem('coreos.restrictedMode', vscode.StatusBarAlignment.Left, 0);
  item.name = vscode.l10n.t('CoreOS Assembler: Restricted Mode');
  item.text = `$(shield) ${vscode.l10n.t('CoreOS: Restricted')}`;
  item.tooltip = RESTRICTED_EXPLANATION;
  item.command = 'workbench.trust.manage';
  item.show();
  void (async () => {
    const ignored = await workspaceRestrictedSettings();
    const message = restrictedMessage(ignored);
    item.tooltip = message;
    void vscode.commands.executeCommand('setContext', 'coreos.ignoredWorkspaceSettings', ignored.length > 0);
    if (ignored.length && !vscode.workspace.isTrusted) {
      const choice = await vscode.window.showWarningMessage(vscode.l10n.t('CoreOS Assembler: {0}', message), MANAGE);
      if (choice === MANAGE) {
        await vscode.commands.executeCommand('workbench.trust.manage');
      }
    }
  })();
  return [item, vscode.workspace.onDidGrantWorkspaceTrust(() => item.dispose())];
}
