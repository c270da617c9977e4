// The one way every feature starts cosa: prepare (workspace trust, settings,
// runtime, the image, each failure explained once), then either
// - start(): a CosaProcess with no terminal of its own (tasks' pseudoterminals,
//   kola runs), or run(): the same behind a cancellable progress notification
//   (Translate Butane, kola list);
// - openTerminal(): a real integrated terminal (-t) whose process is the
//   runtime with an argv array (cosa run, kola qemuexec, cosa shell).
// A request becomes a spawned process in one call into src/engine for each
// (CosaEngine.start, CosaEngine.terminalCommand). The busy check (a command
// that changes the build directory while another one holds it) is
// refuseIfBusy(), used by the build flow and the Assembler Shell alike.

import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds';
import { CosaSettings, requestContainerName } from '../cosa/invocation';
import { CosaEngine, CosaProcess, CosaRunResult, TerminalCommand } from '../engine/cosaProcess';
import { StreamName } from '../engine/processRunner';
import { imageKnownPresent, markImagePresent } from './cosaReadiness';
import { RuntimeInfo, RuntimeNotFoundError } from '../engine/runtime';
import { WorkspaceLease } from '../engine/workspaceLock';
import { ContainerCli } from '../engine/containers';
import { ensureCosaImage } from './imagePull';
import { CosaOutputLog } from './outputLog';
import { readCosaSettings, readCosaSettingsOrExplain } from './settings';
import { trustedOrExplain } from './trust';
import { RemoteBuilderError } from '../cosa/remoteSession';
import { SettingsError } from '../cosa/settingsResolution';
import { WorkspaceFacts } from '../cosa/workspaceKind';
import { buildDirFacts } from '../engine/buildDirSource';
import { CosaPod, PodToBeMade } from '../engine/cosaPod';
import { ExecBuildDir } from '../engine/execBuildDir';
import { RemoteSession } from '../engine/remoteSession';
import { UnusedSettingsNotice } from './unusedSettingsNotice';
import { workspaceFacts } from './workspaceContext';

/** One cosa command for one workspace. */
export interface CosaLaunch {
  readonly root: vscode.Uri;
  readonly args: readonly string[];
  /** Part of the container name: one container per workspace and purpose (uniquePurpose() for several at once). */
  readonly purpose: string;
  /** Override the lock decision (default: init/build/osbuild/prune/clean/... lock). */
  readonly mutating?: boolean;
}

export interface ProgressLaunch extends CosaLaunch {
  /** The notification's title; also names the gesture when it is refused. */
  readonly title: string;
  /** Every output line, while it runs. */
  readonly onLine?: (line: string, stream: StreamName) => void;
}

export interface TerminalLaunch extends CosaLaunch {
  readonly name: string;
  /** Lines shown above the alias' preamble (hints such as how to quit). */
  readonly banner?: readonly string[];
  readonly icon: string;
  /** A reload must not start it again (a VM under the same container name). */
  readonly transient?: boolean;
  /** Environment for cosa inside the container (COSA_NO_KVM=1). */
  readonly containerEnv?: Readonly<Record<string, string>>;
  /** false: no `--device /dev/kvm`. */
  readonly kvmDevice?: boolean;
}

export interface LaunchedTerminal {
  readonly terminal: vscode.Terminal;
  readonly containerName: string;
  readonly runtimePath: string;
  /** Stops what the terminal started (its container, or its command on the builder); true when it is gone. */
  stop(graceSeconds: number): Promise<boolean>;
}

export interface Prepared {
  readonly settings: CosaSettings;
  readonly runtime: RuntimeInfo;
}

const SHOW = vscode.l10n.t('Show');

/** Seconds between TERM and KILL when a terminal's command on a builder is stopped. */
const TERMINAL_STOP_GRACE_SECONDS = 2;

/** Points the engine at the workspace's builder before a command (src/vscode/builders.ts); a reason when it cannot. */
export interface BuilderTarget {
  useFor(root: vscode.Uri, image: string): Promise<string | undefined>;
  /**
   * Where the workspace's build directory is: its session on the remote builder in effect (opened
   * on first use, as a command would) or its pod (one not made yet is not made here: the command's
   * start shows its review); undefined: local. Throws RemoteBuilderError.
   */
  buildDirTarget(root: vscode.Uri, image: string): Promise<RemoteSession | CosaPod | PodToBeMade | undefined>;
}

