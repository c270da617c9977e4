// coreos.moreBuilders: what the setting may say, that an untrusted workspace ignores it, and how the
// builds of several builders merge into one list with each build's arches grouped by builder
// (src/cosa/moreBuilders.ts).

import * as assert from 'node:assert/strict';
import {
  builderAddressKey, sameBuilderAs,
  builderGroupLabel, builderKey, compareBuildIdsNewestFirst, effectiveMoreBuilders, mergeBuilderBuilds, parseMoreBuilders, swapSelectedBuilder,
  UNTRUSTED_MORE_BUILDERS_REASON,
} from '../../src/cosa/moreBuilders';

const AARCH64 = 'ssh://builder@arm1.example.com:2222/run/user/1000/podman/podman.sock';
const PPC = 'ssh://core@ppc1.example.com/run/podman/podman.sock';

describe('coreos.moreBuilders (src/cosa/moreBuilders.ts)', () => {
  it('reads local, ssh:// builders with and without an identity, and connection names, in order', () => {
    assert.deepEqual(parseMoreBuilders(undefined), { builders: [], errors: [] });
    assert.deepEqual(parseMoreBuilders([]), { builders: [], errors: [] });
    assert.deepEqual(parseMoreBuilders(['local', { builder: AARCH64, identity: ' /home/me/.ssh/arm ' }, PPC, 's390x-builder']), {
      builders: [
        { kind: 'local' },
        { kind: 'url', url: AARCH64, identity: '/home/me/.ssh/arm' },
        { kind: 'url', url: PPC },
        { kind: 'connection', name: 's390x-builder' },
      ],
      errors: [],
    });
  });

  it('leaves out a wrong entry with the reason and keeps the others', () => {
    const r = parseMoreBuilders([
      'http://arm1.example.com', 42, { builder: AARCH64, key: 'x' }, { builder: AARCH64, identity: 7 },
      'kubectl://ctx/ns/pod', { builder: 'arm-conn', identity: '/k' }, 'local', 'local', PPC, { builder: PPC, identity: '' }, 'no spaces',
    ]);
    assert.deepEqual(r.builders, [{ kind: 'local' }, { kind: 'url', url: PPC }]);
    assert.equal(r.errors.length, 9, r.errors.join('\n'));
    assert.match(r.errors[0]!, /^coreos\.moreBuilders\[0\]: "http:\/\/arm1\.example\.com": only ssh:\/\/ podman builders/);
    assert.match(r.errors[1]!, /^coreos\.moreBuilders\[1\]: a builder is a string/);
    assert.match(r.errors[2]!, /\[2\]: unknown key "key"/);
    assert.match(r.errors[3]!, /\[3\]: "identity" is the path of a private key file/);
    assert.match(r.errors[4]!, /\[4\]: "kubectl:\/\/ctx\/ns\/pod" is a pod/);
    assert.match(r.errors[5]!, /\[5\]: "identity" applies to an ssh:\/\/ builder only/);
    assert.match(r.errors[6]!, /\[7\]: "local" is listed twice/);
    assert.match(r.errors[7]!, /\[9\]: .* is listed twice/, 'an empty identity is the same builder as none');
    assert.match(r.errors[8]!, /\[10\]: "no spaces" is neither "local", an ssh:\/\/ address, nor a podman connection name/);
    assert.deepEqual(parseMoreBuilders('local'), { builders: [], errors: ['coreos.moreBuilders must be a list of builders'] });
  });

  it('is ignored in an untrusted workspace, with the reason; the selected builder is not listed twice', () => {
    const setting = parseMoreBuilders(['local', AARCH64]);
    assert.deepEqual(effectiveMoreBuilders(setting, false, { kind: 'local' }), { builders: [], errors: [], ignored: UNTRUSTED_MORE_BUILDERS_REASON });
    assert.deepEqual(effectiveMoreBuilders(parseMoreBuilders([]), false, { kind: 'local' }), { builders: [], errors: [] }, 'nothing set: nothing to explain');
    assert.deepEqual(effectiveMoreBuilders(setting, true, { kind: 'local' }).builders, [{ kind: 'url', url: AARCH64 }]);
    assert.deepEqual(effectiveMoreBuilders(setting, true, { kind: 'url', url: AARCH64 }).builders, [{ kind: 'local' }]);
    assert.deepEqual(effectiveMoreBuilders(setting, true, { kind: 'url', url: AARCH64, identity: '/k' }).builders.length, 2, 'another identity is another builder');
  });

  it('names builders for their groups and tells them apart by value and identity', () => {
    assert.equal(builderGroupLabel({ kind: 'local' }), 'local');
    assert.equal(builderGroupLabel({ kind: 'url', url: AARCH64 }), 'ssh://builder@arm1.example.com:2222');
    assert.equal(builderGroupLabel({ kind: 'connection', name: 's390x-builder' }), 's390x-builder');
    assert.notEqual(builderKey({ kind: 'url', url: AARCH64 }), builderKey({ kind: 'url', url: AARCH64, identity: '/k' }));
    assert.equal(builderKey({ kind: 'local' }), builderKey({ kind: 'local' }));
  });

  it('orders build ids newest first as cosa numbers them', () => {
    const ids = ['42.20260101.3.0', '42.20260101.3.10', '42.20260101.3.2', '43.20251231.1.0', '9.20260101.1.0', '42.20260101.dev.1', '42.20260101.dev.0'];
    assert.deepEqual([...ids].sort(compareBuildIdsNewestFirst),
      ['43.20251231.1.0', '42.20260101.dev.1', '42.20260101.dev.0', '42.20260101.3.10', '42.20260101.3.2', '42.20260101.3.0', '9.20260101.1.0']);
    assert.equal(compareBuildIdsNewestFirst('42.1', '42.1'), 0);
    assert.ok(compareBuildIdsNewestFirst('42.1.1', '42.1') < 0, 'a longer id with the same start is newer');
    assert.equal(compareBuildIdsNewestFirst('42.007', '42.7'), 0);
  });

  it('merges the builders\' builds newest first, a build on several builders once with its arches grouped by builder', () => {
    const merged = mergeBuilderBuilds([
      { key: 'local', label: 'local', remote: false, builds: [{ id: '42.3', arches: ['x86_64'] }, { id: '42.1', arches: ['x86_64'] }] },
      { key: 'arm', label: 'ssh://arm1', remote: true, builds: [{ id: '42.4', arches: ['aarch64'] }, { id: '42.3', arches: ['aarch64'] }, { id: '42.3', arches: ['nope'] }, { id: '42.2', arches: ['aarch64'] }] },
      { key: 'ppc', label: 'ssh://ppc1', remote: true, builds: [{ id: '42.3', arches: ['ppc64le', 's390x'] }] },
    ]);
    assert.deepEqual(merged, [
      { id: '42.4', groups: [{ key: 'arm', label: 'ssh://arm1', remote: true, arches: ['aarch64'] }] },
      {
        id: '42.3', groups: [
          { key: 'local', label: 'local', remote: false, arches: ['x86_64'] },
          { key: 'arm', label: 'ssh://arm1', remote: true, arches: ['aarch64'] },
          { key: 'ppc', label: 'ssh://ppc1', remote: true, arches: ['ppc64le', 's390x'] },
        ],
      },
      { id: '42.2', groups: [{ key: 'arm', label: 'ssh://arm1', remote: true, arches: ['aarch64'] }] },
      { id: '42.1', groups: [{ key: 'local', label: 'local', remote: false, arches: ['x86_64'] }] },
    ]);
  });

  it('keeps each builder\'s own order even where its ids do not sort', () => {
    const merged = mergeBuilderBuilds([
      { key: 'a', label: 'a', remote: false, builds: [{ id: 'b-custom', arches: ['x86_64'] }, { id: 'z-older', arches: ['x86_64'] }] },
      { key: 'b', label: 'b', remote: true, builds: [{ id: 'm', arches: ['aarch64'] }] },
    ]);
    const ids = merged.map((m) => m.id);
    assert.ok(ids.indexOf('b-custom') < ids.indexOf('z-older'), ids.join());
    assert.deepEqual([...ids].sort(), ['b-custom', 'm', 'z-older']);
  });
});

