// A remote session's end and its commands' ends, against the test machine's real builder:
// a cancelled command leaves no noise that reads like an error (util-linux setsid's "child N did
// not exit normally", src/cosa/processGroup.ts), and Destroy Session removes the container with its
// /srv volume (RemoteSession.destroy, src/engine/remoteSession.ts).

import * as assert from 'node:assert/strict';
import { cosaInitPlan } from '../../src/cosa/initArgs';
import { CosaEngine } from '../../src/engine/cosaProcess';
import { RemoteSession } from '../../src/engine/remoteSession';
import { collect, IMAGE, makeConfigRepo, makeWorkspace, standinSettings, waitForLine } from './helpers';
import { remotePodman, testBuilder } from './remoteBuilder';

describe('a remote session: cancelled commands and Destroy Session', function () {
  this.timeout(300_000);
  const builder = testBuilder();
  const sessions: RemoteSession[] = [];

  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.destroy()));
  });

  const create = async () => {
    const s = await RemoteSession.create('podman', builder, {
      image: IMAGE, expiration: '30m', pull: 'never', env: ['COSA_STANDIN_LOG_LINES=40', 'COSA_STANDIN_BUILD_SECONDS=60'],
    });
    sessions.push(s);
    return s;
  };

  it('a cancelled build ends as cancelled, with no "did not exit normally" line from the group wrapper', async () => {
    const session = await create();
    const ws = makeWorkspace('cancel-noise');
    const engine = new CosaEngine({ stopGraceSeconds: 5 });
    engine.setTarget(ws, session);
    const repo = makeConfigRepo();
    const settings = standinSettings({ configGit: repo, buildSeconds: 60 });
    const runtime = await engine.runtime('podman');
    try {
      const init = await collect(engine.start({ workspace: ws, args: cosaInitPlan({ url: repo }).args, purpose: 'init', tty: false, settings, runtime }));
      assert.equal(init.result.exitCode, 0, init.lines.join('\n'));
      const build = engine.start({ workspace: ws, args: ['build'], purpose: 'build', tty: false, settings, runtime });
      assert.equal(build.runsIn, session.description, 'the process says where it runs (the terminal\'s cancel line names it)');
      const collected = collect(build);
      await waitForLine(build, /^STEP 2\//);
      await build.cancel();
      const done = await collected;
      assert.equal(done.result.cancelled, true);
      assert.deepEqual(done.lines.filter((l) => /did not exit normally|setsid:/.test(l)), [], 'no wrapper noise in the lines');
      assert.doesNotMatch(done.data, /did not exit normally/, 'nor in the terminal\'s data');
    } finally {
      await engine.dispose();
    }
  });

  it('destroy removes the session container and its /srv volume, and a second destroy is no error', async () => {
    const session = await create();
    const volume = remotePodman(builder, ['--remote', 'inspect', '--format', '{{range .Mounts}}{{if eq .Destination "/srv"}}{{.Name}}{{end}}{{end}}', session.id]).trim();
    assert.match(volume, /^[0-9a-f]{64}$/, 'an anonymous volume at /srv');
    await session.destroy();
    assert.equal(await session.state(), undefined, 'the container is gone');
    const volumes = remotePodman(builder, ['--remote', 'volume', 'ls', '--format', '{{.Name}}']).split('\n');
    assert.equal(volumes.includes(volume), false, 'its /srv volume is gone with it');
    await session.destroy();
  });
});
