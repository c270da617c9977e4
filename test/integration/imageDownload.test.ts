// Download: a remote build's qcow2 and its meta.json come back into the local workspace's
// builds/<id>/<arch>/ by rsync over OpenSSH (a known host key) or over `podman --remote exec -i`
// (as `cosa remote-session sync`), byte for byte, with progress; a download cancelled mid-way
// leaves nothing under the final name, no partial file and no rsync in the session. Against the
// real builder (its own podman storage, reached over ssh only), and from a pod played with podman
// kube play (exec's stdout).

import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DownloadCancelled, downloadBuildFiles, DownloadRequest, DownloadWay } from '../../src/engine/imageDownload';
import { RemoteSession } from '../../src/engine/remoteSession';
import { builderKnownHosts, LoggedSsh, sshWithKnownHosts } from '../support/sshWithKnownHosts';
import { IMAGE, makeConfigRepo, makeWorkspace, within } from './helpers';
import { PlayedPod, playCosaPod } from './playedPod';
import { sessionWithQemuBuild, testBuilder } from './remoteBuilder';

async function sha256InSession(session: RemoteSession, file: string): Promise<string> {
  const r = await session.capture(['sha256sum', '--', file]);
  assert.equal(r.exitCode, 0, r.stderr);
  return r.stdout.split(/\s/)[0]!;
}

