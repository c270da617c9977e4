// cosa buildfetch (coreos-assembler src/cmd-buildfetch) from a local HTTP
// server serving a build directory the stand-in made: builds.json, meta.json
// only by default, --artifact with its sha256 check, the locally-modified
// refusal and --force, --decompress, and the errors. The container reaches
// the server on the host's 127.0.0.1 through --net=host.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { serveDirectory, StaticServer } from '../support/staticServer';
import { ARCH, cosa, CosaOptions, readMeta, sha256File, workspace } from './helpers';
import { workspaceWithQemuImage } from './imageWorkspace';

const NET: CosaOptions = { runtimeArgs: ['--net=host'] };

/** An empty workspace with tmp/ (cosa init makes it; buildfetch writes tmp/builds-source.*). */
function fetchWorkspace(): string {
  const ws = workspace();
  fs.mkdirSync(path.join(ws, 'tmp'));
  return ws;
}

describe('cosa buildfetch (HTTP)', () => {
  let server: StaticServer | undefined;
  let src = '';
  let id = '';
  let file = '';
  let uncompressedSha = '';

  before(async () => {
    ({ ws: src, id, file } = await workspaceWithQemuImage());
    uncompressedSha = readMeta(src, id).images.qemu!.sha256;
    const c = await cosa(src, ['compress', '--compressor', 'xz']);
    assert.equal(c.code, 0, c.stderr);
    server = await serveDirectory(path.join(src, 'builds'));
  });

  after(async () => {
    await server?.close();
  });

  it('fetches builds.json and meta.json only by default, records the source, points latest', async () => {
    const ws = fetchWorkspace();
    const url = server!.url;
    const r = await cosa(ws, ['buildfetch', `--url=${url}`], NET);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, [
      `Fetching: ${url}/builds.json`,
      'Updated builds/builds.json',
      `Fetching: ${url}/${id}/${ARCH}/meta.json`,
      `Fetching: ${url}/${id}/${ARCH}/commitmeta.json`,
      '',
    ].join('\n'));
    assert.equal(fs.readFileSync(path.join(ws, 'builds', 'builds.json'), 'utf8'), fs.readFileSync(path.join(src, 'builds', 'builds.json'), 'utf8'));
    assert.equal(fs.readFileSync(path.join(ws, 'tmp', 'builds-source.txt'), 'utf8'), `${url}\n`);
    assert.equal(fs.readFileSync(path.join(ws, 'tmp', 'builds-source.json'), 'utf8'), fs.readFileSync(path.join(ws, 'builds', 'builds.json'), 'utf8'));
    assert.equal(fs.readlinkSync(path.join(ws, 'builds', 'latest')), id);
    assert.deepEqual(fs.readdirSync(path.join(ws, 'builds', id, ARCH)).sort(), ['commitmeta.json', 'meta.json']);
    assert.equal(readMeta(ws, id).images.qemu!.path, `${file}.xz`);
  });

  it('--artifact qemu fetches the compressed image and checks its sha256; --decompress then decompresses it', async () => {
    const ws = fetchWorkspace();
    const r = await cosa(ws, ['buildfetch', `--url=${server!.url}`, '--build', id, '--artifact', 'qemu', '--decompress'], NET);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Fetching: ${server!.url}/${id}/${ARCH}/${file}\\.xz$`, 'm'));
    assert.match(r.stdout, new RegExp(`^Targeting build: ${id}$`, 'm'));
    assert.match(r.stdout, new RegExp(`^Uncompressed: ${file}$`, 'm'));
    assert.equal(sha256File(path.join(ws, 'builds', id, ARCH, file)), uncompressedSha);
    assert.equal(readMeta(ws, id).images.qemu!.path, file);
  });

  it('refuses a builds.json changed since the last fetch unless --force', async () => {
    const ws = fetchWorkspace();
    assert.equal((await cosa(ws, ['buildfetch', `--url=${server!.url}`], NET)).code, 0);
    const list = path.join(ws, 'builds', 'builds.json');
    fs.writeFileSync(list, JSON.stringify({ 'schema-version': '1.0.0', builds: [{ id: 'local.1', arches: [ARCH] }] }));
    const refused = await cosa(ws, ['buildfetch', `--url=${server!.url}`], NET);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, 'builds/builds.json modified locally. Run with --force to overwrite local changes\nfailed to execute cmd-buildfetch: exit status 1\n');
    const forced = await cosa(ws, ['buildfetch', `--url=${server!.url}`, '--force'], NET);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /^Detected local modifications to builds\/builds\.json\nForcing update as requested by --force$/m);
  });

  it('fails on an artifact the build does not have, and on an unknown scheme', async () => {
    const ws = fetchWorkspace();
    const r = await cosa(ws, ['buildfetch', `--url=${server!.url}`, '--artifact', 'metal'], NET);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Exception: Requested artifact metal not available in build$/m);
    const bad = await cosa(ws, ['buildfetch', '--url=ftp://example.invalid/builds'], NET);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^Exception: Invalid scheme: only file:\/\/, s3:\/\/, and http\(s\):\/\/ supported$/m);
  });

  it('a URL without builds.json is not an error ("No builds.json found")', async () => {
    const ws = fetchWorkspace();
    const r = await cosa(ws, ['buildfetch', `--url=${server!.url}/nothing-here`], NET);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'No builds.json found\n');
    assert.ok(!fs.existsSync(path.join(ws, 'builds', 'builds.json')));
  });
});