/** The build directory where the workspace's cosa runs: the local folder, or a remote session's or pod's /srv. */
export interface BuildDirLook {
  readonly facts: WorkspaceFacts;
  /** Set when the build directory is the session's or the pod's (then nothing local decides). */
  readonly session?: ExecBuildDir;
}

export class CosaLauncher implements vscode.Disposable {
  private counter = 0;
  /** Leases of terminals that change their workspace (the Assembler Shell), released when the terminal closes. */
  private readonly leases = new Map<vscode.Terminal, { lease: WorkspaceLease; args: readonly string[]; startedAt: number; removeLeftoverLocks?: () => Promise<string[]> }>();
  /** Terminals whose command runs on a builder by exec: closing the terminal ends only the local client, so it is stopped there. */
  private readonly inTarget = new Map<vscode.Terminal, (graceSeconds: number) => Promise<boolean>>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly unusedSettings = new UnusedSettingsNotice();

  constructor(readonly engine: CosaEngine, private readonly log: CosaOutputLog, private readonly builders?: BuilderTarget) {
    this.disposables.push(vscode.window.onDidCloseTerminal((t) => {
      const stop = this.inTarget.get(t);
      let stopped: Promise<unknown> = Promise.resolve();
      if (stop) {
        this.inTarget.delete(t);
        stopped = stop(TERMINAL_STOP_GRACE_SECONDS);
      }
      const held = this.leases.get(t);
      if (held) {
        this.leases.delete(t);
        // The workspace is free once the command is stopped and the cosa locks it left are removed.
        void stopped.then(() => held.removeLeftoverLocks?.()).then((removed) => {
          for (const file of removed ?? []) {
            this.log.channel.warn(`${held.args.join(' ')}: removed ${file}, a lock cosa held when its terminal closed`);
          }
        }, () => undefined).finally(() => {
          held.lease.release();
          this.log.ended(held.args, { exitCode: t.exitStatus?.code }, Date.now() - held.startedAt);
        });
      }
    }));
  }

  dispose(): void {
    for (const held of this.leases.values()) held.lease.release();
    this.leases.clear();
    this.disposables.forEach((d) => d.dispose());
  }

  /** A purpose no other run of this window uses (`<prefix>-<pid>-<n>`): several containers at once. */
  uniquePurpose(prefix: string): string {
    this.counter += 1;
    return `${prefix}-${this.engine.ownerPid}-${this.counter}`;
  }

  /**
   * Trust, settings, runtime and the image, each failure explained to the
   * user; otherwise the reason in words (for a terminal that says why).
   * `action` names the gesture in the untrusted-workspace message; `root`: the workspace whose
   * builder (local or remote) the command runs on.
   */
  async prepare(action: string, root?: vscode.Uri): Promise<Prepared | { readonly reason: string }> {
    if (!trustedOrExplain(action)) {
      return { reason: vscode.l10n.t('this workspace is not trusted, and cosa runs a privileged container') };
    }
    const settings = readCosaSettingsOrExplain();
    if (!settings) {
      return { reason: vscode.l10n.t('a coreos.* setting is invalid (the notification says which)') };
    }
    let runtime: RuntimeInfo;
    try {
      runtime = await this.engine.runtime(settings.runtime);
    } catch (e) {
      const check = vscode.l10n.t('Check Prerequisites');
      const msg = e instanceof RuntimeNotFoundError ? e.message : vscode.l10n.t('Could not query {0}: {1}', settings.runtime, (e as Error).message);
      void vscode.window.showErrorMessage(msg, check).then((choice) => {
        if (choice === check) {
          void vscode.commands.executeCommand(COMMANDS.checkPrerequisites);
        }
      });
      return { reason: msg };
    }
    const unusable = root && this.builders ? await this.builders.useFor(root, settings.image) : undefined;
    if (unusable) {
      return { reason: unusable };
    }
    this.explainUnusedSettings(settings, runtime, root);
    // A missing image: offer the pull with progress before the runtime fails.
    // Once seen, an image is not looked up again in this session (src/vscode/cosaReadiness.ts);
    // a remote session or pod has its own image: the local one does not matter there.
    if (!this.engine.hasExecTargets() && !(await imageKnownPresent(runtime.path, settings.image))) {
      if (!(await ensureCosaImage(settings, runtime))) {
        return { reason: vscode.l10n.t('the cosa image {0} is not present locally and was not pulled', settings.image) };
      }
      markImagePresent(runtime.path, settings.image);
    }
    return { settings, runtime };
  }

