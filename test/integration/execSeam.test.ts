// The exec seam (CosaEngine.start with a target): the same cosa request that runs as a local
// `podman run` runs by exec in a remote session on the builder over ssh, or in a pod played
// with `podman kube play`, with the same output, failure, lock and cancel semantics. The
// builder is reached only over ssh (test/remote-builder/setup.sh); the local workspace must
// stay as it was.

import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RemoteBuilderError } from '../../src/cosa/remoteSession';
import { CosaEngine, CosaProcess } from '../../src/engine/cosaProcess';
import { collectBuilderFacts } from '../../src/engine/builderFacts';
import { ExecTransport } from '../../src/engine/execTransport';
import { runCaptured } from '../../src/engine/processRunner';
import { RemoteSession } from '../../src/engine/remoteSession';
import { collect, Collected, IMAGE, makeConfigRepo, makeWorkspace, standinSettings, tempDir, waitForLine, within } from './helpers';
import { PlayedPod, playCosaPod } from './playedPod';
import { remotePodman, snapshot, SshRelay, sshRelay, testBuilder } from './remoteBuilder';
import { HOST_HAS_KVM } from '../support/hostKvm';

const CONFIG_IN_TARGET = '/srv/.coreos-vscode/config-repo';

/** Processes in the target besides its own init and sleep (and the ps that lists them). */
async function leftovers(t: ExecTransport): Promise<string[]> {
  const cmd = t.execCommand(['ps', '-eo', 'pid=,args=']);
  const r = await runCaptured(cmd.file, cmd.argv, { env: cmd.env, timeoutMs: 60_000 });
  assert.equal(r.exitCode, 0, r.stderr);
  return r.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '')
    .filter((l) => !/^1 /.test(l) && !/^\d+ (?:\/usr\/bin\/)?sleep /.test(l) && !/^\d+ ps -eo/.test(l));
}

/** The config repo into the target as `kubectl cp` does it: tar over exec. */
async function copyConfig(t: ExecTransport): Promise<void> {
  const tar = execFileSync('tar', ['-C', makeConfigRepo(), '-c', '.']);
  const cmd = t.execCommand(['sh', '-c', 'mkdir -p "$1" && tar -C "$1" -x', 'sh', CONFIG_IN_TARGET], { stdin: true });
  // Bounded: a synchronous child that hangs would block the event loop and mocha's own timeout with it.
  const r = spawnSync(cmd.file, [...cmd.argv], { env: cmd.env, input: tar, timeout: 60_000 });
  assert.equal(r.status, 0, r.error ? `the config copy: ${r.error.message}` : String(r.stderr));
}

async function readInTarget(t: ExecTransport, file: string): Promise<string> {
  const cmd = t.execCommand(['cat', '--', file]);
  const r = await runCaptured(cmd.file, cmd.argv, { env: cmd.env, timeoutMs: 60_000 });
  assert.equal(r.exitCode, 0, r.stderr);
  return r.stdout;
}

