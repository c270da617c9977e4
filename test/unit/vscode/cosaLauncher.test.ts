// The cosa launcher (src/vscode/cosaLauncher.ts) with the typed vscode
// stand-in (test/mocks/vscode.ts) and an engine that records what it is asked
// to start: the progress notification's Cancel stops the process and the
// result comes back as cancelled; an untrusted workspace starts nothing; the
// busy check names what holds the workspace and its Show button goes there.

import '../../mocks/registerVscode';
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { standIn, Uri } from '../../mocks/vscode';
import { COMMANDS } from '../../../src/commandIds';
import type { CosaEngine, CosaProcess, CosaProcessOptions, CosaRunResult, TerminalCommand } from '../../../src/engine/cosaProcess';
import type { StreamName } from '../../../src/engine/processRunner';
import { RemoteSession } from '../../../src/engine/remoteSession';
import { RuntimeInfo } from '../../../src/engine/runtime';
import { WorkspaceLocks } from '../../../src/engine/workspaceLock';
import { CosaLauncher } from '../../../src/vscode/cosaLauncher';
import { CosaOutputLog } from '../../../src/vscode/outputLog';

const root = Uri.file('/tmp/ws') as unknown as vscode.Uri;
// `true image inspect <image>` exits 0: the image counts as present, nothing is pulled.
const runtime: RuntimeInfo = { kind: 'podman', path: '/bin/true', rootless: false, uid: 1000, gid: 1000 };

/** A cosa process that runs until cancelled (cancel resolves it as cancelled, like the engine once the container is gone). */
class RunningUntilCancelled implements Pick<CosaProcess, 'args' | 'onLine' | 'cancel' | 'result'> {
  cancels = 0;
  lineListeners = new Set<(line: string, stream: StreamName) => void>();
  private end!: (r: CosaRunResult) => void;
  readonly result = new Promise<CosaRunResult>((resolve) => (this.end = resolve));
  constructor(readonly args: readonly string[]) {}
  onLine(listener: (line: string, stream: StreamName) => void) {
    this.lineListeners.add(listener);
    return { dispose: () => this.lineListeners.delete(listener) };
  }
  emit(line: string): void {
    this.lineListeners.forEach((l) => l(line, 'stdout'));
  }
  async cancel(): Promise<void> {
    this.cancels += 1;
    this.end({ exitCode: 143, cancelled: true });
  }
}

function engineRecording(): { engine: CosaEngine; started: CosaProcessOptions[]; processes: RunningUntilCancelled[] } {
  const started: CosaProcessOptions[] = [];
  const processes: RunningUntilCancelled[] = [];
  const engine = {
    ownerPid: 4242,
    locks: new WorkspaceLocks(),
    runtime: async () => runtime,
    hasExecTargets: () => false,
    target: () => undefined,
    start: (options: CosaProcessOptions) => {
      started.push(options);
      const p = new RunningUntilCancelled(options.args);
      processes.push(p);
      return p as unknown as CosaProcess;
    },
  } as unknown as CosaEngine;
  return { engine, started, processes };
}

