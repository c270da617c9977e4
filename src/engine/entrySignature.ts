// What a directory entry is right now, as one string: inode, size and mtime
// of a file, or the target of a symlink (cosa's builds/latest); "absent" when
// it is not there. Two watchers report the same rewrite of builds.json (inotify
// first, VS Code's watcher up to a second later): comparing signatures lets
// the second report cost a stat instead of another full re-read.
// Process level, no vscode.

import * as fs from 'node:fs';

export function entrySignature(file: string): string {
  try {
    const st = fs.lstatSync(file);
    return st.isSymbolicLink() ? `link:${fs.readlinkSync(file)}` : `file:${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return 'absent';
  }
}

/** Runs `run` only when the signatures of `files` differ from the last time it ran. */
export function whenChanged(files: readonly string[], run: () => void): () => void {
  let last: string | undefined;
  return () => {
    const now = files.map(entrySignature).join('\0');
    if (now === last) {
      return;
    }
    last = now;
    run();
  };
}
