// A command run by exec in a long-lived cosa container (a remote session, a pod) gets a
// process group of its own whose id it prints first on stdout. Killing the local exec client
// (`podman --remote exec`, `kubectl exec`) does not stop the command in the container, so a
// cancel signals that group there. Pure: argv and parsing only; src/engine/groupedExec.ts runs it.

export class ProcessGroupError extends Error {}

/** Prints the new group's id, then becomes the command (constant text; the command comes as "$@"). */
const GROUP_SCRIPT = 'echo "' + 'COSA-VSCODE-PGID $$' + '"; exec "$@"';

/** The line the heartbeat writes on stderr; src/engine/groupedExec.ts takes it out of the output. */
export const HEARTBEAT_LINE = 'COSA-VSCODE-ALIVE';

/** Seconds between two heartbeats. */
export const HEARTBEAT_SECONDS = 5;

/**
 * As GROUP_SCRIPT, plus a heartbeat on stderr every $1 seconds while the command runs: without a
 * terminal the exec client may hang after its connection drops (podman --remote's attach can
 * read the dead connection's end as a normal end, then wait forever on a new request), and
 * silence alone cannot tell that from a quiet build. The command stays a child (not exec'd) so
 * that the heartbeat, and its sleep, end (and are reaped) with it instead of holding the output
 * open. The trap uses $!, set the moment a sleep starts: no window where it names none.
 */
const HEARTBEAT_GROUP_SCRIPT = 'echo "' + 'COSA-VSCODE-PGID $$' + '"; i=$1; shift; '
  + '( trap \'kill $! 2>/dev/null; wait $! 2>/dev/null; exit 0\' TERM; while :; do sleep "$i" </dev/null >/dev/null 2>&1 & wait $!; echo ' + HEARTBEAT_LINE + ' >&2; done ) </dev/null >/dev/null & h=$!; '
  + '"$@"; r=$?; kill "$h" 2>/dev/null; wait "$h" 2>/dev/null; exit "$r"';

/**
 * `argv` in a new session and process group. setsid -w: wait for the command when setsid has to
 * fork; -c (with a terminal): keep it as the controlling one (cosa run's serial console needs it).
 * Without a terminal a heartbeat comes every `heartbeatSeconds` (a terminal's output is the user's).
 */
export function groupedArgv(argv: readonly string[], opts: { tty?: boolean; heartbeatSeconds?: number } = {}): string[] {
  if (argv.length === 0) {
    throw new ProcessGroupError('no command to run');
  }
  if (opts.tty) {
    return ['setsid', '-w', '-c', 'sh', '-c', GROUP_SCRIPT, 'sh', ...argv];
  }
  const every = opts.heartbeatSeconds ?? HEARTBEAT_SECONDS;
  if (!(every > 0) || !Number.isFinite(every)) {
    throw new ProcessGroupError(`not a heartbeat interval: ${every}`);
  }
  return ['setsid', '-w', 'sh', '-c', HEARTBEAT_GROUP_SCRIPT, 'sh', String(every), ...argv];
}

/** A heartbeat line of groupedArgv's command (with or without its line end). */
export function isHeartbeatLine(line: string): boolean {
  return /^COSA-VSCODE-ALIVE\r?\n?$/.test(line);
}

/**
 * What util-linux setsid -w prints on stderr when the command it waited for was ended by a signal
 * ("setsid: child 50 did not exit normally: Success", errno not set). After our own cancel that is
 * the signal we sent, not a failure to report.
 */
export function isSignalledChildNotice(line: string): boolean {
  return /^setsid: child \d+ did not exit normally(?::.*)?\r?\n?$/.test(line);
}

/** The first stdout line of groupedArgv's command, or undefined. */
export function parseGroupMarker(line: string): number | undefined {
  const m = /^COSA-VSCODE-PGID (\d+)\r?$/.exec(line);
  return m ? Number(m[1]) : undefined;
}

/** Signal a whole process group (run by exec in the same container). */
export function killGroupArgv(pgid: number, signal: 'TERM' | 'KILL'): string[] {
  if (!Number.isInteger(pgid) || pgid <= 1) {
    throw new ProcessGroupError(`not a process group: ${pgid}`);
  }
  return ['kill', `-${signal}`, '--', `-${pgid}`];
}

/**
 * For a command on a real terminal (`exec -it`: Run in QEMU, the Assembler Shell), whose output
 * goes to the user and cannot carry the marker. The exec'd process already leads a session that
 * owns the terminal (a second setsid could not take it: EPERM), and everything the command starts
 * stays in that session, also the job groups of an interactive shell: its id goes to `sidFile`
 * in the container, replaced by "done" when the command ends (an ended session's id may be
 * another's by then). INT/QUIT are caught, not ignored, so the command still gets Ctrl-C (an
 * ignored signal would be inherited).
 */
const FILED_SESSION_SCRIPT = 'f=$1; shift; ps -o sid= -p "$$" | tr -d " " > "$f"; trap : INT QUIT; "$@"; rc=$?; echo done > "$f"; exit "$rc"';

function checkedFile(file: string): string {
  if (!/^\/[A-Za-z0-9._/-]+$/.test(file) || file.split('/').includes('..')) {
    throw new ProcessGroupError(`not a plain absolute path: ${file}`);
  }
  return file;
}

export function sessionToFileArgv(argv: readonly string[], sidFile: string): string[] {
  if (argv.length === 0) {
    throw new ProcessGroupError('no command to run');
  }
  return ['sh', '-c', FILED_SESSION_SCRIPT, 'sh', checkedFile(sidFile), ...argv];
}

/**
 * Stops the session of sessionToFileArgv: waits up to 5 s for the file (the terminal may close
 * before the command started), TERM to every process of the session, up to `grace` tenths of a
 * second, KILL, removes the file. A session that ended ("done") is not signalled.
 */
const STOP_FILED_SESSION_SCRIPT = 'f=$1; g=$2; i=0; while [ ! -s "$f" ] && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i+1)); done; '
  + 'sid=$(cat -- "$f" 2>/dev/null); case "$sid" in ""|*[!0-9]*) rm -f -- "$f"; exit 0;; esac; '
  + 'pkill -TERM -s "$sid"; i=0; while pgrep -s "$sid" >/dev/null && [ "$i" -lt "$g" ]; do sleep 0.1; i=$((i+1)); done; '
  + 'pkill -KILL -s "$sid"; rm -f -- "$f"; exit 0';

export function stopFiledSessionArgv(sidFile: string, graceSeconds: number): string[] {
  return ['sh', '-c', STOP_FILED_SESSION_SCRIPT, 'sh', checkedFile(sidFile), String(Math.max(0, Math.round(graceSeconds * 10)))];
}

/**
 * Runs while the session of sessionToFileArgv does (src/engine/execTerminal.ts's contact watch
 * runs it with the heartbeat): waits up to 60 s for the file, then until the command has
 * ended ("done") or been stopped (the file removed), so it never outlives the terminal's command.
 */
const WATCH_FILED_SESSION_SCRIPT = 'f=$1; i=0; while [ ! -s "$f" ] && [ "$i" -lt 600 ]; do sleep 0.1; i=$((i+1)); done; '
  + 'while [ -s "$f" ] && [ "$(cat -- "$f" 2>/dev/null)" != done ]; do sleep 2; done';

export function watchFiledSessionArgv(sidFile: string): string[] {
  return ['sh', '-c', WATCH_FILED_SESSION_SCRIPT, 'sh', checkedFile(sidFile)];
}
