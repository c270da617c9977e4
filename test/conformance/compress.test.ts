// cosa compress / decompress / uncompress (coreos-assembler src/cmd-compress):
// messages, exit codes and the meta.json rewrite of images.<x>.path/sha256/size
// with uncompressed-sha256/uncompressed-size, against cosa's v1.json.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import schema from '../../src/cosa/schema/meta.v1.json';
import { withoutNestedIds } from '../../src/cosa/metaSchema';
import { ARCH, cosa, readMeta, sha256File } from './helpers';
import { workspaceWithQemuImage } from './imageWorkspace';

const validate = new Ajv({ allErrors: true, strict: false }).compile(withoutNestedIds(schema) as object);

describe('cosa compress / decompress', () => {
  let ws = '';
  let id = '';
  let file = '';
  let original: { path: string; sha256: string; size?: number } = { path: '', sha256: '' };
  const dir = () => path.join(ws, 'builds', id, ARCH);

  before(async () => {
    ({ ws, id, file } = await workspaceWithQemuImage());
    original = readMeta(ws, id).images.qemu!;
  });

  it('compresses with xz: .xz path, its sha256 and size, the uncompressed ones kept, the original removed', async () => {
    const r = await cosa(ws, ['compress', '--compressor', 'xz']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, [
      `Targeting build: ${id}`,
      `Compressing: /srv/builds/${id}/${ARCH}`,
      `Compressed: ${file}.xz`,
      'Skipped compressing artifacts: ostree oci-manifest',
      `Updated: /srv/builds/${id}/${ARCH}/meta.json`,
      '',
    ].join('\n'));
    const meta = readMeta(ws, id);
    assert.ok(validate(meta), JSON.stringify(validate.errors));
    const xz = path.join(dir(), `${file}.xz`);
    assert.deepEqual(meta.images.qemu, {
      path: `${file}.xz`, sha256: sha256File(xz), size: fs.statSync(xz).size,
      'uncompressed-sha256': original.sha256, 'uncompressed-size': original.size,
    });
    assert.ok(!fs.existsSync(path.join(dir(), file)), 'the uncompressed file is removed');
    assert.equal(fs.readFileSync(xz).subarray(0, 6).toString('latin1'), '\xfd7zXZ\x00');
    // json.dump(indent=4), no trailing newline, like cosalib's write_json
    assert.match(fs.readFileSync(path.join(dir(), 'meta.json'), 'utf8'), /^\{\n {4}"[^]*\}$/);
  });

  it('says so when everything is already compressed', async () => {
    const r = await cosa(ws, ['compress']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^All builds already compressed$/m);
  });

  it('decompress restores the path, sha256 and size and drops the uncompressed-* fields', async () => {
    const r = await cosa(ws, ['decompress', '--build', id]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, [
      `Targeting build: ${id}`,
      `Uncompressing: /srv/builds/${id}/${ARCH}`,
      `Uncompressed: ${file}`,
      'Skipped uncompressing artifacts: ostree oci-manifest',
      `Updated: /srv/builds/${id}/${ARCH}/meta.json`,
      '',
    ].join('\n'));
    const meta = readMeta(ws, id);
    assert.deepEqual(meta.images.qemu, original);
    assert.ok(validate(meta), JSON.stringify(validate.errors));
    assert.equal(sha256File(path.join(dir(), file)), original.sha256);
    assert.ok(!fs.existsSync(path.join(dir(), `${file}.xz`)));
  });

  it('uncompress is the same command; nothing to do is not an error', async () => {
    const r = await cosa(ws, ['uncompress']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^All builds already uncompressed$/m);
  });

  it('gzip (--fast) and zstd round-trip too', async () => {
    for (const [args, ext, magic] of [[['--fast'], '.gz', '1f8b'], [['--compressor', 'zstd'], '.zst', '28b52ffd']] as const) {
      const c = await cosa(ws, ['compress', ...args]);
      assert.equal(c.code, 0, c.stderr);
      assert.equal(readMeta(ws, id).images.qemu!.path, file + ext);
      assert.equal(fs.readFileSync(path.join(dir(), file + ext)).subarray(0, magic.length / 2).toString('hex'), magic);
      const d = await cosa(ws, ['decompress']);
      assert.equal(d.code, 0, d.stderr);
      assert.deepEqual(readMeta(ws, id).images.qemu, original);
    }
  });

  it('kola qemuexec cannot boot a compressed image (the firmware finds no bootable disk)', async () => {
    const c = await cosa(ws, ['compress', '--fast']);
    assert.equal(c.code, 0, c.stderr);
    const r = await cosa(ws, ['shell', 'kola', 'qemuexec', '--qemu-image', `builds/${id}/${ARCH}/${file}.gz`], { runtimeArgs: ['-e', 'COSA_NO_KVM=1'] });
    assert.notEqual(r.code, 0);
    assert.match(r.stdout, /^No bootable device\.$/m);
    assert.doesNotMatch(r.stdout, /COSA-VM-MARKER/);
    const d = await cosa(ws, ['decompress']);
    assert.equal(d.code, 0, d.stderr);
  });

  it('compress needs the ostree artifact (cosa reads image.json from it)', async () => {
    const oci = readMeta(ws, id).images.ostree!.path;
    fs.renameSync(path.join(dir(), oci), path.join(dir(), `${oci}.away`));
    try {
      const r = await cosa(ws, ['compress']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^Exception: Could not find\/extract image\.json$/m);
      assert.match(r.stderr, /^failed to execute cmd-compress: exit status 1$/m);
    } finally {
      fs.renameSync(path.join(dir(), `${oci}.away`), path.join(dir(), oci));
    }
  });
});
