import * as assert from 'node:assert/strict';
import { describeCosaFailure, parseCosaFailure, stripAnsi } from '../../src/cosa/cosaFailure';
import { parsePsJson } from '../../src/engine/containers';
import { socketCandidates, unixSocketFromUrl } from '../../src/engine/runtime';
import { busyMessage, WorkspaceLocks } from '../../src/engine/workspaceLock';

describe('parseCosaFailure', () => {
  const rows: [string, string, number, Record<string, unknown> | undefined][] = [
    ['success', 'Imported OCI image as build 42.1\n', 0, undefined],
    ['cmd failed with fatal (coloured on a TTY)',
      'STEP 6/12: RUN x\n\x1b[31mfatal:\x1b(B\x1b[m boom: no space\nfailed to execute cmd-build: exit status 1\n', 1,
      { kind: 'command-failed', command: 'build', exitStatus: 1, message: 'boom: no space' }],
    ['cmd failed with a status other than 1', 'fatal: x\nfailed to execute cmd-prune: exit status 2\n', 2,
      { kind: 'command-failed', command: 'prune', exitStatus: 2, message: 'x' }],
    ['cmd killed by a signal', 'failed to execute cmd-build: signal: terminated\n', 255,
      { kind: 'command-failed', command: 'build', signal: 'terminated', message: 'cmd-build killed (signal: terminated)' }],
    ['last fatal wins', 'fatal: first\nfatal: second\nfailed to execute cmd-init: exit status 1', 1,
      { kind: 'command-failed', message: 'second' }],
    ['unknown command', 'error: unknown command: frobnicate\n', 1, { kind: 'unknown-command', command: 'frobnicate', message: 'unknown command: frobnicate' }],
    ['usage (no command)', 'Usage: coreos-assembler CMD ...\nBuild commands:\n  init\n', 1, { kind: 'usage' }],
    ['podman name clash',
      'Error: creating container storage: the container name "cosa-abc-build" is already in use by 8b21. You have to remove that container to be able to reuse that name: that name is already in use\n', 125,
      { kind: 'name-in-use', message: 'a container named cosa-abc-build is already running' }],
    ['docker name clash', 'docker: Error response from daemon: Conflict. The container name "/cosa-abc-build" is already in use by container "x".\nError: Conflict. The container name "/cosa-abc-build" is already in use', 125,
      { kind: 'name-in-use' }],
    ['image missing', 'Error: localhost/nope:x: image not known\n', 125, { kind: 'image-missing', message: 'localhost/nope:x: image not known' }],
    ['other runtime error', 'Error: statfs /nope: no such file or directory\n', 125, { kind: 'runtime', message: 'statfs /nope: no such file or directory' }],
    ['fatal without the Go line (e.g. cosa shell script)', 'fatal: Missing /dev/kvm; you can set COSA_NO_KVM=1\n', 1,
      { kind: 'command-failed', message: 'Missing /dev/kvm; you can set COSA_NO_KVM=1' }],
    ['nothing recognisable', 'some output\n', 3, { kind: 'exit', message: 'exit code 3' }],
    ['CRLF lines', 'fatal: crlf\r\nfailed to execute cmd-build: exit status 1\r\n', 1, { kind: 'command-failed', message: 'crlf', exitStatus: 1 }],
  ];
  for (const [title, output, code, expected] of rows) {
    it(title, () => {
      const f = parseCosaFailure(output, code);
      if (!expected) {
        assert.equal(f, undefined);
        return;
      }
      assert.ok(f);
      assert.equal(f.exitCode, code);
      for (const [k, v] of Object.entries(expected)) {
        assert.deepEqual((f as unknown as Record<string, unknown>)[k], v, k);
      }
    });
  }

  it('strips ANSI sequences of all kinds', () => {
    assert.equal(stripAnsi('\x1b[1;31mred\x1b[0m \x1b(Bx\x1b]0;title\x07y \x1b[?25lz'), 'red xy z');
  });

  it('describes failures in one line', () => {
    assert.equal(describeCosaFailure(parseCosaFailure('fatal: boom\nfailed to execute cmd-build: exit status 1', 1)!, ['build']),
      'cosa build failed (exit status 1): boom');
    assert.equal(describeCosaFailure(parseCosaFailure('error: unknown command: x', 1)!, ['x']), 'cosa has no command "x"');
  });
});

describe('engine parsers (pure parts)', () => {
  it('parses podman and docker ps JSON', () => {
    const podman = parsePsJson(JSON.stringify([{ Id: 'abc', Names: ['cosa-1-build'], State: 'running', Labels: { a: 'b' }, Image: 'img' }]));
    assert.deepEqual(podman, [{ id: 'abc', name: 'cosa-1-build', state: 'running', labels: { a: 'b' }, image: 'img' }]);
    const docker = parsePsJson('{"ID":"d1","Names":"cosa-2-init","State":"exited","Labels":"x=1,y=a=b","Image":"i"}\n');
    assert.deepEqual(docker, [{ id: 'd1', name: 'cosa-2-init', state: 'exited', labels: { x: '1', y: 'a=b' }, image: 'i' }]);
    assert.deepEqual(parsePsJson(''), []);
    assert.deepEqual(parsePsJson('[]'), []);
  });

  it('lists API sockets in order: CONTAINER_HOST, podman info, XDG (rootless) or /run (rootful), DOCKER_HOST', () => {
    assert.equal(unixSocketFromUrl('unix:///run/x.sock'), '/run/x.sock');
    assert.equal(unixSocketFromUrl('ssh://host/run/x.sock'), undefined);
    assert.deepEqual(socketCandidates('podman', { CONTAINER_HOST: 'unix:///a.sock', XDG_RUNTIME_DIR: '/run/user/1000' }, true, '/b.sock').map(([p]) => p),
      ['/a.sock', '/b.sock', '/run/user/1000/podman/podman.sock']);
    assert.deepEqual(socketCandidates('podman', {}, false, '/run/podman/podman.sock').map(([p]) => p), ['/run/podman/podman.sock']);
    assert.deepEqual(socketCandidates('docker', { DOCKER_HOST: 'unix:///d.sock' }, false).map(([p]) => p), ['/d.sock', '/var/run/docker.sock']);
  });

  it('holds one mutating command per workspace', () => {
    const locks = new WorkspaceLocks();
    const a = locks.tryAcquire('/w', { args: ['build'], containerName: 'cosa-1-build', since: 0 });
    assert.ok('release' in a);
    const b = locks.tryAcquire('/w', { args: ['init', 'x'], containerName: 'cosa-1-init', since: 1 });
    assert.ok('heldBy' in b);
    assert.match(busyMessage(['init'], b.heldBy), /^cosa init was not started: cosa build is already running in this workspace \(container cosa-1-build\)/);
    assert.ok('release' in locks.tryAcquire('/other', { args: ['build'], containerName: 'cosa-2-build', since: 0 }));
    a.release();
    assert.ok('release' in locks.tryAcquire('/w', { args: ['init'], containerName: 'cosa-1-init', since: 2 }));
  });
});
