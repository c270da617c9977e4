import * as assert from 'node:assert/strict';
import { KnownProblemCollector, KnownProblemId, matchKnownProblem } from '../../src/cosa/knownProblems';
import { CheckId } from '../../src/cosa/prerequisites';

// Real messages: cosa's src/cmdlib.sh, qemu, podman, kola (cosa-contract.md sections 5 and 9).
const CASES: [string, string, KnownProblemId, CheckId | undefined][] = [
  ['cmdlib.sh, no /dev/kvm (coloured on a TTY)', '\x1b[31mfatal:\x1b(B\x1b[m Missing /dev/kvm; you can set COSA_NO_KVM=1 to bypass this at the cost of performance.', 'kvm-missing', 'kvm'],
  ['cmdlib.sh, plain', 'fatal: Missing /dev/kvm; you can set COSA_NO_KVM=1 to bypass this at the cost of performance.', 'kvm-missing', 'kvm'],
  ['cmdlib.sh, unwritable', 'fatal: running unprivileged, and /dev/kvm not writable', 'kvm-not-writable', 'kvm'],
  ['qemu, no kvm module', 'Could not access KVM kernel module: No such file or directory', 'kvm-unavailable', 'kvm'],
  ['qemu, init failed', 'qemu-system-x86_64: failed to initialize kvm: No such file or directory', 'kvm-unavailable', 'kvm'],
  ['qemu, busy (ioctl)', 'ioctl(KVM_CREATE_VM) failed: 16 Device or resource busy', 'kvm-busy', 'kvm'],
  ['qemu, busy (init)', 'qemu-system-x86_64: failed to initialize KVM: Device or resource busy', 'kvm-busy', 'kvm'],
  ['podman < 4.3', 'Error: unrecognized namespace mode keep-id:uid=1000,gid=1000 passed', 'keep-id-unsupported', 'runtime'],
  ['rootful podman with keep-id', 'Error: keep-id is only supported in rootless mode', 'keep-id-unsupported', 'runtime'],
  ['kola, cosa run before cosa osbuild qemu', '2026-11-27T10:00:00Z CRITICAL kola: No disk image provided', 'no-disk-image', undefined],
  ['ENOSPC in the cache', 'qemu-img: error while writing sector 123: No space left on device (cache/cache2.qcow2)', 'no-space', 'disk-workspace'],
  ['ENOSPC from rsync', 'rsync: write failed on "/srv/tmp/build/x": No space left on device (28)', 'no-space', 'disk-workspace'],
  ['ENOSPC in /var/tmp', 'Error: write /var/tmp/mantle-qemu123/disk: no space: ENOSPC', 'no-space', 'disk-var-tmp'],
  ['podman --pull=never', 'Error: localhost/nope:x: image not known', 'image-missing', 'image'],
  ['registry unreachable', 'Error: initializing source docker://quay.io/coreos-assembler/coreos-assembler:latest: pinging container registry quay.io: Get "https://quay.io/v2/": dial tcp: lookup quay.io: no such host', 'image-missing', 'image'],
  ['manifest unknown', 'Error: reading manifest nope in quay.io/coreos-assembler/coreos-assembler: manifest unknown', 'image-missing', 'image'],
  ['docker', 'Unable to find image \'quay.io/coreos-assembler/coreos-assembler:latest\' locally', 'image-missing', 'image'],
  ['two builds at once', 'qemu-system-x86_64: -drive file=cache/cache2.qcow2: Failed to get "write" lock', 'workdir-locked', undefined],
];

describe('matchKnownProblem', () => {
  for (const [name, line, id, check] of CASES) {
    it(`${name} -> ${id}`, () => {
      const p = matchKnownProblem(line);
      assert.ok(p, `no match for ${line}`);
      assert.equal(p.id, id);
      assert.equal(p.check, check);
      assert.ok(p.message.length > 20);
      assert.ok(!p.line.includes(String.fromCharCode(27)), "ANSI stripped");
    });
  }

  it('offers a pull only for a missing image, and cosa osbuild qemu for a missing disk', () => {
    assert.equal(matchKnownProblem('Error: localhost/nope:x: image not known')!.offerPull, true);
    assert.equal(matchKnownProblem('fatal: Missing /dev/kvm')!.offerPull, undefined);
    assert.equal(matchKnownProblem('No disk image provided')!.suggestion, 'cosa osbuild qemu');
    assert.match(matchKnownProblem('No space left on device cache2.qcow2')!.message, /delete that file/);
  });

  it('leaves ordinary output alone', () => {
    for (const line of [
      '', 'Input hash unchanged (0123abcd)', 'failed to execute cmd-build: exit status 1', 'fatal: boom',
      'Committing 42.20260101.3.0', 'umount: /srv: target is busy', 'info: no space needed',
    ]) {
      assert.equal(matchKnownProblem(line), undefined, line);
    }
  });

  it('a busy device without kvm in the line points at the build directory, not at KVM', () => {
    const p = matchKnownProblem('rm: cannot remove \'tmp/mnt\': Device or resource busy')!;
    assert.equal(p.id, 'kvm-busy');
    assert.equal(p.check, 'disk-workspace');
    assert.doesNotMatch(p.message, /hypervisor/);
  });
});

describe('KnownProblemCollector', () => {
  it('reports each problem once per run, in order', () => {
    const c = new KnownProblemCollector();
    assert.equal(c.push('fatal: Missing /dev/kvm; x')!.id, 'kvm-missing');
    assert.equal(c.push('fatal: Missing /dev/kvm; x'), undefined);
    assert.equal(c.push('hello'), undefined);
    assert.equal(c.push('No space left on device')!.id, 'no-space');
    assert.deepEqual(c.problems.map((p) => p.id), ['kvm-missing', 'no-space']);
  });
});
