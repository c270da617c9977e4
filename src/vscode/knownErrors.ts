// The one way a known error becomes a message: settings that cannot work on
// this host (InvocationError), an invalid coreos.* setting (SettingsError) and
// qemu options kola cannot take (QemuOptionsError) and a remote builder that cannot be
// used (RemoteBuilderError) all read
// "<what was asked>: <why>", as an error notification. Anything else is a bug
// and is left to propagate.

import * as vscode from 'vscode';
import { InvocationError } from '../cosa/invocation';
import { QemuOptionsError } from '../cosa/qemuArgs';
import { RemoteBuilderError } from '../cosa/remoteSession';
import { SettingsError } from '../cosa/settingsResolution';

export function isKnownError(e: unknown): e is InvocationError | SettingsError | QemuOptionsError | RemoteBuilderError {
  return e instanceof InvocationError || e instanceof SettingsError || e instanceof QemuOptionsError || e instanceof RemoteBuilderError;
}

/** True (and the message shown) when `e` is a known error; false for anything else. */
export function explainKnownError(title: string, e: unknown): boolean {
  if (!isKnownError(e)) {
    return false;
  }
  void vscode.window.showErrorMessage(vscode.l10n.t('{0}: {1}', title, e.message));
  return true;
}
