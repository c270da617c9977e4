// The "CoreOS Assembler" LogOutputChannel: every cosa invocation with its
// argv, exit code and duration. The level is the user's (Developer: Set Log Level).

import * as vscode from 'vscode';

export class CosaOutputLog implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor() {
    this.channel = vscode.window.createOutputChannel(vscode.l10n.t('CoreOS Assembler'), { log: true });
  }

  started(commandLine: string, workspace: string): void {
    this.channel.info(`start in ${workspace}: ${commandLine}`);
  }

  ended(args: readonly string[], outcome: { exitCode?: number; cancelled?: boolean; error?: string }, durationMs: number): void {
    const what = `cosa ${args.join(' ')}`;
    const secs = `${(durationMs / 1000).toFixed(1)} s`;
    if (outcome.error !== undefined) {
      this.channel.error(`${what}: did not start: ${outcome.error} (${secs})`);
    } else if (outcome.cancelled) {
      this.channel.warn(`${what}: cancelled, exit code ${outcome.exitCode ?? '?'}, after ${secs}`);
    } else if (outcome.exitCode === 0) {
      this.channel.info(`${what}: exit code 0 after ${secs}`);
    } else {
      this.channel.error(`${what}: exit code ${outcome.exitCode ?? '?'} after ${secs}`);
    }
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
