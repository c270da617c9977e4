// What went wrong, read from cosa's (and the runtime's) output. Pure.
//   failed to execute cmd-<x>: exit status N     the Go entrypoint, child failed
//   failed to execute cmd-<x>: signal: killed    ... child killed by a signal
//   error: unknown command: <x>                  the Go entrypoint
//   fatal: <msg>                                 cosa's cmdlib.sh (coloured on a TTY)
//   error: <msg> / Error: <msg>                  Go errors, kola/cobra, podman/docker
// Lines are read after stripping ANSI escapes (cosa colours `fatal:` on a TTY).

export type CosaFailureKind =
  | 'command-failed'   // cosa ran cmd-<x> and it failed (exitStatus or signal)
  | 'unknown-command'  // error: unknown command: <x>
  | 'usage'            // no command / --help: the usage text, exit 1
  | 'name-in-use'      // the runtime refused: a container with that name runs
  | 'image-missing'    // the runtime could not find / pull the image
  | 'runtime'          // another error of the runtime itself (exit 125-127)
  | 'workspace-busy'   // refused before starting: a mutating cosa command runs in this workspace
  | 'builder'          // the remote builder, pod or the connection to it failed (not cosa)
  | 'exit';            // non-zero exit with nothing recognisable

export interface CosaFailure {
  readonly kind: CosaFailureKind;
  readonly exitCode: number;
  /** The cosa subcommand named by the failure line (`cmd-<x>`, unknown command <x>). */
  readonly command?: string;
  /** N of `exit status N`. */
  readonly exitStatus?: number;
  /** X of `signal: X`. */
  readonly signal?: string;
  /** The most specific message: the last `fatal:` text, else the error line. */
  readonly message: string;
  /** Every `fatal:` / `error:` / `Error:` line seen, in order (last 20). */
  readonly details: readonly string[];
}

// CSI (incl. private modes), OSC, charset selection (ESC ( B), single ESC x.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[()][A-Za-z0-9]|\u001b[@-Z\\-_]/g;

export function stripAnsi(text: string): string {
  // most lines have no escape: skip the RegExp (it runs for every line of a build's output)
  return text.indexOf('\u001b') < 0 ? text : text.replace(ANSI, '');
}

/** `text` without ANSI escapes and without one trailing `\r` (as `/\r$/` would remove). */
export function cleanLine(text: string): string {
  // No cache of the last line: comparing a line with the previous one (same length, same start in a
  // build log) cost more than the one indexOf it saved (bench/RESULTS.md, "Build log throughput").
  const t = stripAnsi(text);
  return t.charCodeAt(t.length - 1) === 0x0d ? t.slice(0, -1) : t;
}

