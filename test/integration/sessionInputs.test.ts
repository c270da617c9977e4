// Inputs go to the builder the way `cosa remote-session sync` sends them (src/cosa/sessionWorkspace.ts,
// RemoteSession.sendInputs in src/engine/remoteSession.ts): before every command that changes the
// build directory, the coreos.configGit checkout, src/ and overrides/ of the local workspace are
// rsync'ed into the session over `podman --remote exec -i`, against the test machine's real builder
// (own podman storage, reached over ssh). Nothing comes back: the local folders are compared, file by
// file with their hashes, before and after each command.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseBuildsIndex } from '../../src/cosa/buildsIndex';
import { cosaInitPlan } from '../../src/cosa/initArgs';
import { buildDirFacts, sessionBuildDir } from '../../src/engine/buildDirSource';
import { CosaEngine, CosaProcess } from '../../src/engine/cosaProcess';
import { RemoteSession } from '../../src/engine/remoteSession';
import { collect, IMAGE, makeConfigRepo, makeWorkspace, standinSettings } from './helpers';
import { snapshot, testBuilder } from './remoteBuilder';

describe('inputs to the remote session (cosa remote-session sync before each mutating command)', function () {
  this.timeout(300_000);
  const builder = testBuilder();
  const sessions: RemoteSession[] = [];
  const engines: CosaEngine[] = [];

  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.dispose()));
    await Promise.all(sessions.splice(0).map((s) => s.destroy()));
  });

  async function setUp(name: string, configGit: string) {
    const session = await RemoteSession.create('podman', builder, {
      image: IMAGE, expiration: '30m', pull: 'never', env: ['COSA_STANDIN_LOG_LINES=5', 'COSA_STANDIN_BUILD_SECONDS=0.3'],
    });
    sessions.push(session);
    const ws = makeWorkspace(name);
    const engine = new CosaEngine({ stopGraceSeconds: 5 });
    engines.push(engine);
    engine.setTarget(ws, session);
    const settings = standinSettings({ configGit });
    const runtime = await engine.runtime('podman');
    const start = (args: readonly string[]): CosaProcess => engine.start({ workspace: ws, args, purpose: args[0]!, tty: false, settings, runtime });
    return { session, ws, start };
  }

  it('a fresh local workspace with a config checkout: init and builds on the builder, the build in the remote tree, every local file unchanged', async () => {
    const repo = makeConfigRepo();
    const { session, ws, start } = await setUp('inputs', repo);
    fs.mkdirSync(path.join(ws, 'overrides', 'rootfs', 'etc'), { recursive: true });
    const motd = path.join(ws, 'overrides', 'rootfs', 'etc', 'motd');
    fs.writeFileSync(motd, 'built remotely, version 1\n');
    fs.writeFileSync(path.join(ws, 'notes.txt'), 'local file\n');

    /** One command; the local workspace and the config checkout are byte for byte what they were. */
    const run = async (args: readonly string[]) => {
      const before = [snapshot(ws), snapshot(repo)];
      const done = await collect(start(args));
      assert.deepEqual([snapshot(ws), snapshot(repo)], before, `cosa ${args.join(' ')} changed nothing local`);
      return done;
    };

    // Initialize with a local checkout: what the Initialize command runs (src/vscode/commands.ts).
    const plan = cosaInitPlan({ url: repo });
    assert.equal(plan.kind, 'local');
    const init = await run(plan.args);
    assert.equal(init.result.exitCode, 0, init.lines.join('\n'));
    assert.ok(init.lines.some((l) => /^Syncing coreos\.configGit to remote session .*:\/srv\/src\/config\/ \(cosa remote-session sync\)$/.test(l)), init.lines.join('\n'));
    assert.ok(init.lines.some((l) => /^Syncing overrides\/ to remote session .*:\/srv\/overrides\/ /.test(l)));
    assert.deepEqual(await buildDirFacts(session), { hasBuildsJson: false, hasSrcConfig: true, hasSrc: true, hasBuildsDir: true, hasTmp: true },
      'the builder has a finished init');
    assert.equal(fs.existsSync(path.join(ws, 'builds')) || fs.existsSync(path.join(ws, 'src')), false, 'nothing of the init is local');

    const first = await run(['build']);
    assert.equal(first.result.exitCode, 0, first.lines.join('\n'));
    const tree = sessionBuildDir(session);
    const index = () => tree.read('builds.json').then((b) => parseBuildsIndex(new TextDecoder().decode(b)));
    assert.equal((await index()).builds.length, 1, 'the build is in the remote tree');
    assert.equal(await session.readFile('/srv/overrides/rootfs/etc/motd'), 'built remotely, version 1\n');

    // A local edit reaches the builder before the next build: a new input hash, a new build.
    fs.writeFileSync(motd, 'built remotely, version 2\n');
    const second = await run(['build']);
    assert.equal(second.result.exitCode, 0, second.lines.join('\n'));
    assert.equal((await index()).builds.length, 2, 'the changed override made a new build');
    // Nothing changed locally: cosa says so.
    const third = await run(['build']);
    assert.ok(third.lines.some((l) => /^Input hash unchanged/.test(l)), third.lines.join('\n'));
    assert.equal((await index()).builds.length, 2);
    assert.equal(fs.existsSync(path.join(ws, 'builds')), false, 'no build came back');
  });

  it('a transfer that fails starts no cosa command and says why', async () => {
    const { session, ws, start } = await setUp('inputs-missing', path.join(makeWorkspace('nowhere'), 'no-such-checkout'));
    const before = snapshot(ws);
    const init = await collect(start(['init', '--force', '/dev/null']));
    assert.equal(init.result.failure?.kind, 'builder');
    assert.match(init.result.failure!.message, /Syncing coreos\.configGit to the builder failed: .*no-such-checkout.*cosa init was not started\.$/s);
    const facts = await buildDirFacts(session);
    assert.deepEqual([facts.hasBuildsDir, facts.hasTmp], [false, false], 'cosa init did not run');
    assert.deepEqual(snapshot(ws), before);
  });
});
