// One cosa command in one container, run exactly like the documented alias,
// with output streaming, the cosa failure read from the output, a per-
// workspace lock for the commands that change the build directory, and a
// cancel that stops the container through the runtime (never just the
// client). The engine tracks what it started, so deactivation stops it all
// and crash leftovers can be found. Process level, no vscode.

import { randomBytes } from 'node:crypto';
import {
  commandLine as quoteCommandLine, cosaPreamble, cosaRunArgv, CosaSettings, isMutating,
  LABEL_MUTATING, LABEL_RUN, LABEL_WORKSPACE, requestContainerName, workspaceId,
} from '../cosa/invocation';
import { CosaFailure, CosaFailureCollector } from '../cosa/cosaFailure';
import { ContainerCli, ContainerSummary, ownerPidOf, purposeOf } from './containers';
import { Disposable, spawnProcess, RunningProcess, StreamName } from './processRunner';
import { RuntimeDetector, RuntimeInfo } from './runtime';
import { busyMessage, WorkspaceLease, WorkspaceLocks } from './workspaceLock';
import { CosaOutput } from './cosaOutput';
import { ExecCosaProcess } from './execCosaProcess';
import { ExecTransport } from './execTransport';
import { attachedSession } from './attachedSession';
import { execPreamble } from '../cosa/execPreamble';
import { execTerminalCommand } from './execTerminal';
import { removedLockLine, removeLeftoverLocks, removeLeftoverLocksIn } from './leftoverLocks';

export interface CosaProcessOptions {
  /** Host path of the cosa build directory. */
  readonly workspace: string;
  /** The cosa subcommand and its arguments. */
  readonly args: readonly string[];
  /** Part of the container name: one container per workspace and purpose. */
  readonly purpose: string;
  /** Add -t (only with a real terminal; the pseudoterminal is not one). */
  readonly tty: boolean;
  readonly settings: CosaSettings;
  /** The detected runtime: `await engine.runtime(settings.runtime)` (cached). */
  readonly runtime: RuntimeInfo;
  /** Environment shown in the preamble (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Override the lock decision (default: init/build/osbuild/prune/clean/... lock). */
  readonly mutating?: boolean;
}

export interface TerminalCommandOptions extends Omit<CosaProcessOptions, 'tty'> {
  /** Environment for cosa inside the container (e.g. COSA_NO_KVM=1). */
  readonly containerEnv?: Readonly<Record<string, string>>;
  /** false: no `--device /dev/kvm` (COSA_NO_KVM=1 runs). */
  readonly kvmDevice?: boolean;
}

/** What a terminal spawns: `executable argv...`, never through a shell. */
export interface TerminalCommand {
  readonly executable: string;
  readonly argv: readonly string[];
  readonly containerName: string;
  /** The alias' preamble: COREOS_ASSEMBLER_* values and the command line. */
  readonly preamble: readonly string[];
  /** The client's environment (an exec target's builder); absent: the extension host's. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * In an exec target (remote session, pod): stops the command there when its terminal closes
   * (the client alone would leave it running); true when the target answered. Absent: a local
   * container, stopped by its name.
   */
  readonly stopInTarget?: (graceSeconds: number) => Promise<boolean>;
  /** In an exec target: watches the connection while the terminal is open (src/engine/execTerminal.ts). */
  readonly watchContact?: (onLost: () => void) => { dispose(): void };
  /**
   * A command that changes the workspace (the Assembler Shell), once its terminal closed (and
   * stopInTarget ran): waits until its container is gone (local) and removes the cosa locks its
   * processes left (src/cosa/leftoverLocks.ts); the removed paths. Never rejects.
   */
  readonly removeLeftoverLocks?: () => Promise<string[]>;
}

export interface CosaRunResult {
  readonly exitCode: number;
  readonly cancelled: boolean;
  readonly failure?: CosaFailure;
}

export interface CosaProcess {
  readonly commandLine: string;
  readonly preamble: readonly string[];
  readonly containerName: string;
  /** Set when the command runs by exec in a long-lived container (a remote session, a pod): that container, for people. A cancel stops the command there, not the container. */
  readonly runsIn?: string;
  readonly args: readonly string[];
  onData(listener: (chunk: string) => void): Disposable;
  onLine(listener: (line: string, stream: StreamName) => void): Disposable;
  /** Input for the container's stdin (-i). */
  write(data: string): void;
  readonly result: Promise<CosaRunResult>;
  cancel(): Promise<void>;
}

