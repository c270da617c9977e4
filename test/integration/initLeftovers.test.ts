// A failed `cosa init` in a remote session (src/vscode/initLeftovers.ts, BuildFlow in
// src/vscode/buildFlow.ts), against the test machine's real builder and the typed vscode stand-in
// (test/mocks/vscode.ts): what the init left is looked at in the session's /srv, named with the
// session, and "Remove What It Left" removes it there by exec; the local folder, which has a src/
// of its own, is not looked at nor touched.

import '../mocks/registerVscode';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { EventEmitter, standIn, Uri } from '../mocks/vscode';
import { CosaPhaseTracker } from '../../src/cosa/buildPhases';
import { CosaTaskDefinition } from '../../src/cosa/taskArgs';
import type { CosaProcess, CosaRunResult } from '../../src/engine/cosaProcess';
import { RemoteSession } from '../../src/engine/remoteSession';
import { BuildFlow } from '../../src/vscode/buildFlow';
import type { CosaLauncher } from '../../src/vscode/cosaLauncher';
import type { CosaRun, CosaRunEnd, CosaRuns, CosaTaskProvider } from '../../src/vscode/tasks';
import { IMAGE, makeWorkspace } from './helpers';
import { snapshot, testBuilder } from './remoteBuilder';

/** Waits for what the flow does after an event (its handlers are async): the observable, not a fixed time. */
async function until(done: () => boolean): Promise<void> {
  for (let turn = 0; !done(); turn++) {
    assert.ok(turn < 1_000, `the flow never got there: ${JSON.stringify({ errors: standIn.errors, statusMessages: standIn.statusMessages })}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a failed cosa init in a remote session: Remove What It Left', function () {
  this.timeout(300_000);
  const builder = testBuilder();
  let session: RemoteSession | undefined;
  let flow: BuildFlow | undefined;

  afterEach(async () => {
    flow?.dispose();
    flow = undefined;
    await session?.destroy();
    session = undefined;
  });

  it('names the session, and removes what the init left in its /srv, nothing local', async () => {
    const ws = makeWorkspace('init-leftovers');
    fs.mkdirSync(path.join(ws, 'src'));
    fs.writeFileSync(path.join(ws, 'src', 'mine.txt'), 'a local file\n');
    const before = snapshot(ws);
    standIn.reset();
    standIn.folders = [ws];
    const root = Uri.file(ws) as unknown as vscode.Uri;
    session = await RemoteSession.create('podman', builder, { image: IMAGE, expiration: '30m', pull: 'never', workspace: ws });
    const inSession = session;

    const started = new EventEmitter<CosaRun>();
    const ended = new EventEmitter<CosaRunEnd>();
    const runs = { onDidStart: started.event, onDidEnd: ended.event, onDidChangePhase: new EventEmitter<unknown>().event, running: () => [] } as unknown as CosaRuns;
    const tasks = { task: (def: CosaTaskDefinition) => ({ definition: def, name: def.command }) } as unknown as CosaTaskProvider;
    const launcher = { refuseIfBusy: async () => false, buildDirSession: async () => inSession } as unknown as CosaLauncher;
    flow = new BuildFlow({ launcher, runs, tasks });

    // The init, as the Initialize command starts it; then run for real in the session, where it fails after mkdir src.
    const args = ['init', 'file:///srv/no-such-config'];
    assert.ok(await flow.run(root, args), 'the task was started');
    const r = await session.run(args);
    assert.notEqual(r.exitCode, 0, 'the clone of a missing repository fails');
    assert.deepEqual(await session.visibleEntries(), ['src'], 'it left src/ in /srv');

    standIn.answer = 'Remove What It Left';
    const result: CosaRunResult = { exitCode: r.exitCode, cancelled: false };
    const process = { args, onLine: () => ({ dispose: () => undefined }), result: Promise.resolve(result), runsIn: session.description } as unknown as CosaProcess;
    const run: CosaRun = { id: 1, root, args, name: 'init', process, startedAt: 0, phases: new CosaPhaseTracker(), done: Promise.resolve(result) };
    started.fire(run);
    ended.fire({ run, result, outcome: undefined });

    await until(() => standIn.statusMessages.length > 0 || standIn.errors.length > 1);
    assert.equal(standIn.errors.length, 1, JSON.stringify(standIn.errors));
    assert.equal(standIn.errors[0]!.message,
      `cosa init failed (exit code ${r.exitCode}). It left src/ behind in ${session.description}: the next cosa init would need --force, and would keep that src/config instead of cloning again.`);
    assert.deepEqual(standIn.errors[0]!.items, ['Remove What It Left', 'Show Output']);
    assert.deepEqual(standIn.statusMessages, ['$(check) Removed src/']);
    assert.deepEqual(await session.visibleEntries(), [], 'src/ is gone from the session\'s /srv');
    assert.deepEqual(snapshot(ws), before, 'the local src/ was neither looked at nor removed');
  });
});