const FAILED_CMD = /^failed to execute cmd-(\S+): (?:exit status (\d+)|signal: (.+))$/;
const UNKNOWN = /^error: unknown command: (.*)$/;
const FATAL = /^fatal: (.*)$/;
const ERROR = /^(?:error|Error|ERROR): (.*)$/;
const NAME_IN_USE = /the container name "([^"]+)" is already in use|Conflict\. The container name "\/?([^"]+)" is already in use/;
const IMAGE_MISSING = /image not known|manifest unknown|Unable to find image|pull access denied|repository does not exist/;

/**
 * `text` holds `parts` in this order, then one of `ends` (like the RegExp
 * `parts[0].*parts[1].*…(?:ends…)` on a line, but linear: such a RegExp
 * backtracks quadratically when a line repeats the parts).
 */
function containsInOrder(text: string, parts: readonly string[], ends: readonly string[]): boolean {
  let at = 0;
  for (const p of parts) {
    const i = text.indexOf(p, at);
    if (i < 0) return false;
    at = i + p.length;
  }
  return ends.some((e) => text.lastIndexOf(e) >= at);
}

/** The registry could not be reached while pulling: `initializing source <ref>: … connection refused`. */
function registryUnreachable(line: string): boolean {
  return containsInOrder(line, ['initializing source ', ': '], ['connection refused', 'no such host']);
}
const USAGE = /^Usage: coreos-assembler CMD/;

/** Collects the lines that matter while output streams, and judges at exit. */
export class CosaFailureCollector {
  private readonly details: string[] = [];
  private lastFatal: string | undefined;
  private failedCmd: { command: string; status?: number; signal?: string } | undefined;
  private unknown: string | undefined;
  private nameInUse: string | undefined;
  private imageMissing: string | undefined;
  private usage = false;
  private lastError: string | undefined;

  push(rawLine: string): void {
    const line = cleanLine(rawLine).trimEnd();
    // every line that matters starts with f (failed, fatal), U (Usage), e or E (error, Error, ERROR)
    const first = line.charCodeAt(0);
    if (first !== 0x66 && first !== 0x55 && first !== 0x65 && first !== 0x45) {
      return;
    }
    let m: RegExpExecArray | null;
    if ((m = FAILED_CMD.exec(line))) {
      this.failedCmd = {
        command: m[1]!,
        ...(m[2] !== undefined ? { status: Number(m[2]) } : {}),
        ...(m[3] !== undefined ? { signal: m[3] } : {}),
      };
      return;
    }
    if (USAGE.test(line)) {
      this.usage = true;
      return;
    }
    if ((m = UNKNOWN.exec(line))) {
      this.unknown = m[1]!;
      this.remember(line);
      return;
    }
    if ((m = FATAL.exec(line))) {
      this.lastFatal = m[1]!;
      this.remember(line);
      return;
    }
    if ((m = ERROR.exec(line))) {
      this.lastError = m[1]!;
      this.remember(line);
      const n = NAME_IN_USE.exec(line);
      if (n) {
        this.nameInUse = n[1] ?? n[2];
      } else if (IMAGE_MISSING.test(line) || registryUnreachable(line)) {
        this.imageMissing = m[1]!;
      }
    }
  }

  private remember(line: string): void {
    this.details.push(line);
    if (this.details.length > 20) {
      this.details.shift();
    }
  }

  /** The failure for this exit code; undefined when the exit code is 0. */
  finish(exitCode: number): CosaFailure | undefined {
    if (exitCode === 0) {
      return undefined;
    }
    const details = [...this.details];
    const base = { exitCode, details };
    if (this.nameInUse !== undefined) {
      return { ...base, kind: 'name-in-use', message: `a container named ${this.nameInUse} is already running` };
    }
    if (this.imageMissing !== undefined && exitCode >= 125) {
      return { ...base, kind: 'image-missing', message: this.imageMissing };
    }
    if (this.unknown !== undefined) {
      return { ...base, kind: 'unknown-command', command: this.unknown, message: `unknown command: ${this.unknown}` };
    }
    if (this.failedCmd) {
      const { command, status, signal } = this.failedCmd;
      return {
        ...base,
        kind: 'command-failed',
        command,
        ...(status !== undefined ? { exitStatus: status } : {}),
        ...(signal !== undefined ? { signal } : {}),
        message: this.lastFatal ?? this.lastError ?? (signal !== undefined ? `cmd-${command} killed (signal: ${signal})` : `cmd-${command} exited with status ${status}`),
      };
    }
    if (this.lastFatal !== undefined) {
      return { ...base, kind: 'command-failed', message: this.lastFatal };
    }
    if (this.usage) {
      return { ...base, kind: 'usage', message: 'no cosa command given (coreos-assembler printed its usage)' };
    }
    if (exitCode >= 125 && exitCode <= 127) {
      return { ...base, kind: 'runtime', message: this.lastError ?? `the container runtime failed (exit code ${exitCode})` };
    }
    return { ...base, kind: 'exit', message: this.lastError ?? `exit code ${exitCode}` };
  }
}

/** Parse a whole output at once. */
export function parseCosaFailure(output: string | readonly string[], exitCode: number): CosaFailure | undefined {
  const c = new CosaFailureCollector();
  for (const line of typeof output === 'string' ? output.split('\n') : output) {
    c.push(line);
  }
  return c.finish(exitCode);
}

/** One line for a notification: "cosa build failed (exit status 1): <message>". */
export function describeCosaFailure(f: CosaFailure, args: readonly string[]): string {
  const what = `cosa ${args[0] ?? ''}`.trim();
  switch (f.kind) {
    case 'command-failed':
      return `${what} failed (${f.signal !== undefined ? `signal: ${f.signal}` : `exit status ${f.exitStatus ?? f.exitCode}`}): ${f.message}`;
    case 'unknown-command':
      return `cosa has no command "${f.command}"`;
    case 'name-in-use':
      return `${what} did not start: ${f.message} (another cosa ${args[0] ?? ''} in this workspace?)`;
    case 'image-missing':
      return `${what} did not start: the cosa image is not available (${f.message})`;
    case 'usage':
    case 'workspace-busy':
      return f.message;
    case 'builder':
      return `${what} did not finish: ${f.message}`;
    default:
      return `${what} failed (exit code ${f.exitCode}): ${f.message}`;
  }
}