export interface CosaEngineOptions {
  /** Seconds between SIGTERM and SIGKILL on cancel (podman stop -t). */
  readonly stopGraceSeconds?: number;
  /** The owner label of every container (default process.pid). */
  readonly ownerPid?: number;
  readonly env?: NodeJS.ProcessEnv;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** After a cancel, how long the client may go on without a container before it is signalled (a pull, a hung runtime). */
const CLIENT_GRACE_MS = 1500;
/** Between two looks at the runtime while a cancel waits for the container to appear or go. */
const CANCEL_POLL_MS = 100;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

class CosaContainerProcess extends CosaOutput implements CosaProcess {
  readonly commandLine: string;
  readonly preamble: readonly string[];
  readonly containerName: string;
  readonly result: Promise<CosaRunResult>;
  private readonly collector = new CosaFailureCollector();
  private child: RunningProcess | undefined;
  private cancelling: Promise<void> | undefined;
  private finished = false;
  private readonly cli: ContainerCli;
  private readonly argv: string[];
  /** The run label: finds this run's container before the client reports it, and never another run's. */
  private readonly runId = randomBytes(8).toString('hex');
  private readonly mutating: boolean;
  /** Host names of the containers a cancel stopped: the hosts in cosa's lock claims they may have left. */
  private readonly stoppedHosts = new Set<string>();
  private spawnedAt = 0;

  constructor(
    private readonly engine: CosaEngine,
    private readonly options: CosaProcessOptions,
    private readonly lease: WorkspaceLease | undefined,
    refusal: string | undefined,
  ) {
    super();
    this.mutating = options.mutating ?? isMutating(options.args);
    const request = {
      workspace: options.workspace, args: options.args, tty: options.tty, purpose: options.purpose,
      ownerPid: engine.ownerPid, mutating: this.mutating, runId: this.runId,
    };
    this.argv = cosaRunArgv(options.settings, request, options.runtime);
    this.containerName = requestContainerName(request);
    this.commandLine = quoteCommandLine(options.runtime.kind, this.argv);
    this.preamble = cosaPreamble(options.settings, options.env ?? process.env, options.runtime.kind, this.argv);
    this.cli = new ContainerCli(options.runtime.path);
    // The lease is released only here: after a cancel has seen the container gone.
    this.result = this.run(refusal).finally(() => {
      this.finished = true;
      this.lease?.release();
      engine.forget(this);
    });
  }

  get args(): readonly string[] {
    return this.options.args;
  }

  write(data: string): void {
    this.child?.write(data);
  }

  private run(refusal: string | undefined): Promise<CosaRunResult> {
    return this.startUnlessEnded(refusal, () => this.spawnAndWait());
  }

  /** Spawns before its first await (see startUnlessEnded). */
  private async spawnAndWait(): Promise<CosaRunResult> {
    // No "is another window running one?" look first: that would be check-then-act.
    // The runtime arbitrates: every mutating command of a workspace has the same
    // container name, and a second create of that name fails (see below).
    this.spawnedAt = Date.now();
    const child = spawnProcess(this.options.runtime.path, this.argv, { stdin: true });
    this.child = child;
    child.onData((chunk) => this.emitData(chunk));
    child.onLine((line, stream) => {
      this.collector.push(line);
      this.emitLine(line, stream);
    });
    const exit = await child.exit;
    if (this.cancelling) {
      await this.cancelling;
    }
    if (this.cancelled) {
      await this.removeLeftoverLocks();
      return { exitCode: exit.exitCode, cancelled: true };
    }
    const failure = this.collector.finish(exit.exitCode);
    if (failure?.kind === 'name-in-use' && this.mutating) {
      return this.refuse(await this.busyElsewhere());
    }
    return { exitCode: exit.exitCode, cancelled: false, ...(failure ? { failure } : {}) };
  }

  /** The runtime refused the workspace's shared name: who holds it. */
  private async busyElsewhere(): Promise<string> {
    const list = await this.cli.list({ [LABEL_WORKSPACE]: workspaceId(this.options.workspace), [LABEL_MUTATING]: '1' }).catch(() => []);
    const holder = list.find((c) => c.name === this.containerName);
    const message = busyMessage(this.options.args, { args: [(holder && purposeOf(holder)) ?? 'command'], containerName: this.containerName },
      !holder || ownerPidOf(holder) !== this.engine.ownerPid);
    const owner = holder && ownerPidOf(holder);
    const ended = holder?.state === 'exited' || holder?.state === 'stopped';
    if (holder && !isLive(holder.state) && (ended || owner === undefined || !isAlive(owner))) {
      // Not a command that is starting: a container its client did not remove.
      return `${message} It is not running (${holder.state}), a leftover: \`${this.options.runtime.kind} rm -f ${holder.name}\` frees the workspace.`;
    }
    return message;
  }

