// The `cosa` task type: fetch, build and the image builds as tasks (also in
// tasks.json: {"type": "cosa", "command": "build", "args": ["--force"]}),
// each a CustomExecution whose CosaPseudoterminal streams the container's
// output with its colours; Terminate Task stops the container. Every run is
// tracked (CosaRuns) so the status bar, progress, notifications and the log
// follow it, however it was started.

import * as vscode from 'vscode';
import { CosaOutcome, CosaPhase, CosaPhaseTracker } from '../cosa/buildPhases';
import { COSA_TASK_TYPE, CosaTaskDefinition, taskDefinitionArgs, taskName } from '../cosa/taskArgs';
import { CosaProcess, CosaRunResult } from '../engine/cosaProcess';
import { CosaPseudoterminal } from './cosaPseudoterminal';
import { CosaLauncher } from './cosaLauncher';
import { CosaOutputLog } from './outputLog';
import { initMissingReason, needsInit } from '../cosa/workspaceKind';

/**
 * Problem matchers contributed in package.json: only `fatal:`/`error:` lines
 * that name a file in the workspace with a line number. cosa's other failure
 * lines (`failed to execute cmd-build: exit status 1`, `fatal: Missing
 * /dev/kvm`) name no file: the terminal and the failure notification report
 * them, never the Problems panel (it would file them against a file that
 * does not exist).
 */
export const COSA_PROBLEM_MATCHERS = ['$cosa-fatal', '$cosa-error'];

export interface CosaRun {
  readonly id: number;
  readonly root: vscode.Uri;
  readonly args: readonly string[];
  /** The task's name (`build`, `osbuild --build X qemu`). */
  readonly name: string;
  readonly process: CosaProcess;
  readonly startedAt: number;
  readonly phases: CosaPhaseTracker;
  /** The task terminal, once known. */
  terminal?: vscode.Terminal;
  readonly done: Promise<CosaRunResult>;
}

export interface CosaRunEnd {
  readonly run: CosaRun;
  readonly result: CosaRunResult;
  readonly outcome: CosaOutcome | undefined;
}

/** Runs of cosa commands started through tasks, per workspace. */
export class CosaRuns implements vscode.Disposable {
  private readonly started = new vscode.EventEmitter<CosaRun>();
  private readonly phaseChanged = new vscode.EventEmitter<{ run: CosaRun; phase: CosaPhase }>();
  private readonly ended = new vscode.EventEmitter<CosaRunEnd>();
  readonly onDidStart = this.started.event;
  readonly onDidChangePhase = this.phaseChanged.event;
  readonly onDidEnd = this.ended.event;
  private readonly active = new Set<CosaRun>();
  private nextId = 1;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly log: CosaOutputLog) {
    this.disposables.push(vscode.window.onDidOpenTerminal((t) => this.adoptTerminal(t)));
  }

  /** Terminal names of task terminals carry the task label (`cosa: build`). */
  private adoptTerminal(t: vscode.Terminal): void {
    for (const run of this.active) {
      if (!run.terminal && terminalMatches(t, run.name)) {
        run.terminal = t;
        return;
      }
    }
  }

  track(root: vscode.Uri, name: string, p: CosaProcess): CosaRun {
    const phases = new CosaPhaseTracker();
    const run: CosaRun = { id: this.nextId++, root, args: p.args, name, process: p, startedAt: Date.now(), phases, done: p.result };
    run.terminal = [...vscode.window.terminals].reverse().find((t) => terminalMatches(t, name));
    this.active.add(run);
    this.log.started(p.commandLine, root.fsPath);
    const sub = p.onLine((line) => {
      const phase = phases.push(line);
      if (phase) {
        this.phaseChanged.fire({ run, phase });
      }
    });
    this.started.fire(run);
    void p.result.then((result) => {
      sub.dispose();
      this.active.delete(run);
      this.log.ended(p.args, result, Date.now() - run.startedAt);
      this.ended.fire({ run, result, outcome: result.exitCode === 0 && !result.cancelled ? phases.outcome() : undefined });
    });
    return run;
  }

  running(root?: vscode.Uri): CosaRun[] {
    return [...this.active].filter((r) => !root || r.root.toString() === root.toString());
  }

  dispose(): void {
    this.started.dispose();
    this.phaseChanged.dispose();
    this.ended.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}

