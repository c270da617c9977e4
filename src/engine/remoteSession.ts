// A cosa remote session on a podman builder reached over ssh (src/cosa/remoteSession.ts has
// the argv, read from coreos-assembler's cmd/remote-session.go). Process level, no vscode.
//
// Each cosa command is a GroupedExec (src/engine/groupedExec.ts): a cancel stops it on the
// builder, not only the local `podman --remote exec` client.

import {
  builderEnv, explainRemoteFailure, parseSessionPs, RemoteBuilder, RemoteBuilderError, SessionCreateOptions,
  sessionCommandArgv, sessionCreateArgv, sessionDestroyArgv, sessionPsArgv, sessionRawExecArgv, SessionState, sessionSyncArgv,
} from '../cosa/remoteSession';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sessionInputs } from '../cosa/sessionWorkspace';
import { InitCreated } from '../cosa/workspaceKind';
import { CapturingTarget, ExecBuildDir, execRemoveFromBuildDir, execVisibleEntries } from './execBuildDir';
import { ExecCommand, ExecTransport, InputsTransfer } from './execTransport';
import { GroupedExec, GroupedExecOptions, isKnownHostsNoise } from './groupedExec';
import { CapturedResult, runCaptured, RunningProcess, spawnProcess, StreamName } from './processRunner';

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

/** stderr without podman's known_hosts warning (groupedExec.ts isKnownHostsNoise). */
export function withoutKnownHostsNoise(stderr: string): string {
  return stderr.split('\n').filter((l) => !isKnownHostsNoise(l)).join('\n');
}

const failedRemotely = (what: string, r: CapturedResult) => new RemoteCommandError(what, r);

export interface ExecOptions extends GroupedExecOptions {
  /** stdout/stderr lines of the command (the group marker is not passed on). */
  readonly onLine?: (line: string, stream: StreamName) => void;
}

export class RemoteSession implements ExecTransport, ExecBuildDir {
  readonly kind = 'remote-session';
  readonly workdir: string;

  constructor(readonly podman: string, readonly builder: RemoteBuilder, readonly id: string, workdir = '/srv') {
    this.workdir = workdir;
  }

  get description(): string {
    return `remote session ${this.id.slice(0, 12)} on ${this.builder.name ?? this.builder.url}`;
  }

  /** `cosa remote-session create`: starts the session container and returns it. */
  static async create(podman: string, builder: RemoteBuilder, options: SessionCreateOptions, timeoutMs = 300_000): Promise<RemoteSession> {
    const r = await runCaptured(podman, sessionCreateArgv(options), { env: remoteProcessEnv(builder), timeoutMs });
    const id = r.stdout.trim().split('\n').pop()?.trim() ?? '';
    if (r.exitCode !== 0 || !/^[0-9a-f]{12,64}$/.test(id)) {
      throw new RemoteCommandError(`Creating the remote session on ${builder.name ?? builder.url}`, r);
    }
    return new RemoteSession(podman, builder, id, options.workdir);
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
  exec(cosaArgs: readonly string[], options: ExecOptions = {}): GroupedExec {
    const p = new GroupedExec(this, ['cosa', ...cosaArgs], options);
    if (options.onLine) {
      p.onLine(options.onLine);
    }
    return p;
  }

  /** ExecTransport: `podman --remote exec` in this session, with the builder's environment. */
  execCommand(argv: readonly string[], opts: { stdin?: boolean; tty?: boolean; workdir?: string } = {}): ExecCommand {
    return { file: this.podman, argv: sessionCommandArgv(this.id, argv, opts), env: this.env() };
  }

  /** Run a cosa command to completion and capture its output (short commands: list, meta). */
  async run(cosaArgs: readonly string[], timeoutMs = 600_000): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const p = this.exec(cosaArgs, { onLine: (l, s) => (s === 'stdout' ? out : err).push(l) });
    p.closeStdin();
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

  /** A plain command in the session (no cosa dispatcher), captured. */
  capture(argv: readonly string[], timeoutMs = 60_000): Promise<CapturedResult> {
    return this.podmanCaptured(sessionRawExecArgv(this.id, argv), timeoutMs);
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

  /** The session's build directory through exec (src/engine/execBuildDir.ts), podman's known_hosts warning left out. */
  private get buildDir(): CapturingTarget {
    return {
      workdir: this.workdir,
      capture: async (argv, timeoutMs) => {
        const r = await this.capture(argv, timeoutMs);
        return { ...r, stderr: withoutKnownHostsNoise(r.stderr) };
      },
    };
  }

  visibleEntries(): Promise<string[]> {
    return execVisibleEntries(this.buildDir, failedRemotely);
  }

  removeFromBuildDir(entries: readonly InitCreated[]): Promise<void> {
    return execRemoveFromBuildDir(this.buildDir, entries, failedRemotely);
  }

  /**
   * ExecTransport: the workspace's src/, the coreos.configGit checkout and overrides/ to the
   * session (src/cosa/sessionWorkspace.ts), one `cosa remote-session sync` each, rsync's lines
   * to `onLine`. cancel() ends the rsync in progress and sends nothing more.
   */
  sendInputs(workspace: string, configGit: string | undefined, onLine: (line: string, stream: StreamName) => void): InputsTransfer {
    const inputs = sessionInputs(workspace, {
      hasSrc: fs.existsSync(path.join(workspace, 'src')),
      hasOverrides: fs.existsSync(path.join(workspace, 'overrides')),
      ...(configGit ? { configGit } : {}),
    }, this.workdir);
    let current: RunningProcess | undefined;
    let cancelled = false;
    const run = async (): Promise<boolean> => {
      for (const input of inputs) {
        if (cancelled) {
          return false;
        }
        onLine(`Syncing ${input.label} to ${this.description}:${input.to.slice(1)} (cosa remote-session sync)`, 'stdout');
        const p = spawnProcess('rsync', sessionSyncArgv(this.id, input.from, input.to), { env: this.env() });
        current = p;
        const stderr: string[] = [];
        p.onLine((line, stream) => {
          if (stream === 'stderr') {
            if (isKnownHostsNoise(line)) {
              return;
            }
            stderr.push(line);
          }
          onLine(line, stream);
        });
        const exit = await p.exit;
        current = undefined;
        if (cancelled) {
          return false;
        }
        if (exit.exitCode !== 0) {
          throw new RemoteCommandError(`Syncing ${input.label} to the builder`, { exitCode: exit.exitCode, stdout: '', stderr: stderr.join('\n'), timedOut: false });
        }
      }
      return true;
    };
    return {
      done: run(),
      cancel: () => {
        cancelled = true;
        current?.kill('SIGTERM');
      },
    };
  }

  /** `cosa remote-session destroy`. A session that is already gone is not an error. */
  async destroy(): Promise<void> {
    const r = await this.podmanCaptured(sessionDestroyArgv(this.id));
    if (r.exitCode !== 0 && !/no such container/i.test(r.stderr)) {
      throw new RemoteCommandError('Destroying the remote session', r);
    }
  }
}
