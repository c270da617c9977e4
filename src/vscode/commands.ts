// The palette / button commands. Each one is thin: ask, then hand over.

import * as vscode from 'vscode';
import { cosaInitArgs, DEFAULT_CONFIG_REPO } from '../cosa/initArgs';
import { CosaEngine } from '../engine/cosaProcess';
import { runCosaInPseudoterminal } from './cosaTerminal';
import { PrerequisitesReport } from './prerequisitesReport';
import { BuildsTreeProvider } from './buildsTree';

export interface CommandDeps {
  readonly root: () => vscode.Uri | undefined;
  readonly tree: BuildsTreeProvider | undefined;
  readonly report: PrerequisitesReport;
  /** Runs cosa: build/init go through a cancellable pseudoterminal (-i, no -t). */
  readonly engine: CosaEngine;
}

function requireRoot(deps: CommandDeps): vscode.Uri | undefined {
  const root = deps.root();
  if (!root) {
    void vscode.window.showErrorMessage('Open a folder first: it becomes the coreos-assembler build directory.');
  }
  return root;
}

async function hasVisibleEntries(root: vscode.Uri): Promise<boolean> {
  const entries = await vscode.workspace.fs.readDirectory(root);
  // cosa init runs `ls ./`: hidden entries such as .vscode do not count.
  return entries.some(([name]) => !name.startsWith('.'));
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('coreos.build', async () => {
      const root = requireRoot(deps);
      if (root) {
        await runCosaInPseudoterminal(deps.engine, { root, args: ['build'], purpose: 'build' });
      }
    }),
    vscode.commands.registerCommand('coreos.init', async () => {
      const root = requireRoot(deps);
      if (!root) {
        return;
      }
      const url = await vscode.window.showInputBox({
        title: 'cosa init: config repository (1/2)',
        prompt: 'Git URL or absolute path of the OS config repository',
        value: DEFAULT_CONFIG_REPO,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : 'A config repository is required'),
      });
      if (url === undefined) {
        return;
      }
      const branch = await vscode.window.showInputBox({
        title: 'cosa init: branch (2/2)',
        prompt: 'Branch of the config repository (empty: its default branch; e.g. testing-devel)',
        ignoreFocusOut: true,
      });
      if (branch === undefined) {
        return;
      }
      let force = false;
      if (await hasVisibleEntries(root)) {
        const choice = await vscode.window.showWarningMessage(
          `${root.fsPath} is not empty. cosa init refuses a non-empty directory unless --force is given; existing files stay.`,
          { modal: true },
          'Initialize with --force',
        );
        if (!choice) {
          return;
        }
        force = true;
      }
      await runCosaInPseudoterminal(deps.engine, { root, args: cosaInitArgs({ url, branch, force }), purpose: 'init' });
    }),
    vscode.commands.registerCommand('coreos.refresh', () => deps.tree?.refresh()),
    vscode.commands.registerCommand('coreos.checkPrerequisites', () => deps.report.show(deps.root())),
  ];
}
