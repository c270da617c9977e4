import * as assert from 'node:assert/strict';
import { BuildImage } from '../../src/cosa/buildMeta';
import {
  bootCheck, buildArchFor, compressionOf, decompressArgs, imageState, imageStateText, sourceUrlOf, withEmulatedArch,
} from '../../src/cosa/imageState';

// Paths as `cosa compress` writes them (src/cmd-compress: ext_dict xz .xz, gzip .gz, zstd .zst, zip .zip).
const qemu = (path: string, extra: Partial<BuildImage> = {}): BuildImage => ({ kind: 'qemu', path, size: 1000, sha256: 'a'.repeat(64), ...extra });

describe('imageState: compressed, present, absent', () => {
  it('knows the compressors by the extensions cosa compress appends', () => {
    assert.equal(compressionOf(qemu('x-qemu.x86_64.qcow2.xz')), 'xz');
    assert.equal(compressionOf(qemu('x-qemu.x86_64.qcow2.gz')), 'gzip');
    assert.equal(compressionOf(qemu('x-qemu.x86_64.qcow2.zst')), 'zstd');
    assert.equal(compressionOf(qemu('x-azure.x86_64.vhd.zip')), 'zip');
    assert.equal(compressionOf(qemu('x-qemu.x86_64.qcow2')), undefined);
  });

  it('a skip-compression image is never "compressed", whatever its name (gcp tar.gz, ociarchive)', () => {
    assert.equal(compressionOf({ path: 'x-gcp.x86_64.tar.gz', skipCompression: true }), undefined);
  });

  it('reads the state from meta.json and a stat', () => {
    assert.deepEqual(imageState(qemu('a.qcow2'), { exists: true, size: 1000 }), { kind: 'present' });
    assert.deepEqual(imageState(qemu('a.qcow2.xz'), { exists: true, size: 1000 }), { kind: 'compressed', compressor: 'xz' });
    assert.deepEqual(imageState(qemu('a.qcow2.xz'), { exists: false }), { kind: 'absent' });
    assert.deepEqual(imageState(qemu('a.qcow2'), { error: 'EACCES' }), { kind: 'unreadable', error: 'EACCES' });
    assert.deepEqual(imageState(qemu('a.qcow2.gz'), { exists: true, size: 10 }), { kind: 'compressed', compressor: 'gzip', sizeMismatch: { expected: 1000, actual: 10 } });
  });

  it('says it in the tree', () => {
    assert.equal(imageStateText({ kind: 'present' }), '');
    assert.equal(imageStateText({ kind: 'compressed', compressor: 'xz' }), 'compressed (xz)');
    assert.equal(imageStateText({ kind: 'absent' }), 'absent (not fetched)');
    assert.match(imageStateText({ kind: 'present', sizeMismatch: { expected: 1000, actual: 10 } }), /10 of 1000 bytes/);
  });
});

describe('bootCheck: kola never gets a compressed or missing file', () => {
  const base = { buildId: '42.1', arch: 'x86_64' };

  it('boots a present image', () => {
    assert.deepEqual(bootCheck({ ...base, image: qemu('a.qcow2'), state: { kind: 'present' } }), { kind: 'boot' });
  });

  it('offers cosa decompress --build for a compressed one', () => {
    const c = bootCheck({ ...base, image: qemu('a.qcow2.xz'), state: { kind: 'compressed', compressor: 'xz' } });
    assert.equal(c.kind, 'decompress');
    assert.deepEqual(c.kind === 'decompress' && c.args, ['decompress', '--build', '42.1']);
    assert.deepEqual(decompressArgs('42.1'), ['decompress', '--build', '42.1']);
  });

  it('says an absent image is absent, and offers the fetch when the build came from a URL', () => {
    const local = bootCheck({ ...base, image: qemu('a.qcow2.xz'), state: { kind: 'absent' } });
    assert.equal(local.kind, 'absent');
    assert.match(local.kind === 'absent' ? local.message : '', /builds\/42\.1\/x86_64\/a\.qcow2\.xz does not exist/);
    assert.equal(local.kind === 'absent' && local.fetchArgs, undefined);
    const fetched = bootCheck({ ...base, image: qemu('a.qcow2.xz'), state: { kind: 'absent' }, sourceUrl: 'http://h/builds' });
    assert.deepEqual(fetched.kind === 'absent' && fetched.fetchArgs,
      ['buildfetch', '--url=http://h/builds', '--build', '42.1', '--arch', 'x86_64', '--artifact', 'qemu']);
  });

  it('refuses a file whose size is not meta.json\'s (an interrupted download)', () => {
    const c = bootCheck({ ...base, image: qemu('a.qcow2'), state: { kind: 'present', sizeMismatch: { expected: 1000, actual: 5 } } });
    assert.equal(c.kind, 'refuse');
  });

  it('reads tmp/builds-source.txt', () => {
    assert.equal(sourceUrlOf('http://h/builds\n'), 'http://h/builds');
    assert.equal(sourceUrlOf('\n'), undefined);
  });
});

describe('buildArchFor: the host arch, not arches[0]', () => {
  it('picks the host arch wherever it is in the list (arches are appended in arrival order)', () => {
    assert.deepEqual(buildArchFor(['aarch64', 'x86_64'], 'x86_64'), { arch: 'x86_64', foreign: false });
    assert.deepEqual(buildArchFor(['x86_64', 'aarch64'], 'aarch64'), { arch: 'aarch64', foreign: false });
  });

  it('falls back to the first arch and calls the build foreign', () => {
    assert.deepEqual(buildArchFor(['aarch64', 's390x'], 'x86_64'), { arch: 'aarch64', foreign: true });
    assert.deepEqual(buildArchFor([], 'x86_64'), { foreign: false });
  });

  it('boots a foreign arch with kola --arch (before the qemu args after --), refuses an arch kola cannot emulate', () => {
    assert.deepEqual(withEmulatedArch(['run', '--qemu-image', '/srv/a.qcow2'], 'x86_64', 'x86_64'), ['run', '--qemu-image', '/srv/a.qcow2']);
    assert.deepEqual(withEmulatedArch(['run', '--qemu-image', '/srv/a.qcow2', '-m', '2048'], 'aarch64', 'x86_64'),
      ['run', '--qemu-image', '/srv/a.qcow2', '-m', '2048', '--arch', 'aarch64']);
    assert.deepEqual(withEmulatedArch(['run', '--qemu-image', '/srv/a', '--', '-smp', '2'], 's390x', 'x86_64'),
      ['run', '--qemu-image', '/srv/a', '--arch', 's390x', '--', '-smp', '2']);
    assert.equal(withEmulatedArch(['run'], 'riscv64', 'x86_64'), undefined);
  });
});
