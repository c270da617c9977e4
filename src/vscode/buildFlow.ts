// The build flow around the tasks: start a cosa task unless one that changes
// the build directory is running (then say so, with a button to show it),
// progress with the phase read from the log (cancellable: the container is
// stopped), and what happened at the end: a new build with a button to reveal
// it, "nothing changed", images generated, or the failure.

import * as vscode from 'vscode';
import { describeCosaFailure } from '../cosa/cosaFailure';
import { isMutating } from '../cosa/invocation';
import { COSA_TASK_TYPE, CosaTaskDefinition, isLongCommand, legacyImageCommands } from '../cosa/taskArgs';
import { COMMANDS } from '../commandIds';
import { BuildsTreeNode, BuildsTreeProvider } from './buildsTree';
import { CosaRun, CosaRunEnd, CosaRuns, CosaTaskProvider } from './tasks';
import { knownProblemNotified } from './knownProblemNotifier';
import { InitLeft, InitLeftovers } from './initLeftovers';
import { initMissingReason, needsInit } from '../cosa/workspaceKind';
import { CosaLauncher } from './cosaLauncher';

export interface BuildFlowDeps {
  readonly launcher: CosaLauncher;
  readonly runs: CosaRuns;
  readonly tasks: CosaTaskProvider;
  readonly tree?: BuildsTreeProvider;
  readonly treeView?: vscode.TreeView<BuildsTreeNode>;
  /** Where a gesture that starts nothing says why, besides its notification (which hides after a while). */
  readonly log?: vscode.LogOutputChannel;
}

const SHOW = vscode.l10n.t('Show');
const SHOW_OUTPUT = vscode.l10n.t('Show Output');
const REVEAL = vscode.l10n.t('Reveal in Builds');

export class BuildFlow implements vscode.Disposable {
  /** Workspaces whose task was asked for and has not started its container yet. */
  private readonly starting = new Map<string, { name: string; execution?: vscode.TaskExecution }>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Commands still to run after the current one succeeds (legacy buildextend-<p>, one per platform). */
  private readonly followUps = new Map<string, string[][]>();
  /** Runs whose caller (runToEnd) acts on success itself: no "finished" notification of ours. */
  private readonly callerHandlesSuccess = new WeakSet<CosaRun>();
  /** What existed before each cosa init, so a failed one can say (and remove) what it left. */
  private readonly initLeftovers: InitLeftovers;

  constructor(private readonly deps: BuildFlowDeps) {
    this.initLeftovers = new InitLeftovers((root) => deps.launcher.buildDirSession(root));
    this.disposables.push(
      deps.runs.onDidStart((run) => {
        this.starting.delete(run.root.fsPath);
        if (isLongCommand(run.args)) {
          this.showProgress(run);
        }
      }),
      deps.runs.onDidEnd((end) => void this.finished(end)),
      vscode.tasks.onDidEndTask((e) => {
        for (const [ws, s] of this.starting) {
          if (s.execution === e.execution) {
            this.starting.delete(ws);
          }
        }
      }),
    );
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }

