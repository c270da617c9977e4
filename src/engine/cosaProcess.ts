// One cosa command in one container, run exactly like the documented alias,
// with output streaming, the cosa failure read from the output, a per-
// workspace lock for the commands that change the build directory, and a
// cancel that stops the container through the runtime (never just the
// client). The engine tracks what it started, so deactivation stops it all
// and crash leftovers can be found. Process level, no vscode.

import {
  commandLine as quoteCommandLine, containerName, cosaPreamble, cosaRunArgv, CosaSettings, isMutating,
  LABEL_MUTATING, LABEL_WORKSPACE, workspaceId,
} from '../cosa/invocation';
import { CosaFailure, CosaFailureCollector } from '../cosa/cosaFailure';
import { ContainerCli, ContainerSummary, ownerPidOf, purposeOf } from './containers';
import { Disposable, spawnProcess, RunningProcess, StreamName } from './processRunner';
import { RuntimeDetector, RuntimeInfo } from './runtime';
import { busyMessage, WorkspaceLease, WorkspaceLocks } from './workspaceLock';
import { HelperContainer } from './helperContainer';

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

export interface CosaRunResult {
  readonly exitCode: number;
  readonly cancelled: boolean;
  readonly failure?: CosaFailure;
}

export interface CosaProcess {
  readonly commandLine: string;
  readonly preamble: readonly string[];
  readonly containerName: string;
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

class CosaContainerProcess implements CosaProcess {
  readonly commandLine: string;
  readonly preamble: readonly string[];
  readonly containerName: string;
  readonly result: Promise<CosaRunResult>;
  private readonly dataListeners = new Set<(chunk: string) => void>();
  private readonly lineListeners = new Set<(line: string, stream: StreamName) => void>();
  private readonly collector = new CosaFailureCollector();
  private child: RunningProcess | undefined;
  private cancelled = false;
  private cancelling: Promise<void> | undefined;
  private finished = false;
  private readonly cli: ContainerCli;
  private readonly argv: string[];

  constructor(
    private readonly engine: CosaEngine,
    private readonly options: CosaProcessOptions,
    private readonly lease: WorkspaceLease | undefined,
    refusal: string | undefined,
  ) {
    const mutating = options.mutating ?? isMutating(options.args);
    this.argv = cosaRunArgv(options.settings, {
      workspace: options.workspace, args: options.args, tty: options.tty, purpose: options.purpose,
      ownerPid: engine.ownerPid, mutating,
    }, options.runtime);
    this.containerName = containerName(options.workspace, options.purpose);
    this.commandLine = quoteCommandLine(options.runtime.kind, this.argv);
    this.preamble = cosaPreamble(options.settings, options.env ?? process.env, options.runtime.kind, this.argv);
    this.cli = new ContainerCli(options.runtime.path);
    this.result = this.run(refusal, mutating).finally(() => {
      this.finished = true;
      this.lease?.release();
      engine.forget(this);
    });
  }

  get args(): readonly string[] {
    return this.options.args;
  }

  onData(listener: (chunk: string) => void): Disposable {
    this.dataListeners.add(listener);
    return { dispose: () => this.dataListeners.delete(listener) };
  }

  onLine(listener: (line: string, stream: StreamName) => void): Disposable {
    this.lineListeners.add(listener);
    return { dispose: () => this.lineListeners.delete(listener) };
  }

  write(data: string): void {
    this.child?.write(data);
  }

  private refuse(message: string): CosaRunResult {
    const failure: CosaFailure = { kind: 'workspace-busy', exitCode: 125, message, details: [] };
    for (const l of this.dataListeners) {
      l(`${message}\n`);
    }
    for (const l of this.lineListeners) {
      l(message, 'stderr');
    }
    return { exitCode: 125, cancelled: false, failure };
  }

  private async run(refusal: string | undefined, mutating: boolean): Promise<CosaRunResult> {
    // Let the caller attach listeners first (start() returns synchronously).
    await Promise.resolve();
    if (refusal) {
      return this.refuse(refusal);
    }
    if (mutating) {
      // Another window or process (same label, other owner) may be changing this workspace.
      const other = await this.engine.runningMutating(this.options.workspace, this.options.runtime).catch(() => []);
      // (This engine's own mutating commands hold the lock, so any one running is foreign.)
      const foreign = other[0];
      if (foreign) {
        return this.refuse(busyMessage(this.options.args, { args: [purposeOf(foreign) ?? 'command'], containerName: foreign.name }, true));
      }
    }
    if (this.cancelled) {
      return { exitCode: 130, cancelled: true };
    }
    const child = spawnProcess(this.options.runtime.path, this.argv, { stdin: true });
    this.child = child;
    child.onData((chunk) => {
      for (const l of this.dataListeners) {
        l(chunk);
      }
    });
    child.onLine((line, stream) => {
      this.collector.push(line);
      for (const l of this.lineListeners) {
        l(line, stream);
      }
    });
    const exit = await child.exit;
    if (this.cancelling) {
      await this.cancelling;
    }
    if (this.cancelled) {
      return { exitCode: exit.exitCode, cancelled: true };
    }
    const failure = this.collector.finish(exit.exitCode);
    return { exitCode: exit.exitCode, cancelled: false, ...(failure ? { failure } : {}) };
  }

