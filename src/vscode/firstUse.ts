// Stand-ins registered at activation for everything VS Code may call before
// the features are loaded (src/extensionFeatures.ts, its own bundle): every
// command, the cosa task provider, the Ignition Config Editor, and a config
// document being open (live diagnostics). Each loads the features (one
// synchronous require, once) and hands the call over, so a first command
// behaves as before, only its first call pays for the loading.

import * as vscode from 'vscode';
import { COMMANDS, CommandId } from '../commandIds';
import { COSA_TASK_TYPE } from '../cosa/taskArgs';
import { configKind, IGNITION_EDITOR_VIEW_TYPE } from './configDocuments';

/** What the stand-ins hand over to. */
export interface FirstUseTarget {
  runCommand(id: CommandId, args: readonly unknown[]): Promise<unknown>;
  readonly tasks: vscode.TaskProvider;
  readonly ignitionEditor: vscode.CustomTextEditorProvider;
}

/** Every command id, registered now; the first call of any loads the features. */
export function registerCommandsOnFirstUse(load: () => Pick<FirstUseTarget, 'runCommand'>): vscode.Disposable[] {
  return Object.values(COMMANDS).map((id) => vscode.commands.registerCommand(id, (...args: unknown[]) => load().runCommand(id, args)));
}

export function registerFirstUse(load: () => FirstUseTarget): vscode.Disposable[] {
  const disposables = [
    ...registerCommandsOnFirstUse(load),
    vscode.tasks.registerTaskProvider(COSA_TASK_TYPE, {
      provideTasks: (token) => load().tasks.provideTasks(token),
      resolveTask: (task, token) => load().tasks.resolveTask(task, token),
    }),
    vscode.window.registerCustomEditorProvider(IGNITION_EDITOR_VIEW_TYPE, {
      resolveCustomTextEditor: (document, panel, token) => load().ignitionEditor.resolveCustomTextEditor(document, panel, token),
    }, { supportsMultipleEditorsPerDocument: true }),
  ];
  // Live diagnostics start with the features: at once for a config already open (right
  // after activate() returns), else when the first one opens.
  if (vscode.workspace.textDocuments.some((d) => configKind(d))) {
    const soon = setTimeout(load, 0);
    disposables.push(new vscode.Disposable(() => clearTimeout(soon)));
  } else {
    const opened = vscode.workspace.onDidOpenTextDocument((d) => {
      if (configKind(d)) {
        opened.dispose();
        load();
      }
    });
    disposables.push(opened);
  }
  return disposables;
}