/** Waits for what the launcher does (it runs a real `true image inspect` first): the observable, with a generous bound. */
async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!done()) {
    assert.ok(Date.now() < deadline, `the launcher never got there: ${JSON.stringify({ errors: standIn.errors, warnings: standIn.warnings })}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('the cosa launcher (src/vscode/cosaLauncher.ts)', () => {
  let log: CosaOutputLog;
  beforeEach(() => {
    standIn.reset();
    log = { started: () => undefined, ended: () => undefined } as unknown as CosaOutputLog;
  });

  it('run(): a cancellable progress notification; Cancel stops the process and the result says cancelled', async () => {
    const { engine, started, processes } = engineRecording();
    const launcher = new CosaLauncher(engine, log);
    const lines: string[] = [];
    const running = launcher.run({
      root, args: ['shell', 'butane', 'x.bu'], purpose: launcher.uniquePurpose('butane'), mutating: false, title: 'butane: translating x.bu',
      onLine: (line) => lines.push(line),
    });
    await until(() => processes.length === 1 && standIn.progress.length === 1);
    assert.equal(started[0]!.workspace, '/tmp/ws');
    assert.deepEqual(started[0]!.args, ['shell', 'butane', 'x.bu']);
    assert.equal(started[0]!.purpose, 'butane-4242-1');
    assert.equal(started[0]!.tty, false);
    assert.equal(started[0]!.mutating, false);
    const shown = standIn.progress[0]!;
    assert.deepEqual([shown.title, shown.cancellable], ['butane: translating x.bu', true]);
    processes[0]!.emit('first line');
    shown.cancel();
    const result = await running;
    assert.equal(processes[0]!.cancels, 1);
    assert.deepEqual(shown.messages, ['cancelling: stopping the container']);
    assert.deepEqual(result && [result.cancelled, result.exitCode], [true, 143]);
    assert.deepEqual(lines, ['first line']);
    assert.equal(processes[0]!.lineListeners.size, 0, 'the line listener is gone once it ended');
  });

  it('in an untrusted workspace nothing starts and no progress shows; the gesture is named in the reason', async () => {
    standIn.trusted = false;
    const { engine, started } = engineRecording();
    const launcher = new CosaLauncher(engine, log);
    assert.equal(await launcher.run({ root, args: ['kola', 'list'], purpose: 'kola-list', title: 'cosa kola list' }), undefined);
    assert.deepEqual(started, []);
    assert.deepEqual(standIn.progress, []);
    assert.match(standIn.warnings[0]?.message ?? '', /^cosa kola list was not started: coreos-assembler runs a privileged container/);
    assert.deepEqual(await launcher.prepare('cosa build'), { reason: 'this workspace is not trusted, and cosa runs a privileged container' });
  });

  it('the busy check: free, a running build (Show: the running command), the Assembler Shell (Show: the shell)', async () => {
    const { engine } = engineRecording();
    const launcher = new CosaLauncher(engine, log);
    assert.equal(await launcher.refuseIfBusy(root, 'cosa build'), false);
    assert.equal(await launcher.refuseIfBusy(root, 'cosa build', 'fetch'), true, 'a task asked for and not started yet holds it too');
    assert.match(standIn.warnings[0]!.message, /^cosa build was not started: cosa fetch is already running in this workspace/);

    standIn.reset();
    standIn.answer = 'Show';
    const build = engine.locks.tryAcquire('/tmp/ws', { args: ['build', '--force'], containerName: 'c', since: 0 });
    assert.ok(!('heldBy' in build));
    assert.equal(await launcher.refuseIfBusy(root, 'cosa prune'), true);
    assert.match(standIn.warnings[0]!.message, /^cosa prune was not started: cosa build --force is already running/);
    assert.deepEqual(standIn.executed.map((e) => e.command), [COMMANDS.showRunningCosa]);
    build.release();

    standIn.reset();
    standIn.answer = 'Show';
    const shell = engine.locks.tryAcquire('/tmp/ws', { args: ['shell'], containerName: 's', since: 0 });
    assert.ok(!('heldBy' in shell));
    assert.equal(await launcher.refuseIfBusy(root, 'cosa build'), true);
    assert.match(standIn.warnings[0]!.message, /^cosa build was not started: the Assembler Shell is open in this workspace/);
    assert.deepEqual(standIn.executed.map((e) => e.command), [COMMANDS.openShell]);
    shell.release();
    launcher.dispose();
  });

  it("a terminal that changes the workspace, while a build holds it: refused with the reason, and no command line made (so the build's container is not adopted)", async () => {
    const { engine } = engineRecording();
    const terminalCommands: unknown[] = [];
    (engine as unknown as { terminalCommand: (o: unknown) => never }).terminalCommand = (o) => {
      terminalCommands.push(o);
      throw new Error('must not be reached');
    };
    const launcher = new CosaLauncher(engine, log);
    const build = engine.locks.tryAcquire('/tmp/ws', { args: ['build'], containerName: 'cosa-x-build', since: 0 });
    assert.ok(!('heldBy' in build));
    const opened = await launcher.openTerminal({ root, args: ['shell'], purpose: 'shell', mutating: true, name: 'Shell', icon: 'terminal' }, 'The Assembler Shell');
    assert.equal(opened, undefined);
    assert.deepEqual(terminalCommands, []);
    assert.match(standIn.warnings.at(-1)?.message ?? '', /^The Assembler Shell was not started: cosa build is already running in this workspace/);
    build.release();
    launcher.dispose();
  });

  it('coreos.runtimeArgs with a remote session: said once in a warning (it cannot reach an exec), not dropped silently', async () => {
    const session = new RemoteSession('podman', { url: 'ssh://builder@127.0.0.1:1/run/podman.sock', name: 'b1' }, 'abc123abc123');
    const targets = new Map<string, RemoteSession>();
    const engine = { ...engineRecording().engine, hasExecTargets: () => targets.size > 0, target: (ws: string) => targets.get(ws) } as unknown as CosaEngine;
    const builders = {
      useFor: async (r: vscode.Uri) => {
        targets.set(r.fsPath, session);
        return undefined;
      },
      buildDirTarget: async () => session,
    };
    standIn.settings.set('coreos.runtimeArgs', '-v /etc/pki/ca-trust:/etc/pki/ca-trust:ro');
    const launcher = new CosaLauncher(engine, log, builders);
    assert.ok(!('reason' in await launcher.prepare('cosa build', root)));
    assert.deepEqual(standIn.warnings.map((w) => w.message), [
      'Not used in the remote session abc123abc123 on b1: coreos.runtimeArgs. Its container was created once with the flags of `cosa remote-session create` (or the pod\'s manifest) and each cosa command runs in it by exec, so flags of a local `podman run` and local paths do not reach it.',
    ]);
    assert.deepEqual(standIn.warnings[0]!.items, ['Open Settings']);
    await launcher.prepare('cosa fetch', root);
    assert.equal(standIn.warnings.length, 1, 'once per session and settings, not before every command');
    standIn.settings.delete('coreos.runtimeArgs');
    targets.clear();
    await launcher.prepare('cosa build', root);
    assert.equal(standIn.warnings.length, 1, 'nothing to say without such a setting');
    launcher.dispose();
  });

  it('locally, coreos.runtimeArgs goes into podman run: nothing to say', async () => {
    const { engine } = engineRecording();
    standIn.settings.set('coreos.runtimeArgs', '--net=host');
    const launcher = new CosaLauncher(engine, log, { useFor: async () => undefined, buildDirTarget: async () => undefined });
    assert.ok(!('reason' in await launcher.prepare('cosa build', root)));
    assert.deepEqual(standIn.warnings, []);
    launcher.dispose();
  });

  it('a terminal on a builder whose connection is lost: a warning names it, Close Terminal closes it, and closing stops the command there', async () => {
    const { engine } = engineRecording();
    let reportLost: (() => void) | undefined;
    const stops: number[] = [];
    (engine as unknown as { terminalCommand: () => TerminalCommand }).terminalCommand = () => ({
      executable: 'podman', argv: ['--remote', 'exec', '-it', 'abc123', 'cosa', 'run'], containerName: 'remote session abc123 on b1', preamble: [],
      stopInTarget: async (grace) => {
        stops.push(grace);
        return true;
      },
      watchContact: (onLost) => {
        reportLost = onLost;
        return { dispose: () => undefined };
      },
    });
    const launcher = new CosaLauncher(engine, log, { useFor: async () => undefined, buildDirTarget: async () => undefined });
    (log as unknown as { channel: { warn(m: string): void } }).channel = { warn: () => undefined };
    const opened = await launcher.openTerminal({ root, args: ['run'], purpose: 'run', name: 'QEMU: 41.1', icon: 'vm' }, 'Run in QEMU');
    assert.ok(opened);
    assert.equal(standIn.terminals.length, 1);
    assert.ok(reportLost, 'the connection is watched while the terminal is open');
    assert.equal(standIn.warnings.length, 0);
    standIn.answer = 'Close Terminal';
    reportLost!();
    await until(() => standIn.terminals[0]!.disposed);
    assert.match(standIn.warnings[0]!.message, /^QEMU: 41\.1: no word from remote session abc123 on b1 for 30 seconds: the connection to it was lost/);
    assert.deepEqual(standIn.warnings[0]!.items, ['Close Terminal']);
    // The terminal's close stops the command in the target (which also ends the watch).
    await until(() => stops.length === 1);
    launcher.dispose();
  });

  it('the Assembler Shell closed: the workspace stays held until the locks its cosa left are removed, and each removal is logged', async () => {
    const { engine } = engineRecording();
    let finishSweep!: (removed: string[]) => void;
    const sweep = new Promise<string[]>((r) => (finishSweep = r));
    let sweeps = 0;
    (engine as unknown as { terminalCommand: () => TerminalCommand }).terminalCommand = () => ({
      executable: 'podman', argv: ['run', '-it', 'cosa', 'shell'], containerName: 'coreos-assembler-ws-abc', preamble: [],
      removeLeftoverLocks: () => {
        sweeps++;
        return sweep;
      },
    });
    const warned: string[] = [];
    (log as unknown as { channel: { warn(m: string): void } }).channel = { warn: (m) => void warned.push(m) };
    const launcher = new CosaLauncher(engine, log, { useFor: async () => undefined, buildDirTarget: async () => undefined });
    const opened = await launcher.openTerminal({ root, args: ['shell'], purpose: 'shell', mutating: true, name: 'Shell', icon: 'terminal' }, 'The Assembler Shell');
    assert.ok(opened);
    assert.ok(engine.locks.holder(root.fsPath), 'the shell holds the workspace');
    opened.terminal.dispose();
    await until(() => sweeps === 1);
    assert.ok(engine.locks.holder(root.fsPath), 'still held while the locks are being removed');
    finishSweep(['builds/.builds.json.lock']);
    await until(() => engine.locks.holder(root.fsPath) === undefined);
    assert.deepEqual(warned, ['shell: removed builds/.builds.json.lock, a lock cosa held when its terminal closed']);
    launcher.dispose();
  });
});
