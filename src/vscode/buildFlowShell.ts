// CoreOS: Open Assembler Shell: an interactive terminal running `cosa shell`
// (bash in a cosa container for this workspace) with a real TTY. The user types
// `cosa ...` there, so while it is open it holds the workspace lock like a
// running build: builds from the UI are refused with a clear message (two cosa
// commands must never change one build directory at once). Its container is
// labelled as changing the workspace, so other windows see it too.

import * as vscode from 'vscode';
import { cosaPreamble, cosaRunArgv, InvocationError, requestContainerName } from '../cosa/invocation';
import { CosaEngine } from '../engine/cosaProcess';
import { WorkspaceLease } from '../engine/workspaceLock';
import { prepareCosa } from './cosaTerminal';
import { CosaOutputLog } from './outputLog';

const PURPOSE = 'shell';

export class AssemblerShells implements vscode.Disposable {
  private readonly open = new Map<string, { terminal: vscode.Terminal; lease: WorkspaceLease; startedAt: number }>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly engine: CosaEngine, private readonly log: CosaOutputLog) {
    this.disposables.push(vscode.window.onDidCloseTerminal((t) => {
      for (const [ws, s] of this.open) {
        if (s.terminal === t) {
          s.lease.release();
          this.open.delete(ws);
          this.log.ended(['shell'], { exitCode: t.exitStatus?.code }, Date.now() - s.startedAt);
        }
      }
    }));
  }

  terminal(root: vscode.Uri): vscode.Terminal | undefined {
    return this.open.get(root.fsPath)?.terminal;
  }

  async openShell(root: vscode.Uri): Promise<vscode.Terminal | undefined> {
    const existing = this.open.get(root.fsPath);
    if (existing) {
      existing.terminal.show();
      return existing.terminal;
    }
    const prepared = await prepareCosa(this.engine);
    if (!prepared) {
      return undefined;
    }
    const name = requestContainerName({ workspace: root.fsPath, purpose: PURPOSE, mutating: true });
    const got = this.engine.locks.tryAcquire(root.fsPath, { args: ['shell'], containerName: name, since: Date.now() });
    if ('heldBy' in got) {
      void vscode.window.showWarningMessage(
        `The Assembler Shell was not opened: cosa ${got.heldBy.args.join(' ')} is running in this workspace. ` +
        'Wait for it to finish or cancel it, then open the shell.',
      );
      return undefined;
    }
    let argv: string[];
    try {
      argv = cosaRunArgv(prepared.settings, {
        workspace: root.fsPath, args: ['shell'], tty: true, purpose: PURPOSE, ownerPid: this.engine.ownerPid, mutating: true,
      }, prepared.runtime);
    } catch (e) {
      got.release();
      if (e instanceof InvocationError) {
        void vscode.window.showErrorMessage(`CoreOS Assembler: ${e.message}`);
        return undefined;
      }
      throw e;
    }
    const terminal = vscode.window.createTerminal({
      name: 'CoreOS Assembler Shell',
      shellPath: prepared.runtime.path,
      shellArgs: argv,
      cwd: root,
      message: [
        ...cosaPreamble(prepared.settings, process.env, prepared.runtime.kind, argv),
        'Type cosa commands here (e.g. cosa build). Builds from the UI wait until this shell is closed.',
      ].join('\r\n'),
      iconPath: new vscode.ThemeIcon('terminal'),
    });
    this.engine.adopt(name, prepared.runtime);
    this.open.set(root.fsPath, { terminal, lease: got, startedAt: Date.now() });
    this.log.started([prepared.runtime.path, ...argv].join(' '), root.fsPath);
    terminal.show();
    return terminal;
  }

  dispose(): void {
    for (const s of this.open.values()) {
      s.lease.release();
    }
    this.open.clear();
    this.disposables.forEach((d) => d.dispose());
  }
}
