// `CoreOS: Pull Assembler Image`: pull the configured cosa image with
// per-layer progress in a cancellable notification. Through the runtime's API
// socket when one answers (the JSON progress stream), else the CLI (its
// lines). The folding of events into progress is pure (src/cosa/pullProgress.ts).
// ensureCosaImage(): before a first command, offer the pull when the image is missing.

import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds';
import { CosaSettings } from '../cosa/invocation';
import { PullProgressAggregator, PullSummary, progressIncrement, splitJsonStream } from '../cosa/pullProgress';
import { CosaEngine } from '../engine/cosaProcess';
import { connectApi } from '../engine/dockerApi';
import { inspectImage } from '../engine/hostFacts';
import { spawnProcess } from '../engine/processRunner';
import { RuntimeInfo } from '../engine/runtime';
import { readCosaSettingsOrExplain } from './settings';

export type PullOutcome = 'pulled' | 'cancelled' | 'failed';

class PullCancelled extends Error {}

/** Streams the API's pull events into the aggregator; cancel destroys the stream. */
async function pullViaApi(socketPath: string, ref: string, onEvent: (s: PullSummary) => void, token: vscode.CancellationToken): Promise<PullSummary | undefined> {
  const api = await connectApi(socketPath);
  if (!api) {
    return undefined;
  }
  const agg = new PullProgressAggregator();
  const stream = await api.pull(ref) as NodeJS.ReadableStream & { destroy?: () => void };
  return new Promise<PullSummary>((resolve, reject) => {
    let buf = '';
    let last = agg.summary();
    const cancel = token.onCancellationRequested(() => {
      stream.destroy?.();
      reject(new PullCancelled());
    });
    stream.on('data', (d: Buffer) => {
      const { events, rest } = splitJsonStream(buf + d.toString('utf8'));
      buf = rest;
      for (const e of events) {
        last = agg.push(e);
        onEvent(last);
      }
    });
    stream.on('end', () => {
      cancel.dispose();
      resolve(last);
    });
    stream.on('error', (e: Error) => {
      cancel.dispose();
      reject(e);
    });
  });
}

/** `<runtime> pull <ref>`, its lines folded; cancel ends the client (the runtime stops the pull). */
async function pullViaCli(runtime: RuntimeInfo, ref: string, onEvent: (s: PullSummary) => void, token: vscode.CancellationToken): Promise<PullSummary> {
  const agg = new PullProgressAggregator();
  const child = spawnProcess(runtime.path, ['pull', ref]);
  let last = agg.summary();
  const tail: string[] = [];
  child.onLine((line) => {
    if (line.trim()) {
      tail.push(line.trim());
      tail.splice(0, Math.max(0, tail.length - 5));
    }
    last = agg.pushLine(line);
    onEvent(last);
  });
  const cancel = token.onCancellationRequested(() => child.kill('SIGTERM'));
  try {
    const exit = await child.exit;
    if (token.isCancellationRequested) {
      throw new PullCancelled();
    }
    if (exit.exitCode !== 0) {
      const why = last.error ?? tail.filter((l) => /error/i.test(l)).pop() ?? tail.pop() ?? vscode.l10n.t('exit code {0}', exit.exitCode);
      return { ...last, error: why.replace(/^(Error|error):?\s*/, '') };
    }
    return last;
  } finally {
    cancel.dispose();
  }
}

/** Pulls `ref` with progress in a cancellable notification; reports the outcome to the user. */
export async function pullImageWithProgress(runtime: RuntimeInfo, ref: string): Promise<PullOutcome> {
  let error: string | undefined;
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Pulling {0}', ref), cancellable: true },
    async (progress, token): Promise<PullOutcome> => {
      let reported = 0;
      let lastMessage = '';
      const onEvent = (s: PullSummary) => {
        const increment = progressIncrement(reported, s.fraction);
        reported += increment;
        if (increment > 0 || s.message !== lastMessage) {
          lastMessage = s.message;
          progress.report({ increment, message: s.message });
        }
      };
      progress.report({ message: runtime.socketPath ? vscode.l10n.t('via the API socket…') : vscode.l10n.t('via {0}…', runtime.kind) });
      try {
        const viaApi = runtime.socketPath ? await pullViaApi(runtime.socketPath, ref, onEvent, token) : undefined;
        const result = viaApi ?? await pullViaCli(runtime, ref, onEvent, token);
        if (result.error) {
          error = result.error;
          return 'failed';
        }
        return 'pulled';
      } catch (e) {
        if (e instanceof PullCancelled || token.isCancellationRequested) {
          return 'cancelled';
        }
        error = (e as Error).message;
        return 'failed';
      }
    },
  );
  if (outcome === 'pulled') {
    void vscode.window.showInformationMessage(vscode.l10n.t('CoreOS: pulled {0}.', ref));
  } else if (outcome === 'cancelled') {
    void vscode.window.showInformationMessage(vscode.l10n.t('CoreOS: pulling {0} was cancelled.', ref));
  } else {
    const check = vscode.l10n.t('Check Prerequisites');
    void vscode.window.showErrorMessage(vscode.l10n.t('CoreOS: could not pull {0}: {1}', ref, error ?? vscode.l10n.t('unknown error')), check).then((c) => {
      if (c === check) {
        void vscode.commands.executeCommand(COMMANDS.checkPrerequisites);
      }
    });
  }
  return outcome;
}

/** Settings and runtime for a pull, each failure explained; undefined when one fails. */
async function resolveForPull(engine: CosaEngine): Promise<{ settings: CosaSettings; runtime: RuntimeInfo } | undefined> {
  const settings = readCosaSettingsOrExplain();
  if (!settings) {
    return undefined;
  }
  try {
    return { settings, runtime: await engine.runtime(settings.runtime) };
  } catch (e) {
    void vscode.window.showErrorMessage(vscode.l10n.t('CoreOS: cannot pull the image: {0}', (e as Error).message));
    return undefined;
  }
}

/** The command: pull the configured image (coreos.image, else $COREOS_ASSEMBLER_CONTAINER, else cosa's latest). */
export async function pullConfiguredImage(engine: CosaEngine): Promise<PullOutcome | undefined> {
  const r = await resolveForPull(engine);
  return r ? pullImageWithProgress(r.runtime, r.settings.image) : undefined;
}

/**
 * Before a first command: is the image there? If not, offer the pull (with
 * progress) instead of letting the runtime pull several GB silently or fail
 * with "image not known". True when the command should go on.
 */
export async function ensureCosaImage(settings: CosaSettings, runtime: RuntimeInfo): Promise<boolean> {
  const facts = await inspectImage(runtime.path, settings.image).catch(() => undefined);
  if (!facts || facts.present || facts.error !== undefined) {
    return true; // present, or unknown: let the runtime decide
  }
  const pull = vscode.l10n.t('Pull Image');
  const anyway = vscode.l10n.t('Run Anyway');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('The cosa image {0} is not present locally. Pull it now (several GB) with progress?', settings.image),
    pull, anyway,
  );
  if (choice === pull) {
    return (await pullImageWithProgress(runtime, settings.image)) === 'pulled';
  }
  return choice === anyway;
}
