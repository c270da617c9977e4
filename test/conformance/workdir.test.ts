// osbuild/buildextend-qemu, list, prune, clean, meta, tag (contract 2.5, 2.7–2.9, 2.15).

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { withoutNestedIds } from '../../src/cosa/metaSchema';
import { referenceFixtures } from '../unit/referenceFixtures';
import { ARCH, cosa, initWorkspace, preparedWorkspace, readBuildsJson, readMeta, sha256File, workspace } from './helpers';

const validate = new Ajv({ allErrors: true, strict: false })
  .compile(withoutNestedIds(JSON.parse(fs.readFileSync(path.join(referenceFixtures, 'cosa', 'v1.json'), 'utf8'))) as object);

/** A workspace with `n` builds (newest first in the returned ids). */
async function workspaceWithBuilds(n: number): Promise<{ ws: string; ids: string[] }> {
  const { ws } = await preparedWorkspace(n);
  const ids = readBuildsJson(ws).builds.map((b) => b.id);
  assert.equal(ids.length, n);
  return { ws, ids };
}

describe('cosa osbuild qemu / buildextend-qemu', () => {
  let ws = '';
  let id = '';
  before(async () => {
    ({ ws, ids: [id = ''] } = await workspaceWithBuilds(1));
  });

  it('refuses without /dev/kvm, with cosa\'s preflight messages', async () => {
    const missing = await cosa(ws, ['osbuild', 'qemu'], { runtimeArgs: ['-e', 'COSA_STANDIN_KVM=missing'] });
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'fatal: Missing /dev/kvm; you can set COSA_NO_KVM=1 to bypass this at the cost of performance.\n'
      + 'failed to execute cmd-osbuild: exit status 1\n');
    const ro = await cosa(ws, ['osbuild', 'qemu'], { runtimeArgs: ['-e', 'COSA_STANDIN_KVM=readonly'] });
    assert.equal(ro.code, 1);
    assert.match(ro.stderr, /^fatal: running unprivileged, and \/dev\/kvm not writable$/m);
    assert.equal(readMeta(ws, id).images.qemu, undefined);
  });

  it('writes a real qcow2 and records it in meta.json', async () => {
    const r = await cosa(ws, ['osbuild', 'qemu'], { runtimeArgs: ['-e', 'COSA_STANDIN_KVM=missing', '-e', 'COSA_NO_KVM=1'] });
    assert.equal(r.code, 0, r.stderr);
    const file = `fedora-coreos-${id}-qemu.${ARCH}.qcow2`;
    assert.match(r.stdout, /^Will build qemu$/m);
    assert.match(r.stdout, new RegExp(`^Successfully generated: ${file.replace(/\./g, '\\.')}$`, 'm'));
    const meta = readMeta(ws, id);
    assert.ok(validate(meta), JSON.stringify(validate.errors));
    const abs = path.join(ws, 'builds', id, ARCH, file);
    assert.deepEqual(meta.images.qemu, { path: file, sha256: sha256File(abs), size: fs.statSync(abs).size });
    const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', abs], { encoding: 'utf8' })) as { format: string };
    assert.equal(info.format, 'qcow2');
    assert.ok(!fs.existsSync(path.join(ws, 'builds', id, ARCH, '.qemu.building')), 'semaphore removed');
    assert.ok(!fs.existsSync(path.join(ws, 'tmp', 'build.qemu')));
  });

  it('skips platforms that are already built (buildextend-qemu too)', async () => {
    for (const args of [['osbuild', 'qemu'], ['buildextend-qemu']]) {
      const r = await cosa(ws, args);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `qemu image already exists: fedora-coreos-${id}-qemu.${ARCH}.qcow2\n`
        + 'Removing qemu from list of platforms to build\nAll requested platforms have already been built\n');
    }
  });

  it('fails on an unknown platform, a missing build, or a .building semaphore', async () => {
    const u = await cosa(ws, ['osbuild', 'qemu', 'pdp11']);
    assert.equal(u.code, 1);
    assert.match(u.stderr, /^fatal: unknown platform provided: pdp11$/m);
    const b = await cosa(ws, ['osbuild', '--build', 'nope', 'metal']);
    assert.equal(b.code, 1);
    assert.match(b.stderr, new RegExp(`^fatal: Build dir /srv/builds/nope/${ARCH} does not exist.$`, 'm'));
    const sem = path.join(ws, 'builds', id, ARCH, '.metal.building');
    fs.writeFileSync(sem, '');
    const s = await cosa(ws, ['buildextend-metal']);
    assert.equal(s.code, 1);
    assert.match(s.stderr, new RegExp(`^fatal: /srv/builds/${id}/${ARCH}/.metal.building found: another process is running a build for metal$`, 'm'));
    fs.rmSync(sem);
    const ok = await cosa(ws, ['osbuild', 'metal', 'metal4k']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(Object.keys(readMeta(ws, id).images).sort(), ['metal', 'metal4k', 'oci-manifest', 'ostree', 'qemu']);
  });
});

