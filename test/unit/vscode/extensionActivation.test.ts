// The composition root (src/extension.ts, and src/extensionFeatures.ts once loaded) against the
// typed vscode stand-in (test/mocks/vscode.ts) and a real folder: activation registers every
// command of the manifest once and spawns no process, loading the features registers none a
// second time, and disposing what activation handed to VS Code (context.subscriptions) leaves
// nothing registered; one listener takes a change of the coreos settings, before and after the
// features load, and each of its effects happens once. What the features do on screen is test/e2e.

import '../../mocks/registerVscode';
import * as assert from 'node:assert/strict';
import childProcess from 'node:child_process';
import * as fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { commands, standIn, StandInTextDocument, Uri } from '../../mocks/vscode';
import { COMMANDS } from '../../../src/commandIds';
import { AFTER_FIRST_VIEW } from '../../../src/engine/afterFirstView';
import { runCaptured } from '../../../src/engine/processRunner';
import { activate, deactivate } from '../../../src/extension';

const REPO = path.resolve(__dirname, '../../..');
// Port 1 on loopback: nothing listens; a test that reached for the builder would fail there.
const DEAD_URL = 'ssh://builder@127.0.0.1:1/run/user/1000/podman/podman.sock';
const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };

type ChildProcessModule = Record<string, unknown>;
const SPAWNING = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;

