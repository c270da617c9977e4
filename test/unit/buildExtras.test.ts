import * as assert from 'node:assert/strict';
import { pkgDiffText, readCloudUploads, readPkgDiff } from '../../src/cosa/buildExtras';
import { parseBuildMeta } from '../../src/cosa/buildMeta';

// Shapes from coreos-assembler's src/cosa/schema/meta.v1.json (amis: [{name, hvm, snapshot}], gcp: {image, url,
// project?, family?}, azure/ibmcloud/powervs: cloudartifact {url, image?, object?, bucket?, region?}, aliyun:
// [{name, id}], kubevirt: {image, ...}); the amis and pkgdiff entries are those of its FCOS test fixture
// (fedora-coreos 31.20200310.20.0). pkgdiff types from src/cmd-diff: 0 added, 1 removed, 2 upgraded, 3 downgraded.

describe('readCloudUploads', () => {
  it('summarises each cloud cosa records', () => {
    const uploads = readCloudUploads({
      amis: [
        { name: 'us-east-1', hvm: 'ami-050291f5347c66dbb', snapshot: 'snap-0f90cca03655ab1b1' },
        { name: 'eu-west-1', hvm: 'ami-0123', snapshot: 'snap-1' },
      ],
      gcp: { image: 'fedora-coreos-31-20200310-20-0-gcp-x86-64', url: 'https://www.googleapis.com/compute/v1/projects/fedora-coreos-cloud/global/images/x', project: 'fedora-coreos-cloud' },
      azure: { url: 'https://example.blob.core.windows.net/x.vhd' },
      aliyun: [{ name: 'cn-hangzhou', id: 'm-1' }],
      kubevirt: { image: 'quay.io/fedora/fedora-coreos-kubevirt:stable' },
    });
    assert.deepEqual(uploads.map((u) => [u.key, u.label, u.summary]), [
      ['amis', 'AWS AMIs', '2 regions: us-east-1 ami-050291f5347c66dbb, …'],
      ['aliyun', 'Aliyun images', 'cn-hangzhou m-1'],
      ['gcp', 'GCP image', 'fedora-coreos-31-20200310-20-0-gcp-x86-64 (fedora-coreos-cloud)'],
      ['azure', 'Azure image', 'https://example.blob.core.windows.net/x.vhd'],
      ['kubevirt', 'KubeVirt container', 'quay.io/fedora/fedora-coreos-kubevirt:stable'],
    ]);
    assert.deepEqual(uploads[0]!.details, ['us-east-1 ami-050291f5347c66dbb', 'eu-west-1 ami-0123']);
  });

  it('ignores odd shapes instead of throwing', () => {
    assert.deepEqual(readCloudUploads({ amis: 'x', gcp: [1, null], azure: {}, ibmcloud: [{}] }), []);
  });
});

describe('readPkgDiff', () => {
  it('counts and lists the changes', () => {
    const d = readPkgDiff([
      ['podman', 2, { PreviousPackage: ['podman', '2:1.8.1-0.7.rc4.fc31', 'x86_64'], NewPackage: ['podman', '2:1.8.1-2.fc31', 'x86_64'] }],
      ['newpkg', 0, { NewPackage: ['newpkg', '1.0-1', 'noarch'] }],
      ['oldpkg', 1, { PreviousPackage: ['oldpkg', '2.0-1', 'noarch'] }],
      ['bad', 7, {}], 'junk',
    ])!;
    assert.deepEqual([d.added, d.removed, d.upgraded, d.downgraded], [1, 1, 1, 0]);
    assert.deepEqual(d.lines, ['podman 2:1.8.1-0.7.rc4.fc31 → 2:1.8.1-2.fc31', '+ newpkg 1.0-1', '- oldpkg 2.0-1']);
    assert.equal(pkgDiffText(d), '1 upgraded, 1 added, 1 removed');
    assert.equal(pkgDiffText(readPkgDiff([])!), 'no package changes');
    assert.equal(readPkgDiff({}), undefined);
  });

  it('comes with parseBuildMeta, with the compress fields of an image', () => {
    const { meta } = parseBuildMeta(JSON.stringify({
      buildid: '1', name: 'n', 'ostree-commit': 'c', 'ostree-timestamp': '2020-01-01T00:00:00Z', 'ostree-version': '1',
      images: { qemu: { path: 'q.qcow2.xz', sha256: 's', size: 5, 'uncompressed-sha256': 'u', 'uncompressed-size': 9 }, ostree: { path: 'o', sha256: 's', 'skip-compression': true } },
      amis: [{ name: 'us-east-1', hvm: 'ami-1', snapshot: 'snap-1' }],
      pkgdiff: [['a', 0, { NewPackage: ['a', '1-1', 'noarch'] }]],
    }));
    assert.deepEqual(meta.images[0], { kind: 'qemu', path: 'q.qcow2.xz', sha256: 's', size: 5, uncompressedSha256: 'u', uncompressedSize: 9 });
    assert.equal(meta.images[1]!.skipCompression, true);
    assert.equal(meta.uploads?.[0]?.summary, 'us-east-1 ami-1');
    assert.equal(meta.pkgdiff?.added, 1);
  });
});
