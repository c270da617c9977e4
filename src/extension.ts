// Composition root: wires the layers together, nothing else.

import * as vscode from 'vscode';
import { BuildsTreeProvider } from './vscode/buildsTree';
import { registerCommands } from './vscode/commands';
import { PrerequisitesReport } from './vscode/prerequisitesReport';
import { readRawSettings } from './vscode/settings';
import { updateContextKeys, updateViewContextKeys, USER_CONFIG_GLOB } from './vscode/workspaceContext';
import { watchBuildDirectory } from './vscode/buildDirectoryWatcher';
import { CosaEngine, cosaEngine } from './engine/cosaProcess';
import { reportLeftoverContainers } from './vscode/leftoverContainers';
import { afterFirstView } from './engine/afterFirstView';
import { warmUpCosa } from './vscode/cosaReadiness';

import { registerBuildActions } from './vscode/buildActions';
import { registerBuildOverview } from './vscode/buildOverview';
import { registerBuildFetch } from './vscode/buildFetch';
import { registerIgnitionFeatures } from './vscode/ignitionFeatures';
import { registerFirstRun } from './vscode/knownProblemNotifier';
import { registerQemuConsole } from './vscode/qemuConsole';
import { CosaOutputLog } from './vscode/outputLog';
import { CosaRuns, CosaTaskProvider } from './vscode/tasks';
import { BuildFlow } from './vscode/buildFlow';
import { AssemblerShells } from './vscode/buildFlowShell';
import { CosaStatusBar } from './vscode/statusBar';
import { COSA_TASK_TYPE } from './cosa/taskArgs';
import { registerKolaTests } from './vscode/kolaTests';

let engine: CosaEngine | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const root = (): vscode.Uri | undefined => vscode.workspace.workspaceFolders?.[0]?.uri;
  const folder = root();
  const tree = folder ? new BuildsTreeProvider(folder) : undefined;
  const log = new CosaOutputLog();
  const report = new PrerequisitesReport(log.channel, context.extensionUri);
  engine = cosaEngine();
  const runtimeSetting = () => readRawSettings().containerRuntime || 'podman';
  const refreshContext = () => updateContextKeys(root(), runtimeSetting());

  const treeView = tree ? vscode.window.createTreeView('coreos-builds', { treeDataProvider: tree, showCollapseAll: true }) : undefined;
  const runs = new CosaRuns(log);
  const tasks = new CosaTaskProvider({ engine, runs, log, root });
  const shells = new AssemblerShells(engine, log);
  const flow = new BuildFlow({ engine, runs, tasks, tree, treeView, shellTerminal: (r) => shells.terminal(r) });
  context.subscriptions.push(log, runs, shells, flow, new CosaStatusBar(runs, root), vscode.tasks.registerTaskProvider(COSA_TASK_TYPE, tasks));
  context.subscriptions.push(report, ...registerCommands({ root, tree, report, engine, flow, shells, refreshContext }));
  context.subscriptions.push(...registerFirstRun({ root, report, engine }));
  context.subscriptions.push(...registerBuildFetch({ root, flow, tree, state: context.workspaceState }));
  if (tree) {
    context.subscriptions.push(
      tree,
      ...registerBuildActions(tree),
      ...registerBuildOverview(tree, context.extensionUri, log.channel, runs, context.workspaceState),
      treeView!,
      watchBuildDirectory(folder!, {
        onIndex: () => {
          tree.refresh();
          void refreshContext();
        },
        onBuild: (buildId) => {
          tree.refreshBuild(buildId);
          void refreshContext();
        },
        onWorkspace: () => void refreshContext(),
      }),
    );
  }
  // The walkthrough's Ignition step: a saved config anywhere in the workspace.
  const configs = vscode.workspace.createFileSystemWatcher(USER_CONFIG_GLOB, false, true, false);
  context.subscriptions.push(configs, configs.onDidCreate(() => void refreshContext()), configs.onDidDelete(() => void refreshContext()));
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('coreos')) {
      void refreshContext();
    }
  }));
  // Now: only what the first view needs (its welcome content's keys). The
  // walkthrough's facts, the leftover check and the cosa warm-up (they spawn
  // the runtime) wait until the first view is on screen (src/engine/afterFirstView.ts).
  void updateViewContextKeys(folder, runtimeSetting());
  const started = engine;
  context.subscriptions.push(afterFirstView(tree?.firstLevel, () => {
    void refreshContext();
    void reportLeftoverContainers(started);
    warmUpCosa(started);
  }));
  registerIgnitionFeatures(context, log.channel);
  context.subscriptions.push(registerQemuConsole({ root, engine, runTask: (r, args) => flow.runToEnd(r, args) }));
  context.subscriptions.push(...registerKolaTests({ engine, runs, root }));
}

export async function deactivate(): Promise<void> {
  // Disposables registered on the context clean up; the engine stops every
  // container it started (builds, helpers, terminals' containers).
  await engine?.dispose();
  engine = undefined;
}
