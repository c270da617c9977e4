// Known first-run problems in a running cosa command's output become an
// actionable notification: what happened, what to do, and a button that
// opens the prerequisites report at the row with the fix (or pulls the
// image). watchForKnownProblems() is for anyone who starts a CosaProcess;
// every CosaPseudoterminal calls it.

import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds';
import { KnownProblem, KnownProblemCollector } from '../cosa/knownProblems';
import { CosaProcess } from '../engine/cosaProcess';

const SHOW_FIX = vscode.l10n.t('Show Fix');
const PULL = vscode.l10n.t('Pull Image');

async function notify(problem: KnownProblem): Promise<void> {
  const buttons = [...(problem.offerPull ? [PULL] : []), ...(problem.check ? [SHOW_FIX] : [])];
  const choice = await vscode.window.showErrorMessage(vscode.l10n.t('CoreOS Assembler: {0}', problem.message), ...buttons);
  if (choice === SHOW_FIX && problem.check) {
    await vscode.commands.executeCommand(COMMANDS.showPrerequisite, problem.check);
  } else if (choice === PULL) {
    await vscode.commands.executeCommand(COMMANDS.pullImage);
  }
}

/** Processes whose failure a known-problem notification already explained. */
const explained = new WeakSet<CosaProcess>();

/** True when a known-problem notification was shown for this process (its failure needs no second one). */
export function knownProblemNotified(process: CosaProcess): boolean {
  return explained.has(process);
}

/** Watches a cosa process's output for known problems; one notification per problem per run. */
export function watchForKnownProblems(process: CosaProcess): vscode.Disposable {
  const collector = new KnownProblemCollector();
  const sub = process.onLine((line) => {
    const problem = collector.push(line);
    if (problem) {
      explained.add(process);
      void notify(problem);
    }
  });
  // Stops by itself when the process ends; dispose() stops earlier.
  void process.result.then(() => sub.dispose(), () => sub.dispose());
  return new vscode.Disposable(() => sub.dispose());
}
