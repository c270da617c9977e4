// The CoreOS Builds view follows the workspace's builder: the tree reads the local build directory
// or, on a remote builder or in a pod, that build directory through exec (the view's description
// says where), and is read again whenever a cosa command there ends, since no file watcher sees the
// builder's disk (no polling). Wired by src/extensionFeatures.ts; tested in
// test/unit/vscode/builderFollowing.test.ts.

import * as vscode from 'vscode';
import { localBuildDir, sessionBuildDir } from '../engine/buildDirSource';
import type { Builders } from './builders';
import type { BuildsTreeProvider } from './buildsTree';
import type { MoreBuilders } from './moreBuilders';

export interface BuilderFollowingDeps {
  readonly folder: vscode.Uri;
  readonly builders: Pick<Builders, 'currentTarget' | 'onDidChange'>;
  readonly tree: Pick<BuildsTreeProvider, 'remote' | 'setSource' | 'refreshAll'>;
  readonly treeView: { description?: string | undefined };
  /** Each end of a cosa command (CosaRuns.onDidEnd). */
  readonly runs: { readonly onDidEnd: vscode.Event<unknown> };
  readonly moreBuilders?: Pick<MoreBuilders, 'follow'> | undefined;
  /** Recomputes the context keys (welcome view, walkthrough) from the build directory. */
  readonly refreshContext: () => Promise<void>;
}

export function followBuilder(deps: BuilderFollowingDeps): vscode.Disposable {
  const { folder, builders, tree, treeView, runs, moreBuilders, refreshContext } = deps;
  const follow = async (): Promise<void> => {
    const target = await builders.currentTarget(folder);
    const source = target ? sessionBuildDir(target) : localBuildDir(folder.fsPath);
    if (source.remote !== tree.remote) {
      tree.setSource(source);
    }
    treeView.description = !target ? undefined : target.kind === 'pod' ? vscode.l10n.t('remote: {0}', target.description)
      : vscode.l10n.t('remote: {0}', target.builder.name ?? target.builder.url);
    // Download is offered on the rows of a remote session's build directory only (rsync over podman exec).
    void vscode.commands.executeCommand('setContext', 'coreos.buildsRemote', target?.kind === 'remote-session');
    // The builds of coreos.moreBuilders, grouped by builder (read again only when the setting, the builder or the trust changed).
    void moreBuilders?.follow();
  };
  const subscriptions = [
    builders.onDidChange(() => void follow()),
    // The context keys follow the same build directory, read again when a command on the builder ends.
    runs.onDidEnd(() => {
      if (tree.remote) {
        void tree.refreshAll();
        void refreshContext();
      }
    }),
  ];
  return { dispose: () => subscriptions.forEach((s) => s.dispose()) };
}
