// cosa remote sessions against a real remote builder: rootless podman of its own account and
// storage, reached only over ssh (test/remote-builder/setup.sh), with the stand-in image loaded
// onto it through podman. Nothing passes through the local file system: the build directory
// lives in the session's volume on the builder.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseBuildsIndex } from '../../src/cosa/buildsIndex';
import { LABEL_PURPOSE } from '../../src/cosa/invocation';
import { parseSessionPs, RemoteBuilder, REMOTE_SESSION_PURPOSE, sessionListArgv } from '../../src/cosa/remoteSession';
import { RemoteCommandError, RemoteSession } from '../../src/engine/remoteSession';
import { IMAGE, makeConfigRepo, makeWorkspace } from './helpers';
import { remotePodman, snapshot, testBuilder } from './remoteBuilder';

function localSessionContainers(): string {
  return execFileSync('podman', ['ps', '-a', '--filter', `label=${LABEL_PURPOSE}=${REMOTE_SESSION_PURPOSE}`, '--format', '{{.Names}}'], { encoding: 'utf8' }).trim();
}

describe('remote session on a builder over ssh (cmd/remote-session.go)', function () {
  this.timeout(300_000);
  const builder = testBuilder();
  const sessions: RemoteSession[] = [];

  async function newSession(env: string[] = []): Promise<RemoteSession> {
    const s = await RemoteSession.create('podman', builder, {
      image: IMAGE, expiration: '30m', pull: 'never', env: ['COSA_STANDIN_LOG_LINES=40', ...env],
    });
    sessions.push(s);
    return s;
  }

  /** The config repo goes over as `cosa remote-session sync` moves files; init clones it there. */
  async function initFromLocalRepo(s: RemoteSession): Promise<void> {
    const repo = makeConfigRepo();
    await s.sync(`${repo}/`, ':/srv/.coreos-vscode/config-repo/');
    const init = await s.run(['init', 'file:///srv/.coreos-vscode/config-repo']);
    assert.equal(init.exitCode, 0, `init failed:\n${init.stdout}\n${init.stderr}`);
  }

  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.destroy()));
  });

  after(() => {
    const left = parseSessionPs(remotePodman(builder, sessionListArgv()));
    assert.deepEqual(left.map((s) => s.id), [], 'no session container is left on the builder');
  });

  it('creates the session on the builder, builds there, and the builds are read through exec; the local workspace is untouched', async () => {
    const ws = makeWorkspace('remote');
    fs.writeFileSync(path.join(ws, 'notes.txt'), 'local file\n');
    const before = snapshot(ws);
    const s = await newSession(['COSA_STANDIN_BUILD_SECONDS=0.3']);
    const state = await s.state();
    assert.equal(state?.running, true, 'the session runs on the builder');
    assert.equal(state?.labels[LABEL_PURPOSE], REMOTE_SESSION_PURPOSE);
    assert.equal(localSessionContainers(), '', 'nothing runs locally');
    // keep-id as upstream: cosa's builder (uid 1000) owns /srv in the session
    const owner = remotePodman(builder, ['--remote', 'exec', s.id, 'stat', '-c', '%u', '/srv']).trim();
    assert.equal(owner, '1000');

    await initFromLocalRepo(s);
    const lines: string[] = [];
    const build = s.exec(['build'], { onLine: (l) => lines.push(l) });
    build.closeStdin();
    const exit = await build.exit;
    assert.equal(exit.exitCode, 0, lines.join('\n'));
    assert.equal(exit.cancelled, false);
    assert.ok(lines.some((l) => /^STEP 1\/\d+:/.test(l)), 'the build log streams back');
    assert.ok(!lines.some((l) => /COSA-VSCODE-PGID/.test(l)), 'the group marker is not passed on');

    const index = parseBuildsIndex((await s.readFile('/srv/builds/builds.json'))!);
    assert.equal(index.builds.length, 1);
    const id = index.builds[0]!.id;
    const meta = JSON.parse((await s.readFile(`/srv/builds/${id}/x86_64/meta.json`))!) as { buildid: string };
    assert.equal(meta.buildid, id);
    assert.equal(await s.readFile('/srv/builds/no-such-file.json'), undefined);
    assert.deepEqual(snapshot(ws), before, 'the local workspace is untouched');
    assert.equal(fs.existsSync(path.join(ws, 'builds')), false);
  });

  it('exit status and stderr of a failing cosa command come back as cosa printed them', async () => {
    const s = await newSession();
    const r = await s.run(['no-such-command']);
    assert.notEqual(r.exitCode, 0);
    assert.match(r.stderr, /unknown command: no-such-command/);
  });

  for (const offsetMs of [0, 150, 600, 'after STEP 2'] as const) {
    it(`cancel ${typeof offsetMs === 'number' ? `${offsetMs} ms after the start` : offsetMs} leaves no process on the builder`, async () => {
      const s = await newSession(['COSA_STANDIN_BUILD_SECONDS=60']);
      await initFromLocalRepo(s);
      const lines: string[] = [];
      let sawStep2!: () => void;
      const step2 = new Promise<void>((r) => { sawStep2 = r; });
      const build = s.exec(['build', '--force'], { onLine: (l) => { lines.push(l); if (/^STEP 2\//.test(l)) { sawStep2(); } } });
      if (typeof offsetMs === 'number') {
        await new Promise((r) => setTimeout(r, offsetMs));
      } else {
        await step2;
      }
      await build.cancel();
      const exit = await build.exit;
      assert.equal(exit.cancelled, true);
      const procs = (await s.processes()).filter((p) => !/^ps -eo/.test(p.args));
      // Left: the session's own init (pid 1, --init) and its `sleep EXPIRATION`.
      assert.deepEqual(procs.filter((p) => p.pid !== 1 && p.args !== '/usr/bin/sleep 30m').map((p) => p.args), [],
        `processes left:\n${procs.map((p) => `${p.pid} ${p.pgid} ${p.args}`).join('\n')}`);
      assert.equal((await s.state())?.running, true, 'the session itself survives a cancelled command');
    });
  }

  it('a destroyed (or expired) session says so, and destroy again is harmless', async () => {
    const s = await newSession();
    await s.destroy();
    assert.equal(await s.state(), undefined);
    await assert.rejects(s.readFile('/srv/builds/builds.json'), (e: Error) => {
      assert.ok(e instanceof RemoteCommandError);
      assert.match(e.message, /no longer exists on the builder/);
      return true;
    });
    await s.destroy();
  });

  it('an expired session is gone from the builder by itself (sleep EXPIRATION, --rm)', async () => {
    const s = await RemoteSession.create('podman', builder, { image: IMAGE, expiration: '2s', pull: 'never' });
    sessions.push(s);
    const deadline = Date.now() + 60_000;
    while ((await s.state()) !== undefined && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(await s.state(), undefined, 'expired session removed');
  });

  it('a wrong key, a builder that is down and a wrong socket path each give a clear message', async () => {
    const wrongKey = path.join(makeWorkspace('key'), 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', wrongKey]);
    const cases: [RemoteBuilder, RegExp][] = [
      [{ ...builder, identity: wrongKey }, /refused the ssh key/],
      [{ ...builder, url: builder.url.replace(/:(\d+)\//, ':1/') }, /nothing accepts ssh connections at 127\.0\.0\.1:1/],
      [{ ...builder, url: builder.url.replace(/podman\.sock$/, 'nope.sock') }, /podman socket path on the builder is wrong/],
    ];
    for (const [b, want] of cases) {
      await assert.rejects(RemoteSession.create('podman', b, { image: IMAGE, expiration: '1m', pull: 'never' }, 60_000), (e: Error) => {
        assert.ok(e instanceof RemoteCommandError, e.message);
        assert.match(e.message, want);
        return true;
      });
    }
  });
});
