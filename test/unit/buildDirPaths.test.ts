// The rules for build ids, arches and image paths read from the build
// directory (src/cosa/buildDirPaths.ts), and the parsers that apply them:
// what cosa writes is accepted, the hostile shapes an adversarial run found
// (../../etc, absolute paths, NUL, a leading -) are errors, never paths.

import * as assert from 'node:assert/strict';
import { parseBuildMeta } from '../../src/cosa/buildMeta';
import { parseBuildsIndex } from '../../src/cosa/buildsIndex';
import { buildQemuImageArgs } from '../../src/cosa/qemuArgs';
import { pruneArgs, tagArgs, validateVersion } from '../../src/cosa/taskArgs';
import {
  archProblem, buildDirSegments, buildIdArgument, buildIdProblem, imageFileProblem, isInside, UnsafeBuildPathError,
} from '../../src/cosa/buildDirPaths';

/** Ids cosa has written: versionary's FCOS/RHCOS ids (cosalib/cmdlib.py parse_fcos_version_to_timestamp), dev builds, --version values. */
const COSA_IDS = ['42.20260101.3.0', '32.20201030.dev.0', '44devel.81.202001151926.0', '31.20200310.20.0', '43.20260101.dev.0', '1', 'a', 'x'.repeat(128), 'my_build-2'];
const HOSTILE_IDS = [
  '', '.', '..', '../../etc', '/etc', '/etc/passwd', 'a/b', 'a/../../b', '-1', '--help', '-', 'a\u0000b', 'a\nb', '\u001b[2J', 'latest',
  '.hidden', 'x'.repeat(129), 'a b', 'a+b', 'a~b', 'é', 'C:\\x', 'a\\b',
];

