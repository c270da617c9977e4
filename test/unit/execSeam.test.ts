// The pure and argv parts of the exec seam: the process group wrapper, the preamble of an exec
// target, the pod transport's argv (kubectl/oc on a cluster, podman for a played pod), and the
// attach to COREOS_ASSEMBLER_REMOTE_SESSION.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BuilderFactsError, describeBuilder, parseKvmProbe, parsePodmanInfo } from '../../src/cosa/builderFacts';
import { describeCosaFailure } from '../../src/cosa/cosaFailure';
import { execPreamble } from '../../src/cosa/execPreamble';
import { resolveCosaSettings } from '../../src/cosa/settingsResolution';
import { groupedArgv, killGroupArgv, ProcessGroupError } from '../../src/cosa/processGroup';
import { RemoteBuilderError } from '../../src/cosa/remoteSession';
import { attachedSession } from '../../src/engine/attachedSession';
import { CosaPod } from '../../src/engine/cosaPod';
import { CosaEngine } from '../../src/engine/cosaProcess';
import { RuntimeInfo } from '../../src/engine/runtime';

describe('exec seam (pure parts)', () => {
  it('the group wrapper: setsid, the marker script, then the command unchanged', () => {
    const argv = groupedArgv(['cosa', 'build', '$(id)', '--', ';rm']);
    assert.deepEqual(argv.slice(0, 3), ['setsid', '-w', 'sh']);
    assert.deepEqual(argv.slice(-5), ['cosa', 'build', '$(id)', '--', ';rm']);
    assert.deepEqual(groupedArgv(['cosa', 'run'], { tty: true }).slice(0, 3), ['setsid', '-w', '-c']);
    assert.throws(() => groupedArgv([]), ProcessGroupError);
    assert.deepEqual(killGroupArgv(42, 'KILL'), ['kill', '-KILL', '--', '-42']);
    for (const bad of [0, 1, -5, 1.5, NaN]) {
      assert.throws(() => killGroupArgv(bad, 'TERM'), ProcessGroupError, String(bad));
    }
  });

  it('the preamble names the target and the settings that do not reach it', () => {
    const plain = resolveCosaSettings({ image: 'quay.io/coreos-assembler/coreos-assembler:latest' }, {});
    assert.deepEqual(execPreamble('pod p (kubectl)', plain, 'kubectl exec -i p -c cosa -- cosa build'),
      ['# cosa runs in the pod p (kubectl)', '+ kubectl exec -i p -c cosa -- cosa build']);
    const local = resolveCosaSettings({ image: 'x', configGit: '/home/me/config', runtimeArgs: '--net=host' }, {});
    const lines = execPreamble('remote session abc on b', local, 'podman --remote exec -i abc cosa build');
    assert.equal(lines.length, 3);
    assert.match(lines[1]!, /^# not used there: coreos\.configGit .*; coreos\.runtimeArgs/);
    // A remote session's commands that change the build directory are sent the config checkout first.
    const synced = execPreamble('remote session abc on b', local, 'podman --remote exec -i abc cosa build', { sendsInputs: true });
    assert.match(synced[1]!, /^# not used there: coreos\.runtimeArgs \(flags of a local podman run: the session was created with cosa remote-session create's flags/);
    assert.doesNotMatch(synced[1]!, /configGit/);
  });

  it('pod transport: kubectl/oc exec -i [-t] POD -c cosa -- ARGV, podman exec POD-cosa ARGV', () => {
    const k = new CosaPod({ pod: 'cosa-fcos', tool: 'kubectl', namespace: 'builds', context: 'ci', env: {} });
    assert.deepEqual(k.execCommand(['cosa', 'build'], { stdin: true }),
      { file: 'kubectl', argv: ['--context', 'ci', '--namespace', 'builds', 'exec', '-i', 'cosa-fcos', '-c', 'cosa', '--', 'cosa', 'build'], env: {} });
    assert.deepEqual(new CosaPod({ pod: 'p', tool: 'oc', toolPath: '/usr/bin/oc', env: {} }).execCommand(['cosa', 'run'], { stdin: true, tty: true }),
      { file: '/usr/bin/oc', argv: ['exec', '-i', '-t', 'p', '-c', 'cosa', '--', 'cosa', 'run'], env: {} });
    const played = new CosaPod({ pod: 'p', tool: 'podman', env: {} });
    assert.deepEqual(played.execCommand(['cat', '/srv/builds/builds.json']).argv, ['exec', 'p-cosa', 'cat', '/srv/builds/builds.json']);
    // kubectl exec has no --workdir: another directory is a cd in the command, the path a separate word.
    assert.deepEqual(k.execCommand(['ls'], { workdir: '/srv/builds' }).argv.slice(-6), ['sh', '-c', 'cd "$1" && shift && exec "$@"', 'sh', '/srv/builds', 'ls']);
    assert.deepEqual(k.execCommand(['ls'], { workdir: '/srv' }).argv.slice(-2), ['--', 'ls']);
    assert.equal(k.description, 'pod builds/cosa-fcos (kubectl)');
    assert.throws(() => new CosaPod({ pod: '-it', tool: 'kubectl' }).execCommand(['ls']));
  });

  it('COREOS_ASSEMBLER_REMOTE_SESSION attaches with CONTAINER_HOST/CONTAINER_SSHKEY, and says what is missing', () => {
    assert.equal(attachedSession({}, 'podman'), undefined);
    assert.equal(attachedSession({ COREOS_ASSEMBLER_REMOTE_SESSION: '  ' }, 'podman'), undefined);
    const s = attachedSession({
      COREOS_ASSEMBLER_REMOTE_SESSION: '4644a05b735e', CONTAINER_HOST: 'ssh://core@builder:2222/run/user/1000/podman/podman.sock', CONTAINER_SSHKEY: '/k',
    }, '/usr/bin/podman')!;
    assert.equal(s.kind, 'remote-session');
    const cmd = s.execCommand(['cosa', 'list'], { stdin: true });
    assert.equal(cmd.file, '/usr/bin/podman');
    assert.deepEqual(cmd.argv, ['--remote', 'exec', '-i', '4644a05b735e', 'cosa', 'list']);
    assert.equal(cmd.env.CONTAINER_HOST, 'ssh://core@builder:2222/run/user/1000/podman/podman.sock');
    assert.equal(cmd.env.CONTAINER_SSHKEY, '/k');
    assert.throws(() => attachedSession({ COREOS_ASSEMBLER_REMOTE_SESSION: 'abc' }, 'podman'), (e: Error) =>
      e instanceof RemoteBuilderError && /CONTAINER_HOST is not/.test(e.message) && /unset COREOS_ASSEMBLER_REMOTE_SESSION/.test(e.message));
  });

  it('a builder failure reads as one', () => {
    assert.equal(describeCosaFailure({ kind: 'builder', exitCode: 125, message: 'remote session x on b: the ssh connection to the builder dropped.', details: [] }, ['build']),
      'cosa build did not finish: remote session x on b: the ssh connection to the builder dropped.');
  });

  it('the engine picks the target per workspace: set > COREOS_ASSEMBLER_REMOTE_SESSION > local', async () => {
    const runtime: RuntimeInfo = { kind: 'podman', rootless: true, version: '4.3.1', uid: 1000, gid: 1000, path: '/usr/bin/podman' };
    const local = new CosaEngine({ env: {} });
    assert.equal(local.hasExecTargets(), false);
    assert.equal(local.target('/w', runtime), undefined);
    const pod = new CosaPod({ pod: 'p', tool: 'kubectl', env: {} });
    local.setTarget('/w', pod);
    assert.equal(local.hasExecTargets(), true);
    assert.equal(local.target('/w'), pod);
    assert.equal(local.target('/other'), undefined);
    local.setTarget('/w', undefined);
    assert.equal(local.target('/w'), undefined);
    const attached = new CosaEngine({ env: { COREOS_ASSEMBLER_REMOTE_SESSION: 'abc123', CONTAINER_HOST: 'ssh://u@h/run/podman.sock' } });
    assert.equal(attached.hasExecTargets(), true);
    const session = attached.target('/w', runtime)!;
    assert.equal(session.kind, 'remote-session');
    assert.deepEqual(session.execCommand(['cosa', 'build'], { stdin: true }).argv, ['--remote', 'exec', '-i', 'abc123', 'cosa', 'build']);
    assert.equal(session.execCommand(['cosa', 'build']).file, '/usr/bin/podman', 'the detected podman is the client');
    attached.setTarget('/w', pod);
    assert.equal(attached.target('/w', runtime), pod, 'a target set for the workspace wins over the environment');
    await Promise.all([local.dispose(), attached.dispose()]);
  });
});

describe('builder facts (src/cosa/builderFacts.ts)', () => {
  const info = readFileSync(join(__dirname, '..', 'fixtures', 'podman', 'remote-info.json'), 'utf8');

  it('reads podman info: cosa arch name, version, rootless, free bytes of its storage', () => {
    assert.deepEqual(parsePodmanInfo(info), { arch: 'x86_64', podmanVersion: '4.3.1', rootless: true, cpus: 2, freeBytes: 270553174016 - 29713948672 });
    const arm = JSON.parse(info) as { host: { arch: string } };
    arm.host.arch = 'arm64';
    assert.equal(parsePodmanInfo(JSON.stringify(arm)).arch, 'aarch64');
    for (const bad of ['', '{}', '[]', 'null', '{"host":{"arch":1},"version":{"Version":"4"}}']) {
      assert.throws(() => parsePodmanInfo(bad), BuilderFactsError, bad);
    }
  });

  it('the KVM probe and the one-line description', () => {
    assert.equal(parseKvmProbe('usable\n'), 'usable');
    assert.equal(parseKvmProbe('missing'), 'missing');
    assert.equal(parseKvmProbe('sh: 1: [: not found'), undefined);
    const f = { ...parsePodmanInfo(info), kvm: 'usable' as const };
    assert.equal(describeBuilder(f), 'x86_64, podman 4.3.1 (rootless), KVM usable, 224.3 GiB free');
    assert.match(describeBuilder({ arch: 's390x', podmanVersion: '5.0', rootless: false }), /^s390x, podman 5\.0, KVM not checked yet$/);
  });
});