  /**
   * Run `cosa <args>` as a task in `root` (a workspace folder; the command
   * table checked that one is open and trusted). A command that changes the
   * build directory is refused while another one (or the Assembler Shell) holds it.
   */
  async run(root: vscode.Uri, args: readonly string[]): Promise<vscode.TaskExecution | undefined> {
    const folder = vscode.workspace.getWorkspaceFolder(root) ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      return undefined;
    }
    const def: CosaTaskDefinition = { type: COSA_TASK_TYPE, command: args[0]!, args: args.slice(1) };
    if (isMutating(args) && (await this.deps.launcher.refuseIfBusy(root, `cosa ${args[0]}`, this.starting.get(root.fsPath)?.name))) {
      this.deps.log?.warn(`cosa ${args.join(' ')}: not started, the workspace is busy`);
      return undefined;
    }
    const task = this.deps.tasks.task(def, folder);
    const key = root.fsPath;
    const entry: { name: string; execution?: vscode.TaskExecution } = { name: task.name };
    if (isMutating(args)) {
      this.starting.set(key, entry);
    }
    if (args[0] === 'init') {
      await this.initLeftovers.recordBefore(root);
    }
    try {
      this.deps.log?.info(`cosa ${args.join(' ')}: task ${task.name} handed to the editor`);
      entry.execution = await vscode.tasks.executeTask(task);
      return entry.execution;
    } catch (e) {
      this.starting.delete(key);
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not start cosa {0}: {1}', args.join(' '), (e as Error).message));
      return undefined;
    }
  }

  /**
   * cosa build and fetch need a finished cosa init (src/config, builds/,
   * tmp/): in any other folder they fail inside the container with a cryptic
   * `mkdir: cannot create directory '/srv/tmp/build'`. True when `cosa <args>`
   * may run in `root`; otherwise "Initialize first" with the button that does it.
   */
  async initializedOrExplain(root: vscode.Uri, args: readonly string[]): Promise<boolean> {
    if (!needsInit(args)) {
      return true;
    }
    // Judged where cosa runs: with a remote builder, its session's build directory.
    const look = await this.deps.launcher.lookAtBuildDir(root);
    const missing = look && initMissingReason(look.facts, args);
    if (!missing) {
      return true;
    }
    const reason = look.session ? vscode.l10n.t('{0} (The build directory is that of {1}.)', missing, look.session.description) : missing;
    this.deps.log?.warn(reason);
    const initialize = vscode.l10n.t('Initialize');
    void vscode.window.showWarningMessage(reason, initialize).then((choice) => {
      if (choice === initialize) {
        void vscode.commands.executeCommand(COMMANDS.init);
      }
    });
    return false;
  }

  /** run(), after initializedOrExplain(): nothing starts in a folder without a finished cosa init. */
  async runInitialized(root: vscode.Uri, args: readonly string[]): Promise<vscode.TaskExecution | undefined> {
    return (await this.initializedOrExplain(root, args)) ? this.run(root, args) : undefined;
  }

  /**
   * Run `cosa <args>` as a task like run() (same terminal, progress, status
   * item, failure notification with Show Output) and resolve when it ends:
   * undefined when it did not start. On success no notification is shown:
   * the caller goes on (e.g. boots the image it just built). `lines`: the
   * command's output lines, for callers that read cosa's reason for a failure.
   */
  runToEnd(root: vscode.Uri, args: readonly string[]): Promise<(CosaRunEnd & { lines: readonly string[] }) | undefined> {
    return new Promise((resolve) => {
      let mine: CosaRun | undefined;
      const lines: string[] = [];
      let execution: vscode.TaskExecution | undefined;
      let settled = false;
      const subs: vscode.Disposable[] = [];
      const settle = (end: CosaRunEnd | undefined) => {
        if (!settled) {
          settled = true;
          subs.forEach((d) => d.dispose());
          resolve(end ? { ...end, lines } : undefined);
        }
      };
      subs.push(
        // Subscribed before the task starts, so its run cannot be missed.
        this.deps.runs.onDidStart((r) => {
          if (!mine && r.root.fsPath === root.fsPath && sameArgs(r.args, args)) {
            mine = r;
            r.process.onLine((line) => lines.push(line));
            this.callerHandlesSuccess.add(r);
          }
        }),
        this.deps.runs.onDidEnd((e) => {
          if (e.run === mine) {
            settle(e);
          }
        }),
        // The task ended without a cosa run (refused before the container started: the terminal says why).
        vscode.tasks.onDidEndTask((e) => {
          if (execution && e.execution === execution && !mine) {
            settle(undefined);
          }
        }),
      );
      void this.run(root, args).then((started) => {
        execution = started;
        if (!started) {
          settle(undefined);
        }
      });
    });
  }

  /** What the build directory holds where the workspace's cosa runs (src/vscode/cosaLauncher.ts lookAtBuildDir). */
  lookAtBuildDir(root: vscode.Uri): ReturnType<CosaLauncher['lookAtBuildDir']> {
    return this.deps.launcher.lookAtBuildDir(root);
  }

  /** Bring the terminal of the running cosa command of `root` to the front. */
  showRunning(root?: vscode.Uri): void {
    const run = this.deps.runs.running(root).at(-1);
    if (run?.terminal) {
      run.terminal.show();
      return;
    }
    const name = run?.name ?? (root ? this.starting.get(root.fsPath)?.name : undefined);
    const t = name ? vscode.window.terminals.find((x) => x.name.includes(name)) : undefined;
    if (t) {
      t.show();
    } else {
      void vscode.commands.executeCommand('workbench.action.tasks.showTasks');
    }
  }

  private showProgress(run: CosaRun): void {
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `cosa ${run.args.join(' ')}`, cancellable: true },
      async (progress, token) => {
        progress.report({ message: run.phases.phase?.label ?? vscode.l10n.t('starting the container') });
        const sub = this.deps.runs.onDidChangePhase((e) => {
          if (e.run === run) {
            progress.report({ message: e.phase.label });
          }
        });
        await this.deps.launcher.follow(run.process, progress, token).finally(() => sub.dispose());
      },
    );
  }

  private async finished({ run, result, outcome }: CosaRunEnd): Promise<void> {
    const what = `cosa ${run.args.join(' ')}`;
    if (isMutating(run.args)) {
      void this.deps.tree?.refresh();
    }
    if (result.cancelled) {
      void vscode.window.showInformationMessage(run.process.runsIn
        ? vscode.l10n.t('{0} was cancelled; it was stopped in {1}.', what, run.process.runsIn)
        : vscode.l10n.t('{0} was cancelled; its container was stopped.', what));
      return;
    }
    if (result.failure?.kind === 'workspace-busy') {
      const choice = await vscode.window.showWarningMessage(result.failure.message, SHOW);
      if (choice === SHOW) {
        this.showRunning(run.root);
      }
      return;
    }
    if (run.args[0] === 'init') {
      const left = await this.initLeftovers.leftBy(run.root);
      if (result.exitCode !== 0 && left.entries.length) {
        await this.initFailed(run, result, left);
        return;
      }
    }
    if (result.exitCode !== 0) {
      this.followUps.delete(run.root.fsPath);
      if (result.failure?.kind === 'unknown-command' && result.failure.command === 'osbuild') {
        // Legacy cosa (before cmd-osbuild): one buildextend-<platform> per image.
        const legacy = legacyImageCommands(run.args);
        const choice = await vscode.window.showErrorMessage(
          vscode.l10n.t('This cosa has no "osbuild" command (legacy cosa). Build the images with {0} instead?', legacy.map((a) => `cosa ${a[0]}`).join(', ')),
          vscode.l10n.t('Use buildextend'),
        );
        if (choice && legacy.length) {
          this.followUps.set(run.root.fsPath, legacy.slice(1));
          await this.run(run.root, legacy[0]!);
        }
        return;
      }
      if (knownProblemNotified(run.process)) {
        return; // one failure, one notification: the known problem's says what to do
      }
      const message = result.failure ? describeCosaFailure(result.failure, run.args) : vscode.l10n.t('{0} failed (exit code {1})', what, result.exitCode);
      const choice = await vscode.window.showErrorMessage(message, SHOW_OUTPUT);
      if (choice === SHOW_OUTPUT) {
        run.terminal?.show();
      }
      return;
    }
    const next = this.followUps.get(run.root.fsPath)?.shift();
    if (next) {
      await this.run(run.root, next);
    } else {
      this.followUps.delete(run.root.fsPath);
    }
    if (this.callerHandlesSuccess.has(run)) {
      return;
    }
    switch (outcome?.kind) {
      case 'imported': {
        const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Build {0} finished.', outcome.buildId), REVEAL);
        if (choice) {
          await this.reveal(outcome.buildId);
        }
        return;
      }
      case 'unchanged': {
        const choice = await vscode.window.showInformationMessage(
          outcome.legacy
            ? vscode.l10n.t('Nothing changed, no new build: No changes in build inputs since the latest build. Build with --force to import a new build anyway.')
            : vscode.l10n.t('Nothing changed, no new build: The input hash is unchanged since the latest build. Build with --force to import a new build anyway.'),
          vscode.l10n.t('Build with --force'),
        );
        if (choice) {
          await this.run(run.root, ['build', '--force', ...run.args.slice(1).filter((a) => a !== '--force')]);
        }
        return;
      }
      case 'exists':
        void vscode.window.showWarningMessage(vscode.l10n.t('Build {0} ({1}) already exists; cosa made no new build.', outcome.buildId, outcome.arch));
        return;
      case 'images': {
        const buildId = buildOption(run.args);
        const choice = await vscode.window.showInformationMessage(
          vscode.l10n.t('{0} finished: {1}.', what, outcome.files.join(', ')),
          REVEAL,
        );
        if (choice) {
          await this.reveal(buildId ?? (await this.latestId()));
        }
        return;
      }
      case 'already-built':
        void vscode.window.showInformationMessage(vscode.l10n.t('{0}: all requested images had already been built.', what));
        return;
      case 'initialized': {
        const choice = await vscode.window.showInformationMessage(vscode.l10n.t('The folder is now a coreos-assembler working directory.'), vscode.l10n.t('Build'));
        if (choice) {
          await this.run(run.root, ['build']);
        }
        return;
      }
      default:
        vscode.window.setStatusBarMessage(`$(check) ${vscode.l10n.t('{0} finished', what)}`, 5000);
    }
  }

  /** A failed cosa init that left `left` behind (locally or in the session's /srv): say what and where, and offer to remove exactly that there. */
  private async initFailed(run: CosaRun, result: CosaRunEnd['result'], left: InitLeft): Promise<void> {
    const why = (result.failure ? describeCosaFailure(result.failure, run.args) : vscode.l10n.t('cosa init failed (exit code {0})', result.exitCode)).replace(/\.$/, '');
    const names = left.entries.map((e) => `${e}/`).join(', ');
    const remove = vscode.l10n.t('Remove What It Left');
    const choice = await vscode.window.showErrorMessage(
      left.session
        ? vscode.l10n.t('{0}. It left {1} behind in {2}: the next cosa init would need --force, and would keep that src/config instead of cloning again.', why, names, left.session.description)
        : vscode.l10n.t('{0}. It left {1} behind: the next cosa init would need --force, and would keep that src/config instead of cloning again.', why, names),
      remove, SHOW_OUTPUT,
    );
    if (choice === remove) {
      try {
        await InitLeftovers.remove(run.root, left);
        void vscode.window.setStatusBarMessage(`$(check) ${vscode.l10n.t('Removed {0}', names)}`, 5000);
      } catch (e) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Could not remove {0}: {1}', names, (e as Error).message));
      }
      void this.deps.tree?.refresh();
      await vscode.commands.executeCommand(COMMANDS.refresh);
    } else if (choice === SHOW_OUTPUT) {
      run.terminal?.show();
    }
  }

  private async latestId(): Promise<string | undefined> {
    for (const n of (await this.deps.tree?.getChildren()) ?? []) {
      if (n.kind === 'build' && n.latest) {
        return n.id;
      }
    }
    return undefined;
  }

  /** Select a build in the CoreOS Builds view (reads builds.json afresh). */
  async reveal(buildId: string | undefined): Promise<void> {
    const { tree, treeView } = this.deps;
    if (!buildId || !tree || !treeView) {
      return;
    }
    void tree.refresh();
    const nodes = await tree.getChildren();
    const node = nodes.find((n) => n.kind === 'build' && n.id === buildId);
    if (node) {
      await treeView.reveal(node, { select: true, focus: true, expand: true });
    } else {
      void vscode.window.showWarningMessage(vscode.l10n.t('Build {0} is not in builds/builds.json (pruned?).', buildId));
    }
  }
}

function sameArgs(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function buildOption(args: readonly string[]): string | undefined {
  const i = args.indexOf('--build');
  if (i >= 0) {
    return args[i + 1];
  }
  return args.find((a) => a.startsWith('--build='))?.slice('--build='.length);
}