  /**
   * After a cancel, while the workspace is still held: the cosa locks the stopped container
   * left (src/cosa/leftoverLocks.ts), which would make the next command wait for a year.
   */
  private async removeLeftoverLocks(): Promise<void> {
    if (!this.mutating || this.stoppedHosts.size === 0) {
      return;
    }
    const removed = await removeLeftoverLocks(this.options.workspace, (claim) => this.stoppedHosts.has(claim.host), this.spawnedAt).catch(() => []);
    for (const file of removed) {
      const line = removedLockLine(file);
      this.emitData(`${line}\n`);
      this.emitLine(line, 'stderr');
    }
  }

  cancel(graceSeconds = this.engine.stopGraceSeconds): Promise<void> {
    if (this.finished) {
      return this.result.then(() => undefined);
    }
    this.cancelled = true;
    // Before the spawn, run() sees `cancelled` and starts nothing.
    this.cancelling ??= this.child ? this.stopRun(this.child, graceSeconds) : undefined;
    return (this.cancelling ?? Promise.resolve()).then(() => this.result).then(() => undefined);
  }

  /**
   * Stop this run's container through the runtime (the client alone would
   * leave it running) at any moment: before the runtime has created it (look
   * again until it appears or the client gives up), while it is created but
   * not started, running, or left behind by a client that died. Resolves
   * when the client has exited and no container with this run's label is
   * left; only then is the workspace lock released.
   */
  private async stopRun(child: RunningProcess, graceSeconds: number): Promise<void> {
    let exited = false;
    void child.exit.then(() => {
      exited = true;
    });
    const since = Date.now();
    const hardLimit = since + (graceSeconds + 60) * 1000;
    const inFlight = new Set<string>();
    let seen = false;
    let signalled = false;
    for (;;) {
      // A client gone before this look cannot create anything after it: an empty answer is final.
      const clientGone = exited;
      const mine = await this.cli.list({ [LABEL_RUN]: this.runId }).catch(() => undefined);
      if (mine && mine.length === 0 && clientGone) {
        return;
      }
      for (const c of mine ?? []) {
        seen = true;
        if (!inFlight.has(c.id)) {
          inFlight.add(c.id);
          // The container's host name (the runtime's default: the id's first 12 characters).
          this.stoppedHosts.add(c.id.slice(0, 12));
          // Running: SIGTERM, SIGKILL after the grace (the client then removes it, --rm).
          // Created, exited, or the client is gone: remove it.
          const stop = isLive(c.state) && !clientGone ? this.cli.stop(c.id, graceSeconds) : this.cli.remove(c.id, graceSeconds);
          void stop.catch(() => false).finally(() => inFlight.delete(c.id));
        }
      }
      if (!exited && !signalled && !seen && Date.now() - since > CLIENT_GRACE_MS) {
        // Still no container (a pull, a runtime that hangs): end the client.
        // podman finishes a create in progress first; that container is removed above.
        signalled = true;
        child.kill('SIGTERM');
      }
      if (Date.now() > hardLimit) {
        child.kill('SIGKILL');
        await child.exit;
        return;
      }
      await (exited ? sleep(CANCEL_POLL_MS) : Promise.race([child.exit, sleep(CANCEL_POLL_MS)]));
    }
  }
}

/**
 * For a local terminal's container (spawned by the terminal, not by the engine): its host name
 * is read while it runs (the id's first 12 characters, looked up until it exists), and once the
 * terminal closed and the container is gone, the locks of that host are removed.
 */
function leftoverLocksOfTerminal(cli: ContainerCli, name: string, workspace: string): () => Promise<string[]> {
  const since = Date.now();
  let closed = false;
  const id = (async (): Promise<string | undefined> => {
    // Looked up often while the container starts, then less (a terminal whose process never ran one).
    for (let n = 0, end = Date.now() + 60_000; Date.now() < end && !closed; n++) {
      const found = await cli.idOf(name).catch(() => undefined);
      if (found) {
        return found;
      }
      await sleep(Math.min(3000, 250 * 2 ** Math.floor(n / 4)));
    }
    return undefined;
  })();
  return async () => {
    closed = true;
    const host = (await id)?.slice(0, 12);
    if (!host || !(await cli.waitGone(name, 15_000).catch(() => false))) {
      return [];
    }
    return removeLeftoverLocks(workspace, (claim) => claim.host === host, since).catch(() => []);
  };
}

function isLive(state: string): boolean {
  return state === 'running' || state === 'paused' || state === 'stopping';
}

/** Holds the detected runtimes, the workspace locks and everything started, for cleanup. */
export class CosaEngine {
  readonly runtimes: RuntimeDetector;
  readonly locks = new WorkspaceLocks();
  readonly ownerPid: number;
  readonly stopGraceSeconds: number;
  private readonly processes = new Set<CosaProcess>();
  /** Workspaces whose cosa runs by exec elsewhere (a remote session, a pod); absent: local. */
  private readonly targets = new Map<string, ExecTransport>();
  private readonly env: NodeJS.ProcessEnv;
  private readonly adopted = new Map<string, string>();
  /** Terminal commands in exec targets not stopped yet (stopped on dispose). */
  private readonly execTerminals = new Set<(graceSeconds: number) => Promise<boolean>>();
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  constructor(options: CosaEngineOptions = {}) {
    this.env = options.env ?? process.env;
    this.runtimes = new RuntimeDetector(this.env);
    this.ownerPid = options.ownerPid ?? process.pid;
    this.stopGraceSeconds = options.stopGraceSeconds ?? 10;
  }

