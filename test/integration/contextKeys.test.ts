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
import { NO_SESSION, updateContextKeys } from '../../src/vscode/workspaceContext';
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

    // A cosa init that did not finish, on the builder: the welcome view offers the way out.
    const r = await session.capture(['rm', '-rf', '--', '/srv/builds', '/srv/tmp']);
    assert.equal(r.exitCode, 0, r.stderr);
    standIn.executed = [];
    await updateContextKeys(root, 'podman', where);
    assert.equal(standIn.contextKeys()['coreos.workspaceKind'], 'incomplete');
    assert.equal(standIn.contextKeys()['coreos.hasBuild'], false);
  });
});
