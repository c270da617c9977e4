// A vscode.Pseudoterminal that runs one CosaProcess: shows the preamble (the
// COREOS_ASSEMBLER_* values and "+ <command line>", like the alias' `env |
// grep` and `set -x`), streams the output with \r\n, cancels on Ctrl-C or when
// the terminal is closed (the container is stopped through the runtime), and
// reports the exit code. Works from a CustomExecution task (the task ends
// with cosa's exit code) and from createTerminal({ pty }).

import * as vscode from 'vscode';
import { describeCosaFailure } from '../cosa/cosaFailure';
import { CosaProcess, CosaRunResult } from '../engine/cosaProcess';
import { watchForKnownProblems } from './knownProblemNotifier';

export interface CosaPseudoterminalOptions {
  /** Close as soon as cosa exits (tasks: the exit code ends the task). Else wait for a key. */
  readonly closeOnExit?: boolean;
  /** Called once with the result (also when the start itself failed). */
  readonly onResult?: (result: CosaRunResult | undefined, error?: Error) => void;
  /**
   * When the terminal is closed while cosa runs (Terminate Task disposes the
   * task's terminal), reopen the log in a terminal of this name once the
   * container has stopped, ending with the same "cancelled" line the
   * progress toast's Cancel leaves in the task terminal.
   */
  readonly keepLogAs?: string;
}

/** How much of the output is kept for a terminal reopened after Terminate Task (the newest part). */
const KEPT_LOG_CHARS = 4 * 1024 * 1024;

const DIM = '\x1b[2m';
const BOLD_RED = '\x1b[1;31m';
const GREEN = '\x1b[32m';
const YELLOW = '\x1b[33m';
const RESET = '\x1b[0m';

/** \n -> \r\n without doubling an existing \r\n. */
export function toTerminalText(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

/** The line a cancelled run ends with: a local container is stopped; by exec, the command is stopped and its container (a session) stays. */
export function cancelledLine(p: Pick<CosaProcess, 'args' | 'containerName' | 'runsIn'>): string {
  return p.runsIn
    ? vscode.l10n.t('cosa {0} cancelled; it was stopped in {1}, which stays for the next command.', p.args[0] ?? '', p.runsIn)
    : vscode.l10n.t('cosa {0} cancelled; container {1} stopped.', p.args[0] ?? '', p.containerName);
}

export class CosaPseudoterminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private process: CosaProcess | undefined;
  private done = false;
  private closed = false;
  private cancelRequested = false;
  private readonly disposables: { dispose(): void }[] = [];
  /** Everything written, for keepLogAs (bounded: the oldest chunks go first). */
  private readonly log: string[] = [];
  private logChars = 0;

  /** `start` creates the process when the terminal opens (so nothing runs for a terminal never shown). */
  constructor(private readonly start: () => CosaProcess | Promise<CosaProcess>, private readonly options: CosaPseudoterminalOptions = {}) {}

  open(): void {
    void this.run();
  }

  private write(text: string): void {
    const out = toTerminalText(text);
    if (this.options.keepLogAs !== undefined) {
      this.log.push(out);
      this.logChars += out.length;
      while (this.logChars > KEPT_LOG_CHARS && this.log.length > 1) {
        this.logChars -= this.log.shift()!.length;
      }
    }
    if (!this.closed) {
      this.writeEmitter.fire(out);
    }
  }

  /** The terminal went away while cosa ran: show the whole log, and how it ended, in a new one. */
  private reopenLog(): void {
    if (this.options.keepLogAs === undefined || !this.closed) {
      return;
    }
    const writes = new vscode.EventEmitter<string>();
    const closes = new vscode.EventEmitter<void>();
    const log = this.log.join('');
    const pty: vscode.Pseudoterminal = {
      onDidWrite: writes.event,
      onDidClose: closes.event,
      open: () => writes.fire(`${log}${DIM}${vscode.l10n.t("The task's terminal was closed; this is its log. Press any key to close.")}${RESET}\r\n`),
      close: () => {
        writes.dispose();
        closes.dispose();
      },
      handleInput: () => closes.fire(),
    };
    vscode.window.createTerminal({ name: this.options.keepLogAs, pty, isTransient: true }).show(true);
  }

  private async run(): Promise<void> {
    let p: CosaProcess;
    try {
      p = await this.start();
    } catch (e) {
      this.write(`${BOLD_RED}${(e as Error).message}${RESET}\n`);
      this.options.onResult?.(undefined, e as Error);
      this.finish(1);
      return;
    }
    this.process = p;
    if (this.closed || this.cancelRequested) {
      // Closed or Ctrl-C while the start was still preparing (settings, the pull
      // dialog): cancel now, or the container would run with nothing left to stop it.
      void p.cancel();
    }
    this.disposables.push(watchForKnownProblems(p));
    for (const line of p.preamble) {
      this.write(`${DIM}${line}${RESET}\n`);
    }
    this.disposables.push(p.onData((chunk) => this.write(chunk)));
    const result = await p.result;
    this.disposables.forEach((d) => d.dispose());
    if (result.cancelled) {
      this.write(`\n${YELLOW}${cancelledLine(p)}${RESET}\n`);
    } else if (result.exitCode === 0) {
      this.write(`\n${GREEN}${vscode.l10n.t('cosa {0} finished (exit code 0).', p.args[0] ?? '')}${RESET}\n`);
    } else {
      const why = result.failure ? describeCosaFailure(result.failure, p.args) : vscode.l10n.t('exit code {0}', result.exitCode);
      this.write(`\n${BOLD_RED}${vscode.l10n.t('{0} (exit code {1})', why, result.exitCode)}${RESET}\n`);
    }
    this.options.onResult?.(result);
    this.reopenLog();
    this.finish(result.cancelled ? 130 : result.exitCode);
  }

  private finish(code: number): void {
    this.done = true;
    if (this.options.closeOnExit ?? true) {
      this.closeEmitter.fire(code);
    } else {
      this.write(`${DIM}${vscode.l10n.t('Press any key to close the terminal.')}${RESET}\n`);
    }
  }

  handleInput(data: string): void {
    if (this.done) {
      if (!(this.options.closeOnExit ?? true)) {
        this.closeEmitter.fire();
      }
      return;
    }
    if (data === '\x03') {
      const p = this.process;
      // not localised: ^C echoes the key, as a shell does
      this.write(`^C\n${YELLOW}${p?.runsIn
        ? vscode.l10n.t('Cancelling: stopping cosa {0} in {1}...', p.args[0] ?? '', p.runsIn)
        : vscode.l10n.t('Cancelling: stopping container {0}...', p?.containerName ?? '')}${RESET}\n`);
      this.cancelRequested = true;
      void this.process?.cancel();
      return;
    }
    // cosa runs with -i: pass input on (answers to prompts, if any).
    this.process?.write(data.replace(/\r/g, '\n'));
  }

  close(): void {
    // The user closed the terminal (or the task was terminated): stop the container.
    this.closed = true;
    if (!this.done) {
      void this.process?.cancel();
    }
  }
}
