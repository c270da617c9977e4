// The one typed accessor for the contributed `coreos.*` settings.

import { statSync } from 'node:fs';
import * as vscode from 'vscode';
import { explainKnownError } from './knownErrors';
import { BuilderChoice, effectiveBuilderChoice, parseBuilderSetting } from '../cosa/builderChoice';
import { CosaSettings } from '../cosa/invocation';
import { RemoteBuilderError } from '../cosa/remoteSession';
import { PathChecks, RawSettings, resolveCosaSettings, SettingsError } from '../cosa/settingsResolution';

export function readRawSettings(): RawSettings {
  const c = vscode.workspace.getConfiguration('coreos');
  return {
    containerRuntime: c.get<string>('containerRuntime'),
    image: c.get<string>('image'),
    configGit: c.get<string>('configGit'),
    assemblerGit: c.get<string>('assemblerGit'),
    runtimeArgs: c.get<string>('runtimeArgs'),
    userNamespace: c.get<string>('userNamespace'),
    hostNetwork: c.get<boolean>('hostNetwork'),
    registryAuthFile: c.get<string>('registryAuthFile'),
    addCerts: c.get<boolean | null>('addCerts'),
  };
}

export const hostPaths: PathChecks = {
  isDirectory: (p) => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  },
  isFile: (p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  },
};

/** The effective settings (VS Code first, then COREOS_ASSEMBLER_*); throws SettingsError. */
export function readCosaSettings(): CosaSettings {
  return resolveCosaSettings(readRawSettings(), process.env, hostPaths);
}

/** readCosaSettings, with a settings problem shown to the user instead of thrown; undefined then. */
export function readCosaSettingsOrExplain(): CosaSettings | undefined {
  try {
    return readCosaSettings();
  } catch (e) {
    if (e instanceof SettingsError && explainKnownError(vscode.l10n.t('CoreOS Assembler settings'), e)) {
      return undefined;
    }
    throw e;
  }
}

/** `coreos.builder` and `coreos.builderIdentity` (src/cosa/builderChoice.ts reads them). */
export function readBuilderSetting(): { builder: string | undefined; identity: string | undefined } {
  const c = vscode.workspace.getConfiguration('coreos');
  return { builder: c.get<string>('builder'), identity: c.get<string>('builderIdentity') };
}

/** The builder in effect for this window, or why it cannot be used. */
export type CurrentBuilder =
  | { readonly choice: BuilderChoice; readonly ignored?: string }
  | { readonly error: string };

/** The choice in effect: the setting, a remote builder only in a trusted workspace. */
export function readBuilderChoice(): CurrentBuilder {
  const raw = readBuilderSetting();
  try {
    return effectiveBuilderChoice(parseBuilderSetting(raw.builder, raw.identity), vscode.workspace.isTrusted);
  } catch (e) {
    if (e instanceof RemoteBuilderError) {
      return { error: e.message };
    }
    throw e;
  }
}

/** Select Builder's choice, for this workspace. */
export async function writeBuilderSetting(builder: string, identity: string | undefined): Promise<void> {
  const c = vscode.workspace.getConfiguration('coreos');
  await c.update('builder', builder, vscode.ConfigurationTarget.Workspace);
  await c.update('builderIdentity', identity, vscode.ConfigurationTarget.Workspace);
}

/** `coreos.moreBuilders` as written (src/cosa/moreBuilders.ts reads it). */
export function readMoreBuildersSetting(): unknown {
  return vscode.workspace.getConfiguration('coreos').get<unknown>('moreBuilders');
}

/** Use This Builder's new list of more builders, for this workspace. */
export async function writeMoreBuildersSetting(value: readonly unknown[]): Promise<void> {
  await vscode.workspace.getConfiguration('coreos').update('moreBuilders', value, vscode.ConfigurationTarget.Workspace);
}
