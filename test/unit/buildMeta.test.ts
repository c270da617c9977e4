import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { humanSize, parseBuildMeta } from '../../src/cosa/buildMeta';
import { referenceFixtures } from './referenceFixtures';

const fixture = (name: string) => fs.readFileSync(path.join(referenceFixtures, 'cosa', name), 'utf8');
const todayMeta = fs.readFileSync(path.resolve(__dirname, '..', 'fixtures', 'workspaces', 'builds', 'builds', '42.20260101.3.0', 'x86_64', 'meta.json'), 'utf8');

describe('parseBuildMeta', () => {
  it('ships cosa v1.json unchanged', () => {
    assert.deepEqual(
      JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'src', 'cosa', 'schema', 'meta.v1.json'), 'utf8')),
      JSON.parse(fixture('v1.json')),
    );
  });

  it('reads the legacy FCOS fixture: images with sizes, config git, build timestamp', () => {
    const { meta, errors } = parseBuildMeta(fixture('fixtures-fcos.meta.json'));
    assert.deepEqual(errors, []);
    assert.equal(meta.buildId, '31.20200310.20.0');
    assert.equal(meta.name, 'fedora-coreos');
    assert.equal(meta.timestamp, '2020-03-12T00:18:45Z');
    assert.deepEqual(meta.configGit, { commit: '640ecad99f5b2eacb66b9a3c06f56e79bd15690a', branch: 'testing-devel', origin: 'https://github.com/coreos/fedora-coreos-config', dirty: false });
    const qemu = meta.images.find((i) => i.kind === 'qemu');
    assert.deepEqual(qemu, { kind: 'qemu', path: 'fedora-coreos-31.20200310.20.0-qemu.x86_64.qcow2.xz', size: 475755272, sha256: '99f76fe3bc89818aca638c754610997730d5f58a1850446a00bff9e51309c67a',
      uncompressedSize: 1759969280, uncompressedSha256: '8f8c9f50b3ba9e19e28df398ea6ef48d5c472e94d4d6e481e9ef8bf02a31aad2' });
    assert.ok(meta.inputHash, 'legacy rpm-ostree-inputhash is the change key');
  });

  it('reads the legacy RHCOS fixture', () => {
    const { meta, errors } = parseBuildMeta(fixture('fixtures-rhcos.meta.json'));
    assert.deepEqual(errors, []);
    assert.equal(meta.buildId, '44devel.81.202001151926.0');
    assert.ok(meta.images.length > 0);
  });

  it("reads today's shape (oci-imported, com.coreos.inputhash)", () => {
    const { meta, errors } = parseBuildMeta(todayMeta);
    assert.deepEqual(errors, []);
    assert.equal(meta.inputHash, 'b'.repeat(64));
    assert.deepEqual(meta.images.map((i) => i.kind), ['ostree', 'oci-manifest']);
    assert.equal(meta.summary, 'Fedora CoreOS testing-devel');
  });

  it('names unknown keys, as kola would refuse them', () => {
    const { meta, errors } = parseBuildMeta(JSON.stringify({ ...JSON.parse(todayMeta), 'my-extension-key': 1 }));
    assert.equal(meta.buildId, '42.20260101.3.0');
    assert.ok(errors.some((e) => /must NOT have additional properties \(my-extension-key\)/.test(e)), errors.join('; '));
  });

  it('keeps the readable facts of a schema-invalid file and says what is wrong', () => {
    const broken = JSON.parse(todayMeta) as Record<string, unknown>;
    delete broken['ostree-commit'];
    (broken.images as Record<string, unknown>).qemu = { path: 'x.qcow2' };
    const { meta, errors } = parseBuildMeta(JSON.stringify(broken));
    assert.equal(meta.buildId, '42.20260101.3.0');
    assert.ok(meta.images.some((i) => i.kind === 'qemu'));
    assert.ok(errors.some((e) => /ostree-commit/.test(e)), errors.join('; '));
    assert.ok(errors.some((e) => /images\.qemu must have required property 'sha256'/.test(e)), errors.join('; '));
  });

  it('turns truncated and non-object files into errors', () => {
    assert.match(parseBuildMeta(todayMeta.slice(0, 100)).errors[0]!, /not valid JSON/);
    assert.match(parseBuildMeta('[1,2]').errors[0]!, /expected a JSON object/);
    assert.match(parseBuildMeta('').errors[0]!, /not valid JSON/);
  });
});

describe('humanSize', () => {
  it('uses binary units with one decimal', () => {
    assert.equal(humanSize(0), '0 B');
    assert.equal(humanSize(1023), '1023 B');
    assert.equal(humanSize(1536), '1.5 KiB');
    assert.equal(humanSize(475755272), '453.7 MiB');
    assert.equal(humanSize(12 * 1024 ** 3), '12.0 GiB');
  });
});
