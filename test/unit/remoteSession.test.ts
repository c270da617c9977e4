import * as assert from 'node:assert/strict';
import {
  builderEnv, explainRemoteFailure, openSshExec, openSshRsh, parseBuilderUrl, parseConnectionList, parseGroupMarker, parseSessionPs,
  RemoteBuilderError, sessionCreateArgv, sessionDestroyArgv, sessionExecArgv, sessionKillGroupArgv, sessionPsArgv,
  sessionSyncArgv, validExpiration,
} from '../../src/cosa/remoteSession';
import { workspaceId } from '../../src/cosa/invocation';
import { isSignalledChildNotice } from '../../src/cosa/processGroup';

// coreos-assembler cmd/remote-session.go (runCreate), in its order: the flags every session gets.
const UPSTREAM_CREATE_FLAGS = ['--remote', 'run', '--rm', '-d',
  '--pull=always', '--net=host', '--privileged', '--security-opt=label=disable',
  '--volume', '/srv', '--workdir', '/srv', '--volume=secex-data:/data.secex:ro',
  '--userns=keep-id:uid=1000,gid=1000', '--device=/dev/kvm', '--device=/dev/fuse', '--tmpfs=/tmp',
  '--init', '--entrypoint=/usr/bin/sleep'];

describe('remote session argv (cmd/remote-session.go)', () => {
  it('create: upstream flags in upstream order, env, our labels, then image and expiration', () => {
    const argv = sessionCreateArgv({ image: 'quay.io/coreos-assembler/coreos-assembler:main', expiration: 'infinity',
      env: ['COSA_SKIP_OVERLAY=1'], workspace: '/home/me/fcos' });
    assert.deepEqual(argv.slice(0, UPSTREAM_CREATE_FLAGS.length), UPSTREAM_CREATE_FLAGS);
    assert.deepEqual(argv.slice(UPSTREAM_CREATE_FLAGS.length), ['--env', 'COSA_SKIP_OVERLAY=1',
      '--label', 'io.github.coreos-vscode=1', '--label', 'io.github.coreos-vscode.purpose=remote-session',
      '--label', `io.github.coreos-vscode.workspace=${workspaceId('/home/me/fcos')}`,
      'quay.io/coreos-assembler/coreos-assembler:main', 'infinity']);
  });

  it('create: workdir and pull policy replace the defaults in place', () => {
    const argv = sessionCreateArgv({ image: 'localhost/cosa:test', expiration: '4h', workdir: '/home/jenkins/ws', pull: 'never' });
    assert.ok(argv.includes('--pull=never') && !argv.includes('--pull=always'));
    assert.deepEqual(argv.slice(argv.indexOf('--volume'), argv.indexOf('--volume') + 4), ['--volume', '/home/jenkins/ws', '--workdir', '/home/jenkins/ws']);
    assert.deepEqual(argv.slice(-2), ['localhost/cosa:test', '4h']);
  });

  it('create refuses what would change the meaning of the argv', () => {
    for (const bad of [
      { image: '--entrypoint=/bin/sh', expiration: '4h' },
      { image: 'a b', expiration: '4h' },
      { image: 'x', expiration: '4 hours' },
      { image: 'x', expiration: '-1' },
      { image: 'x', expiration: '4h', workdir: 'srv' },
      { image: 'x', expiration: '4h', workdir: '/srv:/etc' },
      { image: 'x', expiration: '4h', env: ['--privileged'] },
    ]) {
      assert.throws(() => sessionCreateArgv(bad), RemoteBuilderError, JSON.stringify(bad));
    }
  });

  it('expiration takes sleep(1) durations', () => {
    for (const ok of ['infinity', '30', '30m', '4h', '1.5h', '2d', '10s']) {
      assert.equal(validExpiration(ok), true, ok);
    }
    for (const bad of ['', '4hours', 'h', '-4h', '4h;rm', '1e3']) {
      assert.equal(validExpiration(bad), false, bad);
    }
  });

  it('exec: podman --remote exec -i [-t] SESSION, our process group, then cosa ARGS unchanged', () => {
    const argv = sessionExecArgv('4644a05b735e', ['build', '--version', '$(id)']);
    assert.deepEqual(argv.slice(0, 4), ['--remote', 'exec', '-i', '4644a05b735e']);
    assert.deepEqual(argv.slice(4, 7), ['setsid', '-w', 'sh']);
    assert.deepEqual(argv.slice(-4), ['sh', 'cosa', 'build', '--version', '$(id)'].slice(-4));
    assert.deepEqual(argv.slice(argv.indexOf('cosa')), ['cosa', 'build', '--version', '$(id)']);
    const tty = sessionExecArgv('s1', ['run']);
    assert.deepEqual(tty.slice(0, 4), ['--remote', 'exec', '-i', 's1']);
    const withTty = sessionExecArgv('s1', ['run'], { tty: true });
    assert.deepEqual(withTty.slice(0, 5), ['--remote', 'exec', '-i', '-t', 's1']);
    assert.deepEqual(withTty.slice(5, 8), ['setsid', '-w', '-c'], 'the terminal stays the controlling one');
  });

  it('session ids that are options or empty are refused everywhere', () => {
    for (const bad of ['', '-t', '--privileged', 'a b', '../x']) {
      assert.throws(() => sessionExecArgv(bad, ['build']), RemoteBuilderError, bad);
      assert.throws(() => sessionDestroyArgv(bad), RemoteBuilderError, bad);
      assert.throws(() => sessionPsArgv(bad), RemoteBuilderError, bad);
    }
  });

  it('the group marker is the first stdout line and nothing else', () => {
    assert.equal(parseGroupMarker('COSA-VSCODE-PGID 42'), 42);
    assert.equal(parseGroupMarker('COSA-VSCODE-PGID 42\r'), 42);
    assert.equal(parseGroupMarker('x COSA-VSCODE-PGID 42'), undefined);
    assert.equal(parseGroupMarker('COSA-VSCODE-PGID 4x'), undefined);
  });

  it('kill signals the whole group, never pid 1 or a non-number', () => {
    assert.deepEqual(sessionKillGroupArgv('s1', 57, 'TERM'), ['--remote', 'exec', 's1', 'kill', '-TERM', '--', '-57']);
    assert.throws(() => sessionKillGroupArgv('s1', 1, 'KILL'), RemoteBuilderError);
    assert.throws(() => sessionKillGroupArgv('s1', 0, 'KILL'), RemoteBuilderError);
    assert.throws(() => sessionKillGroupArgv('s1', 2.5, 'KILL'), RemoteBuilderError);
  });

  it('sync: rsync over podman --remote exec -i with exactly one remote side (runSync)', () => {
    assert.deepEqual(sessionSyncArgv('s1', 'src/config/', ':/srv/src/config/'),
      ['-ah', '--no-owner', '--no-group', '--mkpath', '--blocking-io', '--compress', '--rsh', 'podman --remote exec -i', '-v',
        'src/config/', 's1:/srv/src/config/']);
    assert.deepEqual(sessionSyncArgv('s1', ':/srv/builds/latest/x86_64/a.qcow2', 'dl/', { quiet: true }).slice(-2),
      ['s1:/srv/builds/latest/x86_64/a.qcow2', 'dl/']);
    // Download's form: no second compression, byte counts, whole-transfer progress
    assert.deepEqual(sessionSyncArgv('s1', ':/srv/builds/1/x86_64/a.qcow2', 'dl/.a.part', { quiet: true, image: true }),
      ['-a', '--no-owner', '--no-group', '--mkpath', '--blocking-io', '--rsh', 'podman --remote exec -i', '--info=progress2',
        's1:/srv/builds/1/x86_64/a.qcow2', 'dl/.a.part']);
    assert.throws(() => sessionSyncArgv('s1', 'a', 'b'), /single arg with `:` prepended/);
    assert.throws(() => sessionSyncArgv('s1', ':a', ':b'), /single arg with `:` prepended/);
    assert.throws(() => sessionSyncArgv('s1', '--rsh=sh', ':/srv/'), RemoteBuilderError);
    assert.throws(() => sessionSyncArgv('s1', 'a', ':-e'), RemoteBuilderError);
  });

  it('Download over OpenSSH: the builder\'s own podman, batch mode, known host keys only, the identity alone', () => {
    const url = 'ssh://core@arm1.example.com:2222/run/user/1000/podman/podman.sock';
    const exec = openSshExec({ url, identity: '/home/me/my keys/arm' })!;
    assert.deepEqual(exec, {
      file: 'ssh',
      args: ['-p', '2222', '-i', '/home/me/my keys/arm', '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes',
        '-o', 'ConnectTimeout=15', '-l', 'core', '--', 'arm1.example.com', 'podman', 'exec', '-i'],
    });
    // rsync splits --rsh on spaces and keeps what is quoted together
    assert.equal(openSshRsh(exec), "ssh -p 2222 -i '/home/me/my keys/arm' -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes "
      + '-o ConnectTimeout=15 -l core -- arm1.example.com podman exec -i');
    assert.deepEqual(sessionSyncArgv('s1', ':/srv/a', 'b', { image: true, rsh: openSshRsh(exec) }).slice(5, 7), ['--rsh', openSshRsh(exec)]);
    // no identity: ssh's own (agent, default keys), as podman without CONTAINER_SSHKEY; port 22 spelt out; IPv6 without brackets
    assert.deepEqual(openSshExec({ url: 'ssh://core@[fd00::1]/run/podman/podman.sock', identity: '' })!.args.slice(0, 2), ['-p', '22']);
    assert.ok(openSshExec({ url: 'ssh://core@[fd00::1]/run/podman/podman.sock' })!.args.includes('fd00::1'));
    const noKey = openSshExec({ url: 'ssh://core@h/run/podman/podman.sock' })!.args;
    assert.equal(noKey.indexOf('-i'), noKey.length - 1, 'only exec\'s -i');
    assert.ok(!noKey.includes('IdentitiesOnly=yes'));
  });

  it('Download over OpenSSH is not tried where rsync\'s --rsh could not carry the address or the identity as it is', () => {
    const sock = '/run/user/1000/podman/podman.sock';
    for (const [url, identity] of [
      [`ssh://core@h${sock}`, "/home/me/it's"], // a quote nothing escapes in --rsh
      [`ssh://core@h${sock}`, '/home/me/a\\b'],
      [`ssh://core@h${sock}`, '/home/me/a\nb'],
      [`ssh://-oProxyCommand=x@h${sock}`, undefined],
      [`ssh://co re@h${sock}`, undefined],
      ['not a url', undefined],
    ] as const) {
      assert.equal(openSshExec({ url, ...(identity ? { identity } : {}) }), undefined, `${url} ${identity ?? ''}`);
    }
    assert.equal(openSshExec({ url: `ssh://core@h${sock}` }, "/opt/my 'ssh'"), undefined);
  });
});

