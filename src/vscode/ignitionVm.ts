// "CoreOS: Test Ignition Config in VM" (coreos.testIgnitionInVm, also the
// Ignition Config Editor's Test in VM button): save the config, translate a
// Butane config first, validate in-process and refuse an invalid one with the
// reason, put the config where the container sees it (the workspace, else a
// copy in <workspace>/tmp/coreos-vscode/, written without following a link
// the container may have planted there), then QemuConsole.bootIgnition:
// pick a build with a qemu image and boot it with the config in a terminal.
// In an untrusted workspace it stops before any of that: nothing is saved,
// translated, copied or started.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { imagePathInContainer } from '../cosa/qemuArgs';
import { realPaths } from '../engine/buildDirFiles';
import { SCRATCH_DIR, writeScratchFile } from '../engine/scratchFile';
import { activeConfigUri, ButaneTranslator, isButane } from './butaneTranslate';
import { validateText } from './ignitionDiagnostics';

const TITLE = vscode.l10n.t('Test in VM');

export interface TestInVmDeps {
  readonly butane: ButaneTranslator;
  /** Boots a config inside the workspace on a picked build (QemuConsole.bootIgnition, wired by extension.ts). */
  readonly boot: (root: vscode.Uri, config: vscode.Uri) => Promise<vscode.Terminal | undefined>;
}

/** The command (the command table checked folder and trust first): `arg` is a config, else the active editor's. */
export async function testInVm(deps: TestInVmDeps, root: vscode.Uri, arg: unknown): Promise<vscode.Terminal | undefined> {
  let uri = arg instanceof vscode.Uri ? arg : activeConfigUri();
  if (!uri || !/\.(ign|bu)$/i.test(uri.path)) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Open an Ignition (.ign) or Butane (.bu) config to test it in a VM.'));
    return undefined;
  }
  let doc = await vscode.workspace.openTextDocument(uri);
  if (doc.isDirty && !(await doc.save())) {
    void vscode.window.showErrorMessage(vscode.l10n.t('{0}: {1} could not be saved.', TITLE, path.basename(uri.fsPath)));
    return undefined;
  }
  if (isButane(uri)) {
    const ign = await deps.butane.translate(root, uri);
    if (!ign) return undefined;
    uri = ign;
    doc = await vscode.workspace.openTextDocument(ign);
  }
  const name = path.basename(uri.fsPath);
  // what the VM gets is the file on disk: validate exactly those bytes
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const errors = (await validateText('ignition', text)).filter((f) => f.severity === 'error');
  if (errors.length) {
    const first = errors.slice(0, 3).map((f) => `${f.path ? `${f.path}, ` : ''}${f.line ? vscode.l10n.t('line {0} col {1}: ', f.line, f.column) : ''}${f.message}`);
    const show = vscode.l10n.t('Show Problems');
    void vscode.window.showErrorMessage(errors.length > 3
      ? vscode.l10n.t('{0}: {1} is not a valid Ignition config, not booting it: {2} (and {3} more). See Problems.', TITLE, name, first.join('; '), errors.length - 3)
      : vscode.l10n.t('{0}: {1} is not a valid Ignition config, not booting it: {2}. See Problems.', TITLE, name, first.join('; ')), show)
      .then((c) => (c === show ? vscode.commands.executeCommand('workbench.actions.view.problems') : undefined));
    return undefined;
  }
  const inside = imagePathInContainer(root.fsPath, uri.fsPath, await realPaths(root.fsPath, uri.fsPath));
  if ('error' in inside) {
    let copy: vscode.Uri;
    try {
      copy = vscode.Uri.file(await writeScratchFile(root.fsPath, SCRATCH_DIR, name, await vscode.workspace.fs.readFile(uri)));
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('{0}: could not copy {1} into the workspace: {2}', TITLE, name, (e as Error).message));
      return undefined;
    }
    void vscode.window.showInformationMessage(
      vscode.l10n.t('{0}: {1} is outside the workspace, which is all the cosa container sees: booting a copy, {2}/{1}.', TITLE, name, SCRATCH_DIR.join('/')),
    );
    uri = copy;
  }
  return deps.boot(root, uri);
}
