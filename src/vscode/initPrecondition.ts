// cosa build and cosa fetch need a finished `cosa init` (src/config, builds/,
// tmp/): in any other folder they fail inside the container with a cryptic
// `mkdir: cannot create directory '/srv/tmp/build'`. Say "Initialize first"
// with the button that does it, and start nothing.

import * as vscode from 'vscode';
import { initMissingReason } from '../cosa/workspaceKind';
import { workspaceFacts } from './workspaceContext';

/** True when `cosa <args>` may run in `root`; otherwise a warning with an Initialize button. */
export async function requireInitialized(root: vscode.Uri, args: readonly string[]): Promise<boolean> {
  const reason = initMissingReason(await workspaceFacts(root), args);
  if (!reason) {
    return true;
  }
  const initialize = 'Initialize';
  void vscode.window.showWarningMessage(reason, initialize).then((choice) => {
    if (choice === initialize) {
      void vscode.commands.executeCommand('coreos.init');
    }
  });
  return false;
}
