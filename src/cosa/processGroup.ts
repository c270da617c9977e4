// A command run by exec in a long-lived cosa container (a remote session, a pod) gets a
// process group of its own whose id it prints first on stdout. Killing the local exec client
// (`podman --remote exec`, `kubectl exec`) does not stop the command in the container, so a
// cancel signals that group there. Pure: argv and parsing only; src/engine/groupedExec.ts runs it.

export class ProcessGroupError extends Error {}

/** Prints the new group's id, then becomes the command (constant text; the command comes as "$@"). */
const GROUP_SCRIPT = 'echo "' + 'COSA-VSCODE-PGID $$' + '"; exec "$@"';

/**
 * `argv` in a new session and process group. setsid -w: wait for the command when setsid has to
 * fork; -c (with a terminal): keep it as the controlling one (cosa run's serial console needs it).
 */
export function groupedArgv(argv: readonly string[], opts: { tty?: boolean } = {}): string[] {
  if (argv.length === 0) {
    throw new ProcessGroupError('no command to run');
  }
  return ['setsid', '-w', ...(opts.tty ? ['-c'] : []), 'sh', '-c', GROUP_SCRIPT, 'sh', ...argv];
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
