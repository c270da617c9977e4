// The one typed accessor for the contributed `coreos.*` settings.

import * as vscode from 'vscode';
import { CosaSettings } from '../cosa/invocation';
import { RawSettings, resolveCosaSettings } from '../cosa/settingsResolution';

export function readRawSettings(): RawSettings {
  const c = vscode.workspace.getConfiguration('coreos');
  return {
    containerRuntime: c.get<string>('containerRuntime'),
    image: c.get<string>('image'),
    configGit: c.get<string>('configGit'),
    assemblerGit: c.get<string>('assemblerGit'),
    runtimeArgs: c.get<string>('runtimeArgs'),
  };
}

export function readCosaSettings(): CosaSettings {
  return resolveCosaSettings(readRawSettings(), process.env);
}
