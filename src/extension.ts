// Activation: only what the first visible view needs (the builds tree, its
// watcher, the welcome view's context keys) and stand-ins for the rest
// (src/vscode/firstUse.ts). The feature objects are made by
// src/extensionFeatures.ts, a bundle of its own (dist/features.js), loaded on
// first use or once the first view is on screen (src/engine/afterFirstView.ts),
// so activate() neither loads nor runs code the first view does not need.

import * as vscode from 'vscode';
import type * as FeaturesModule from './extensionFeatures';
import { requireBundle } from './bundleLoader';
import { afterFirstView } from './engine/afterFirstView';
import { SerialRefresh } from './engine/serialRefresh';
import { registerReadOnlyMeta } from './vscode/buildActions';
import { BuildsTreeProvider } from './vscode/buildsTree';
import { watchBuildDirectory } from './vscode/buildDirectoryWatcher';
import { registerFirstUse } from './vscode/firstUse';
import { readBuilderChoice, readRawSettings } from './vscode/settings';
import { explainRestrictedMode } from './vscode/trust';
import { ContextBuildDir, NO_SESSION, updateContextKeys, updateViewContextKeys, USER_CONFIG_GLOB } from './vscode/workspaceContext';

let features: FeaturesModule.Features | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const root = (): vscode.Uri | undefined => vscode.workspace.workspaceFolders?.[0]?.uri;
  const folder = root();
  const tree = folder ? new BuildsTreeProvider(folder) : undefined;
  const treeView = tree ? vscode.window.createTreeView('coreos-builds', { treeDataProvider: tree, showCollapseAll: true }) : undefined;
  const runtimeSetting = () => readRawSettings().containerRuntime || 'podman';
  // Where the keys read the build directory: the features know the builder's session once loaded;
  // before that a remote builder in effect is not asked (no ssh at activation).
  const buildDir = async (): Promise<ContextBuildDir> => {
    const r = root();
    if (r && features) {
      return features.contextBuildDir(r);
    }
    const c = readBuilderChoice();
    return 'error' in c || c.choice.kind !== 'local' ? NO_SESSION : undefined;
  };
  // Now: only the welcome content's keys. The walkthrough's facts, the features (the
  // read-only meta.json view, the status bar, kola tests, ...) and the work that spawns
  // the runtime (leftover check, cosa warm-up) wait until the first view is on screen.
  const viewKeys = buildDir().then((where) => updateViewContextKeys(folder, runtimeSetting(), where)).catch(() => undefined);
  // One at a time, the last asked for last (after the first view keys too): overlapping reads could land out of order.
  const contextKeys = new SerialRefresh(async () => {
    await viewKeys;
    await updateContextKeys(root(), runtimeSetting(), await buildDir());
  });
  const refreshContext = () => contextKeys.run();
  const load = (): FeaturesModule.Features =>
    features ??= requireBundle<typeof FeaturesModule>('features.js', './extensionFeatures').wireFeatures({ context, root, tree, treeView, refreshContext });

  context.subscriptions.push(...registerFirstUse(load), ...explainRestrictedMode());
  if (tree) {
    context.subscriptions.push(
      tree,
      ...registerReadOnlyMeta(tree),
      treeView!,
      watchBuildDirectory(folder!, {
        // The context keys re-read builds.json too: after the tree's re-read, not competing with it.
        onIndex: () => void afterFirstView(tree.refresh(), () => void refreshContext(), AFTER_TREE_REFRESH),
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
  // The one listener for the coreos settings: once the features are loaded, the builder takes the change
  // (status bar, builds view) and tells its listeners, the context keys among them; before, only the keys.
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('coreos')) {
      if (features) {
        features.settingChanged();
      } else {
        void refreshContext();
      }
    }
  }));
  context.subscriptions.push(afterFirstView(tree?.firstLevel, () => {
    void refreshContext();
    load().startDeferredWork();
  }));
}

/** The context-key refresh after a builds.json change: as soon as the tree delivered its new first level, or 1 s later when the view is hidden. */
const AFTER_TREE_REFRESH = { settleMs: 0, fallbackMs: 1000 };

export async function deactivate(): Promise<void> {
  // Disposables registered on the context clean up; the engine stops every
  // container it started (builds, terminals' containers).
  await features?.dispose();
  features = undefined;
}
