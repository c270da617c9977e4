// Which documents are Ignition/Butane configs, and the view type of the
// editor that opens them: what activation (src/extension.ts) needs to know
// about configs without loading the validator or the editor.

import type * as vscode from 'vscode';
import type { ConfigKind } from '../ignition/findings';

/** The Ignition Config Editor (package.json contributes.customEditors). */
export const IGNITION_EDITOR_VIEW_TYPE = 'coreos.ignitionEditor';

export function configKind(doc: vscode.TextDocument): ConfigKind | undefined {
  const p = doc.uri.path.toLowerCase();
  if (p.endsWith('.ign')) return 'ignition';
  if (p.endsWith('.bu')) return 'butane';
  return undefined;
}