describe('cosa list', () => {
  it('prints No builds! in a fresh workdir and creates builds.json', async () => {
    const ws = workspace();
    await initWorkspace(ws);
    const r = await cosa(ws, ['list']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'No builds!\n');
    assert.deepEqual(readBuildsJson(ws), { 'schema-version': '1.0.0', builds: [] });
  });

  it('prints every build, newest first, in cosa\'s format', async () => {
    const { ws, ids } = await workspaceWithBuilds(2);
    const tag = await cosa(ws, ['tag', 'update', '--tag', 'keep', '--build', ids[1]!]);
    assert.equal(tag.code, 0, tag.stderr);
    const r = await cosa(ws, ['list']);
    assert.equal(r.code, 0, r.stderr);
    const commit = (readMeta(ws, ids[0]!)['coreos-assembler.container-config-git'] as { commit: string }).commit;
    const block = (id: string, tags: string) => new RegExp(`^${id.replace(/\./g, '\\.')}\n   Timestamp: \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\(0:00:\\d\\d ago\\)\n`
      + `   Artifacts: ostree oci-manifest\n      Config: ${commit}\n${tags}\n`);
    const [first, second] = r.stdout.split(/(?<=\n\n)/);
    assert.match(first ?? '', block(ids[0]!, ''));
    assert.match(second ?? '', block(ids[1]!, '   Tags: keep\n'));
  });
});

describe('cosa prune', () => {
  it('keeps the newest N untagged builds, keeps tagged ones, rewrites builds.json and latest', async () => {
    const { ws, ids } = await workspaceWithBuilds(4);
    assert.equal((await cosa(ws, ['tag', 'update', '--tag', 'golden', '--build', ids[3]!])).code, 0);
    const dry = await cosa(ws, ['prune', '--keep-last-n', '1', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(dry.stdout, `Skipping tagged build ${ids[3]} (golden)\nWould prune build ${ids[1]}\nWould prune build ${ids[2]}\n`);
    assert.equal(readBuildsJson(ws).builds.length, 4);

    const r = await cosa(ws, ['prune', '--keep-last-n', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Skipping tagged build ${ids[3]} (golden)\nPruning build ${ids[1]}\nPruning build ${ids[2]}\n`);
    assert.deepEqual(readBuildsJson(ws).builds.map((b) => b.id), [ids[0], ids[3]]);
    assert.deepEqual(readBuildsJson(ws).tags?.map((t) => t.name), ['golden']);
    assert.ok(!fs.existsSync(path.join(ws, 'builds', ids[1]!)));

    const t = await cosa(ws, ['prune', '--build', ids[3]!]);
    assert.equal(t.code, 1);
    assert.match(t.stderr, new RegExp(`^Exception: Build ${ids[3]} is tagged \\(golden\\)$`, 'm'));

    const b = await cosa(ws, ['prune', '--build', ids[0]!]);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(b.stdout, `Pruning build ${ids[0]}\n`);
    assert.deepEqual(readBuildsJson(ws).builds.map((x) => x.id), [ids[3]]);
    assert.equal(fs.readlinkSync(path.join(ws, 'builds', 'latest')), ids[3], 'latest re-pointed');
  });
});

describe('cosa clean', () => {
  it('removes builds/* and tmp/*, keeps cache/ unless --all, rejects unknown options', async () => {
    const { ws } = await workspaceWithBuilds(1);
    fs.writeFileSync(path.join(ws, 'cache', 'cache2.qcow2'), 'x');
    fs.writeFileSync(path.join(ws, 'tmp', 'junk'), 'x');
    const bad = await cosa(ws, ['clean', '--bogus']);
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr, 'error: unrecognized option: --bogus\n');
    const a = await cosa(ws, ['clean', '-a']); // accepted, but does not clean the cache (cosa's Go bug)
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, 'Note: retaining cache/\n');
    assert.deepEqual(fs.readdirSync(path.join(ws, 'builds')), []);
    assert.deepEqual(fs.readdirSync(path.join(ws, 'tmp')), []);
    assert.ok(fs.existsSync(path.join(ws, 'cache', 'cache2.qcow2')));
    assert.ok(fs.existsSync(path.join(ws, 'src', 'config', 'manifest.yaml')));
    const all = await cosa(ws, ['clean', '--all']);
    assert.equal(all.code, 0, all.stderr);
    assert.equal(all.stdout, '');
    assert.deepEqual(fs.readdirSync(path.join(ws, 'cache')), []);
  });
});

describe('cosa meta', () => {
  it('gets values, dumps, and gives image paths', async () => {
    const { ws, ids } = await workspaceWithBuilds(2);
    const v = await cosa(ws, ['meta', '--get-value', 'buildid']);
    assert.equal(v.stdout, `${ids[0]}\n`);
    const g = await cosa(ws, ['meta', '--build', ids[1]!, '--get', 'coreos-assembler.basearch']);
    assert.equal(g.stdout, `coreos-assembler.basearch: ${ARCH}\n`);
    const n = await cosa(ws, ['meta', '--get-value', 'images.qemu.path']);
    assert.equal(n.stdout, 'None\n');
    const d = await cosa(ws, ['meta', '--dump']);
    assert.deepEqual(JSON.parse(d.stdout), readMeta(ws, ids[0]!));
    const p = await cosa(ws, ['meta', '--image-path', 'ostree']);
    assert.equal(p.stdout, `/srv/builds/${ids[0]}/${ARCH}/fedora-coreos-${ids[0]}-ostree.${ARCH}.ociarchive\n`);
  });
});