describe('remote builders', () => {
  it('parses podman ssh addresses', () => {
    assert.deepEqual(parseBuilderUrl('ssh://core@builder.example.com:2222/run/user/1000/podman/podman.sock'),
      { user: 'core', host: 'builder.example.com', port: 2222, socketPath: '/run/user/1000/podman/podman.sock' });
    assert.deepEqual(parseBuilderUrl('ssh://root@10.0.0.5/run/podman/podman.sock'),
      { user: 'root', host: '10.0.0.5', port: 22, socketPath: '/run/podman/podman.sock' });
    assert.equal(parseBuilderUrl('ssh://u@[::1]:22/run/p.sock').host, '[::1]');
  });

  it('refuses addresses podman would misread', () => {
    for (const bad of ['tcp://h:1/x', 'ssh://host/run/p.sock', 'ssh://u@host', 'ssh://u@host:99999/run/p.sock',
      'ssh://u@host:22/', 'ssh://u@host/run/../etc/p.sock', 'ssh://u@h st/run/p.sock', 'unix:///run/podman/podman.sock']) {
      assert.throws(() => parseBuilderUrl(bad), RemoteBuilderError, bad);
    }
  });

  it('env: CONTAINER_HOST, and CONTAINER_SSHKEY only with an identity', () => {
    assert.deepEqual(builderEnv({ url: 'ssh://u@h/run/p.sock', identity: '/k' }), { CONTAINER_HOST: 'ssh://u@h/run/p.sock', CONTAINER_SSHKEY: '/k' });
    assert.deepEqual(builderEnv({ url: 'ssh://u@h/run/p.sock' }), { CONTAINER_HOST: 'ssh://u@h/run/p.sock' });
    assert.throws(() => builderEnv({ url: 'nope' }), RemoteBuilderError);
  });

  it('reads `podman system connection list --format json` (podman 4.3 shape), ssh rows only', () => {
    const json = JSON.stringify([
      { Name: 'aarch64', URI: 'ssh://core@arm.example.com:22/run/user/1000/podman/podman.sock', Identity: '/home/me/.ssh/id_ed25519', Default: true },
      { Name: 'local', URI: 'unix:///run/podman/podman.sock', Identity: '', Default: false },
      { Name: 'broken', URI: 'ssh://nouser/run/p.sock', Identity: '' },
      { Name: 's390x', URI: 'ssh://core@z.example.com/run/user/1000/podman/podman.sock', Identity: '' },
    ]);
    assert.deepEqual(parseConnectionList(json), [
      { url: 'ssh://core@arm.example.com:22/run/user/1000/podman/podman.sock', identity: '/home/me/.ssh/id_ed25519', name: 'aarch64' },
      { url: 'ssh://core@z.example.com/run/user/1000/podman/podman.sock', name: 's390x' },
    ]);
    assert.deepEqual(parseConnectionList('null'), []);
    assert.throws(() => parseConnectionList('Error: x'), RemoteBuilderError);
  });

  it('reads podman ps JSON for a session', () => {
    const rows = parseSessionPs(JSON.stringify([{ Id: 'abc', State: 'running', Status: 'Up 2 minutes', Labels: { a: 'b' } }, { Nope: 1 }]));
    assert.deepEqual(rows, [{ id: 'abc', running: true, status: 'Up 2 minutes', labels: { a: 'b' } }]);
    assert.deepEqual(parseSessionPs(''), []);
    assert.deepEqual(parseSessionPs('[]'), []);
  });

  it('explains podman 4.3 remote failures (messages recorded from a builder over ssh)', () => {
    const cases: [string, RegExp][] = [
      ['Error: failed to connect: ssh: handshake failed: ssh: unable to authenticate, attempted methods [none publickey], no supported methods remain', /refused the ssh key/],
      ['Error: failed to connect: dial tcp 127.0.0.1:2299: connect: connection refused', /nothing accepts ssh connections at 127\.0\.0\.1:2299/],
      ['Error: unable to connect to Podman socket: Get "http://d/v4.3.1/libpod/_ping": ssh: rejected: connect failed (open failed)', /podman socket path on the builder is wrong/],
      ['Error: no container with name or ID "deadbeef0000" found: no such container', /remote session deadbeef0000 no longer exists/],
      ['Error: failed to read identity "/tmp/nokey": open /tmp/nokey: no such file or directory', /identity file \/tmp\/nokey cannot be read/],
      ['Error: failed to connect: dial tcp: lookup nosuchhost.invalid on 10.255.255.53:53: no such host', /nosuchhost\.invalid does not resolve/],
    ];
    for (const [stderr, want] of cases) {
      assert.match(explainRemoteFailure(stderr) ?? '(none)', want, stderr);
    }
    assert.equal(explainRemoteFailure('Error: something new'), undefined);
  });

  it('destroy is upstream\'s rm -f with --volumes: the anonymous /srv volume goes in the same call', () => {
    assert.deepEqual(sessionDestroyArgv('4644a05b735e'), ['--remote', 'rm', '-f', '--volumes', '4644a05b735e']);
  });

  it('recognises setsid\'s notice about a signalled child (noise after our own cancel), nothing else', () => {
    assert.equal(isSignalledChildNotice('setsid: child 50 did not exit normally: Success\n'), true);
    assert.equal(isSignalledChildNotice('setsid: child 7 did not exit normally'), true);
    assert.equal(isSignalledChildNotice('error: setsid: child 50 did not exit normally'), false);
    assert.equal(isSignalledChildNotice('fatal: build failed'), false);
  });
});
