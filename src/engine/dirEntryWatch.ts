// inotify (fs.watch) on one directory for a few entry names. VS Code's file
// watcher reaches an extension host through the workbench (for a remote or
// browser window, over its connection): under load that took a median of ~1 s
// for a rewritten builds.json (bench/RESULTS.md, "Builds tree"); the kernel
// reports it at once. Not recursive, so a build writing elsewhere costs nothing.

import * as fs from 'node:fs';

export interface DirEntryWatch {
  /** Watch the directory again if it appeared or was made again since (a no-op while the same directory is watched). */
  reattach(): void;
  dispose(): void;
}

/** Calls `onChange` when an entry named in `names` of `dir` is created, replaced, changed or removed. A missing `dir` is not an error: reattach() later. */
export function watchDirEntries(dir: string, names: readonly string[], onChange: (name: string) => void): DirEntryWatch {
  let watcher: fs.FSWatcher | undefined;
  /** The watched directory's inode: the same path made again is another directory. */
  let watchedIno: number | undefined;
  let disposed = false;
  const close = () => {
    watcher?.close();
    watcher = undefined;
    watchedIno = undefined;
  };
  const attach = () => {
    if (disposed) {
      return;
    }
    let ino: number;
    try {
      ino = fs.statSync(dir).ino;
    } catch {
      close(); // gone: nothing to watch until it is back
      return;
    }
    if (watcher && ino === watchedIno) {
      return;
    }
    close();
    try {
      const w = fs.watch(dir, { persistent: false }, (_event, name) => {
        const entry = name?.toString();
        if (entry === undefined || names.includes(entry)) {
          onChange(entry ?? names[0]!);
        }
      });
      w.on('error', () => {
        if (watcher === w) {
          close();
        }
      });
      watcher = w;
      watchedIno = ino;
    } catch {
      // no such directory (yet), or no inotify watch left: the caller's other watcher still reports
    }
  };
  attach();
  return {
    reattach: attach,
    dispose: () => {
      disposed = true;
      close();
    },
  };
}
