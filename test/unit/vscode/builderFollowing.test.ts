// The CoreOS Builds view follows the workspace's builder (src/vscode/builderFollowing.ts, wired by
// src/extensionFeatures.ts): local, a remote session or a pod; read again when a command there ends,
// never when a local one does. With the typed vscode stand-in; the sessions and pods are the real
// classes, which spawn nothing until asked to run something.

import '../../mocks/registerVscode';
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { EventEmitter, standIn, Uri } from '../../mocks/vscode';
import { BuildDirSource } from '../../../src/engine/buildDirSource';
import { CosaPod } from '../../../src/engine/cosaPod';
import { RemoteSession } from '../../../src/engine/remoteSession';
import { followBuilder } from '../../../src/vscode/builderFollowing';

const folder = Uri.file('/tmp/coreos-follow-ws') as unknown as vscode.Uri;
const ARM = { url: 'ssh://core@arm1.example.com/run/podman/podman.sock', name: 'arm1' };

function wiring() {
  let target: RemoteSession | CosaPod | undefined;
  const builderChanged = new EventEmitter<void>();
  const runEnded = new EventEmitter<unknown>();
  const calls: string[] = [];
  const sources: BuildDirSource[] = [];
  const tree = {
    remote: undefined as string | undefined,
    setSource(source: BuildDirSource) {
      sources.push(source);
      this.remote = source.remote;
    },
    refreshAll: async () => void calls.push('refreshAll'),
  };
  const treeView: { description?: string | undefined } = {};
  const following = followBuilder({
    folder,
    builders: { currentTarget: async () => target, onDidChange: builderChanged.event },
    tree,
    treeView,
    runs: { onDidEnd: runEnded.event },
    moreBuilders: { follow: async () => void calls.push('moreBuilders.follow') },
    refreshContext: async () => void calls.push('refreshContext'),
  });
  /** A builder change, settled once the following ran to its end (it asks moreBuilders last). */
  const followed = async () => {
    const before = calls.filter((c) => c === 'moreBuilders.follow').length;
    builderChanged.fire();
    await standIn.settled(() => calls.filter((c) => c === 'moreBuilders.follow').length > before);
  };
  return {
    following, tree, treeView, calls, sources, followed,
    select: (t: RemoteSession | CosaPod | undefined) => (target = t),
    builderChanged: () => builderChanged.fire(),
    runEnded: () => runEnded.fire({}),
  };
}

describe('the builds view follows the builder (src/vscode/builderFollowing.ts)', () => {
  beforeEach(() => standIn.reset());

  it('a remote session: the tree reads its build directory, the view says where, Download is offered; the same session again changes nothing', async () => {
    const w = wiring();
    const session = new RemoteSession('podman', ARM, '4644a05b735e0123');
    w.select(session);
    await w.followed();
    assert.equal(w.sources.length, 1);
    assert.equal(w.sources[0]!.remote, session.description, 'read through the session');
    assert.equal(w.treeView.description, 'remote: arm1');
    assert.equal(standIn.contextKeys()['coreos.buildsRemote'], true);
    assert.deepEqual(w.calls, ['moreBuilders.follow']);
    await w.followed();
    assert.equal(w.sources.length, 1, 'not pointed at the same build directory again (nothing re-read)');
  });

  it('a pod: read through it, no Download (rsync over podman exec needs a session); back to local: the workspace again', async () => {
    const w = wiring();
    const pod = new CosaPod({ pod: 'cosa-ws', tool: 'kubectl', namespace: 'builds' });
    w.select(pod);
    await w.followed();
    assert.equal(w.sources.at(-1)!.remote, pod.description);
    assert.equal(w.treeView.description, 'remote: pod builds/cosa-ws (kubectl)');
    assert.equal(standIn.contextKeys()['coreos.buildsRemote'], false);
    w.select(undefined);
    await w.followed();
    assert.equal(w.sources.length, 2);
    assert.equal(w.sources[1]!.remote, undefined, 'the local build directory');
    assert.equal(w.treeView.description, undefined);
    assert.equal(standIn.contextKeys()['coreos.buildsRemote'], false);
  });

  it('a builder change follows by itself; a command that ends re-reads the tree and the context keys only when the builds are remote; dispose stops both', async () => {
    const w = wiring();
    w.select(new RemoteSession('podman', ARM, '4644a05b735e0123'));
    w.runEnded();
    assert.deepEqual(w.calls, [], 'local builds: the file watchers tell the tree');
    await w.followed();
    assert.equal(w.sources.length, 1);
    w.calls.length = 0;
    w.runEnded();
    assert.deepEqual(w.calls, ['refreshAll', 'refreshContext'], 'no watcher on the builder: read again');
    w.following.dispose();
    w.calls.length = 0;
    w.runEnded();
    w.builderChanged();
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(w.calls, []);
    assert.equal(w.sources.length, 1);
  });
});
