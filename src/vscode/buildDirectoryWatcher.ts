// Watches the files that decide what the tree shows; coalesces bursts
// (cosa writes builds.json via temp file + rename) into one refresh.

import * as vscode from 'vscode';

export function watchBuildDirectory(root: vscode.Uri, onChange: () => void, debounceMs = 150): vscode.Disposable {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const fire = () => {
    if (timer) {
      clearTimeout(timer);
    }
    timer = setTimeout(() => {
      timer = undefined;
      onChange();
    }, debounceMs);
  };
  const patterns = ['builds/builds.json', 'builds/latest', 'src/config'];
  const watchers = patterns.map((p) => vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(root, p)));
  const subscriptions = watchers.flatMap((w) => [w.onDidCreate(fire), w.onDidChange(fire), w.onDidDelete(fire)]);
  return new vscode.Disposable(() => {
    if (timer) {
      clearTimeout(timer);
    }
    for (const d of [...subscriptions, ...watchers]) {
      d.dispose();
    }
  });
}
