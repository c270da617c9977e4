// One command by exec in a long-lived cosa container (src/engine/execTransport.ts), in a
// process group of its own (src/cosa/processGroup.ts): its output streams back without the
// group marker, and a cancel signals the group inside the container (TERM, then KILL after a
// grace), because ending the local exec client alone leaves the command running there.
// Process level, no vscode.

import { groupedArgv, HEARTBEAT_SECONDS, isHeartbeatLine, isSignalledChildNotice, killGroupArgv, parseGroupMarker } from '../cosa/processGroup';
import { ExecTransport } from './execTransport';
import { CapturedResult, Disposable, ProcessExit, runCaptured, RunningProcess, spawnProcess, StreamName } from './processRunner';

export interface GroupedExecOptions {
  readonly tty?: boolean;
  readonly workdir?: string;
  /** Grace between TERM and KILL of the group (default 10 s). */
  readonly killGraceMs?: number;
  /** Without a terminal: seconds between the command's heartbeats (default HEARTBEAT_SECONDS). */
  readonly heartbeatSeconds?: number;
  /** Without a terminal: no output and no heartbeat for this long after the marker = contact lost (default 6 heartbeats). */
  readonly silenceLimitMs?: number;
}

export interface GroupedExit extends ProcessExit {
  readonly cancelled: boolean;
  /** The group's id in the container; undefined when the command never started there. */
  readonly pgid?: number;
  /** The client went silent (no output, no heartbeat) past the limit and was ended here; the command may still run there. */
  readonly contactLost?: boolean;
}

