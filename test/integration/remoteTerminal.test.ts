// Run in QEMU, Test in VM and the Assembler Shell on a remote builder: the terminal's command is
// `podman --remote exec -it` in the workspace's session (CosaEngine.terminalCommand through the
// exec seam), spawned here on a real pseudo-terminal as VS Code's integrated terminal spawns it.
// The VM boots on the builder (the stand-in's marker on its serial console), Ctrl-a x ends VM and
// exec, and closing the terminal (the client killed) plus the launcher's stop leaves no process in
// the session. The image path is the builder's; the Ignition config gets there through exec's stdin.

import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cosaRunArgs, kolaIgnitionArgs, NO_KVM_ENV } from '../../src/cosa/qemuArgs';
import { CosaEngine, TerminalCommand } from '../../src/engine/cosaProcess';
import { onPty } from './pty';
import { putTextFile } from '../../src/engine/execTerminal';
import { RemoteSession } from '../../src/engine/remoteSession';
import { IMAGE, makeConfigRepo, makeWorkspace, standinSettings, within } from './helpers';
import { sessionWithQemuBuild, snapshot, sshRelay, testBuilder } from './remoteBuilder';

/** What runs in the session besides its sleep (and our ps). */
async function leftInSession(s: RemoteSession): Promise<string[]> {
  return (await s.processes()).map((p) => p.args).filter((a) => /qemu|kola|cosa|cmd-run|bash/.test(a));
}