/** One scenario for any target: init, build, lock, cancel, and the local workspace untouched. */
function seamScenario(makeTarget: () => Promise<ExecTransport>) {
  return async () => {
    const target = await makeTarget();
    const ws = makeWorkspace('seam');
    fs.writeFileSync(path.join(ws, 'notes.txt'), 'local file\n');
    const before = snapshot(ws);
    const engine = new CosaEngine({ stopGraceSeconds: 5 });
    engine.setTarget(ws, target);
    assert.equal(engine.target(ws), target);
    const settings = standinSettings({ buildSeconds: 60 });
    const runtime = await engine.runtime('podman');
    const start = (args: string[]): CosaProcess => engine.start({ workspace: ws, args, purpose: args[0]!, tty: false, settings, runtime });
    try {
      await copyConfig(target);
      const init = await collect(start(['init', `file://${CONFIG_IN_TARGET}`]));
      assert.equal(init.result.exitCode, 0, init.lines.join('\n'));
      assert.ok(init.lines.length > 0, 'the output streams back');

      const build = start(['build']);
      assert.match(build.preamble[0]!, new RegExp(`cosa runs in the ${target.kind === 'pod' ? 'pod' : 'remote session'}`));
      assert.match(build.preamble.at(-1)!, /^\+ \S*(podman|kubectl).* exec -i .*cosa build$/);
      assert.ok(build.preamble.some((l) => /not used there: coreos\.runtimeArgs/.test(l)), 'local-only settings are named');
      const collected = collect(build);
      await waitForLine(build, /^STEP 2\//);
      // The lock holds across targets: a second mutating command in the workspace is refused.
      const second = await collect(start(['build']));
      assert.equal(second.result.failure?.kind, 'workspace-busy');
      assert.deepEqual(await leftovers(target).then((l) => l.some((p) => /cosa build|cmd-build/.test(p))), true, 'the build runs in the target');
      await build.cancel();
      const done = await collected;
      assert.equal(done.result.cancelled, true);
      assert.ok(!done.data.includes('COSA-VSCODE-PGID'), 'the group marker is not passed on');
      assert.deepEqual(await leftovers(target), [], 'a cancelled build leaves no process in the target');
      assert.equal(engine.running().length, 0);

      // The lock is free again, and the target still answers through the seam.
      const again = await collect(start(['init', '--force', `file://${CONFIG_IN_TARGET}`]));
      assert.equal(again.result.exitCode, 0, again.lines.join('\n'));
      assert.match(await readInTarget(target, '/srv/src/config/manifest.yaml'), /\S/);
      assert.deepEqual(snapshot(ws), before, 'the local workspace is untouched');
    } finally {
      await engine.dispose();
    }
  };
}

describe('the exec seam: one cosa request, three targets', function () {
  this.timeout(300_000);
  const builder = testBuilder();
  const sessions: RemoteSession[] = [];

  async function newSession(builderToUse = builder, env: string[] = []): Promise<RemoteSession> {
    const s = await RemoteSession.create('podman', builderToUse, {
      image: IMAGE, expiration: '30m', pull: 'never', env: ['COSA_STANDIN_LOG_LINES=40', 'COSA_STANDIN_BUILD_SECONDS=60', ...env],
    });
    sessions.push(s);
    return s;
  }

  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.destroy()));
  });

  it('remote session over ssh: init, build, lock, cancel (nothing left on the builder), local workspace untouched',
    seamScenario(() => newSession()));

  describe('a pod played from the cosa pod manifest (podman kube play)', () => {
    let played: PlayedPod | undefined;
    before(() => {
      played = playCosaPod({ name: `cosa-seam-${process.pid}`, image: IMAGE, cpu: '1', memory: '2Gi',
        env: { COSA_STANDIN_LOG_LINES: '40', COSA_STANDIN_BUILD_SECONDS: '60' } });
    });
    after(() => {
      played?.down();
    });

    it('init, build, lock, cancel (nothing left in the pod), local workspace untouched',
      seamScenario(async () => played!.transport));
  });

  it('COREOS_ASSEMBLER_REMOTE_SESSION: the engine attaches to a session made elsewhere, as cosa does', async () => {
    const s = await newSession();
    await copyConfig(s);
    const ws = makeWorkspace('attach');
    const before = snapshot(ws);
    const engine = new CosaEngine({
      env: { ...process.env, COREOS_ASSEMBLER_REMOTE_SESSION: s.id, CONTAINER_HOST: builder.url, CONTAINER_SSHKEY: builder.identity },
    });
    try {
      const runtime = await engine.runtime('podman');
      assert.equal(engine.target(ws, runtime)?.kind, 'remote-session');
      const init = await collect(engine.start({
        workspace: ws, args: ['init', `file://${CONFIG_IN_TARGET}`], purpose: 'init', tty: false, settings: standinSettings(), runtime,
      }));
      assert.equal(init.result.exitCode, 0, init.lines.join('\n'));
      assert.match(await readInTarget(s, '/srv/src/config/manifest.yaml'), /\S/, 'init ran in the attached session');
      assert.deepEqual(snapshot(ws), before);
      // Without CONTAINER_HOST the variable cannot name a builder: a clear error, nothing started.
      const broken = new CosaEngine({ env: { PATH: process.env.PATH, COREOS_ASSEMBLER_REMOTE_SESSION: s.id } });
      assert.throws(() => broken.start({ workspace: ws, args: ['build'], purpose: 'build', tty: false, settings: standinSettings(), runtime }),
        (e: Error) => e instanceof RemoteBuilderError && /CONTAINER_HOST is not/.test(e.message));
      assert.equal(broken.locks.holder(ws), undefined, 'the lock is not left taken');
      await broken.dispose();
    } finally {
      await engine.dispose();
    }
  });

  it('a build cancelled in a remote session while cosa holds the builds.json lock: the lock it left is removed there, and the next build runs', async () => {
    const s = await newSession(builder, ['COSA_STANDIN_BUILD_SECONDS=0.3']);
    await copyConfig(s);
    const ws = makeWorkspace('seam-lock');
    const engine = new CosaEngine({ stopGraceSeconds: 5 });
    engine.setTarget(ws, s);
    const runtime = await engine.runtime('podman');
    const start = (args: string[]): CosaProcess => engine.start({ workspace: ws, args, purpose: args[0]!, tty: false, settings: standinSettings(), runtime });
    const inSession = async (script: string): Promise<{ exitCode: number; stdout: string }> => {
      const cmd = s.execCommand(['sh', '-c', script], { workdir: '/srv' });
      return runCaptured(cmd.file, cmd.argv, { env: cmd.env, timeoutMs: 60_000 });
    };
    try {
      const init = await collect(start(['init', `file://${CONFIG_IN_TARGET}`]));
      assert.equal(init.result.exitCode, 0, init.lines.join('\n'));
      // The stand-in's next builds.json write stays 60 s under cosa's flufl.lock (once).
      assert.equal((await inSession('mkdir -p tmp && echo 60 > tmp/standin-hold-lock')).exitCode, 0);
      const build = start(['build']);
      const collected = collect(build);
      await within('the build holds builds.json\'s lock in the session', 90_000, (async () => {
        while ((await inSession('test -e builds/.builds.json.lock')).exitCode !== 0) {
          await new Promise((r) => setTimeout(r, 200));
        }
      })());
      await build.cancel();
      const done = await collected;
      assert.equal(done.result.cancelled, true);
      assert.ok(done.lines.some((l) => l.includes('Removed builds/.builds.json.lock,')), done.lines.slice(-5).join('\n'));
      const left = (await inSession('ls -A builds')).stdout.split('\n').filter((f) => f.startsWith('.') || f.startsWith('tmp'));
      assert.deepEqual(left, [], 'lock or temp files left in the session\'s builds/');
      const next = await within('the next build after the cancel', 120_000, collect(start(['build'])));
      assert.equal(next.result.exitCode, 0, next.lines.slice(-5).join('\n'));
    } finally {
      await engine.dispose();
    }
  });

  it('builder facts come from the builder: arch, podman version, KVM in the session, free disk of its storage', async () => {
    const s = await newSession();
    const facts = await collectBuilderFacts('podman', builder, s);
    const uname = s.execCommand(['uname', '-m']);
    assert.equal(facts.arch, (await runCaptured(uname.file, uname.argv, { env: uname.env })).stdout.trim());
    assert.equal(facts.podmanVersion, remotePodman(builder, ['--remote', 'version', '--format', '{{.Server.Version}}']).trim());
    assert.equal(facts.rootless, true, 'the test builder is rootless podman of its own account');
    // The device is there (--device=/dev/kvm); whether cosa's user may write it depends on the builder (a rootless
    // builder's kvm group does not reach the keep-id user): the fact must match what the session itself says.
    // The builder is this machine: without /dev/kvm here (test/support/hostKvm.ts), the session has none either.
    if (HOST_HAS_KVM) {
      assert.notEqual(facts.kvm, 'missing');
      const writable = s.execCommand(['test', '-w', '/dev/kvm']);
      const w = await runCaptured(writable.file, writable.argv, { env: writable.env });
      assert.equal(facts.kvm, w.exitCode === 0 ? 'usable' : 'read-only');
    } else {
      assert.equal(facts.kvm, 'missing');
    }
    assert.ok((facts.freeBytes ?? 0) > 0, JSON.stringify(facts));
    assert.equal((await collectBuilderFacts('podman', builder)).kvm, undefined, 'without a session KVM is not guessed');
  });

  it('faults: builder down, wrong key, session gone each fail with a message that says so; nothing local changes', async () => {
    const s = await newSession();
    const ws = makeWorkspace('faults');
    const before = snapshot(ws);
    const wrongKey = path.join(tempDir('key'), 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', wrongKey]);
    const gone = await newSession();
    await gone.destroy();
    const cases: [RemoteSession, RegExp][] = [
      [new RemoteSession('podman', { ...builder, url: builder.url.replace(/:(\d+)\//, ':1/') }, s.id), /nothing accepts ssh connections at 127\.0\.0\.1:1/],
      [new RemoteSession('podman', { ...builder, identity: wrongKey }, s.id), /refused the ssh key/],
      [gone, /no longer exists on the builder/],
    ];
    const engine = new CosaEngine();
    try {
      const runtime = await engine.runtime('podman');
      for (const [target, want] of cases) {
        engine.setTarget(ws, target);
        const r = await collect(engine.start({ workspace: ws, args: ['build'], purpose: 'build', tty: false, settings: standinSettings(), runtime }));
        assert.equal(r.result.failure?.kind, 'builder', `${target.description}: ${JSON.stringify(r.result)}\n${r.lines.join('\n')}`);
        assert.match(r.result.failure.message, want);
        assert.equal(engine.locks.holder(ws), undefined, 'the lock is released');
      }
    } finally {
      await engine.dispose();
    }
    assert.deepEqual(snapshot(ws), before);
  });

  /**
   * A build through a relay to the builder, broken mid-build by `fault` once STEP 2 shows; `check`
   * looks at its result (and `faultAt`); then: nothing left on the builder, nothing local changed.
   */
  async function buildBrokenMidway(name: string, fault: (relay: SshRelay) => void, resultWithinMs: number,
    check: (r: Collected, faultAt: number) => void): Promise<void> {
    const relay = await sshRelay(builder);
    try {
      const direct = await within('the session', 60_000, newSession());
      await copyConfig(direct);
      assert.equal((await within('cosa init', 60_000, direct.run(['init', `file://${CONFIG_IN_TARGET}`]))).exitCode, 0);
      const ws = makeWorkspace(name);
      const before = snapshot(ws);
      const engine = new CosaEngine();
      engine.setTarget(ws, new RemoteSession('podman', relay.builder, direct.id));
      try {
        const runtime = await within('the runtime facts', 60_000, engine.runtime('podman'));
        const build = engine.start({ workspace: ws, args: ['build'], purpose: 'build', tty: false, settings: standinSettings(), runtime });
        const collected = collect(build);
        await waitForLine(build, /^STEP 2\//);
        assert.ok(relay.open() >= 1, 'the build runs through the relay');
        fault(relay);
        const faultAt = Date.now();
        const r = await within(`the build's result after the ${name}`, resultWithinMs, collected);
        assert.equal(r.result.cancelled, false);
        assert.equal(r.result.failure?.kind, 'builder', `${JSON.stringify(r.result)}\n${r.lines.slice(-5).join('\n')}`);
        check(r, faultAt);
        assert.deepEqual(await within('the leftovers check', 70_000, leftovers(direct)), [], 'nothing is left running on the builder');
      } finally {
        await within('the engine\'s dispose', 60_000, engine.dispose());
      }
      assert.deepEqual(snapshot(ws), before);
    } finally {
      await within('the relay\'s close', 30_000, relay.close());
    }
  }

  it('the ssh connection going silent mid-build (no reset: a network gone away): the build fails as lost contact, and nothing is left running on the builder', async () => {
    // The client itself never notices (no reset, no keepalive within minutes): only the heartbeat's absence tells.
    await buildBrokenMidway('freeze', (relay) => relay.freeze(), 120_000, (r, frozenAt) => {
      const after = Date.now() - frozenAt;
      assert.match(r.result.failure!.message, /remote session .* on test builder \(relayed\): .*connection to it was lost\. The command was stopped there\./);
      assert.ok(after >= 25_000, `not before the silence limit: ${after} ms`);
      assert.ok(!r.data.includes('COSA-VSCODE-ALIVE'), 'the heartbeat is not output');
    });
  });

  it('the ssh connection dropping mid-build: the build fails with that message, and nothing is left running on the builder', async () => {
    await buildBrokenMidway('cut', (relay) => relay.cut(), 90_000, (r) => {
      assert.match(r.result.failure!.message, /remote session .* on test builder \(relayed\)/);
      assert.match(r.result.failure!.message, /The command was stopped there\./);
    });
  });
});