function terminalMatches(t: vscode.Terminal, name: string): boolean {
  return t.name === name || t.name === `cosa: ${name}` || t.name.endsWith(`: ${name}`) || t.name.includes(`cosa: ${name}`);
}

export interface CosaTaskDeps {
  readonly launcher: CosaLauncher;
  readonly runs: CosaRuns;
  readonly log: CosaOutputLog;
  /** Builds' progress, notifications etc. hook in here too. */
  readonly root: () => vscode.Uri | undefined;
}

export class CosaTaskProvider implements vscode.TaskProvider {
  constructor(private readonly deps: CosaTaskDeps) {}

  provideTasks(): vscode.Task[] {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      return [];
    }
    const defs: CosaTaskDefinition[] = [
      { type: COSA_TASK_TYPE, command: 'fetch' },
      { type: COSA_TASK_TYPE, command: 'build' },
      { type: COSA_TASK_TYPE, command: 'osbuild', args: ['qemu'] },
      { type: COSA_TASK_TYPE, command: 'osbuild', args: ['metal', 'metal4k'] },
      { type: COSA_TASK_TYPE, command: 'osbuild', args: ['live'] },
    ];
    return defs.map((d) => this.task(d, folder));
  }

  resolveTask(task: vscode.Task): vscode.Task | undefined {
    const def = task.definition as CosaTaskDefinition;
    const folder = task.scope !== undefined && typeof task.scope === 'object' ? task.scope : vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      return undefined;
    }
    // resolveTask must keep the definition it was given.
    return this.task(def, folder, task.definition);
  }

  /** A runnable task for a definition (the commands run these through vscode.tasks.executeTask). */
  task(def: CosaTaskDefinition, folder: vscode.WorkspaceFolder, original?: vscode.TaskDefinition): vscode.Task {
    const name = taskName(def);
    const task = new vscode.Task(
      original ?? def,
      folder,
      name,
      COSA_TASK_TYPE,
      new vscode.CustomExecution(async () => this.pseudoterminal(def, folder.uri, name)),
      COSA_PROBLEM_MATCHERS,
    );
    if (def.command === 'build' || def.command === 'osbuild' || def.command.startsWith('buildextend-')) {
      task.group = vscode.TaskGroup.Build;
    } else if (def.command === 'clean' || def.command === 'prune') {
      task.group = vscode.TaskGroup.Clean;
    }
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true, echo: false };
    task.detail = vscode.l10n.t('cosa {0} in {1}', name, folder.name);
    return task;
  }

  private pseudoterminal(def: CosaTaskDefinition, root: vscode.Uri, name: string): vscode.Pseudoterminal {
    const { launcher, runs, log } = this.deps;
    return new CosaPseudoterminal(async () => {
      const parsed = taskDefinitionArgs(def);
      if ('error' in parsed) {
        log.ended([def.command ?? ''], { error: parsed.error }, 0);
        throw new Error(vscode.l10n.t('cosa task: {0}', parsed.error));
      }
      // A cosa build or fetch from tasks.json in a folder without a finished cosa init.
      const look = needsInit(parsed.args) ? await launcher.lookAtBuildDir(root) : undefined;
      const notInitialized = look && initMissingReason(look.facts, parsed.args);
      if (notInitialized) {
        log.ended(parsed.args, { error: notInitialized }, 0);
        throw new Error(vscode.l10n.t('{0} Run CoreOS: Initialize Workspace (cosa init).', notInitialized));
      }
      const what = `cosa ${parsed.args[0] ?? ''}`;
      const prepared = await launcher.prepare(what, root);
      if ('reason' in prepared) {
        log.ended(parsed.args, { error: prepared.reason }, 0);
        throw new Error(vscode.l10n.t('{0} did not start: {1}.', what, prepared.reason));
      }
      const p = launcher.start({ root, args: parsed.args, purpose: def.command }, prepared);
      runs.track(root, name, p);
      return p;
    }, { closeOnExit: true, keepLogAs: `cosa: ${name}` });
  }
}