/** A download cancelled as soon as its first bytes arrived: it rejects as cancelled; how many bytes had come. */
async function cancelledAtFirstBytes(from: Parameters<typeof downloadBuildFiles>[0], ws: string, request: DownloadRequest, ssh?: string): Promise<number> {
  const abort = new AbortController();
  let at = 0;
  const run = downloadBuildFiles(from, ws, request, {
    ...(ssh ? { ssh } : {}),
    signal: abort.signal,
    onProgress: (_f, bytes) => {
      if (bytes > 0 && !abort.signal.aborted) {
        at = bytes;
        abort.abort();
      }
    },
  });
  await assert.rejects(run, DownloadCancelled);
  return at;
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('Download of a remote build (rsync over OpenSSH or podman --remote exec -i)', function () {
  this.timeout(600_000);
  const builder = testBuilder();
  let made: Awaited<ReturnType<typeof sessionWithQemuBuild>>;

  before(async () => {
    made = await sessionWithQemuBuild(builder, IMAGE, makeConfigRepo());
  });

  const ssh: LoggedSsh[] = [];
  const logged = (s: LoggedSsh) => (ssh.push(s), s);

  after(async () => {
    await made?.session.destroy();
    ssh.forEach((s) => s.dispose());
  });

  it('brings the qcow2 and its meta.json into builds/<id>/<arch>/, byte for byte, with progress', async () => {
    const { session, buildId, arch, qemuImage } = made;
    const ws = makeWorkspace('download');
    const seen: [string, number][] = [];
    const local = await downloadBuildFiles(session, ws, { buildId, arch, files: [qemuImage, 'meta.json'] }, { onProgress: (f, b) => seen.push([f, b]) });
    const dir = path.join(ws, 'builds', buildId, arch);
    assert.deepEqual(local, [path.join(dir, qemuImage), path.join(dir, 'meta.json')]);
    for (const f of [qemuImage, 'meta.json']) {
      assert.equal(sha256(path.join(dir, f)), await sha256InSession(session, `/srv/builds/${buildId}/${arch}/${f}`), f);
    }
    assert.deepEqual(fs.readdirSync(dir).sort(), [qemuImage, 'meta.json'].sort(), 'no temporary file is left');
    const size = fs.statSync(path.join(dir, qemuImage)).size;
    assert.ok(seen.some(([f, b]) => f === qemuImage && b === size), `progress reached the image's size ${size}: ${JSON.stringify(seen.slice(-3))}`);
  });

  it('through OpenSSH to the builder\'s podman when its host key is known: the same bytes; an unknown host key: podman\'s way', async () => {
    const { session, buildId, arch, qemuImage } = made;
    for (const [knownHosts, expected] of [[builderKnownHosts(builder.identity!), 'openssh'], ['/dev/null', 'podman']] as const) {
      const ssh = logged(sshWithKnownHosts(knownHosts));
      const ws = makeWorkspace(`download-${expected}`);
      const ways: [DownloadWay, string | undefined][] = [];
      const progress: string[] = [];
      await downloadBuildFiles(session, ws, { buildId, arch, files: [qemuImage, 'meta.json'] }, {
        ssh: ssh.ssh,
        onWay: (w, why) => ways.push([w, why]),
        onProgress: (f, b) => progress.push(`${ways.length} ways told at ${b} bytes of ${f}`),
      });
      // told once, before the image's first bytes are reported; with why OpenSSH was not taken, in ssh's words
      assert.deepEqual(ways, [[expected, expected === 'podman' ? 'Host key verification failed.' : undefined]], `known_hosts ${knownHosts}`);
      const firstBytes = progress.find((p) => !/ at 0 bytes/.test(p));
      assert.ok(firstBytes?.startsWith('1 ways told'), `the way is told before the first bytes: ${firstBytes}`);
      const calls = ssh.calls();
      // OpenSSH: rsync's server through ssh once per file; an unknown host key: one attempt that ssh refuses, then podman's way for every file
      assert.equal(calls.filter((c) => / rsync --server /.test(c)).length, expected === 'openssh' ? 2 : 1, `rsync's server through ssh: ${JSON.stringify(calls)}`);
      assert.ok(calls.length > 0 && calls.every((c) => c.includes('StrictHostKeyChecking=yes') && c.includes('BatchMode=yes')), 'ssh never asks, and trusts only known keys');
      for (const f of [qemuImage, 'meta.json']) {
        assert.equal(sha256(path.join(ws, 'builds', buildId, arch, f)), await sha256InSession(session, `/srv/builds/${buildId}/${arch}/${f}`), `${f} (${expected})`);
      }
    }
  });

  it('cancelled mid-way: nothing under the final name, no partial file, meta.json not fetched', async () => {
    const { session, buildId, arch } = made;
    // A file large enough to cancel during its transfer (random: rsync cannot shrink it).
    const big = 'big-image.qcow2';
    const inSession = `/srv/builds/${buildId}/${arch}/${big}`;
    const mk = await session.capture(['sh', '-c', 'head -c 400M /dev/urandom > "$1"', 'sh', inSession], 120_000);
    assert.equal(mk.exitCode, 0, mk.stderr);
    try {
      // podman's way, then OpenSSH's: no rsync is left in the session either way
      for (const ssh of [undefined, logged(sshWithKnownHosts(builderKnownHosts(builder.identity!))).ssh]) {
        const ws = makeWorkspace('download-cancel');
        const at = await cancelledAtFirstBytes(session, ws, { buildId, arch, files: [big, 'meta.json'] }, ssh);
        assert.ok(at > 0 && at < 400 * 1024 * 1024, `cancelled mid-way (at ${at} bytes)`);
        const dir = path.join(ws, 'builds', buildId, arch);
        assert.deepEqual(fs.readdirSync(dir), [], 'neither the image, nor a partial file, nor meta.json');
        // The rsync server in the session ends when its stream closes, a moment after the local client's end.
        const rsyncs = async () => (await session.processes()).filter((p) => /\brsync\b/.test(p.args)).map((p) => p.args);
        const deadline = Date.now() + 20_000;
        while ((await rsyncs()).length > 0 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 250));
        }
        assert.deepEqual(await rsyncs(), [], `no rsync left in the session (${ssh ? 'OpenSSH' : 'podman'})`);
      }
    } finally {
      await session.capture(['rm', '-f', '--', inSession]);
    }
  });
});