describe('terminals on a remote builder: Run in QEMU, Test in VM, the Assembler Shell (exec -it in the session)', function () {
  this.timeout(600_000);
  const builder = testBuilder();
  let session: RemoteSession;
  let engine: CosaEngine;
  let ws: string;
  let untouched: string[];
  let imageInSession: string;
  /** COSA_NO_KVM=1 when the session cannot write /dev/kvm (a rootless builder), as the product offers. */
  let kvmEnv: Record<string, string> = {};

  before(async () => {
    const made = await sessionWithQemuBuild(builder, IMAGE, makeConfigRepo());
    session = made.session;
    imageInSession = `/srv/builds/${made.buildId}/${made.arch}/${made.qemuImage}`;
    const kvm = await session.capture(['test', '-w', '/dev/kvm']);
    kvmEnv = kvm.exitCode === 0 ? {} : { ...NO_KVM_ENV };
    ws = makeWorkspace('remote-vm');
    untouched = snapshot(ws);
  });

  beforeEach(() => {
    engine = new CosaEngine();
    engine.setTarget(ws, session);
  });

  afterEach(async () => {
    await engine.dispose();
    assert.deepEqual(await leftInSession(session), [], 'nothing of the test runs in the session');
    assert.deepEqual(snapshot(ws), untouched, 'the local workspace is untouched');
  });

  after(async () => {
    await session?.destroy();
  });

  async function terminal(args: string[]): Promise<TerminalCommand> {
    const runtime = await engine.runtime('podman');
    return engine.terminalCommand({ workspace: ws, args, purpose: 'run', settings: standinSettings(), runtime, containerEnv: kvmEnv });
  }

  it('Run in QEMU boots the builder\'s image on its serial console; Ctrl-a x ends the VM and the exec', async () => {
    const cmd = await terminal(cosaRunArgs(imageInSession, { console: true }));
    assert.equal(cmd.executable, 'podman');
    assert.ok(cmd.argv.includes('--remote') && cmd.argv.includes('-t') && cmd.argv.includes(session.id), cmd.argv.join(' '));
    assert.ok(cmd.argv.includes(imageInSession), 'the image path is the builder\'s');
    assert.ok(cmd.stopInTarget, 'a terminal in a session can be stopped there');
    const t = onPty(cmd);
    await t.waitFor(/COSA-VM-MARKER: booted kernel/);
    assert.ok((await leftInSession(session)).some((a) => /qemu-system/.test(a)), 'qemu runs in the session on the builder');
    t.child.stdin!.write('\x01x');
    assert.equal(await t.exited, 0, t.output().slice(-2000));
    // The exec has ended and took the VM with it (before any stop).
    assert.deepEqual(await leftInSession(session), []);
  });

  it('closing the terminal mid-boot: the client is killed, the launcher\'s stop leaves no qemu or kola in the session', async () => {
    const cmd = await terminal(cosaRunArgs(imageInSession, { console: true }));
    const t = onPty(cmd);
    await t.waitFor(/COSA-VM-MARKER: booted kernel/);
    // VS Code ends the terminal's process (SIGHUP to the pty's group); the local client goes, the VM need not.
    t.child.kill('SIGKILL');
    await t.exited;
    // Why the stop is needed: the client is gone, the VM on the builder is not.
    assert.ok((await leftInSession(session)).some((a) => /qemu-system/.test(a)), 'the VM outlives its exec client');
    assert.equal(await cmd.stopInTarget!(2), true, 'the session answered the stop');
    assert.deepEqual(await leftInSession(session), [], 'no qemu/kola/cosa left on the builder');
  });

  it('Test in VM: the Ignition config goes to the builder through exec\'s stdin and the VM boots with exactly those bytes', async () => {
    const config = `${JSON.stringify({ ignition: { version: '3.4.0' }, passwd: { users: [{ name: `remote-${Date.now()}` }] } })}\n`;
    const inSession = '/srv/tmp/coreos-vscode/test-config.ign';
    await putTextFile(session, inSession, config);
    const cmd = await terminal(kolaIgnitionArgs(inSession, imageInSession, {}));
    const t = onPty(cmd);
    const sha = createHash('sha256').update(config).digest('hex');
    await t.waitFor(new RegExp(`ignition: config sha256 ${sha}`));
    await t.waitFor(/ignition: first user remote-/);
    await t.waitFor(/COSA-VM-MARKER: booted kernel/);
    t.child.stdin!.write('\x01x');
    await t.exited;
    await session.capture(['rm', '-f', inSession]);
  });

  it('the Assembler Shell runs cosa shell in the session; closing it stops the shell there', async () => {
    const cmd = await terminal(['shell']);
    const t = onPty(cmd);
    t.child.stdin!.write('echo "in-$(hostname)-$((6*7))"; ls /srv/builds\n');
    await t.waitFor(/in-\S+-42/);
    await t.waitFor(/builds\.json/);
    assert.ok((await leftInSession(session)).some((a) => /bash/.test(a)), 'the shell runs in the session');
    t.child.kill('SIGKILL');
    await t.exited;
    assert.equal(await cmd.stopInTarget!(2), true);
  });

  it('a terminal whose builder goes silent (the network gone, no reset): the contact watch says so within its limit; closing it stops the shell there', async () => {
    const relay = await sshRelay(builder);
    try {
      engine.setTarget(ws, new RemoteSession('podman', relay.builder, session.id));
      const cmd = await terminal(['shell']);
      const t = onPty(cmd);
      t.child.stdin!.write('echo "ready-$((6*7))"\n');
      await t.waitFor(/ready-42/);
      let lostAt = 0;
      const watch = cmd.watchContact!(() => {
        lostAt = Date.now();
      });
      // Heartbeats come every 5 s: past the first ones, nothing is reported.
      await new Promise((r) => setTimeout(r, 8000));
      assert.equal(lostAt, 0, 'reported while the connection was fine');
      const frozenAt = Date.now();
      relay.freeze();
      await within('the lost contact is reported', 90_000, (async () => {
        while (lostAt === 0) {
          await new Promise((r) => setTimeout(r, 200));
        }
      })());
      // The limit is 6 heartbeats (30 s) after the last sign of life, which came up to 5 s before the freeze.
      assert.ok(lostAt - frozenAt >= 20_000 && lostAt - frozenAt <= 60_000, `reported ${lostAt - frozenAt} ms after the freeze`);
      // The terminal closes: its client is killed, and the stop reaches the builder over a new connection.
      t.child.kill('SIGKILL');
      await t.exited;
      assert.equal(await within('the stop in the session', 60_000, cmd.stopInTarget!(2)), true);
      watch.dispose();
    } finally {
      await within('the relay\'s close', 30_000, relay.close());
    }
  });

  it('the Assembler Shell in the session closed while a cosa build in it holds builds.json\'s lock: the stop and the sweep there remove it', async () => {
    const runtime = await engine.runtime('podman');
    const cmd = engine.terminalCommand({ workspace: ws, args: ['shell'], purpose: 'shell', mutating: true, settings: standinSettings(), runtime });
    assert.ok(cmd.removeLeftoverLocks && cmd.stopInTarget);
    const t = onPty(cmd);
    await t.waitFor(/\[coreos-assembler\]\$/);
    t.child.stdin!.write('mkdir -p tmp && echo 60 > tmp/standin-hold-lock && echo "# a change" >> src/config/manifest.yaml && COSA_STANDIN_BUILD_SECONDS=0.3 cosa build\n');
    await within('the build in the shell holds builds.json\'s lock', 120_000, (async () => {
      while ((await session.capture(['test', '-e', '/srv/builds/.builds.json.lock'])).exitCode !== 0) {
        await new Promise((r) => setTimeout(r, 200));
      }
    })());
    t.child.kill('SIGKILL');
    await t.exited;
    assert.equal(await cmd.stopInTarget!(2), true);
    const removed = await within('the sweep in the session', 60_000, cmd.removeLeftoverLocks!());
    assert.ok(removed.includes('builds/.builds.json.lock'), removed.join(', '));
    const left = (await session.capture(['ls', '-A', '/srv/builds'])).stdout.split('\n').filter((f) => f.startsWith('.') || f.startsWith('tmp'));
    assert.deepEqual(left, [], 'lock or temp files left in the session\'s builds/');
  });
});