  /** The detected runtime (cached; runtimes.refresh() to detect again). */
  runtime(kind: CosaSettings['runtime']): Promise<RuntimeInfo> {
    return this.runtimes.get(kind);
  }

  /**
   * Where the cosa commands of a workspace run: a remote session or a pod (every command an
   * exec there), or undefined for the local runtime (the alias' `podman run`, the default).
   */
  setTarget(workspace: string, target: ExecTransport | undefined): void {
    if (target) {
      this.targets.set(workspace, target);
    } else {
      this.targets.delete(workspace);
    }
  }

  /** Some workspace's cosa runs by exec elsewhere (a target set, or COREOS_ASSEMBLER_REMOTE_SESSION). */
  hasExecTargets(): boolean {
    return this.targets.size > 0 || !!this.env.COREOS_ASSEMBLER_REMOTE_SESSION?.trim();
  }

  /**
   * The target of a workspace: the one set, else the session named by
   * COREOS_ASSEMBLER_REMOTE_SESSION (as the cosa CLI attaches to it), else undefined (local).
   */
  target(workspace: string, runtime?: RuntimeInfo): ExecTransport | undefined {
    return this.targets.get(workspace) ?? attachedSession(this.env, runtime?.kind === 'podman' ? runtime.path : 'podman');
  }

  /**
   * Start one cosa command, in the workspace's target (local, remote session, pod). Throws
   * InvocationError synchronously for settings that cannot work on this host (and
   * RemoteBuilderError for an unusable COREOS_ASSEMBLER_REMOTE_SESSION); a busy workspace gives
   * a result with failure.kind 'workspace-busy' (nothing was started).
   */
  start(options: CosaProcessOptions): CosaProcess {
    if (this.disposed) {
      throw new Error('the cosa engine has been shut down');
    }
    const target = this.target(options.workspace, options.runtime);
    const mutating = options.mutating ?? isMutating(options.args);
    const name = target ? target.description : requestContainerName({ workspace: options.workspace, purpose: options.purpose, mutating });
    let lease: WorkspaceLease | undefined;
    let refusal: string | undefined;
    if (mutating) {
      const got = this.locks.tryAcquire(options.workspace, { args: options.args, containerName: name, since: Date.now() });
      if ('heldBy' in got) {
        refusal = busyMessage(options.args, got.heldBy);
      } else {
        lease = got;
      }
    }
    let p: CosaProcess;
    try {
      p = target
        ? new ExecCosaProcess(target, {
          args: options.args, tty: options.tty, settings: options.settings, graceSeconds: this.stopGraceSeconds,
          // The build directory is on the other side: what the command reads from the workspace goes there first.
          ...(mutating && !refusal ? { sendInputsOf: options.workspace } : {}),
          mutating,
        },
          lease, refusal, () => this.forget(p))
        : new CosaContainerProcess(this, options, lease, refusal);
    } catch (e) {
      lease?.release();
      throw e;
    }
    this.processes.add(p);
    return p;
  }

