// Running cosa from the editor:
// - runCosaInTerminal: a real integrated terminal whose process is the
//   runtime with an argv array (never a shell line), for interactive commands
//   that need a real TTY (-t), such as `cosa run`;
// - runCosaInPseudoterminal: a CosaProcess behind a Pseudoterminal (-i without
//   -t), for build/init: cancellable, leaves no container behind.
// Both show the alias' preamble first: COREOS_ASSEMBLER_* values and the command.

import * as vscode from 'vscode';
import { ensureCosaImage } from './imagePull';
import { containerName, cosaPreamble, cosaRunArgv, CosaSettings, InvocationError } from '../cosa/invocation';
import { describeCosaFailure } from '../cosa/cosaFailure';
import { CosaEngine, CosaProcess, CosaRunResult } from '../engine/cosaProcess';
import { RuntimeInfo, RuntimeNotFoundError } from '../engine/runtime';
import { CosaPseudoterminal } from './cosaPseudoterminal';
import { readCosaSettingsOrExplain } from './settings';
import { imageKnownPresent, markImagePresent } from './cosaReadiness';

export interface CosaTerminalRequest {
  readonly root: vscode.Uri;
  readonly args: readonly string[];
  readonly purpose: string;
}

export interface Prepared {
  readonly settings: CosaSettings;
  readonly runtime: RuntimeInfo;
}

/** Trust, settings and runtime, each failure explained to the user; undefined when one fails. */
export async function prepareCosa(engine: CosaEngine): Promise<Prepared | undefined> {
  const got = await prepareCosaOrWhy(engine);
  return 'reason' in got ? undefined : got;
}

/** As prepareCosa, with the reason it did not start in words (for the task terminal). */
export async function prepareCosaOrWhy(engine: CosaEngine): Promise<Prepared | { readonly reason: string }> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(
      'CoreOS Assembler runs a privileged container; trust this workspace first (Workspaces: Manage Workspace Trust).',
    );
    return { reason: 'this workspace is not trusted, and cosa runs a privileged container' };
  }
  const settings = readCosaSettingsOrExplain();
  if (!settings) {
    return { reason: 'a coreos.* setting is invalid (the notification says which)' };
  }
  let runtime: RuntimeInfo;
  try {
    runtime = await engine.runtime(settings.runtime);
  } catch (e) {
    const check = 'Check Prerequisites';
    const msg = e instanceof RuntimeNotFoundError ? e.message : `Could not query ${settings.runtime}: ${(e as Error).message}`;
    void vscode.window.showErrorMessage(msg, check).then((choice) => {
      if (choice === check) {
        void vscode.commands.executeCommand('coreos.checkPrerequisites');
      }
    });
    return { reason: msg };
  }
  // A missing image: offer the pull with progress before the runtime fails.
  // Once seen, an image is not looked up again in this session (src/vscode/cosaReadiness.ts);
  // a remote session or pod has its own image: the local one does not matter there.
  if (!engine.hasExecTargets() && !(await imageKnownPresent(runtime.path, settings.image))) {
    if (!(await ensureCosaImage(settings, runtime))) {
      return { reason: `the cosa image ${settings.image} is not present locally and was not pulled` };
    }
    markImagePresent(runtime.path, settings.image);
  }
  return { settings, runtime };
}

function showInvocationError(e: unknown): undefined {
  if (e instanceof InvocationError) {
    void vscode.window.showErrorMessage(`CoreOS Assembler: ${e.message}`);
    return undefined;
  }
  throw e;
}

/** A real terminal (TTY, -t) running the runtime directly. The engine stops the container on deactivation. */
export async function runCosaInTerminal(engine: CosaEngine, request: CosaTerminalRequest): Promise<vscode.Terminal | undefined> {
  const prepared = await prepareCosa(engine);
  if (!prepared) {
    return undefined;
  }
  const { settings, runtime } = prepared;
  let argv: string[];
  try {
    argv = cosaRunArgv(settings, {
      workspace: request.root.fsPath, args: request.args, tty: true, purpose: request.purpose, ownerPid: engine.ownerPid,
    }, runtime);
  } catch (e) {
    return showInvocationError(e);
  }
  const terminal = vscode.window.createTerminal({
    name: `cosa ${request.args.join(' ')}`,
    shellPath: runtime.path,
    shellArgs: argv,
    cwd: request.root,
    message: cosaPreamble(settings, process.env, runtime.kind, argv).join('\r\n'),
    iconPath: new vscode.ThemeIcon('package'),
  });
  engine.adopt(containerName(request.root.fsPath, request.purpose), runtime);
  terminal.show();
  return terminal;
}

/**
 * Non-interactive (-i without -t) in a pseudoterminal: Ctrl-C or closing the
 * terminal cancels (the container is stopped), and the result comes back.
 */
export async function runCosaInPseudoterminal(
  engine: CosaEngine,
  request: CosaTerminalRequest,
): Promise<CosaRunResult | undefined> {
  const prepared = await prepareCosa(engine);
  if (!prepared) {
    return undefined;
  }
  let started: (p: CosaProcess | undefined) => void = () => undefined;
  const proc = new Promise<CosaProcess | undefined>((resolve) => (started = resolve));
  // The process starts when the terminal opens, so no output is written before anyone listens.
  const pty = new CosaPseudoterminal(() => {
    try {
      const p = engine.start({
        workspace: request.root.fsPath, args: request.args, purpose: request.purpose, tty: false,
        settings: prepared.settings, runtime: prepared.runtime,
      });
      started(p);
      return p;
    } catch (e) {
      started(undefined);
      throw e;
    }
  }, { closeOnExit: false });
  const terminal = vscode.window.createTerminal({ name: `cosa ${request.args.join(' ')}`, pty, iconPath: new vscode.ThemeIcon('package') });
  terminal.show();
  const p = await proc;
  if (!p) {
    return undefined;
  }
  const result = await p.result;
  if (result.failure && !result.cancelled) {
    void vscode.window.showErrorMessage(result.failure.kind === 'workspace-busy' ? result.failure.message : `CoreOS Assembler: ${describeCosaFailure(result.failure, request.args)}`);
  }
  return result;
}