  /** Settings that do not reach the workspace's remote session or pod, said once (src/vscode/unusedSettingsNotice.ts). */
  private explainUnusedSettings(settings: CosaSettings, runtime: RuntimeInfo, root: vscode.Uri | undefined): void {
    let target;
    try {
      target = root ? this.engine.target(root.fsPath, runtime) : undefined;
    } catch (e) {
      if (e instanceof RemoteBuilderError) {
        return; // an unusable COREOS_ASSEMBLER_REMOTE_SESSION: the command's start says why
      }
      throw e;
    }
    if (target) {
      this.unusedSettings.explain(settings, target);
    }
  }

  /**
   * What the build directory of `root` holds where its cosa runs ("is it initialised" for
   * Build, Fetch and Initialize): the local folder, or the session on the remote builder in
   * effect (opened on first use, as the command would) or the pod, one exec there. undefined:
   * the builder cannot be asked now; the command's own start says why.
   */
  async lookAtBuildDir(root: vscode.Uri): Promise<BuildDirLook | undefined> {
    try {
      const session = await this.buildDirSession(root);
      if (!session) {
        return { facts: await workspaceFacts(root) };
      }
      return { facts: session instanceof PodToBeMade ? session.facts() : await buildDirFacts(session), session };
    } catch (e) {
      // An unreachable builder or invalid settings: the command's own start explains it.
      if (e instanceof RemoteBuilderError || e instanceof SettingsError) {
        return undefined;
      }
      throw e;
    }
  }

  /**
   * The session on the remote builder in effect or the pod whose /srv is `root`'s build directory
   * (BuilderTarget.buildDirTarget); undefined: the local folder. Throws RemoteBuilderError, SettingsError.
   */
  async buildDirSession(root: vscode.Uri): Promise<RemoteSession | CosaPod | PodToBeMade | undefined> {
    return this.builders?.buildDirTarget(root, readCosaSettings().image);
  }

  /** Start `cosa <args>` (no terminal, -i). Throws InvocationError for settings that cannot work on this host. */
  start(launch: CosaLaunch, prepared: Prepared): CosaProcess {
    return this.engine.start({
      workspace: launch.root.fsPath, args: launch.args, purpose: launch.purpose, tty: false,
      settings: prepared.settings, runtime: prepared.runtime,
      ...(launch.mutating === undefined ? {} : { mutating: launch.mutating }),
    });
  }

