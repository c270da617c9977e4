// The welcome view's and the walkthrough's context keys with a remote builder, against the test
// machine's real builder (own podman storage, reached over ssh) and the typed vscode stand-in
// (test/mocks/vscode.ts): once this window has found the workspace's session (Builders.adoptExisting,
// src/vscode/builders.ts), the keys are read from its /srv through exec (src/engine/buildDirSource.ts),
// never from the local folder, which stays empty here.

import '../mocks/registerVscode';
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { standIn, Uri } from '../mocks/vscode';
import { CosaEngine } from '../../src/engine/cosaProcess';
import { RemoteSession } from '../../src/engine/remoteSession';
import { Builders } from '../../src/vscode/builders';
import { ContextBuildDir, NO_SESSION, updateContextKeys } from '../../src/vscode/workspaceContext';
import { IMAGE, makeConfigRepo, makeWorkspace } from './helpers';
import { sessionWithQemuBuild, snapshot, testBuilder } from './remoteBuilder';

describe('context keys from a remote session\'s build directory', function () {
  this.timeout(300_000);
  const builder = testBuilder();
  let session: RemoteSession | undefined;
  let builders: Builders | undefined;
  let engine: CosaEngine | undefined;

  afterEach(async () => {
    builders?.dispose();
    await engine?.dispose();
    await session?.destroy();
    builders = undefined;
    engine = undefined;
    session = undefined;
  });

  it('a window that finds its session on the builder shows that session\'s init, build and qemu image, not the empty local folder', async () => {
    const ws = makeWorkspace('context-keys');
    standIn.reset();
    standIn.folders = [ws];
    standIn.settings.set('coreos.builder', builder.url);
    standIn.settings.set('coreos.builderIdentity', builder.identity);
    const root = Uri.file(ws) as unknown as vscode.Uri;
    const before = snapshot(ws);
    session = (await sessionWithQemuBuild(builder, IMAGE, makeConfigRepo(), ws)).session;

    engine = new CosaEngine({ env: {} });
    builders = new Builders(engine, () => 'podman');
    assert.equal(await builders.contextBuildDir(root), NO_SESSION, 'before the window has looked: not asked');
    await builders.adoptExisting(root);
    const where = await builders.contextBuildDir(root);
    assert.ok(where && where !== NO_SESSION, 'the session found is read');
    assert.equal(where.remote, `remote session ${session.id.slice(0, 12)} on ${(await builders.remoteBuilder())!.name}`, 'the session of this workspace');

    standIn.executed = [];
    await updateContextKeys(root, 'podman', where);
    const keys = standIn.contextKeys();
    assert.equal(keys['coreos.workspaceKind'], 'builds', 'the welcome view does not offer Initialize again');
    assert.equal(keys['coreos.initialized'], true);
    assert.equal(keys['coreos.hasBuild'], true);
    assert.equal(keys['coreos.hasQemuImage'], true);
    assert.deepEqual(snapshot(ws), before, 'the local folder was not touched');

    // A command opening the session in another window: the keys do not wait while it opens (an image
    // pull can take minutes) and are read from the session when the builder says it changed.
    const other = new Builders(engine, () => 'podman');
    try {
      let release!: () => void;
      standIn.progressGate = new Promise((r) => (release = r));
      const readOnChange: Promise<ContextBuildDir>[] = [];
      other.onDidChange(() => readOnChange.push(other.contextBuildDir(root)));
      const opening = other.sessionFor(root, IMAGE);
      await new Promise((r) => setImmediate(r));
      assert.equal(standIn.progress.at(-1)?.title?.startsWith('Opening a cosa session'), true, 'it is opening');
      assert.equal(await other.contextBuildDir(root), NO_SESSION, 'while it opens: an empty /srv, at once');
      release();
      standIn.progressGate = undefined;
      assert.equal((await opening)?.id.slice(0, 12), session.id.slice(0, 12), 'the workspace\'s session is found again');
      const seen = await readOnChange[0];
      assert.ok(seen && seen !== NO_SESSION && seen.remote === where.remote, 'when it is open, the keys read its /srv');
      // The builder's facts, asked for once the session is open, arrive before the test goes on (no client left running).
      await standIn.settled(() => readOnChange.length >= 2, 120_000);
    } finally {
      other.dispose();
    }

    // A cosa init that did not finish, on the builder: the welcome view offers the way out.
    const r = await session.capture(['rm', '-rf', '--', '/srv/builds', '/srv/tmp']);
    assert.equal(r.exitCode, 0, r.stderr);
    standIn.executed = [];
    await updateContextKeys(root, 'podman', where);
    assert.equal(standIn.contextKeys()['coreos.workspaceKind'], 'incomplete');
    assert.equal(standIn.contextKeys()['coreos.hasBuild'], false);
  });
});