/** podman's golang ssh prints this on every call until ~/.ssh/known_hosts exists; it is not an error. */
export function isKnownHostsNoise(line: string): boolean {
  return /please create a known_hosts file/.test(line);
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class GroupedExec {
  readonly process: RunningProcess;
  readonly exit: Promise<GroupedExit>;
  private readonly data = new Set<(chunk: string, stream: StreamName) => void>();
  private readonly lines = new Set<(line: string, stream: StreamName) => void>();
  private pgid: number | undefined;
  private cancelling: Promise<void> | undefined;
  private readonly group: Promise<number | undefined>;
  private ended = false;
  private contactLost = false;
  private silence: NodeJS.Timeout | undefined;

  constructor(private readonly transport: ExecTransport, argv: readonly string[], private readonly options: GroupedExecOptions = {}) {
    const cmd = transport.execCommand(groupedArgv(argv, options), { stdin: true, ...options });
    this.process = spawnProcess(cmd.file, cmd.argv, { env: cmd.env, stdin: true });
    const silenceLimitMs = options.tty ? undefined : options.silenceLimitMs ?? 6 * 1000 * (options.heartbeatSeconds ?? HEARTBEAT_SECONDS);
    let resolveGroup!: (pgid: number | undefined) => void;
    this.group = new Promise((r) => { resolveGroup = r; });
    // stdout is held back until its first line is complete: that line is the marker.
    let head: string | undefined = '';
    let stderrPending = '';
    const take = (chunk: string, stream: StreamName): void => {
      if (stream === 'stdout' && head !== undefined) {
        head += chunk;
        const nl = head.indexOf('\n');
        if (nl < 0) {
          return;
        }
        const first = head.slice(0, nl);
        const rest = head.slice(nl + 1);
        head = undefined;
        this.pgid = parseGroupMarker(first);
        resolveGroup(this.pgid);
        chunk = this.pgid === undefined ? `${first}\n${rest}` : rest;
        if (chunk === '') {
          return;
        }
      }
      if (stream === 'stderr') {
        // Whole lines only: setsid writes its notice in several writes, so a chunk may hold part of it.
        const pieces = (stderrPending + chunk).split(/(?<=[\r\n])/);
        stderrPending = /[\r\n]$/.test(pieces.at(-1)!) ? '' : pieces.pop()!;
        chunk = pieces.filter((l) => !this.isNoise(l)).join('');
        if (chunk === '') {
          return;
        }
      }
      for (const l of this.data) {
        l(chunk, stream);
      }
    };
    this.process.onData((chunk, stream) => {
      take(chunk, stream);
      // Any output, heartbeats included, is a sign of life once the command has started there (the marker came).
      if (silenceLimitMs !== undefined && this.pgid !== undefined) {
        this.watchSilence(silenceLimitMs);
      }
    });
    let sawFirstStdout = false;
    this.process.onLine((line, stream) => {
      if (stream === 'stdout' && !sawFirstStdout) {
        sawFirstStdout = true;
        if (parseGroupMarker(line) !== undefined) {
          return;
        }
      }
      if (stream === 'stderr' && this.isNoise(line)) {
        return;
      }
      for (const l of this.lines) {
        l(line, stream);
      }
    });
    this.exit = this.process.exit.then((e) => {
      this.ended = true;
      clearTimeout(this.silence);
      resolveGroup(undefined);
      if (head) {
        // Output without a newline at all: pass it on (no marker came).
        for (const l of this.data) {
          l(head, 'stdout');
        }
      }
      if (stderrPending !== '' && !this.isNoise(stderrPending)) {
        for (const l of this.data) {
          l(stderrPending, 'stderr');
        }
      }
      return {
        ...e, cancelled: this.cancelling !== undefined, ...(this.pgid !== undefined ? { pgid: this.pgid } : {}),
        ...(this.contactLost && this.cancelling === undefined ? { contactLost: true } : {}),
      };
    });
  }

  /** podman's known_hosts warning and the heartbeat always; setsid's note about a signalled child only after our cancel sent the signal. */
  private isNoise(line: string): boolean {
    return isKnownHostsNoise(line) || isHeartbeatLine(line) || (this.cancelling !== undefined && isSignalledChildNotice(line));
  }

  /** (Re)starts the silence limit: when it passes, the client is ended here (it may hang forever on a dead connection). */
  private watchSilence(limitMs: number): void {
    clearTimeout(this.silence);
    this.silence = setTimeout(() => {
      if (!this.ended && this.cancelling === undefined) {
        this.contactLost = true;
        this.process.kill('SIGKILL');
      }
    }, limitMs);
  }

  onData(fn: (chunk: string, stream: StreamName) => void): Disposable {
    this.data.add(fn);
    return { dispose: () => this.data.delete(fn) };
  }

  onLine(fn: (line: string, stream: StreamName) => void): Disposable {
    this.lines.add(fn);
    return { dispose: () => this.lines.delete(fn) };
  }

  write(text: string): void {
    this.process.write(text);
  }

  closeStdin(): void {
    this.process.closeStdin();
  }

  /** Stops the command and everything it started in the container; resolves when the client is gone. */
  cancel(): Promise<void> {
    this.cancelling ??= this.stop();
    return this.cancelling;
  }

  private async stop(): Promise<void> {
    // Before the marker nothing of ours runs in the container yet; it comes within one round trip.
    const g = await this.group;
    // A command that has ended is not signalled: its group id may be another's by now.
    if (g !== undefined && !this.ended) {
      await signalGroup(this.transport, g, 'TERM');
      const exited = await Promise.race([this.process.exit.then(() => true), delay(this.options.killGraceMs ?? 10_000).then(() => false)]);
      if (!exited) {
        await signalGroup(this.transport, g, 'KILL');
      }
    }
    const exited = await Promise.race([this.process.exit.then(() => true), delay(5_000).then(() => false)]);
    if (!exited) {
      this.process.kill('SIGKILL');
    }
    await this.process.exit;
  }
}

/** Signal a group in the container (also after the client is gone: an ssh connection that dropped). */
export function signalGroup(transport: ExecTransport, pgid: number, signal: 'TERM' | 'KILL', timeoutMs = 30_000): Promise<CapturedResult> {
  const cmd = transport.execCommand(killGroupArgv(pgid, signal));
  return runCaptured(cmd.file, cmd.argv, { env: cmd.env, timeoutMs });
}
