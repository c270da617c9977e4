// BuildFlow's end-of-build logic (src/vscode/buildFlow.ts) with the typed
// vscode stand-in (test/mocks/vscode.ts): what the user is told and offered
// when a cosa run ends, and what the offered buttons start. Runs are fed in
// through the same events CosaRuns fires for real task runs.

import '../../mocks/registerVscode';
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { EventEmitter, standIn, Uri } from '../../mocks/vscode';
import { CosaOutcome, CosaPhaseTracker } from '../../../src/cosa/buildPhases';
import { CosaFailure } from '../../../src/cosa/cosaFailure';
import { CosaTaskDefinition } from '../../../src/cosa/taskArgs';
import type { CosaProcess, CosaRunResult } from '../../../src/engine/cosaProcess';
import { BuildFlow } from '../../../src/vscode/buildFlow';
import type { BuildsTreeProvider } from '../../../src/vscode/buildsTree';
import type { CosaLauncher } from '../../../src/vscode/cosaLauncher';
import type { CosaRun, CosaRunEnd, CosaRuns, CosaTaskProvider } from '../../../src/vscode/tasks';

const WS = '/tmp/ws';
const root = Uri.file(WS) as unknown as vscode.Uri;

/** Waits for what the flow does after an event (its handlers are async): the observable, not a fixed number of turns. */
async function until(done: () => boolean): Promise<void> {
  for (let turn = 0; !done(); turn++) {
    assert.ok(turn < 10_000, `the flow never got there: ${JSON.stringify({ infos: standIn.infos, errors: standIn.errors, warnings: standIn.warnings })}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function setUp() {
  const started = new EventEmitter<CosaRun>();
  const ended = new EventEmitter<CosaRunEnd>();
  const runs = {
    onDidStart: started.event, onDidEnd: ended.event, onDidChangePhase: new EventEmitter<unknown>().event, running: () => [],
  } as unknown as CosaRuns;
  const tasks = { task: (def: CosaTaskDefinition) => ({ definition: def, name: def.command }) } as unknown as CosaTaskProvider;
  const tree = { refreshes: 0, refresh() { this.refreshes += 1; }, getChildren: async () => [] };
  const launcher = { refuseIfBusy: async () => false } as unknown as CosaLauncher;
  const flow = new BuildFlow({ launcher, runs, tasks, tree: tree as unknown as BuildsTreeProvider });
  let id = 0;
  /** A cosa run in WS that started and ended with `result` (and `outcome` on success). */
  const end = (args: string[], result: CosaRunResult, outcome?: CosaOutcome): CosaRun => {
    const process = { args, onLine: () => ({ dispose: () => undefined }), result: Promise.resolve(result) } as unknown as CosaProcess;
    const run: CosaRun = {
      id: ++id, root, args, name: args.join(' '), process, startedAt: 0, phases: new CosaPhaseTracker(), done: Promise.resolve(result),
    };
    started.fire(run);
    ended.fire({ run, result, outcome });
    return run;
  };
  const executed = () => (standIn.executedTasks as { definition: CosaTaskDefinition }[]).map((t) => [t.definition.command, ...(t.definition.args ?? [])]);
  return { flow, tree, end, executed };
}

const failure = (f: Pick<CosaFailure, 'kind' | 'message' | 'command'>): CosaFailure => ({ exitCode: 1, details: [], ...f });

describe("BuildFlow's end of a cosa run (src/vscode/buildFlow.ts)", () => {
  beforeEach(() => {
    standIn.reset();
    standIn.folders = [WS];
  });

  it('a new build: the tree refreshes and "Build <id> finished." offers Reveal in Builds', async () => {
    const { flow, tree, end } = setUp();
    end(['build'], { exitCode: 0, cancelled: false }, { kind: 'imported', buildId: '43.20260101.dev.0' });
    await until(() => standIn.infos.length > 0);
    assert.deepEqual(standIn.infos, [{ message: 'Build 43.20260101.dev.0 finished.', items: ['Reveal in Builds'] }]);
    assert.equal(tree.refreshes, 1);
    flow.dispose();
  });

  it('nothing changed: says why and offers --force; the button builds again with --force and the other options', async () => {
    const { flow, end, executed } = setUp();
    standIn.answer = 'Build with --force';
    end(['build', '--skip-prune'], { exitCode: 0, cancelled: false }, { kind: 'unchanged', legacy: false });
    await until(() => standIn.executedTasks.length > 0);
    assert.match(standIn.infos[0]!.message, /^Nothing changed, no new build: The input hash is unchanged since the latest build/);
    assert.deepEqual(executed(), [['build', '--force', '--skip-prune']]);
    flow.dispose();
  });

  it('cancelled: the container was stopped, and no failure is reported', async () => {
    const { flow, end } = setUp();
    end(['build'], { exitCode: 143, cancelled: true });
    await until(() => standIn.infos.length > 0);
    assert.deepEqual(standIn.infos.map((i) => i.message), ['cosa build was cancelled; its container was stopped.']);
    assert.deepEqual(standIn.errors, []);
    flow.dispose();
  });

  it("a failure: cosa's reason, with Show Output", async () => {
    const { flow, end } = setUp();
    end(['build'], { exitCode: 1, cancelled: false, failure: failure({ kind: 'command-failed', command: 'build', message: 'rpm-ostree compose failed' }) });
    await until(() => standIn.errors.length > 0);
    assert.match(standIn.errors[0]!.message, /rpm-ostree compose failed/);
    assert.deepEqual(standIn.errors[0]!.items, ['Show Output']);
    flow.dispose();
  });

  it('legacy cosa without osbuild: offers buildextend, then runs one per platform, each after the previous succeeded', async () => {
    const { flow, end, executed } = setUp();
    standIn.answer = 'Use buildextend';
    end(['osbuild', 'qemu', 'metal'], { exitCode: 1, cancelled: false, failure: failure({ kind: 'unknown-command', command: 'osbuild', message: 'unknown command: osbuild' }) });
    await until(() => standIn.executedTasks.length === 1);
    assert.match(standIn.errors[0]!.message, /no "osbuild" command \(legacy cosa\)/);
    assert.deepEqual(executed(), [['buildextend-qemu']]);
    standIn.answer = undefined;
    end(['buildextend-qemu'], { exitCode: 0, cancelled: false });
    await until(() => standIn.executedTasks.length === 2);
    assert.deepEqual(executed(), [['buildextend-qemu'], ['buildextend-metal']]);
    end(['buildextend-metal'], { exitCode: 0, cancelled: false });
    await until(() => standIn.statusMessages.length === 2);
    assert.equal(standIn.executedTasks.length, 2, 'nothing after the last platform');
    flow.dispose();
  });

  it('runToEnd: resolves with the end and its lines, and leaves the success to the caller (no notification)', async () => {
    const { flow, end } = setUp();
    const ending = flow.runToEnd(root, ['osbuild', '--build', '1', 'qemu']);
    await until(() => standIn.executedTasks.length === 1);
    end(['osbuild', '--build', '1', 'qemu'], { exitCode: 0, cancelled: false }, { kind: 'images', files: ['x.qcow2'] });
    const got = await ending;
    assert.equal(got?.result.exitCode, 0);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual([standIn.infos, standIn.errors, standIn.statusMessages], [[], [], []]);
    flow.dispose();
  });
});
