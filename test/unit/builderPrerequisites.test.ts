// The doctor with a remote builder selected (src/cosa/prerequisites.ts checkRemoteBuilder,
// checkPrerequisitesWith): the builder's rows replace this machine's KVM, CPU, disk, image and
// socket rows, so a laptop without KVM is not failed for it; each builder fault has its row.

import * as assert from 'node:assert/strict';
import { COMMANDS } from '../../src/commandIds';
import { BuilderFacts } from '../../src/cosa/builderFacts';
import { BUILDER_CHECK_IDS, checkPrerequisitesWith, checkRemoteBuilder, HostFacts, LOW_DISK_BYTES } from '../../src/cosa/prerequisites';

// A laptop: podman as the client only, no /dev/kvm, no vmx, little disk.
const laptop: HostFacts = {
  runtime: 'podman', runtimePath: '/usr/bin/podman', runtimeVersion: '4.3.1', rootless: true, uid: 1000, groups: [1000],
  kvm: { exists: false, readable: false, writable: false },
  fuse: { exists: false, readable: false, writable: false },
  cpu: { vmx: false, svm: false, hypervisor: true },
  freeBytes: { workspace: 1024 ** 3, '/var/tmp': 1024 ** 3 },
  image: { ref: 'quay.io/coreos-assembler/coreos-assembler:latest', present: false },
};
const builder: BuilderFacts = { arch: 'aarch64', podmanVersion: '4.9.4', rootless: true, cpus: 16, freeBytes: 200 * 1024 ** 3, kvm: 'usable' };
const rows = (facts: BuilderFacts | { error: string }) => new Map(checkRemoteBuilder({ name: 'arm', facts }).map((r) => [r.id, r]));

describe('the doctor with a remote builder (checkRemoteBuilder)', () => {
  it('does not demand this machine\'s KVM, disk or image: the builder\'s rows replace them', () => {
    const local = checkPrerequisitesWith(laptop, undefined);
    assert.ok(local.some((r) => r.id === 'kvm' && r.status === 'fail'), 'locally, no KVM fails');
    const remote = checkPrerequisitesWith(laptop, { name: 'arm', facts: builder });
    assert.deepEqual(remote.map((r) => r.id), ['settings', 'runtime', ...BUILDER_CHECK_IDS]);
    assert.deepEqual(remote.filter((r) => r.status !== 'ok').map((r) => r.id), []);
    assert.equal(remote.find((r) => r.id === 'builder')!.detail, 'aarch64, podman 4.9.4 (rootless), KVM usable, 200.0 GiB free');
    assert.match(remote.find((r) => r.id === 'builder-kvm')!.detail, /this machine needs no KVM/);
  });

  it('a builder that does not answer fails its row with podman\'s reason and offers Select Builder; the rest is unknown', () => {
    const r = rows({ error: 'nothing accepts ssh connections at 10.0.0.5:22 (is the builder up, and sshd listening on that port?)' });
    assert.equal(r.get('builder')!.status, 'fail');
    assert.match(r.get('builder')!.detail, /nothing accepts ssh connections/);
    assert.deepEqual(r.get('builder')!.action, { title: 'Select Builder', command: COMMANDS.selectBuilder });
    for (const id of ['builder-podman', 'builder-kvm', 'builder-disk'] as const) {
      assert.equal(r.get(id)!.status, 'warn');
      assert.match(r.get(id)!.detail, /did not answer/);
    }
  });

  it('podman older than 4.3 fails (keep-id:uid=); rootful podman warns about keep-id', () => {
    assert.equal(rows({ ...builder, podmanVersion: '4.2.1' }).get('builder-podman')!.status, 'fail');
    assert.match(rows({ ...builder, podmanVersion: '4.2.1' }).get('builder-podman')!.detail, /needs podman 4\.3 or newer/);
    const rootful = rows({ ...builder, rootless: false }).get('builder-podman')!;
    assert.equal(rootful.status, 'warn');
    assert.match(rootful.detail, /keep-id is only supported in rootless mode/);
    assert.match(rows(builder).get('builder-podman')!.detail, /rootless: keep-id maps the builder account to cosa's uid 1000/);
  });

  it('/dev/kvm on the builder: usable, not writable, missing, or not looked at yet (no session)', () => {
    assert.equal(rows(builder).get('builder-kvm')!.status, 'ok');
    assert.match(rows({ ...builder, kvm: 'read-only' }).get('builder-kvm')!.detail, /not writable in the cosa session/);
    assert.equal(rows({ ...builder, kvm: 'read-only' }).get('builder-kvm')!.status, 'fail');
    assert.match(rows({ ...builder, kvm: 'missing' }).get('builder-kvm')!.detail, /fatal: Missing \/dev\/kvm/);
    const { kvm: _unchecked, ...noSession } = builder;
    assert.equal(rows(noSession).get('builder-kvm')!.status, 'warn');
    assert.match(rows(noSession).get('builder-kvm')!.detail, /Not checked yet/);
  });

  it('free disk on the builder: low warns, unknown warns, plenty passes', () => {
    assert.equal(rows({ ...builder, freeBytes: LOW_DISK_BYTES - 1 }).get('builder-disk')!.status, 'warn');
    const { freeBytes: _unknown, ...noDisk } = builder;
    assert.equal(rows(noDisk).get('builder-disk')!.status, 'warn');
    assert.equal(rows(builder).get('builder-disk')!.status, 'ok');
  });
});
