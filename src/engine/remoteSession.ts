// A cosa remote session on a podman builder reached over ssh (src/cosa/remoteSession.ts has
// the argv, read from coreos-assembler's cmd/remote-session.go). Process level, no vscode.
//
// Cancel: killing the local `podman --remote exec` client does not stop the remote command,
// so every cosa command runs in a process group of its own whose id it prints first
// (sessionExecArgv); cancel signals that group inside the session, TERM then KILL.

import {
  builderEnv, explainRemoteFailure, parseGroupMarker, parseSessionPs, RemoteBuilder, RemoteBuilderError,
  SessionCreateOptions, sessionCreateArgv, sessionDestroyArgv, sessionExecArgv, sessionKillGroupArgv,
  sessionPsArgv, sessionRawExecArgv, SessionState, sessionSyncArgv,
} from '../cosa/remoteSession';
import { CapturedResult, ProcessExit, runCaptured, RunningProcess, spawnProcess, StreamName } from './processRunner';

/** The local environment with the builder's CONTAINER_HOST/CONTAINER_SSHKEY (and no other builder's). */
export function remoteProcessEnv(builder: RemoteBuilder, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  delete env.CONTAINER_HOST;
  delete env.CONTAINER_SSHKEY;
  delete env.CONTAINER_CONNECTION;
  return { ...env, ...builderEnv(builder) };
}

/** A failed podman call, with what it means in words when we recognise it. */
export class RemoteCommandError extends RemoteBuilderError {
  constructor(readonly what: string, readonly result: CapturedResult) {
    const stderr = withoutKnownHostsNoise(result.stderr).trim();
    super(`${what} failed: ${explainRemoteFailure(stderr) ?? (stderr || `exit status ${result.exitCode}`)}`);
  }
}

/** podman's golang ssh prints this on every call until ~/.ssh/known_hosts exists; it is not an error. */
export function withoutKnownHostsNoise(stderr: string): string {
  return stderr.split('\n').filter((l) => !/please create a known_hosts file/.test(l)).join('\n');
}

export interface RemoteCosaProcess {
  readonly process: RunningProcess;
  /** The cosa command's exit (the remote status, as `cosa remote-session exec` passes it on). */
  readonly exit: Promise<ProcessExit & { cancelled: boolean }>;
  /** Stops the command and everything it started on the builder; resolves when the client is gone. */
  cancel(): Promise<void>;
}

export interface ExecOptions {
  readonly tty?: boolean;
  readonly workdir?: string;
  /** stdout/stderr lines of the command (the group marker is not passed on). */
  readonly onLine?: (line: string, stream: StreamName) => void;
  /** Grace between TERM and KILL of the remote group (default 10 s). */
  readonly killGraceMs?: number;
}

export class RemoteSession {
  constructor(readonly podman: string, readonly builder: RemoteBuilder, readonly id: string) {}

  /** `cosa remote-session create`: starts the session container and returns it. */
  static async create(podman: string, builder: RemoteBuilder, options: SessionCreateOptions, timeoutMs = 300_000): Promise<RemoteSession> {
    const r = await runCaptured(podman, sessionCreateArgv(options), { env: remoteProcessEnv(builder), timeoutMs });
    const id = r.stdout.trim().split('\n').pop()?.trim() ?? '';
    if (r.exitCode !== 0 || !/^[0-9a-f]{12,64}$/.test(id)) {
      throw new RemoteCommandError(`Creating the remote session on ${builder.name ?? builder.url}`, r);
    }
    return new RemoteSession(podman, builder, id);
  }

  private env(): NodeJS.ProcessEnv {
    return remoteProcessEnv(this.builder);
  }

  private podmanCaptured(argv: readonly string[], timeoutMs = 60_000, input?: string): Promise<CapturedResult> {
    return runCaptured(this.podman, argv, { env: this.env(), timeoutMs, ...(input !== undefined ? { input } : {}) });
  }

  /** `cosa remote-session ps`: undefined when the container is gone (destroyed or expired). */
  async state(): Promise<SessionState | undefined> {
    const r = await this.podmanCaptured(sessionPsArgv(this.id));
    if (r.exitCode !== 0) {
      throw new RemoteCommandError('Checking the remote session', r);
    }
    return parseSessionPs(r.stdout)[0];
  }

