// Settings that cannot reach a cosa command run by exec in a remote session or pod
// (src/cosa/execPreamble.ts settingsNotUsedByExec: coreos.runtimeArgs is a flag list of the
// local `podman run`, which upstream's remote session never takes) are said once per window,
// target and set of settings in a notification, not only in the terminal's preamble: a command
// that shows no terminal (Translate Butane, kola list) would otherwise drop them silently.

import * as vscode from 'vscode';
import { settingsNotUsedByExec } from '../cosa/execPreamble';
import { CosaSettings } from '../cosa/invocation';
import { ExecTransport } from '../engine/execTransport';

export class UnusedSettingsNotice {
  private readonly told = new Set<string>();

  /** Before a command runs in `target`: a warning naming the settings that do not reach it, unless said already. */
  explain(settings: CosaSettings, target: ExecTransport): void {
    const unused = settingsNotUsedByExec(settings, { sendsInputs: target.sendInputs !== undefined }).map((s) => s.id);
    const key = `${target.description}\n${unused.join(',')}`;
    if (!unused.length || this.told.has(key)) {
      return;
    }
    this.told.add(key);
    const open = vscode.l10n.t('Open Settings');
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        'Not used in the {0}: {1}. Its container was created once with the flags of `cosa remote-session create` (or the pod\'s manifest) and each cosa command runs in it by exec, so flags of a local `podman run` and local paths do not reach it.',
        target.description, unused.join(', '),
      ),
      open,
    ).then((choice) => {
      if (choice === open) {
        void vscode.commands.executeCommand('workbench.action.openSettings', unused[0]);
      }
    });
  }
}