/** Records every process started through node:child_process (execa included: its ESM bindings are synced) until stopped. */
function watchSpawns(): { readonly started: string[]; stop(): void } {
  const cp = childProcess as unknown as ChildProcessModule;
  const saved = SPAWNING.map((name) => [name, cp[name]] as const);
  const started: string[] = [];
  for (const [name, original] of saved) {
    cp[name] = function (this: unknown, ...args: unknown[]) {
      started.push(`${name} ${String(args[0])}`);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
  }
  syncBuiltinESMExports();
  return {
    started,
    stop: () => {
      for (const [name, original] of saved) cp[name] = original;
      syncBuiltinESMExports();
    },
  };
}

/** A workspace memento kept in memory. */
function memento(): vscode.Memento {
  const values = new Map<string, unknown>();
  return {
    keys: () => [...values.keys()],
    get: <T>(key: string, defaultValue?: T) => (values.has(key) ? values.get(key) as T : defaultValue),
    update: async (key: string, value: unknown) => void values.set(key, value),
  } as vscode.Memento;
}

describe('activation and the features\' wiring (src/extension.ts, src/extensionFeatures.ts)', () => {
  let ws: string;
  let context: vscode.ExtensionContext;
  let registrations: string[];
  let spawns: ReturnType<typeof watchSpawns> | undefined;
  const register = commands.registerCommand;

  beforeEach(() => {
    standIn.reset();
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-activation-'));
    standIn.folders = [ws];
    context = { subscriptions: [], extensionUri: Uri.file(REPO), workspaceState: memento() } as unknown as vscode.ExtensionContext;
    registrations = [];
    commands.registerCommand = (id, handler) => {
      registrations.push(id);
      return register(id, handler);
    };
  });
  afterEach(async () => {
    spawns?.stop();
    spawns = undefined;
    commands.registerCommand = register;
    context.subscriptions.forEach((d) => d.dispose());
    await deactivate();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  /**
   * activate() with its timers held: the first view never comes (AFTER_FIRST_VIEW's fallback would load the
   * features and start the work that spawns podman at a moment the test does not choose). Returns the held delays.
   */
  function activateWithoutFirstView(): number[] {
    const real = globalThis.setTimeout;
    const held: number[] = [];
    globalThis.setTimeout = ((_work: () => void, ms?: number) => {
      held.push(ms ?? 0);
      return real(() => undefined, 0);
    }) as typeof setTimeout;
    try {
      activate(context);
    } finally {
      globalThis.setTimeout = real;
    }
    return held;
  }

  it('the spawn watch sees a process the product starts (execa through src/engine/processRunner.ts)', async () => {
    spawns = watchSpawns();
    const r = await runCaptured(process.execPath, ['-e', '']);
    assert.equal(r.exitCode, 0);
    assert.equal(spawns.started.length, 1, spawns.started.join('\n'));
  });

  it('activation registers every command of the manifest once and starts no process; loading the features registers none again; disposal leaves nothing', async () => {
    spawns = watchSpawns();
    assert.deepEqual(activateWithoutFirstView(), [AFTER_FIRST_VIEW.fallbackMs], 'activation schedules only the first view\'s fallback');
    const contributed = manifest.contributes.commands.map((c) => c.command);
    assert.deepEqual([...registrations].sort(), Object.values(COMMANDS).sort(), 'each command id once');
    for (const id of contributed) assert.ok(standIn.registered.has(id), `${id} (package.json) is registered`);
    assert.deepEqual(standIn.live.filter((r) => r.kind === 'treeView').map((r) => r.id), ['coreos-builds'], 'the builds view');
    // The welcome view's keys are read at activation (stats, no process).
    await standIn.settled(() => standIn.contextKeys()['coreos.workspaceKind'] !== undefined);
    // The work that spawns (leftover check, cosa warm-up) waits for the first view, which never comes here;
    // anything else activation started has had time to reach a spawn.
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(spawns.started, [], 'activation starts no process');

    // A Butane file being opened loads the features (src/vscode/firstUse.ts).
    StandInTextDocument.open(path.join(ws, 'a.bu'), 'variant: fcos\nversion: 1.5.0\n', 'yaml');
    assert.ok(standIn.live.some((r) => r.kind === 'testController'), 'the features are loaded (the kola test controller exists)');
    assert.deepEqual([...registrations].sort(), Object.values(COMMANDS).sort(), 'the features register no command again');

    const live = standIn.live.length;
    assert.ok(live > registrations.length, 'the features made more than the commands');
    context.subscriptions.forEach((d) => d.dispose());
    assert.equal(standIn.registered.size, 0, 'every command is unregistered');
    assert.deepEqual(standIn.live.map((r) => `${r.kind} ${r.id}`), [], 'everything registered was disposed');
  });

  it('without a folder: the same commands once, no builds view, and disposal leaves nothing', () => {
    standIn.folders = [];
    activateWithoutFirstView();
    assert.deepEqual([...registrations].sort(), Object.values(COMMANDS).sort());
    StandInTextDocument.open(path.join(ws, 'a.bu'), 'variant: fcos\nversion: 1.5.0\n', 'yaml');
    assert.ok(standIn.live.some((r) => r.kind === 'testController'), 'the features are loaded');
    assert.deepEqual([...registrations].sort(), Object.values(COMMANDS).sort(), 'the features register no command again');
    assert.equal(standIn.live.filter((r) => r.kind === 'treeView').length, 0, 'no builds view without a folder');
    context.subscriptions.forEach((d) => d.dispose());
    assert.deepEqual(standIn.live.map((r) => `${r.kind} ${r.id}`), []);
  });

  it('one listener for the coreos settings, before and after the features load: a runtime or builder change has each of its effects once', async () => {
    for (const d of ['src/config', 'builds', 'tmp']) fs.mkdirSync(path.join(ws, d), { recursive: true });
    assert.deepEqual(activateWithoutFirstView(), [AFTER_FIRST_VIEW.fallbackMs], 'only the first view\'s fallback was held');
    const configListeners = () => standIn.live.filter((r) => r.id === 'onDidChangeConfiguration').length;
    const times = (key: string) => standIn.executed.filter((e) => e.command === 'setContext' && e.args[0] === key).length;
    const key = (k: string) => standIn.contextKeys()[k];
    await standIn.settled(() => key('coreos.workspaceKind') !== undefined);
    assert.equal(key('coreos.workspaceKind'), 'initialized');
    assert.equal(key('coreos.runtimeMissing'), false, 'podman is on PATH');
    /** Changes a setting and waits until `contextKey` was set, then long enough for a second refresh, which reads four paths, to land too. */
    const change = async (setting: string, value: unknown, contextKey: string) => {
      standIn.executed = [];
      standIn.changeSetting(setting, value);
      await standIn.settled(() => times(contextKey) > 0);
      await new Promise((r) => setTimeout(r, 300));
    };

    assert.equal(configListeners(), 1, 'before the features load');
    await change('coreos.containerRuntime', 'no-such-runtime-1', 'coreos.runtimeMissing');
    assert.equal(key('coreos.runtimeMissing'), true);
    assert.equal(times('coreos.runtimeMissing'), 1, 'the keys were read again once');

    StandInTextDocument.open(path.join(ws, 'a.bu'), 'variant: fcos\nversion: 1.5.0\n', 'yaml');
    assert.ok(standIn.live.some((r) => r.kind === 'testController'), 'the features are loaded');
    assert.equal(configListeners(), 1, 'after the features load');
    await change('coreos.containerRuntime', 'no-such-runtime-2', 'coreos.runtimeMissing');
    assert.equal(times('coreos.runtimeMissing'), 1, 'the keys were read again once');
    assert.equal(times('coreos.remoteBuilder'), 1, 'the builder was shown again once');

    // A remote builder (nothing listens on port 1; no session yet, so nothing is asked): the status bar names it,
    // Destroy Session is offered, and the keys say what a new session holds instead of the local folder.
    await change('coreos.builder', DEAD_URL, 'coreos.workspaceKind');
    assert.equal(key('coreos.workspaceKind'), 'uninitialized');
    assert.equal(times('coreos.workspaceKind'), 1, 'the keys were read again once');
    assert.deepEqual(standIn.executed.filter((e) => e.command === 'setContext' && e.args[0] === 'coreos.remoteBuilder').map((e) => e.args[1]), [true]);
    assert.match(standIn.statusBarItems.find((i) => i.id === 'coreos.builder')?.text ?? '', /Builder: builder@127\.0\.0\.1:1$/);
    assert.deepEqual(standIn.progress, [], 'no session was opened');
  });
});