  /** `cosa remote-session exec ARGS`, cancellable on the builder. */
  exec(cosaArgs: readonly string[], options: ExecOptions = {}): RemoteCosaProcess {
    const proc = spawnProcess(this.podman, sessionExecArgv(this.id, cosaArgs, options), { env: this.env(), stdin: true });
    let pgid: number | undefined;
    let cancelRequested = false;
    let sawFirstStdout = false;
    let resolveGroup!: (pgid: number | undefined) => void;
    const group = new Promise<number | undefined>((r) => { resolveGroup = r; });
    proc.onLine((line, stream) => {
      if (stream === 'stdout' && !sawFirstStdout) {
        sawFirstStdout = true;
        pgid = parseGroupMarker(line);
        if (pgid !== undefined) {
          resolveGroup(pgid);
          return;
        }
      }
      if (stream === 'stderr' && /please create a known_hosts file/.test(line)) {
        return;
      }
      options.onLine?.(line, stream);
    });
    void proc.exit.then(() => resolveGroup(undefined));
    const killGroup = async (signal: 'TERM' | 'KILL') => {
      if (pgid !== undefined) {
        await this.podmanCaptured(sessionKillGroupArgv(this.id, pgid, signal), 30_000);
      }
    };
    const cancel = async (): Promise<void> => {
      if (cancelRequested) {
        await proc.exit;
        return;
      }
      cancelRequested = true;
      // Before the marker nothing of ours runs remotely yet; it comes within one round trip.
      const g = await group;
      if (g !== undefined) {
        await killGroup('TERM');
        const grace = options.killGraceMs ?? 10_000;
        const exited = await Promise.race([proc.exit.then(() => true), delay(grace).then(() => false)]);
        if (!exited) {
          await killGroup('KILL');
        }
      }
      const exited = await Promise.race([proc.exit.then(() => true), delay(5_000).then(() => false)]);
      if (!exited) {
        proc.kill('SIGKILL');
      }
      await proc.exit;
    };
    const exit = proc.exit.then((e) => ({ ...e, cancelled: cancelRequested }));
    return { process: proc, exit, cancel };
  }

  /** Run a cosa command to completion and capture its output (short commands: list, meta). */
  async run(cosaArgs: readonly string[], timeoutMs = 600_000): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const p = this.exec(cosaArgs, { onLine: (l, s) => (s === 'stdout' ? out : err).push(l) });
    p.process.closeStdin();
    const timer = setTimeout(() => void p.cancel(), timeoutMs);
    const e = await p.exit.finally(() => clearTimeout(timer));
    return { exitCode: e.exitCode, stdout: out.join('\n'), stderr: err.join('\n') };
  }

  /** A file of the session's build directory, or undefined when it does not exist. */
  async readFile(pathInSession: string): Promise<string | undefined> {
    if (!pathInSession.startsWith('/') || pathInSession.split('/').includes('..')) {
      throw new RemoteBuilderError(`not an absolute path inside the session: ${pathInSession}`);
    }
    const r = await this.podmanCaptured(sessionRawExecArgv(this.id, ['cat', '--', pathInSession]));
    if (r.exitCode === 0) {
      return r.stdout;
    }
    if (/No such file or directory/.test(r.stderr)) {
      return undefined;
    }
    throw new RemoteCommandError(`Reading ${pathInSession} on the builder`, r);
  }

  /** Process list inside the session (pid, pgid, args), e.g. to prove a cancel left nothing. */
  async processes(): Promise<{ pid: number; pgid: number; args: string }[]> {
    const r = await this.podmanCaptured(sessionRawExecArgv(this.id, ['ps', '-eo', 'pid=,pgid=,args=']));
    if (r.exitCode !== 0) {
      throw new RemoteCommandError('Listing the processes of the remote session', r);
    }
    return r.stdout.split('\n').flatMap((l) => {
      const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l);
      return m ? [{ pid: Number(m[1]), pgid: Number(m[2]), args: m[3]! }] : [];
    });
  }

  /** `cosa remote-session sync FROM TO` (rsync over `podman --remote exec -i`). */
  async sync(from: string, to: string, options: { delete?: boolean; timeoutMs?: number; rsync?: string } = {}): Promise<CapturedResult> {
    const r = await runCaptured(options.rsync ?? 'rsync', sessionSyncArgv(this.id, from, to, { quiet: true, ...(options.delete ? { delete: true } : {}) }),
      { env: this.env(), timeoutMs: options.timeoutMs ?? 600_000 });
    if (r.exitCode !== 0) {
      throw new RemoteCommandError(`Syncing ${from} to ${to}`, r);
    }
    return r;
  }

  /** `cosa remote-session destroy`. A session that is already gone is not an error. */
  async destroy(): Promise<void> {
    const r = await this.podmanCaptured(sessionDestroyArgv(this.id));
    if (r.exitCode !== 0 && !/no such container/i.test(r.stderr)) {
      throw new RemoteCommandError('Destroying the remote session', r);
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