  /**
   * The command line of one cosa command for a real terminal (-t: `cosa run`,
   * `cosa shell`), which spawns it itself. Its container is adopted: stopped
   * on dispose if it still exists. In an exec target it is `exec -it` there, stopped by
   * stopInTarget (and on dispose). Throws InvocationError like start(); takes
   * no workspace lock (the caller holds one when the command changes it).
   */
  terminalCommand(options: TerminalCommandOptions): TerminalCommand {
    if (this.disposed) {
      throw new Error('the cosa engine has been shut down');
    }
    const target = this.target(options.workspace, options.runtime);
    if (target) {
      return this.execTerminal(target, options);
    }
    const request = {
      workspace: options.workspace, args: options.args, tty: true, purpose: options.purpose, ownerPid: this.ownerPid,
      ...(options.mutating ? { mutating: true } : {}),
      ...(options.containerEnv ? { env: options.containerEnv } : {}),
      ...(options.kvmDevice === false ? { kvmDevice: false } : {}),
    };
    const argv = cosaRunArgv(options.settings, request, options.runtime);
    const containerName = requestContainerName(request);
    this.adopted.set(containerName, options.runtime.path);
    return {
      executable: options.runtime.path,
      argv,
      containerName,
      preamble: cosaPreamble(options.settings, options.env ?? process.env, options.runtime.kind, argv),
      ...(options.mutating ? { removeLeftoverLocks: leftoverLocksOfTerminal(new ContainerCli(options.runtime.path), containerName, options.workspace) } : {}),
    };
  }

  /** terminalCommand in an exec target: `exec -it` there, its process group stopped on close or dispose. */
  private execTerminal(target: ExecTransport, options: TerminalCommandOptions): TerminalCommand {
    const cmd = execTerminalCommand(target, options.args, options.containerEnv);
    let stopping: Promise<boolean> | undefined;
    const stop = (graceSeconds: number): Promise<boolean> => {
      this.execTerminals.delete(stop);
      stopping ??= cmd.stop(graceSeconds).catch(() => false);
      return stopping;
    };
    this.execTerminals.add(stop);
    return {
      executable: cmd.executable,
      argv: cmd.argv,
      env: cmd.env,
      containerName: target.description,
      preamble: execPreamble(target.description, options.settings, quoteCommandLine(cmd.executable, cmd.argv)),
      stopInTarget: stop,
      watchContact: (onLost) => cmd.watchContact(onLost),
      ...(options.mutating ? { removeLeftoverLocks: ((since) => () => removeLeftoverLocksIn(target, since))(Date.now()) } : {}),
    };
  }

  /** @internal */
  forget(p: CosaProcess): void {
    this.processes.delete(p);
  }

  running(): readonly CosaProcess[] {
    return [...this.processes];
  }

  /**
   * Containers with our label left behind by an extension host that is gone
   * (crash, kill -9): owner pid dead, or not running any more.
   */
  async findLeftovers(runtime: RuntimeInfo): Promise<ContainerSummary[]> {
    const all = await new ContainerCli(runtime.path).list();
    return all.filter((c) => {
      const owner = ownerPidOf(c);
      if (owner === undefined || (owner !== this.ownerPid && !isAlive(owner))) {
        return true; // its extension host is gone
      }
      // alive owner (us or another window): only what --rm failed to clean up
      return c.state !== 'running' && c.state !== 'paused' && c.state !== 'created' && c.state !== 'configured' && c.state !== 'stopping';
    });
  }

  async removeContainers(runtime: RuntimeInfo, containers: readonly ContainerSummary[]): Promise<string[]> {
    const cli = new ContainerCli(runtime.path);
    const failed: string[] = [];
    await Promise.all(containers.map(async (c) => {
      if (!(await cli.stopAndRemove(c.name, 2))) {
        failed.push(c.name);
      }
    }));
    return failed;
  }

  /** Stop everything this engine started (deactivation, VS Code shutdown). */
  async dispose(graceSeconds = 2): Promise<void> {
    this.disposed = true;
    await Promise.all([
      ...[...this.processes].map((p) => (p instanceof CosaContainerProcess ? p.cancel(graceSeconds) : p.cancel()).catch(() => undefined)),
      ...[...this.adopted].map(([name, exe]) => new ContainerCli(exe).stopAndRemove(name, graceSeconds).catch(() => undefined)),
      ...[...this.execTerminals].map((stop) => stop(graceSeconds)),
    ]);
    this.adopted.clear();
  }
}
