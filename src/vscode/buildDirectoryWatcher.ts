// Watches what decides the tree: builds.json and latest (the first level),
// each build's meta.json and osbuild markers (one build), what cosa init
// makes (src/, src/config, builds/, tmp/: the workspace kind). The first
// event of a burst is handled at once, the rest of the burst (cosa writes temp
// file + rename) coalesces into one more run (src/engine/coalescer.ts).

import * as path from 'node:path';
import * as vscode from 'vscode';
import { Coalescer } from '../engine/coalescer';
import { watchDirEntries } from '../engine/dirEntryWatch';
import { whenChanged } from '../engine/entrySignature';

export interface BuildDirectoryEvents {
  /** builds/builds.json or builds/latest changed. */
  readonly onIndex: () => void;
  /** A build's meta.json or `.<platform>.building` marker changed. */
  readonly onBuild: (buildId: string) => void;
  /** src/, src/config, builds/ or tmp/ appeared or went away. */
  readonly onWorkspace: () => void;
}

export function watchBuildDirectory(root: vscode.Uri, events: BuildDirectoryEvents, coalesceMs = 100): vscode.Disposable {
  const bursts = new Coalescer(coalesceMs);
  const later = (key: string, fn: () => void) => bursts.trigger(key, fn);
  const buildsPrefix = vscode.Uri.joinPath(root, 'builds').path + '/';
  const onBuildFile = (uri: vscode.Uri) => {
    const buildId = uri.path.startsWith(buildsPrefix) ? uri.path.slice(buildsPrefix.length).split('/')[0] : undefined;
    if (buildId) {
      later(`build:${buildId}`, () => events.onBuild(buildId));
    }
  };
  const watch = (pattern: string, handler: (uri: vscode.Uri) => void): vscode.Disposable[] => {
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(root, pattern));
    return [w, w.onDidCreate(handler), w.onDidChange(handler), w.onDidDelete(handler)];
  };
  // Both watchers report one rewrite (inotify first, VS Code's later): the second report finds the
  // entries as the first left them and does not re-read the index (src/engine/entrySignature.ts).
  const builds = vscode.Uri.joinPath(root, 'builds').fsPath;
  const indexChanged = root.scheme === 'file' ? whenChanged([path.join(builds, 'builds.json'), path.join(builds, 'latest')], events.onIndex) : events.onIndex;
  const onIndex = () => later('index', indexChanged);
  // The first level also straight from inotify (src/engine/dirEntryWatch.ts): VS Code's watcher
  // can lag by a second under load; it stays as the fallback (no inotify, builds/ replaced).
  const direct = root.scheme === 'file' ? watchDirEntries(builds, ['builds.json', 'latest'], onIndex) : undefined;
  const disposables = [
    ...watch('builds/{builds.json,latest}', onIndex),
    ...watch('builds/*/*/{meta.json,.*.building}', onBuildFile),
    ...watch('{src,src/config,builds,tmp}', () => {
      direct?.reattach(); // builds/ appeared or was made again
      later('workspace', events.onWorkspace);
    }),
  ];
  return new vscode.Disposable(() => {
    direct?.dispose();
    bursts.dispose();
    disposables.forEach((d) => d.dispose());
  });
}
