// Download: a remote build's qcow2 and its meta.json come back into the local workspace's
// builds/<id>/<arch>/ by rsync over `podman --remote exec -i` (as `cosa remote-session sync`),
// byte for byte, with progress; a download cancelled mid-way leaves nothing under the final name
// and no partial file. Against the real builder (its own podman storage, reached over ssh only).

import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DownloadCancelled, downloadBuildFiles } from '../../src/engine/imageDownload';
import { RemoteSession } from '../../src/engine/remoteSession';
import { IMAGE, makeConfigRepo, makeWorkspace } from './helpers';
import { sessionWithQemuBuild, testBuilder } from './remoteBuilder';

async function sha256InSession(session: RemoteSession, file: string): Promise<string> {
  const r = await session.capture(['sha256sum', '--', file]);
  assert.equal(r.exitCode, 0, r.stderr);
  return r.stdout.split(/\s/)[0]!;
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('Download of a remote build (rsync over podman --remote exec -i)', function () {
  this.timeout(600_000);
  const builder = testBuilder();
  let made: Awaited<ReturnType<typeof sessionWithQemuBuild>>;

  before(async () => {
    made = await sessionWithQemuBuild(builder, IMAGE, makeConfigRepo());
  });

  after(async () => {
    await made?.session.destroy();
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

  it('cancelled mid-way: nothing under the final name, no partial file, meta.json not fetched', async () => {
    const { session, buildId, arch } = made;
    // A file large enough to cancel during its transfer (random: rsync cannot shrink it).
    const big = 'big-image.qcow2';
    const inSession = `/srv/builds/${buildId}/${arch}/${big}`;
    const mk = await session.capture(['sh', '-c', 'head -c 400M /dev/urandom > "$1"', 'sh', inSession], 120_000);
    assert.equal(mk.exitCode, 0, mk.stderr);
    try {
      const ws = makeWorkspace('download-cancel');
      const abort = new AbortController();
      let at = 0;
      const run = downloadBuildFiles(session, ws, { buildId, arch, files: [big, 'meta.json'] }, {
        signal: abort.signal,
        onProgress: (_f, bytes) => {
          if (bytes > 0 && !abort.signal.aborted) {
            at = bytes;
            abort.abort();
          }
        },
      });
      await assert.rejects(run, DownloadCancelled);
      assert.ok(at > 0 && at < 400 * 1024 * 1024, `cancelled mid-way (at ${at} bytes)`);
      const dir = path.join(ws, 'builds', buildId, arch);
      assert.deepEqual(fs.readdirSync(dir), [], 'neither the image, nor a partial file, nor meta.json');
    } finally {
      await session.capture(['rm', '-f', '--', inSession]);
    }
  });
});
