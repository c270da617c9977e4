// The part of the composition root that the first view does not need: every
// feature object, wired to each other and to the command table. Its own
// bundle (dist/features.js, scripts/build.mjs), loaded by src/extension.ts on
// first use (a command, a cosa task, the Ignition editor, an open .ign/.bu)
// or once the first view is on screen, whichever comes first.

import * as vscode from 'vscode';
import { CommandId } from './commandIds';
import type { BuildsTreeNode, BuildsTreeProvider } from './vscode/buildsTree';
import { commandRunner, commandTable } from './vscode/commandTable';
import { PrerequisitesReport } from './vscode/prerequisitesReport';
import { CosaEngine } from './engine/cosaProcess';
import { reportLeftoverContainers } from './vscode/leftoverContainers';
import { warmUpCosa } from './vscode/cosaReadiness';
import { BuildOverviews } from './vscode/buildOverview';
import { IgnitionFeatures } from './vscode/ignitionFeatures';
import { QemuConsole } from './vscode/qemuConsole';
import { CosaOutputLog } from './vscode/outputLog';
import { CosaRuns, CosaTaskProvider } from './vscode/tasks';
import { BuildFlow } from './vscode/buildFlow';
import { AssemblerShells } from './vscode/assemblerShell';
import { CosaStatusBar } from './vscode/statusBar';
import { KolaTestController } from './vscode/kolaTests';
import { CosaLauncher } from './vscode/cosaLauncher';
import { ButaneTranslator } from './vscode/butaneTranslate';
import { Builders } from './vscode/builders';
import { MoreBuilders } from './vscode/moreBuilders';
import { followBuilder } from './vscode/builderFollowing';
import type { ContextBuildDir } from './vscode/workspaceContext';

/** What activation made before the features were needed. */
export interface ActivatedView {
  readonly context: vscode.ExtensionContext;
  readonly root: () => vscode.Uri | undefined;
  readonly tree: BuildsTreeProvider | undefined;
  readonly treeView: vscode.TreeView<BuildsTreeNode> | undefined;
  readonly refreshContext: () => Promise<void>;
}

/** The features, as the stand-ins of src/extension.ts reach them. */
export interface Features {
  runCommand(id: CommandId, args: readonly unknown[]): Promise<unknown>;
  readonly tasks: vscode.TaskProvider;
  readonly ignitionEditor: vscode.CustomTextEditorProvider;
  /** The startup work that spawns the runtime (leftover check, cosa warm-up): once, after the first view. */
  startDeferredWork(): void;
  /** A `coreos` setting changed (src/extension.ts listens): the builder is shown again and its listeners, the context keys among them, told. */
  settingChanged(): void;
  /** Where the context keys read `root`'s build directory (src/vscode/builders.ts contextBuildDir). */
  contextBuildDir(root: vscode.Uri): Promise<ContextBuildDir>;
  /** Stops every container the engine started (deactivate). */
  dispose(): Promise<void>;
}

export function wireFeatures({ context, root, tree, treeView, refreshContext }: ActivatedView): Features {
  const log = new CosaOutputLog();
  const engine = new CosaEngine();
  const builders = new Builders(engine);
  const report = new PrerequisitesReport(log.channel, context.extensionUri, engine, builders);
  const launcher = new CosaLauncher(engine, log, builders);
  const runs = new CosaRuns(log);
  const tasks = new CosaTaskProvider({ launcher, runs, log, root });
  const shells = new AssemblerShells(launcher);
  const flow = new BuildFlow({ launcher, runs, tasks, tree, treeView, log: log.channel });
  const qemu = new QemuConsole({ launcher, runTask: (r, args) => flow.runToEnd(r, args), builders });
  const butane = new ButaneTranslator(launcher);
  const ignition = new IgnitionFeatures(context.extensionUri, log.channel);
  const kola = new KolaTestController({ launcher, runs, root });
  const overviews = tree ? new BuildOverviews(tree, context.extensionUri, log.channel, runs, context.workspaceState) : undefined;
  const moreBuilders = tree ? new MoreBuilders(tree, builders) : undefined;
  context.subscriptions.push(
    log, builders, launcher, runs, shells, flow, qemu, butane, ignition, kola, report, ...(overviews ? [overviews] : []),
    new CosaStatusBar(runs, root),
  );
  const runCommand = commandRunner(commandTable({
    engine, builders, flow, shells, tree, report, qemu, butane, ignition, kola, overviews, moreBuilders, refreshContext,
    fetch: { flow, tree, state: context.workspaceState },
    // Test in VM boots through the QEMU console: wired here, so neither imports the other.
    testInVm: { butane, boot: (r, config) => qemu.bootIgnition(r, config) },
  }), root, (line) => log.channel.info(line));
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => builders.settingChanged()),
    // The context keys (welcome view, walkthrough) follow the builder: its build directory is where they read.
    builders.onDidChange(() => void refreshContext()),
  );
  const folder = root();
  if (tree && treeView && folder) {
    // A remote session's builds: the tree reads its build directory through exec, marked remote,
    // and is read again when a command ends (no polling of the builder).
    context.subscriptions.push(followBuilder({ folder, builders, tree, treeView, runs, moreBuilders, refreshContext }));
  }
  let deferredStarted = false;
  return {
    runCommand,
    tasks,
    ignitionEditor: ignition.editor,
    startDeferredWork: () => {
      if (!deferredStarted) {
        deferredStarted = true;
        void reportLeftoverContainers(engine);
        if (folder) {
          void builders.adoptExisting(folder);
          // coreos.moreBuilders: their builds join the tree once the first view is on screen.
          void moreBuilders?.follow();
        }
        warmUpCosa(engine);
      }
    },
    settingChanged: () => builders.settingChanged(),
    contextBuildDir: (r) => builders.contextBuildDir(r),
    dispose: () => engine.dispose(),
  };
}
