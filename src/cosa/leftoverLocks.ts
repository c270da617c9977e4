// cosa holds a flufl.lock around every read and write of builds.json and meta.json (cosalib
// cmdlib.py load_json/write_json, LOCK_DEFAULT_LIFETIME 52 weeks): a claim file
// "<lock>|<host>|<pid>|<random>" that holds its own path, hard-linked to the lock
// ".<name>.lock". A cosa command killed while it holds one (a cancel: podman stop's SIGTERM
// ends Python without unwinding) leaves both, and the next cosa command on that file waits
// for a year. After a cancel the engine removes what the killed command left, and only that:
// claims of the stopped container's host (local) or of dead processes of the session's own
// host (exec), the locks they hold, and the temp files written under them. Pure.

/** One claim file, by its name in its directory. */
export interface LockClaim {
  readonly name: string;
  /** The lock's file name (".builds.json.lock"). */
  readonly lock: string;
  readonly host: string;
  readonly pid: number;
}

const CLAIM = /^(\.[^|/]+\.lock)\|([^|/]+)\|(\d+)\|(\d+)$/;

export function parseLockClaim(name: string): LockClaim | undefined {
  const m = CLAIM.exec(name);
  if (!m) {
    return undefined;
  }
  return { name, lock: m[1]!, host: m[2]!, pid: Number(m[3]) };
}

/** The base name of the claim a lock file's content names (flufl writes the claim's own path into it). */
export function claimNamedBy(lockContent: string): string {
  const trimmed = lockContent.trim();
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** One directory as the sweep sees it. */
export interface LockDirEntry {
  readonly name: string;
  /** Modification time, ms since the epoch. */
  readonly mtimeMs: number;
  readonly isFile: boolean;
}

/**
 * The entries of one directory to remove: each claim `leftBehind` accepts; the lock it holds
 * when `lockHolder` says the lock names that claim (a lock another claim holds stays); and,
 * where a left claim was found, cosa's temp files (tempfile's "tmp…") written since `sinceMs`,
 * which only the holder of that lock writes.
 */
export function leftoverLockEntries(
  entries: readonly LockDirEntry[],
  leftBehind: (claim: LockClaim) => boolean,
  lockHolder: (lock: string) => string | undefined,
  sinceMs: number,
): string[] {
  const out: string[] = [];
  const claims = entries.map((e) => (e.isFile ? parseLockClaim(e.name) : undefined)).filter((c): c is LockClaim => c !== undefined && leftBehind(c));
  for (const claim of claims) {
    out.push(claim.name);
    if (entries.some((e) => e.name === claim.lock) && lockHolder(claim.lock) === claim.name) {
      out.push(claim.lock);
    }
  }
  if (claims.length > 0) {
    for (const e of entries) {
      if (e.isFile && /^tmp[A-Za-z0-9_]{6,}$/.test(e.name) && e.mtimeMs >= sinceMs) {
        out.push(e.name);
      }
    }
  }
  return out;
}

/**
 * The same sweep inside a long-lived cosa container (a remote session, a pod), run by exec
 * in its build directory: claims of this host whose process is gone. $1: the epoch second
 * the command started (temp files older than that stay). Prints each path it removed.
 */
export const LEFTOVER_LOCKS_SCRIPT = [
  'since=$1',
  'host=$(python3 -c "import socket; print(socket.getfqdn())" 2>/dev/null || hostname)',
  'find builds -maxdepth 3 -type f -name ".*.lock|*|*|*" 2>/dev/null | while IFS= read -r claim; do',
  '  rest=${claim##*/}; rest=${rest#*|}; h=${rest%%|*}; rest=${rest#*|}; pid=${rest%%|*}',
  '  [ "$h" = "$host" ] || continue',
  '  case $pid in ""|*[!0-9]*) continue ;; esac',
  '  [ -d "/proc/$pid" ] && continue',
  '  lock=${claim%%|*}; dir=${claim%/*}',
  '  if [ -f "$lock" ] && [ "$(cat "$lock" 2>/dev/null | sed "s|.*/||")" = "${claim##*/}" ]; then rm -f "$lock" && echo "$lock"; fi',
  '  rm -f "$claim" && echo "$claim"',
  '  find "$dir" -maxdepth 1 -type f -name "tmp*" -newermt "@$since" -print -delete 2>/dev/null',
  'done',
].join('\n');
