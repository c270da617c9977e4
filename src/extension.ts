// Composition root: makes the feature objects, wires them to each other and
// to the command table, nothing else. Every register* returns its
// disposables as an array, pushed onto the context here.

import * as vscode from 'vscode';
import { BuildsTreeProvider } from './vscode/buildsTree';
import { commandTable, registerCommandTable } from './vscode/commandTable';
import { PrerequisitesReport } from './vscode/prerequisitesReport';
import { readRawSettings } from './vscode/settings';
import { updateContextKeys, updateViewContextKeys, USER_CONFIG_GLOB } from './vscode/workspaceContext';
import { watchBuildDirectory } from './vscode/buildDirectoryWatcher';
import { CosaEngine } from './engine/cosaProcess';
import { reportLeftoverContainers } from './vscode/leftoverContainers';
import { afterFirstView } from './engine/afterFirstView';
import { warmUpCosa } from './vscode/cosaReadiness';
import { registerReadOnlyMeta } from './vscode/buildActions';
import { BuildOverviews } from './vscode/buildOverview';
import { IgnitionFeatures } from './vscode/ignitionFeatures';
import { QemuConsole } from './vscode/qemuConsole';
import { CosaOutputLog } from './vscode/outputLog';
import { CosaRuns, CosaTaskProvider } from './vscode/tasks';
import { BuildFlow } from './vscode/buildFlow';
import { AssemblerShells } from './vscode/assemblerShell';
import { CosaStatusBar } from './vscode/statusBar';
import { COSA_TASK_TYPE } from './cosa/taskArgs';
import { KolaTestController } from './vscode/kolaTests';
import { CosaLauncher } from './vscode/cosaLauncher';
import { ButaneTranslator } from './vscode/butaneTranslate';
import { explainRestrictedMode } from './vscode/trust';
import { Builders } from './vscode/builders';
import { localBuildDir, sessionBuildDir } from './engine/buildDirSource';

let engine: CosaEngine | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const root = (): vscode.Uri | undefined => vscode.workspace.workspaceFolders?.[0]?.uri;
  const folder = root();
  const tree = folder ? new BuildsTreeProvider(folder) : undefined;
  const log = new CosaOutputLog();
  const cosaEngine = new CosaEngine();
  engine = cosaEngine;
  const builders = new Builders(cosaEngine);
  const report = new PrerequisitesReport(log.channel, context.extensionUri, cosaEngine, builders);
  const runtimeSetting = () => readRawSettings().containerRuntime || 'podman';
  const refreshContext = () => updateContextKeys(root(), runtimeSetting());

  const treeView = tree ? vscode.window.createTreeView('coreos-builds', { treeDataProvider: tree, showCollapseAll: true }) : undefined;
  const launcher = new CosaLauncher(cosaEngine, log, builders);
  const runs = new CosaRuns(log);
  const tasks = new CosaTaskProvider({ launcher, runs, log, root });
  const shells = new AssemblerShells(launcher);
  const flow = new BuildFlow({ launcher, runs, tasks, tree, treeView });
  const qemu = new QemuConsole({ launcher, runTask: (r, args) => flow.runToEnd(r, args) });
  const butane = new ButaneTranslator(launcher);
  const ignition = new IgnitionFeatures(context.extensionUri, log.channel);
  const kola = new KolaTestController({ launcher, runs, root });
  const overviews = tree ? new BuildOverviews(tree, context.extensionUri, log.channel, runs, context.workspaceState) : undefined;
  context.subscriptions.push(
    log, builders, launcher, runs, shells, flow, qemu, butane, ignition, kola, report, ...(overviews ? [overviews] : []),
    new CosaStatusBar(runs, root), vscode.tasks.registerTaskProvider(COSA_TASK_TYPE, tasks),
    ...explainRestrictedMode(),
  );
  context.subscriptions.push(...registerCommandTable(commandTable({
    engine: cosaEngine, builders, flow, shells, tree, report, qemu, butane, ignition, kola, overviews, refreshContext,
    fetch: { flow, tree, state: context.workspaceState },
    // Test in VM boots through the QEMU console: wired here, so neither imports the other.
    testInVm: { butane, boot: (r, config) => qemu.bootIgnition(r, config) },
  }), root));
  if (tree) {
    // A remote session's builds: the tree reads its build directory through exec, marked remote,
    // and is read again when a command ends (no polling of the builder).
    const followBuilder = async () => {
      const session = await builders.currentSession(folder!);
      const source = session ? sessionBuildDir(session) : localBuildDir(folder!.fsPath);
      if (source.remote !== tree.remote) {
        tree.setSource(source);
      }
      treeView!.description = session ? vscode.l10n.t('remote: {0}', session.builder.name ?? session.builder.url) : undefined;
    };
    context.subscriptions.push(
      builders.onDidChange(() => void followBuilder()),
      runs.onDidEnd(() => {
        if (tree.remote) {
          tree.refresh();
        }
      }),
    );
    context.subscriptions.push(
      tree,
      ...registerReadOnlyMeta(tree),
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
      builders.settingChanged();
      void refreshContext();
    }
  }), vscode.workspace.onDidGrantWorkspaceTrust(() => builders.settingChanged()));
  // Now: only what the first view needs (its welcome content's keys). The
  // walkthrough's facts, the leftover check and the cosa warm-up (they spawn
  // the runtime) wait until the first view is on screen (src/engine/afterFirstView.ts).
  void updateViewContextKeys(folder, runtimeSetting());
  context.subscriptions.push(afterFirstView(tree?.firstLevel, () => {
    void refreshContext();
    void reportLeftoverContainers(cosaEngine);
    if (folder) {
      void builders.adoptExisting(folder);
    }
    warmUpCosa(cosaEngine);
  }));
}

export async function deactivate(): Promise<void> {
  // Disposables registered on the context clean up; the engine stops every
  // container it started (builds, terminals' containers).
  await engine?.dispose();
  engine = undefined;
}