describe('build directory data rules', () => {
  it('accepts the build ids cosa writes and refuses the hostile ones with a reason', () => {
    for (const id of COSA_IDS) {
      assert.equal(buildIdProblem(id), undefined, id);
      assert.equal(buildIdArgument(id), id);
    }
    for (const id of HOSTILE_IDS) {
      assert.match(buildIdProblem(id) ?? '', /build id/, JSON.stringify(id));
      assert.throws(() => buildIdArgument(id), UnsafeBuildPathError, JSON.stringify(id));
    }
    assert.match(buildIdProblem(7) ?? '', /build id 7 /);
  });

  it("accepts cosa's arches only", () => {
    for (const arch of ['x86_64', 'aarch64', 's390x', 'ppc64le', 'riscv64']) {
      assert.equal(archProblem(arch), undefined);
    }
    for (const arch of ['', '..', '../x86_64', 'x86_64/..', 'amd64', 'X86_64', '-x86_64', 'x86_64\u0000', 'i386']) {
      assert.match(archProblem(arch) ?? '', /arch .* is not one cosa builds for/, JSON.stringify(arch));
    }
  });

  it('accepts image file names cosa writes, not paths', () => {
    for (const file of ['fedora-coreos-31.20200310.20.0-qemu.x86_64.qcow2.xz', 'rhcos-44devel.81.202001151926.0-installer-kernel-x86_64', 'meta.json', 'a..b']) {
      assert.equal(imageFileProblem(file), undefined, file);
    }
    for (const file of ['', '.', '..', '../meta.json', '/etc/shadow', 'sub/file', '-rf', '.qcow2', 'a\u0000b', 'a\nb', 'x'.repeat(256)]) {
      assert.match(imageFileProblem(file) ?? '', /is not a file name in the build's directory/, JSON.stringify(file));
    }
  });

  it('shows hostile values quoted: control characters and NULs visible, long ones cut', () => {
    assert.match(buildIdProblem('a\u0000\u001b') ?? '', /"a\\u0000\\u001b"/);
    assert.ok((buildIdProblem('/'.repeat(10_000)) ?? '').length < 300);
  });

  it('makes path segments only from safe parts, checked again', () => {
    assert.deepEqual(buildDirSegments({ buildId: '42.1', arch: 'x86_64', file: 'meta.json' }), ['builds', '42.1', 'x86_64', 'meta.json']);
    assert.deepEqual(buildDirSegments({ buildId: '42.1' }), ['builds', '42.1']);
    assert.throws(() => buildDirSegments({ buildId: '../..' }), UnsafeBuildPathError);
    assert.throws(() => buildDirSegments({ buildId: '42.1', arch: '..' }), UnsafeBuildPathError);
    assert.throws(() => buildDirSegments({ buildId: '42.1', arch: 'x86_64', file: '../../../etc/passwd' }), UnsafeBuildPathError);
    assert.throws(() => buildDirSegments({ buildId: '42.1', file: 'meta.json' }), UnsafeBuildPathError);
  });

  it('never passes a hostile id as --build (kola reads -1 as "the build before the latest")', () => {
    for (const id of ['-1', '--force', '../../etc', 'latest']) {
      assert.throws(() => pruneArgs({ buildIds: [id] }), UnsafeBuildPathError);
      assert.throws(() => tagArgs(id, 'keep'), UnsafeBuildPathError);
      assert.throws(() => buildQemuImageArgs(id), UnsafeBuildPathError);
    }
    assert.deepEqual(pruneArgs({ buildIds: ['42.1'] }), ['prune', '--build', '42.1']);
  });

  it('offers only versions that cosa can tag its image with (--version becomes the build id)', () => {
    assert.equal(validateVersion('43.20260101.dev.0'), undefined);
    for (const v of ['1+2', 'a~b', '.x', 'latest', 'x'.repeat(129)]) {
      assert.match(validateVersion(v) ?? '', /letters, digits/, v);
    }
  });

  it('tells inside from outside for resolved paths', () => {
    assert.ok(isInside('/ws/builds', '/ws/builds'));
    assert.ok(isInside('/ws/builds', '/ws/builds/42/x86_64/meta.json'));
    assert.ok(isInside('/ws/builds', '/ws/builds/..a'));
    assert.ok(!isInside('/ws/builds', '/ws/builds2/x'));
    assert.ok(!isInside('/ws/builds', '/ws'));
    assert.ok(!isInside('/ws/builds', '/etc/passwd'));
    assert.ok(!isInside('/ws/builds', '/ws/builds/../x'));
    assert.ok(!isInside('/ws/builds', 'builds/x'));
  });
});

describe('parsers apply the rules', () => {
  it('builds.json: a hostile id is an error row, not a build; a hostile arch is dropped and named', () => {
    const index = parseBuildsIndex(JSON.stringify({
      'schema-version': '1.0.0',
      builds: [
        { id: '42.20260101.3.0', arches: ['x86_64', '../../etc', 'aarch64', 'x86_64'] },
        { id: '../../etc', arches: ['x86_64'] },
        { id: '/etc', arches: ['x86_64'] },
        { id: 'a\u0000b', arches: ['x86_64'] },
        { id: '-1', arches: ['x86_64'] },
        { id: 'latest', arches: ['x86_64'] },
        { id: '42.20260101.2.0', arches: ['x86_64'] },
      ],
    }));
    assert.deepEqual(index.builds, [{ id: '42.20260101.3.0', arches: ['x86_64', 'aarch64'] }, { id: '42.20260101.2.0', arches: ['x86_64'] }]);
    assert.match(index.error ?? '', /build 42\.20260101\.3\.0: arch "\.\.\/\.\.\/etc" is not one cosa builds for/);
    assert.match(index.error ?? '', /builds\[1\]: build id "\.\.\/\.\.\/etc" is not one cosa makes/);
    assert.match(index.error ?? '', /builds\[2\]: build id "\/etc"/);
    assert.match(index.error ?? '', /builds\[3\]: build id "a\\u0000b"/);
    assert.match(index.error ?? '', /and 1 more$/);
  });

  it('meta.json: a hostile image path is an error, not an image', () => {
    const { meta, errors } = parseBuildMeta(JSON.stringify({
      images: {
        qemu: { path: '../../../../etc/shadow', sha256: 'x' },
        metal: { path: '/etc/passwd', sha256: 'x' },
        ostree: { path: 'fedora-coreos-42-ostree.x86_64.ociarchive', sha256: 'x' },
      },
    }));
    assert.deepEqual(meta.images.map((i) => i.kind), ['ostree']);
    assert.match(errors[0] ?? '', /^images\.qemu\.path: image path "\.\.\/\.\.\/\.\.\/\.\.\/etc\/shadow" is not a file name/);
    assert.match(errors[1] ?? '', /^images\.metal\.path: image path "\/etc\/passwd"/);
  });
});