describe('Download from a pod (exec\'s stdout, checked against meta.json\'s sha256; the pod played with podman kube play)', function () {
  this.timeout(300_000);
  let played: PlayedPod | undefined;
  const buildId = '43.20261201.dev.0';
  const arch = 'x86_64';
  const image = 'fedora-coreos-43.20261201.dev.0-qemu.x86_64.qcow2';
  const inPod = (f: string) => `/srv/builds/${buildId}/${arch}/${f}`;
  let imageSha = '';

  before(async () => {
    played = playCosaPod({ name: `cosa-dl-${process.pid}`, image: IMAGE, cpu: '1', memory: '1Gi' });
    const mk = await played.transport.capture(['sh', '-c', 'mkdir -p "$(dirname "$1")" && head -c 48M /dev/urandom > "$1" && echo "{\\"buildid\\": \\"$2\\"}" > "$(dirname "$1")/meta.json"', 'sh', inPod(image), buildId], 120_000);
    assert.equal(mk.exitCode, 0, mk.stderr);
    const sum = await played.transport.capture(['sha256sum', '--', inPod(image)]);
    imageSha = sum.stdout.split(/\s/)[0]!;
  });

  after(() => {
    played?.down();
  });

  it('brings the image and meta.json byte for byte, with progress up to its size', async () => {
    const ws = makeWorkspace('download-pod');
    const seen: [string, number][] = [];
    const local = await downloadBuildFiles(played!.transport, ws, { buildId, arch, files: [image, 'meta.json'], sha256: { [image]: imageSha } }, { onProgress: (f, b) => seen.push([f, b]) });
    const dir = path.join(ws, 'builds', buildId, arch);
    assert.deepEqual(local, [path.join(dir, image), path.join(dir, 'meta.json')]);
    assert.equal(sha256(path.join(dir, image)), imageSha);
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')).buildid, buildId);
    assert.deepEqual(fs.readdirSync(dir).sort(), [image, 'meta.json'].sort(), 'no temporary file is left');
    assert.ok(seen.some(([f, b]) => f === image && b === 48 * 1024 * 1024), JSON.stringify(seen.slice(-2)));
  });

  it('bytes that do not match meta.json\'s sha256: a clear error, nothing kept', async () => {
    const ws = makeWorkspace('download-pod-bad');
    await assert.rejects(downloadBuildFiles(played!.transport, ws, { buildId, arch, files: [image, 'meta.json'], sha256: { [image]: '0'.repeat(64) } }),
      (e: Error) => /arrived with sha256 [0-9a-f]{64}, but meta\.json records 0{64}/.test(e.message));
    assert.deepEqual(fs.readdirSync(path.join(ws, 'builds', buildId, arch)), []);
  });

  it('a file that is not there: the pod\'s own words, nothing kept', async () => {
    const ws = makeWorkspace('download-pod-missing');
    await assert.rejects(downloadBuildFiles(played!.transport, ws, { buildId, arch, files: ['no-such.qcow2'] }),
      (e: Error) => /No such file/.test(e.message));
    assert.deepEqual(fs.readdirSync(path.join(ws, 'builds', buildId, arch)), []);
  });

  it('cancelled mid-way: nothing under the final name, no partial file, meta.json not fetched, no cat left in the pod', async () => {
    const ws = makeWorkspace('download-pod-cancel');
    const at = await cancelledAtFirstBytes(played!.transport, ws, { buildId, arch, files: [image, 'meta.json'] });
    assert.ok(at > 0 && at < 48 * 1024 * 1024, `cancelled mid-way (at ${at} bytes)`);
    assert.deepEqual(fs.readdirSync(path.join(ws, 'builds', buildId, arch)), []);
    // The exec's process in the pod ends with its client (its stdout is gone).
    await within('no cat left in the pod', 30_000, (async () => {
      for (;;) {
        const ps = await played!.transport.capture(['ps', '-eo', 'args=']);
        if (!ps.stdout.split('\n').some((l) => l.startsWith('cat -- '))) {
          return;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    })());
  });
});