describe('Use This Builder on coreos.moreBuilders (swapSelectedBuilder)', () => {
  it('puts the builder selected until now in the chosen one\'s place, written as the setting writes builders', () => {

    const raw = ['s390x-builder', { builder: AARCH64, identity: '/k' }, PPC];
    assert.deepEqual(swapSelectedBuilder(raw, { kind: 'url', url: AARCH64, identity: '/k' }, { kind: 'local' }), ['s390x-builder', 'local', PPC]);
    assert.deepEqual(swapSelectedBuilder(['local', PPC], { kind: 'local' }, { kind: 'url', url: AARCH64, identity: '/k' }), [{ builder: AARCH64, identity: '/k' }, PPC]);
    assert.deepEqual(swapSelectedBuilder(['local', PPC], { kind: 'url', url: PPC }, { kind: 'kube', pod: { tool: 'kubectl', namespace: 'ns', pod: 'p' } }), ['local'],
      'a pod cannot be listed: the chosen entry just goes');
    assert.deepEqual(swapSelectedBuilder(undefined, { kind: 'local' }, { kind: 'url', url: PPC }), [PPC], 'not listed (e.g. a user-level value): the previous one is added');
    assert.deepEqual(raw, ['s390x-builder', { builder: AARCH64, identity: '/k' }, PPC], 'the value read is not changed in place');
  });
});

describe('one builder named twice is shown once (builderAddressKey, sameBuilderAs)', () => {
  it('a connection\'s URL and the same URL spelled otherwise are one address; another port, user or socket is another builder', () => {
    const a = builderAddressKey('ssh://core@Arm1.example.com/run/user/1000/podman/podman.sock');
    assert.equal(a, 'core@arm1.example.com:22/run/user/1000/podman/podman.sock');
    assert.equal(builderAddressKey('ssh://core@arm1.example.com:22/run/user/1000/podman/podman.sock/'), a);
    assert.notEqual(builderAddressKey('ssh://core@arm1.example.com:2222/run/user/1000/podman/podman.sock'), a);
    assert.notEqual(builderAddressKey('ssh://root@arm1.example.com/run/user/1000/podman/podman.sock'), a);
    assert.notEqual(builderAddressKey('ssh://core@arm1.example.com/run/podman/podman.sock'), a);
    assert.equal(builderAddressKey('not a url'), undefined);
  });

  it('an entry at the selected builder\'s address, or at an earlier entry\'s, names that one; unresolved entries are never duplicates', () => {
    const arm = 'core@arm1:22/run/podman/podman.sock';
    const p9 = 'core@p9:22/run/podman/podman.sock';
    assert.deepEqual(sameBuilderAs({ label: 'arm1', address: arm }, [
      { label: 'ssh://core@arm1', address: arm },
      { label: 'ssh://core@p9', address: p9 },
      { label: 'p9', address: p9 },
      { label: 'gone' },
      { label: 'gone again' },
    ]), ['arm1', undefined, 'ssh://core@p9', undefined, undefined]);
    assert.deepEqual(sameBuilderAs({ label: 'local' }, [{ label: 'a', address: arm }, { label: 'b', address: arm }]), [undefined, 'a']);
  });
});
