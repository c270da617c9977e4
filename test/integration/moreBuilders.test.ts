// Several builders at once (coreos.moreBuilders, src/cosa/moreBuilders.ts): a build made locally and
// one made on the test machine's remote builder (test/remote-builder/setup.sh, reached over ssh) for
// the same workspace are found the way src/vscode/moreBuilders.ts finds them (the local build
// directory; the workspace's session on the builder by its labels, never a new one) and read the way
// the builds tree reads them (builds.json and meta.json through exec in the session), then merged
// into one list with each build's arches grouped by the builder that made them.

import * as assert from 'node:assert/strict';
import { parseBuildsIndex } from '../../src/cosa/buildsIndex';
import { parseBuildMeta } from '../../src/cosa/buildMeta';
import { builderGroupLabel, builderKey, mergeBuilderBuilds } from '../../src/cosa/moreBuilders';
import { findWorkspaceSession, openWorkspaceSession } from '../../src/engine/builderSessions';
import { BuildDirSource, localBuildDir, sessionBuildDir } from '../../src/engine/buildDirSource';
import { CosaEngine } from '../../src/engine/cosaProcess';
import { RemoteSession } from '../../src/engine/remoteSession';
import { collect, IMAGE, makeConfigRepo, makeWorkspace, standinSettings } from './helpers';
import { snapshot, testBuilder } from './remoteBuilder';

async function buildsOf(source: BuildDirSource): Promise<{ id: string; arches: string[] }[]> {
  const index = parseBuildsIndex(new TextDecoder().decode(await source.read('builds.json')));
  assert.equal(index.error, undefined);
  return index.builds.map((b) => ({ id: b.id, arches: [...b.arches] }));
}

describe('more builders: a local build and a remote builder\'s, grouped by builder (src/cosa/moreBuilders.ts)', function () {
  this.timeout(300_000);
  const builder = testBuilder();
  const engine = new CosaEngine({ stopGraceSeconds: 5 });
  let session: RemoteSession | undefined;

  after(async () => {
    await session?.destroy();
    await engine.dispose();
  });

  it('shows each build with its arches under the builder that made them', async () => {
    const ws = makeWorkspace('more-builders');
    const cfg = makeConfigRepo();
    // Made locally, as the cosa alias does.
    const runtime = await engine.runtime('podman');
    for (const args of [['init', 'file:///cfgrepo'], ['build']]) {
      const { result, lines } = await collect(engine.start({
        workspace: ws, args, purpose: args[0]!, tty: false, settings: standinSettings({ runtimeArgs: `-v ${cfg}:/cfgrepo:ro` }), runtime,
      }));
      assert.equal(result.exitCode, 0, lines.join('\n'));
    }
    const local = localBuildDir(ws);
    const localBuilds = await buildsOf(local);
    assert.equal(localBuilds.length, 1);
    const before = snapshot(ws);

    // Made on the remote builder, in this workspace's session there (as Select Builder + Build would).
    session = await openWorkspaceSession('podman', builder, ws, { image: IMAGE, expiration: '10m' });
    await session.sync(`${cfg}/`, ':/srv/.coreos-vscode/config-repo/');
    for (const args of [['init', 'file:///srv/.coreos-vscode/config-repo'], ['build']]) {
      const r = await session.run(args);
      assert.equal(r.exitCode, 0, `cosa ${args.join(' ')} on the builder:\n${r.stdout}\n${r.stderr}`);
    }
    const made = parseBuildsIndex((await session.readFile('/srv/builds/builds.json'))!).builds[0]!;
    const remoteBuild = { buildId: made.id, arch: made.arches[0]! };

    // What src/vscode/moreBuilders.ts does for an ssh:// entry: the workspace's session found by its labels.
    const found = await findWorkspaceSession('podman', builder, ws);
    assert.equal(found?.id, session.id, 'the session of this workspace on the builder is found, not a new one made');
    const remote = sessionBuildDir(found);
    const remoteBuilds = await buildsOf(remote);
    assert.equal(remoteBuilds[0]!.id, remoteBuild.buildId);

    const remoteChoice = { kind: 'url', url: builder.url, identity: builder.identity! } as const;
    const merged = mergeBuilderBuilds([
      { key: builderKey({ kind: 'local' }), label: builderGroupLabel({ kind: 'local' }), remote: false, builds: localBuilds },
      { key: builderKey(remoteChoice), label: builderGroupLabel(remoteChoice), remote: true, builds: remoteBuilds },
    ]);
    const groupsOf = (id: string) => merged.find((m) => m.id === id)?.groups.map((g) => [g.label, g.remote, g.arches.join(' ')]);
    const remoteLabel = `ssh://${/^ssh:\/\/([^/]+)/.exec(builder.url)![1]}`;
    if (localBuilds[0]!.id === remoteBuild.buildId) {
      // The same version made on both: one build, one group per builder.
      assert.deepEqual(groupsOf(remoteBuild.buildId), [['local', false, localBuilds[0]!.arches.join(' ')], [remoteLabel, true, remoteBuild.arch]]);
      assert.equal(merged.length, 1);
    } else {
      assert.deepEqual(groupsOf(localBuilds[0]!.id), [['local', false, localBuilds[0]!.arches.join(' ')]]);
      assert.deepEqual(groupsOf(remoteBuild.buildId), [[remoteLabel, true, remoteBuild.arch]]);
      assert.equal(merged.length, 2);
    }

    // Each group's rows come from its own builder: the meta.json the tree reads for the remote group is the builder's.
    const remoteText = new TextDecoder().decode(await remote.read({ buildId: remoteBuild.buildId, arch: remoteBuild.arch, file: 'meta.json' }));
    assert.equal(remoteText, await session.readFile(`/srv/builds/${remoteBuild.buildId}/${remoteBuild.arch}/meta.json`));
    assert.deepEqual(parseBuildMeta(remoteText).errors, []);
    const localText = new TextDecoder().decode(await local.read({ buildId: localBuilds[0]!.id, arch: localBuilds[0]!.arches[0]!, file: 'meta.json' }));
    assert.notEqual(localText, remoteText, 'two builds, one per builder (their meta.json differ at least in time and commit)');
    assert.deepEqual(snapshot(ws), before, 'reading the remote builder\'s builds changed nothing local');
  });
});