  cancel(graceSeconds = this.engine.stopGraceSeconds): Promise<void> {
    if (this.finished) {
      return this.result.then(() => undefined);
    }
    this.cancelled = true;
    this.cancelling ??= (async () => {
      if (this.child) {
        // Stop the container through the runtime: the client process alone
        // would leave it running. Then make sure the client is gone too.
        await this.cli.stopAndRemove(this.containerName, graceSeconds);
        const exited = await Promise.race([
          this.child.exit.then(() => true),
          new Promise<boolean>((r) => setTimeout(() => r(false), 5000)),
        ]);
        if (!exited) {
          this.child.kill('SIGKILL');
        }
      }
    })();
    return this.cancelling.then(() => this.result).then(() => undefined);
  }
}

/** Holds the detected runtimes, the workspace locks and everything started, for cleanup. */
export class CosaEngine {
  readonly runtimes: RuntimeDetector;
  readonly locks = new WorkspaceLocks();
  readonly ownerPid: number;
  readonly stopGraceSeconds: number;
  private readonly processes = new Set<CosaProcess>();
  private readonly helpers = new Map<string, HelperContainer>();
  private readonly adopted = new Map<string, string>();
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  constructor(options: CosaEngineOptions = {}) {
    this.runtimes = new RuntimeDetector(options.env ?? process.env);
    this.ownerPid = options.ownerPid ?? process.pid;
    this.stopGraceSeconds = options.stopGraceSeconds ?? 10;
  }

  /** The detected runtime (cached; runtimes.refresh() to detect again). */
  runtime(kind: CosaSettings['runtime']): Promise<RuntimeInfo> {
    return this.runtimes.get(kind);
  }

  /**
   * Start one cosa command. Throws InvocationError synchronously for settings
   * that cannot work on this host; a busy workspace gives a result with
   * failure.kind 'workspace-busy' (nothing was started).
   */
  start(options: CosaProcessOptions): CosaProcess {
    if (this.disposed) {
      throw new Error('the cosa engine has been shut down');
    }
    const mutating = options.mutating ?? isMutating(options.args);
    const name = containerName(options.workspace, options.purpose);
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
    let p: CosaContainerProcess;
    try {
      p = new CosaContainerProcess(this, options, lease, refusal);
    } catch (e) {
      lease?.release();
      throw e;
    }
    this.processes.add(p);
    return p;
  }

  /** Resolve the runtime, then start. */
  async startCosa(options: Omit<CosaProcessOptions, 'runtime'> & { runtime?: RuntimeInfo }): Promise<CosaProcess> {
    const runtime = options.runtime ?? await this.runtime(options.settings.runtime);
    return this.start({ ...options, runtime });
  }

  /**
   * A container started outside the engine (a real terminal running the
   * runtime for `cosa run`): stopped on dispose if it still exists.
   */
  adopt(name: string, runtime: RuntimeInfo): void {
    this.adopted.set(name, runtime.path);
  }

  /** @internal */
  forget(p: CosaProcess): void {
    this.processes.delete(p);
  }

  running(): readonly CosaProcess[] {
    return [...this.processes];
  }

  /** @internal Running containers that change this workspace, from any process. */
  async runningMutating(workspace: string, runtime: RuntimeInfo): Promise<ContainerSummary[]> {
    const list = await new ContainerCli(runtime.path).list({ [LABEL_WORKSPACE]: workspaceId(workspace), [LABEL_MUTATING]: '1' });
    return list.filter((c) => c.state === 'running' || c.state === 'created' || c.state === 'configured');
  }

  /** The persistent helper container of a workspace (quick read-only commands via exec). */
  helper(workspace: string, settings: CosaSettings, runtime: RuntimeInfo): HelperContainer {
    const key = `${runtime.kind}\0${workspace}`;
    let h = this.helpers.get(key);
    if (!h || h.disposed) {
      h = new HelperContainer({ workspace, settings, runtime, ownerPid: this.ownerPid });
      this.helpers.set(key, h);
    }
    h.updateSettings(settings);
    return h;
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
      ...[...this.processes].map((p) => (p as CosaContainerProcess).cancel(graceSeconds).catch(() => undefined)),
      ...[...this.helpers.values()].map((h) => h.stop().catch(() => undefined)),
      ...[...this.adopted].map(([name, exe]) => new ContainerCli(exe).stopAndRemove(name, graceSeconds).catch(() => undefined)),
    ]);
    this.helpers.clear();
    this.adopted.clear();
  }
}

let defaultEngine: CosaEngine | undefined;
/** The process-wide engine (the extension's). */
export function cosaEngine(): CosaEngine {
  if (!defaultEngine || defaultEngine.isDisposed) {
    defaultEngine = new CosaEngine();
  }
  return defaultEngine;
}

/** The brief's entry point: start one cosa command on the process-wide engine. */
export function startCosa(options: CosaProcessOptions): CosaProcess {
  return cosaEngine().start(options);
}
