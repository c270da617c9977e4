// cosa build (contract 2.4, 2.13, 3, 4.1): ids, meta.json per v1.json,
// builds.json, latest, nothing-changed, --force, --version, auto-prune.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { withoutNestedIds } from '../../src/cosa/metaSchema';
import { referenceFixtures } from '../unit/referenceFixtures';
import { ARCH, cfgMount, configRepo, cosa, hostUid, initWorkspace, readBuildsJson, readMeta, sha256File, walk, workspace } from './helpers';

const schemaPath = path.join(referenceFixtures, 'cosa', 'v1.json');

function today(): string {
  const d = new Date();
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

describe('cosa build', () => {
  const validate = new Ajv({ allErrors: true, strict: false })
    .compile(withoutNestedIds(JSON.parse(fs.readFileSync(schemaPath, 'utf8'))) as object);
  let ws = '';
  let commit = '';
  const ids: string[] = [];

  before(async () => {
    ws = workspace();
    ({ commit } = await initWorkspace(ws));
  });

  it('builds a first build: output lines, id from versionary, files, builds.json, latest', async () => {
    const started = Date.now();
    const r = await cosa(ws, ['build']);
    assert.equal(r.code, 0, r.stderr);
    const id = `43.${today()}.20.dev0`;
    ids.unshift(id);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'Building with container runtime (buildah) with VERSION=');
    assert.match(r.stderr, /^x: 43 \(from config\)\ntimestamp: \d{8} \(from datetime.now\(\)\)\nz: 20 \(mapped from stream testing-devel\)\nn: 0 \(no previous builds\)$/m);
    assert.ok(lines.some((l) => l.startsWith('Running: buildah build --security-opt=label=disable --cap-add=all --device /dev/fuse')
      && l.endsWith(`--tag containers-storage:localhost/fedora-coreos:${id} .`)), 'Running: buildah line');
    assert.ok(lines.some((l) => /^STEP 1\/\d+: FROM /.test(l)));
    assert.ok(lines.length > 50, `a build log has volume (${lines.length} lines)`);
    assert.ok(!/Previous input hash/.test(r.stdout));
    assert.equal(lines.filter((l) => l === `Imported OCI image as build ${id}`).length, 1);
    assert.ok(Date.now() - started > 300, 'the build takes a while');

    const dir = path.join(ws, 'builds', id, ARCH);
    const files = fs.readdirSync(dir).sort();
    assert.deepEqual(files, [
      'commitmeta.json',
      `fedora-coreos-${id}-ostree.${ARCH}-manifest.json`,
      `fedora-coreos-${id}-ostree.${ARCH}.ociarchive`,
      `manifest-lock.generated.${ARCH}.json`,
      'meta.json',
    ]);
    assert.ok(!fs.existsSync(path.join(ws, 'tmp', 'build')), 'tmp/build is removed after a good build');
    assert.equal(fs.readlinkSync(path.join(ws, 'builds', 'latest')), id);
    const bj = readBuildsJson(ws);
    assert.equal(bj['schema-version'], '1.0.0');
    assert.deepEqual(bj.builds, [{ id, arches: [ARCH] }]);
    assert.match(bj.timestamp ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const raw = fs.readFileSync(path.join(ws, 'builds', 'builds.json'), 'utf8');
    assert.ok(raw.startsWith('{\n    "schema-version": "1.0.0",\n    "builds": [\n        {'), 'indent 4');
    assert.ok(!fs.readdirSync(path.join(ws, 'builds')).some((f) => f.startsWith('.builds.json.lock') || f.startsWith('tmp')), 'no lock or temp file left');
    for (const p of walk(ws)) {
      assert.equal(fs.lstatSync(path.join(ws, p)).uid, hostUid(), `${p} owned by the invoking user`);
    }
  });

  it('writes a meta.json valid against v1.json in the shape of today\'s cosa', () => {
    const id = ids[0]!;
    const meta = readMeta(ws, id);
    assert.ok(validate(meta), JSON.stringify(validate.errors));
    assert.equal(meta.buildid, id);
    assert.equal(meta['ostree-version'], id);
    assert.equal(meta.name, 'fedora-coreos');
    assert.equal(meta['coreos-assembler.basearch'], ARCH);
    assert.equal(meta['coreos-assembler.oci-imported'], true);
    assert.match(String(meta['ostree-commit']), /^[0-9a-f]{64}$/);
    assert.equal(meta['ostree-timestamp'], meta['coreos-assembler.build-timestamp']);
    const labels = meta['coreos-assembler.oci-imported-labels'] as Record<string, string>;
    assert.match(labels['com.coreos.inputhash'] ?? '', /^[0-9a-f]{64}$/);
    assert.equal(labels['containers.bootc'], '1');
    assert.equal(labels['org.opencontainers.image.version'], id);
    assert.equal(labels['com.coreos.stream'], 'testing-devel');
    assert.equal(labels['org.opencontainers.image.revision'], commit);
    assert.deepEqual(meta['coreos-assembler.container-config-git'], { origin: 'file:///cfg', commit });
    assert.equal(meta.summary, 'Fedora CoreOS testing-devel');
    const dir = path.join(ws, 'builds', id, ARCH);
    for (const key of ['ostree', 'oci-manifest']) {
      const img = meta.images[key]!;
      assert.equal(img['skip-compression'], true);
      assert.equal(img.sha256, sha256File(path.join(dir, img.path)), `${key} sha256`);
      assert.equal(img.size, fs.statSync(path.join(dir, img.path)).size, `${key} size`);
    }
    const commitmeta = JSON.parse(fs.readFileSync(path.join(dir, 'commitmeta.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(commitmeta.version, id);
    assert.equal(commitmeta.synthetic, true);
    assert.equal(commitmeta['ostree.bootable'], true);
    assert.ok(Array.isArray(commitmeta['rpmostree.rpmdb.pkglist']));
    const lock = JSON.parse(fs.readFileSync(path.join(dir, `manifest-lock.generated.${ARCH}.json`), 'utf8')) as {
      packages: Record<string, { evra: string }>; metadata: { generated: string };
    };
    assert.match(lock.packages.kernel?.evra ?? '', /\.x86_64$/);
    assert.match(lock.metadata.generated, /T00:00:00Z$/);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, meta.images['oci-manifest']!.path), 'utf8')) as { schemaVersion: number; layers: unknown[] };
    assert.equal(manifest.schemaVersion, 2);
    assert.equal(manifest.layers.length, 1);
  });

  it('does not import a new build when the input hash is unchanged', async () => {
    const before = fs.readFileSync(path.join(ws, 'builds', 'builds.json'), 'utf8');
    const hash = (readMeta(ws, ids[0]!)['coreos-assembler.oci-imported-labels'] as Record<string, string>)['com.coreos.inputhash'];
    const r = await cosa(ws, ['build']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Previous input hash: ${hash}$`, 'm'));
    assert.match(r.stdout, new RegExp(`^Input hash unchanged \\(${hash}\\)$`, 'm'));
    assert.doesNotMatch(r.stdout, /Imported OCI image/);
    assert.equal(fs.readFileSync(path.join(ws, 'builds', 'builds.json'), 'utf8'), before);
    assert.ok(!fs.existsSync(path.join(ws, 'tmp', 'build')));
  });

  it('imports anyway with --force, numbering the next dev build', async () => {
    const r = await cosa(ws, ['build', '--force']);
    assert.equal(r.code, 0, r.stderr);
    const id = `43.${today()}.20.dev1`;
    assert.match(r.stderr, new RegExp(`^n: 1 \\(incremented from previous version ${ids[0]!.replace(/\./g, '\\.')}\\)$`, 'm'));
    assert.match(r.stdout, /^Input hash unchanged \([0-9a-f]{64}\)\nImporting new build anyway \(--force\)$/m);
    assert.match(r.stdout, new RegExp(`^Imported OCI image as build ${id}$`, 'm'));
    assert.match(r.stdout, new RegExp(`^ostree diff commit from: ${ids[0]} \\([0-9a-f]{64}\\)$`, 'm'));
    ids.unshift(id);
    assert.deepEqual(readBuildsJson(ws).builds.map((b) => b.id), ids);
    assert.equal(fs.readlinkSync(path.join(ws, 'builds', 'latest')), id);
    const meta = readMeta(ws, id);
    assert.ok(validate(meta), JSON.stringify(validate.errors));
    assert.ok(Array.isArray(meta.pkgdiff));
    assert.equal(typeof meta['coreos-assembler.meta-stamp'], 'number');
  });

  it('builds again when the config changes, and reports the package diff', async () => {
    // edit the checkout in the workdir, as a developer would
    fs.appendFileSync(path.join(ws, 'src', 'config', 'manifest.yaml'), '  - htop\n');
    const r = await cosa(ws, ['build']);
    assert.equal(r.code, 0, r.stderr);
    const id = `43.${today()}.20.dev2`;
    assert.doesNotMatch(r.stdout, /Input hash unchanged/);
    assert.match(r.stdout, /^Added:\n {2}htop-1\.0-1\.fc43$/m);
    assert.match(r.stdout, new RegExp(`^Imported OCI image as build ${id}$`, 'm'));
    ids.unshift(id);
    const meta = readMeta(ws, id);
    assert.ok(validate(meta), JSON.stringify(validate.errors));
    assert.deepEqual((meta.pkgdiff as unknown[]).find((e) => (e as unknown[])[0] === 'htop'),
      ['htop', 0, { NewPackage: ['htop', '1.0-1.fc43', 'x86_64'] }]);
    assert.notEqual((meta['coreos-assembler.oci-imported-labels'] as Record<string, string>)['com.coreos.inputhash'],
      (readMeta(ws, ids[1]!)['coreos-assembler.oci-imported-labels'] as Record<string, string>)['com.coreos.inputhash']);
  });

  it('says an existing --version already exists and exits 0', async () => {
    const r = await cosa(ws, ['build', `--version=${ids[0]}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Building with container runtime (buildah) with VERSION=${ids[0]}\nBuild ${ids[0]} (${ARCH}) already exists\n`);
  });

  it('prunes to the 3 newest untagged builds, unless --skip-prune', async () => {
    fs.appendFileSync(path.join(ws, 'src', 'config', 'manifest.yaml'), '  - strace\n');
    const skip = await cosa(ws, ['build', '--skip-prune']);
    assert.equal(skip.code, 0, skip.stderr);
    ids.unshift(`43.${today()}.20.dev3`);
    assert.doesNotMatch(skip.stdout, /Pruning build/);
    assert.equal(readBuildsJson(ws).builds.length, 4);

    fs.appendFileSync(path.join(ws, 'src', 'config', 'manifest.yaml'), '  - tmux\n');
    const r = await cosa(ws, ['build']);
    assert.equal(r.code, 0, r.stderr);
    ids.unshift(`43.${today()}.20.dev4`);
    const pruned = ids.splice(3);
    for (const p of pruned) {
      assert.match(r.stdout, new RegExp(`^Pruning build ${p.replace(/\./g, '\\.')}$`, 'm'));
      assert.ok(!fs.existsSync(path.join(ws, 'builds', p)), `${p} removed`);
    }
    assert.deepEqual(readBuildsJson(ws).builds.map((b) => b.id), ids);
    assert.equal(fs.readlinkSync(path.join(ws, 'builds', 'latest')), ids[0]);
  });

  it('uses the variant\'s build-args file and ignores positional targets', async () => {
    const w = workspace();
    const repo = await initWorkspace(w);
    assert.ok(repo.commit);
    const r0 = await cosa(w, ['build', 'ostree', '--skip-prune']);
    assert.equal(r0.code, 0, r0.stderr);
    const v = workspace();
    await initWorkspaceVariant(v);
    const r = await cosa(v, ['build']);
    assert.equal(r.code, 0, r.stderr);
    const id = readBuildsJson(v).builds[0]!.id;
    assert.equal(readMeta(v, id).summary, 'Fedora CoreOS testing-devel (minimal)');
    assert.match(r.stdout, /--build-arg-file build-args-minimal\.conf /);
  });
});

async function initWorkspaceVariant(ws: string): Promise<void> {
  const repo = configRepo();
  const r = await cosa(ws, ['init', '--variant', 'minimal', 'file:///cfg'], { runtimeArgs: cfgMount(repo.dir) });
  assert.equal(r.code, 0, r.stderr);
}
