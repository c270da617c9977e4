// At activation: containers with our labels left by an extension host that
// crashed are reported, with an offer to stop and remove them.

import * as vscode from 'vscode';
import { CosaEngine } from '../engine/cosaProcess';
import { readCosaSettings } from './settings';

/** Containers with our labels left by an extension host that crashed: report them, offer to remove. */
export async function reportLeftoverContainers(e: CosaEngine): Promise<void> {
  let settings;
  try {
    settings = readCosaSettings();
  } catch {
    return; // the settings problem is reported when a command runs
  }
  const runtime = await e.runtime(settings.runtime).catch(() => undefined);
  if (!runtime) {
    return;
  }
  const leftovers = await e.findLeftovers(runtime).catch(() => []);
  if (!leftovers.length) {
    return;
  }
  const names = leftovers.map((c) => `${c.name} (${c.state})`).join(', ');
  const remove = vscode.l10n.t('Stop and Remove');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('{0} coreos-assembler container(s) left over from an earlier VS Code session: {1}.', leftovers.length, names),
    remove, vscode.l10n.t('Keep'),
  );
  if (choice === remove && vscode.workspace.isTrusted) {
    const failed = await e.removeContainers(runtime, leftovers);
    if (failed.length) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not remove: {0}', failed.join(', ')));
    }
  }
}
