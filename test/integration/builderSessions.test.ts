// The product's way onto a remote builder (src/engine/builderSessions.ts, src/engine/builderFacts.ts)
// against the test machine's real builder over ssh (test/remote-builder/setup.sh): a workspace's
// session is created on first use and found again by its labels (a reload reuses it, another
// workspace gets its own), and the builder's facts come from the builder and its session.

import * as assert from 'node:assert/strict';
import { parseSessionPs, sessionListArgv } from '../../src/cosa/remoteSession';
import { collectBuilderFacts } from '../../src/engine/builderFacts';
import { openWorkspaceSession } from '../../src/engine/builderSessions';
import { RemoteSession } from '../../src/engine/remoteSession';
import { IMAGE, makeWorkspace } from './helpers';
import { remotePodman, testBuilder } from './remoteBuilder';

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
});
