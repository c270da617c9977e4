// The product's way onto a remote builder (src/engine/builderSessions.ts, src/engine/builderFacts.ts)
// against the test machine's real builder over ssh (test/remote-builder/setup.sh): a workspace's
// session is created on first use and found again by its labels (a reload reuses it, another
// workspace gets its own), and the builder's facts come from the builder and its session.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseBuildsIndex } from '../../src/cosa/buildsIndex';
import { parseBuildMeta } from '../../src/cosa/buildMeta';
import { parseSessionPs, sessionListArgv } from '../../src/cosa/remoteSession';
import { sessionBuildDir } from '../../src/engine/buildDirSource';
import { collectBuilderFacts } from '../../src/engine/builderFacts';
import { openWorkspaceSession } from '../../src/engine/builderSessions';
import { RemoteSession } from '../../src/engine/remoteSession';
import { IMAGE, makeConfigRepo, makeWorkspace } from './helpers';
import { remotePodman, snapshot, testBuilder } from './remoteBuilder';

describe('workspace sessions on a remote builder (src/engine/builderSessions.ts)', function () {
  this.timeout(300_000);
  const builder = testBuilder();
  const opened: RemoteSession[] = [];

  after(async () => {
    await Promise.all(opened.map((s) => s.destroy()));
    const left = parseSessionPs(remotePodman(builder, sessionListArgv()));
    assert.deepEqual(left.map((s) => s.id), [], 'no session container is left on the builder');
  });

  it('opens a session on first use, finds the same one again, and gives another workspace its own', async () => {
    const ws = makeWorkspace('builder-a');
    const first = await openWorkspaceSession('podman', builder, ws, { image: IMAGE, expiration: '10m' });
    opened.push(first);
    assert.equal((await first.state())?.running, true);
    const again = await openWorkspaceSession('podman', builder, ws, { image: IMAGE, expiration: '10m' });
    assert.equal(again.id, first.id, 'the running session of the workspace is reused, not a second one made');
    const other = await openWorkspaceSession('podman', builder, makeWorkspace('builder-b'), { image: IMAGE, expiration: '10m' });
    opened.push(other);
    assert.notEqual(other.id, first.id);
    assert.equal(parseSessionPs(remotePodman(builder, sessionListArgv(ws))).length, 1, 'one session per workspace on the builder');

    await first.destroy();
    const fresh = await openWorkspaceSession('podman', builder, ws, { image: IMAGE, expiration: '10m' });
    opened.push(fresh);
    assert.notEqual(fresh.id, first.id, 'a session gone from the builder is replaced');
  });

  it('reads arch, podman version, free disk and /dev/kvm from the builder and its session', async () => {
    const session = await openWorkspaceSession('podman', builder, makeWorkspace('builder-facts'), { image: IMAGE, expiration: '10m' });
    opened.push(session);
    const info = JSON.parse(remotePodman(builder, ['--remote', 'info', '--format', 'json'])) as { version: { Version: string } };
    const kvmInSession = remotePodman(builder, ['--remote', 'exec', session.id, 'sh', '-c', 'test -w /dev/kvm && echo usable || echo not']).trim();
    const withoutSession = await collectBuilderFacts('podman', builder);
    assert.equal(withoutSession.kvm, undefined, 'KVM is not guessed without a session');
    const facts = await collectBuilderFacts('podman', builder, session);
    assert.equal(facts.arch, 'x86_64');
    assert.equal(facts.podmanVersion, info.version.Version);
    assert.equal(facts.rootless, true, 'the test builder is rootless podman of its own account');
    assert.ok((facts.freeBytes ?? 0) > 0, 'free disk of the builder\'s storage');
    assert.equal(facts.kvm === 'usable' ? 'usable' : 'not', kvmInSession);
  });

  it('the builds tree\'s source reads a remote build through exec: builds.json, latest, markers, meta.json, image sizes; nothing local', async () => {
    const ws = makeWorkspace('builder-tree');
    const before = snapshot(ws);
    const session = await openWorkspaceSession('podman', builder, ws, { image: IMAGE, expiration: '10m' });
    opened.push(session);
    const repo = makeConfigRepo();
    await session.sync(`${repo}/`, ':/srv/.coreos-vscode/config-repo/');
    assert.equal((await session.run(['init', 'file:///srv/.coreos-vscode/config-repo'])).exitCode, 0);
    const source = sessionBuildDir(session);
    await assert.rejects(source.read('builds.json'), (e: NodeJS.ErrnoException) => e.code === 'ENOENT', 'no build yet: missing, not an error');
    assert.equal(await source.latest(), undefined);
    const build = await session.run(['build']);
    assert.equal(build.exitCode, 0, build.stderr);

    assert.match(source.remote ?? '', /^remote session [0-9a-f]{12} on test builder$/);
    const index = parseBuildsIndex(new TextDecoder().decode(await source.read('builds.json')));
    const id = index.builds[0]!.id;
    assert.equal(await source.latest(), id);
    const arch = index.builds[0]!.arches[0]!;
    assert.ok((await source.list({ buildId: id, arch })).includes('meta.json'));
    const meta = parseBuildMeta(new TextDecoder().decode(await source.read({ buildId: id, arch, file: 'meta.json' })));
    assert.deepEqual(meta.errors, []);
    const image = meta.meta.images[0]!;
    const probe = await source.probe!({ buildId: id, arch, file: image.path });
    const size = Number(remotePodman(builder, ['--remote', 'exec', session.id, 'stat', '-L', '-c', '%s', `/srv/builds/${id}/${arch}/${image.path}`]).trim());
    assert.deepEqual(probe, { exists: true, size });
    assert.deepEqual(await source.probe!({ buildId: id, arch, file: 'gone.qcow2' }), { exists: false });
    // What the tree's refreshAll compares: one stat through exec, changed by a marker in the arch directory.
    const entries = [{ buildId: id, arch, file: 'meta.json' }, { buildId: id, arch }, { buildId: id, arch: 'ppc64le', file: 'meta.json' }];
    const signed = await source.signatures!(entries);
    assert.ok(signed[0] && signed[1] && signed[2] === undefined, JSON.stringify(signed));
    remotePodman(builder, ['--remote', 'exec', session.id, 'touch', `/srv/builds/${id}/${arch}/.qemu.building`]);
    const marked = await source.signatures!(entries);
    assert.equal(marked[0], signed[0]);
    assert.notEqual(marked[1], signed[1]);
    const read = await source.readSigned!({ buildId: id, arch, file: 'meta.json' });
    assert.deepEqual(read.signatures, marked.slice(0, 2), 'a read carries the signatures it was read at');
    assert.deepEqual(parseBuildMeta(new TextDecoder().decode(read.bytes)), meta);
    await assert.rejects(source.read({ buildId: id, arch: 'ppc64le', file: 'meta.json' }), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
    await assert.rejects(source.read({ buildId: '../etc', arch, file: 'meta.json' }), /build id "\.\.\/etc" is not one cosa makes/);
    assert.deepEqual(snapshot(ws), before, 'nothing of the build reached the local workspace');
    assert.equal(fs.existsSync(path.join(ws, 'builds')), false);
  });
});