  /**
   * Run `cosa <args>` behind a cancellable progress notification; Cancel
   * stops the container. undefined when it did not start (the user was told why).
   */
  async run(launch: ProgressLaunch): Promise<(CosaRunResult & { readonly image: string }) | undefined> {
    const prepared = await this.prepare(launch.title, launch.root);
    if ('reason' in prepared) {
      return undefined;
    }
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: launch.title, cancellable: true },
      (progress, token) => this.follow(this.start(launch, prepared), progress, token, launch.onLine),
    );
    return { ...result, image: prepared.settings.image };
  }

  /**
   * Until `p` ends: its lines to `onLine`, Cancel stops its container. Also
   * for a run started elsewhere (a task) that shows progress here.
   */
  async follow(
    p: CosaProcess,
    progress: vscode.Progress<{ message?: string }>,
    token: vscode.CancellationToken,
    onLine?: (line: string, stream: StreamName) => void,
  ): Promise<CosaRunResult> {
    const sub = onLine ? p.onLine(onLine) : undefined;
    const cancel = token.onCancellationRequested(() => {
      progress.report({ message: p.runsIn ? vscode.l10n.t('cancelling: stopping it in {0}', p.runsIn) : vscode.l10n.t('cancelling: stopping the container') });
      void p.cancel();
    });
    try {
      return await p.result;
    } finally {
      sub?.dispose();
      cancel.dispose();
    }
  }

  /**
   * Open `cosa <args>` in a real terminal (-ti), the runtime spawned with an
   * argv array. A command that changes the workspace holds its lock until the
   * terminal closes (refused, with the reason, while another one holds it).
   * Throws InvocationError; undefined when it did not start (the user was told why).
   */
  async openTerminal(launch: TerminalLaunch, action: string): Promise<LaunchedTerminal | undefined> {
    const prepared = await this.prepare(action, launch.root);
    if ('reason' in prepared) {
      return undefined;
    }
    let lease: WorkspaceLease | undefined;
    if (launch.mutating) {
      // Before the command line exists: a refused terminal must not adopt (and at deactivation stop) the holder's container.
      const name = requestContainerName({ workspace: launch.root.fsPath, purpose: launch.purpose, mutating: true });
      const got = this.engine.locks.tryAcquire(launch.root.fsPath, { args: launch.args, containerName: name, since: Date.now() });
      if ('heldBy' in got) {
        await this.refuseIfBusy(launch.root, action);
        return undefined;
      }
      lease = got;
    }
    let command: TerminalCommand;
    try {
      command = this.engine.terminalCommand({
        workspace: launch.root.fsPath, args: launch.args, purpose: launch.purpose, settings: prepared.settings, runtime: prepared.runtime,
        ...(launch.mutating ? { mutating: true } : {}),
        ...(launch.containerEnv ? { containerEnv: launch.containerEnv } : {}),
        ...(launch.kvmDevice === false ? { kvmDevice: false } : {}),
      });
    } catch (e) {
      lease?.release();
      throw e;
    }
    const terminal = vscode.window.createTerminal({
      name: launch.name,
      shellPath: command.executable,
      shellArgs: [...command.argv],
      cwd: launch.root,
      ...(command.env ? { env: envForTerminal(command.env), strictEnv: true } : {}),
      message: [...(launch.banner ?? []), ...command.preamble].join('\r\n'),
      iconPath: new vscode.ThemeIcon(launch.icon),
      ...(launch.transient ? { isTransient: true } : {}),
    });
    if (lease) {
      this.leases.set(terminal, { lease, args: launch.args, startedAt: Date.now(), ...(command.removeLeftoverLocks ? { removeLeftoverLocks: command.removeLeftoverLocks } : {}) });
    }
    if (command.stopInTarget) {
      this.inTarget.set(terminal, command.stopInTarget);
    }
    // Ended with the terminal (stopInTarget cancels it): a terminal whose builder went silent says so.
    command.watchContact?.((): void => {
      const close = vscode.l10n.t('Close Terminal');
      void vscode.window.showWarningMessage(
        vscode.l10n.t('{0}: no word from {1} for 30 seconds: the connection to it was lost, and the terminal will show nothing more. Closing it stops the command there once the builder answers again.', launch.name, command.containerName),
        close,
      ).then((c) => (c === close ? terminal.dispose() : undefined));
      this.log.channel.warn(`terminal "${launch.name}": the connection to ${command.containerName} was lost (no heartbeat for 30 s)`);
    });
    this.log.started([command.executable, ...command.argv].join(' '), launch.root.fsPath);
    terminal.show();
    const runtimePath = command.executable;
    return {
      terminal, containerName: command.containerName, runtimePath,
      stop: command.stopInTarget ?? ((grace) => new ContainerCli(runtimePath).stopAndRemove(command.containerName, grace).catch(() => false)),
    };
  }

  /**
   * The busy check: true, with a message naming what holds `root` and a Show
   * button, when a command that changes it runs there (or `starting`, a task
   * asked for and not started yet). `action` names what was not started.
   */
  async refuseIfBusy(root: vscode.Uri, action: string, starting?: string): Promise<boolean> {
    const holder = this.engine.locks.holder(root.fsPath);
    if (!holder && !starting) {
      return false;
    }
    if (holder?.args[0] === 'shell') {
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t(
          '{0} was not started: the Assembler Shell is open in this workspace, and two cosa commands must never change one build directory at once. Run it in the shell, or close the shell first.',
          action,
        ),
        SHOW,
      );
      if (choice === SHOW) {
        await vscode.commands.executeCommand(COMMANDS.openShell);
      }
      return true;
    }
    const running = holder ? `cosa ${holder.args.join(' ')}` : `cosa ${starting}`;
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} was not started: {1} is already running in this workspace. cosa has no lock of its own; wait for it to finish or cancel it.', action, running),
      SHOW,
    );
    if (choice === SHOW) {
      await vscode.commands.executeCommand(COMMANDS.showRunningCosa);
    }
    return true;
  }
}

/** A process environment as TerminalOptions.env takes it (no undefined values). */
function envForTerminal(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
