import * as assert from 'node:assert/strict';
import { containerName, cosaRunArgv as cosaRunArgv3, CosaRequest, CosaSettings, DEFAULT_IMAGE, RuntimeHost, workspaceId } from '../../src/cosa/invocation';
import { cosaInitArgs } from '../../src/cosa/initArgs';
import { resolveCosaSettings, SettingsError } from '../../src/cosa/settingsResolution';
import { shellQuote, splitShellWords, ShellWordsError } from '../../src/cosa/shellWords';
import { InvocationError } from '../../src/cosa/invocation';

const podman: CosaSettings = { runtime: 'podman', image: DEFAULT_IMAGE, runtimeArgs: [] };
const rootfulRoot: RuntimeHost = { kind: 'podman', rootless: false, version: '4.3.1', uid: 0, gid: 0 };
const dockerRoot: RuntimeHost = { kind: 'docker', rootless: false, version: '28.2.2', uid: 0, gid: 0 };
// The original tests: rootful podman as root (this machine) or docker as root.
const cosaRunArgv = (s: CosaSettings, r: CosaRequest) => cosaRunArgv3(s, r, s.runtime === 'docker' ? dockerRoot : rootfulRoot);

describe('cosaRunArgv (the documented alias, flag for flag)', () => {
  it('reproduces the alias for `cosa build` without a terminal', () => {
    const argv = cosaRunArgv(podman, { workspace: '/home/u/fcos', args: ['build'], tty: false, purpose: 'build' });
    const name = containerName('/home/u/fcos', 'build');
    assert.deepEqual(argv, [
      'run', '--rm', '-i', '--security-opt', 'label=disable', '--privileged',
      '--uidmap=1000:0:1', '--uidmap=0:1:1000', '--uidmap', '1001:1001:64536',
      '-v', '/home/u/fcos:/srv/', '--device', '/dev/kvm', '--device', '/dev/fuse', '--tmpfs', '/tmp', '-v', '/var/tmp:/var/tmp',
      '--name', name,
      '--label', 'io.github.coreos-vscode=1', '--label', `io.github.coreos-vscode.workspace=${workspaceId('/home/u/fcos')}`,
      '--label', 'io.github.coreos-vscode.purpose=build',
      DEFAULT_IMAGE, 'build',
    ]);
  });

  it('adds -t only for a real terminal', () => {
    const argv = cosaRunArgv(podman, { workspace: '/w', args: ['run'], tty: true, purpose: 'run' });
    assert.deepEqual(argv.slice(0, 4), ['run', '--rm', '-i', '-t']);
  });

  it('mounts the config and cosa checkouts like the alias, then runtime args, then the image', () => {
    const argv = cosaRunArgv(
      { runtime: 'podman', image: 'localhost/cosa:dev', configGit: '/src/fcos-config', assemblerGit: '/src/coreos-assembler/', runtimeArgs: ['--net=host'] },
      { workspace: '/w', args: ['fetch'], tty: false, purpose: 'fetch' },
    );
    const tail = argv.slice(argv.indexOf('-v', argv.indexOf('/var/tmp:/var/tmp')));
    assert.deepEqual(tail, [
      '-v', '/src/fcos-config:/srv/src/config/:ro',
      '-v', '/src/coreos-assembler/src/:/usr/lib/coreos-assembler/:ro',
      '--net=host', 'localhost/cosa:dev', 'fetch',
    ]);
  });

  it('passes paths with spaces and shell metacharacters through literally', () => {
    const ws = '/home/u/my builds; $(rm -rf ~) `x` \'q\'';
    const argv = cosaRunArgv(podman, { workspace: ws, args: ['init', '/cfg dir/$(x)'], tty: false, purpose: 'init' });
    assert.ok(argv.includes(`${ws}:/srv/`));
    assert.equal(argv[argv.length - 1], '/cfg dir/$(x)');
  });

  it('names containers per workspace and purpose, so two builds in one workspace collide and two workspaces do not', () => {
    assert.equal(containerName('/a', 'build'), containerName('/a', 'build'));
    assert.notEqual(containerName('/a', 'build'), containerName('/b', 'build'));
    assert.notEqual(containerName('/a', 'build'), containerName('/a', 'run-1'));
    assert.match(containerName('/a', 'run qemu'), /^cosa-[0-9a-f]{10}-run-qemu$/);
  });

  it('leaves out podman-only --uidmap for docker', () => {
    const argv = cosaRunArgv({ ...podman, runtime: 'docker' }, { workspace: '/w', args: ['list'], tty: false, purpose: 'list' });
    assert.equal(argv.some((a) => a.startsWith('--uidmap')), false);
  });
});

describe('resolveCosaSettings (VS Code settings first, then the alias variables)', () => {
  it('defaults like the alias', () => {
    assert.deepEqual(resolveCosaSettings({}, {}), {
      runtime: 'podman', image: DEFAULT_IMAGE, runtimeArgs: [], userNamespace: 'auto', hostNetwork: false,
      sources: { runtime: 'default', image: 'default' },
    });
  });

  it('falls back to COREOS_ASSEMBLER_* variables', () => {
    const s = resolveCosaSettings({}, {
      COREOS_ASSEMBLER_CONTAINER: 'localhost/cosa:x', COREOS_ASSEMBLER_CONFIG_GIT: '/cfg', COREOS_ASSEMBLER_GIT: '/cosa',
      COREOS_ASSEMBLER_CONTAINER_RUNTIME_ARGS: '--net=host -v /a:/c',
    });
    assert.deepEqual(s, {
      runtime: 'podman', image: 'localhost/cosa:x', configGit: '/cfg', assemblerGit: '/cosa', runtimeArgs: ['--net=host', '-v', '/a:/c'],
      userNamespace: 'auto', hostNetwork: false,
      sources: { runtime: 'default', image: 'environment', configGit: 'environment', assemblerGit: 'environment', runtimeArgs: 'environment' },
    });
  });

  it('prefers the settings over the variables', () => {
    const s = resolveCosaSettings({ image: 'img:settings', runtimeArgs: '--net=host' }, { COREOS_ASSEMBLER_CONTAINER: 'img:env', COREOS_ASSEMBLER_CONTAINER_RUNTIME_ARGS: '--foo' });
    assert.equal(s.image, 'img:settings');
    assert.deepEqual(s.runtimeArgs, ['--net=host']);
  });

  it('rejects an unknown runtime and relative checkout paths with the setting named', () => {
    assert.throws(() => resolveCosaSettings({ containerRuntime: 'lxc' }, {}), (e: Error) => e instanceof SettingsError && /coreos.containerRuntime must be "podman" or "docker", not "lxc"/.test(e.message));
    assert.throws(() => resolveCosaSettings({ configGit: 'fcos-config' }, {}), /coreos.configGit must be an absolute path/);
    assert.throws(() => resolveCosaSettings({}, { COREOS_ASSEMBLER_GIT: '../cosa' }), /COREOS_ASSEMBLER_GIT \(the fallback of coreos.assemblerGit\) must be an absolute path/);
  });
});

describe('splitShellWords / shellQuote', () => {
  const cases: [string, string[]][] = [
    ['', []],
    ['  --net=host  ', ['--net=host']],
    ['-v /a:/b --privileged', ['-v', '/a:/b', '--privileged']],
    [`-v '/my dir:/x' -e "A=b c"`, ['-v', '/my dir:/x', '-e', 'A=b c']],
    ['-e A=\\$HOME -e "B=\\"q\\""', ['-e', 'A=$HOME', '-e', 'B="q"']],
    ['$(touch /tmp/pwned) `id` ;ls', ['$(touch', '/tmp/pwned)', '`id`', ';ls']],
    ['a""b \'\'', ['ab', '']],
  ];
  for (const [input, words] of cases) {
    it(`splits ${JSON.stringify(input)}`, () => assert.deepEqual(splitShellWords(input), words));
  }

  it('refuses unterminated quotes', () => {
    assert.throws(() => splitShellWords(`-v '/a`), ShellWordsError);
    assert.throws(() => splitShellWords('-e "x'), ShellWordsError);
  });

  it('quotes so that splitting the quoted line gives the words back', () => {
    const words = ['podman', 'run', '-v', '/my dir:/srv/', "it's", '$(x)', '', 'a"b', '--name=cosa'];
    const line = words.map(shellQuote).join(' ');
    assert.deepEqual(splitShellWords(line), words);
    assert.equal(shellQuote('--name=cosa'), '--name=cosa');
  });
});

describe('cosaInitArgs', () => {
  it('follows cmd-init: [--force] [--branch B] [--variant V] GITCONFIG', () => {
    assert.deepEqual(cosaInitArgs({ url: 'https://github.com/coreos/fedora-coreos-config' }), ['init', 'https://github.com/coreos/fedora-coreos-config']);
    assert.deepEqual(cosaInitArgs({ url: ' /cfg ', branch: ' testing-devel ', force: true, variant: 'rhel-9.6' }),
      ['init', '--force', '--branch', 'testing-devel', '--variant', 'rhel-9.6', '/cfg']);
    assert.deepEqual(cosaInitArgs({ url: 'u', branch: '  ' }), ['init', 'u']);
  });
});

describe('cosaRunArgv: request env (-e K=V)', () => {
  it('adds one -e K=V per variable, in order, after the labels and before runtime args and the image', () => {
    const argv = cosaRunArgv({ ...podman, runtimeArgs: ['--net=host'] }, {
      workspace: '/w', args: ['run'], tty: true, purpose: 'run-1', env: { COSA_NO_KVM: '1', X: 'a b=c' },
    });
    const i = argv.indexOf('-e');
    assert.deepEqual(argv.slice(i), ['-e', 'COSA_NO_KVM=1', '-e', 'X=a b=c', '--net=host', DEFAULT_IMAGE, 'run']);
    assert.ok(i > argv.indexOf('io.github.coreos-vscode.purpose=run-1'));
  });

  it('adds nothing without env, or with an empty one', () => {
    const plain = cosaRunArgv(podman, { workspace: '/w', args: ['run'], tty: true, purpose: 'run-1' });
    assert.ok(!plain.includes('-e'));
    assert.deepEqual(cosaRunArgv(podman, { workspace: '/w', args: ['run'], tty: true, purpose: 'run-1', env: {} }), plain);
  });

  it('refuses a name that is not an environment variable name', () => {
    assert.throws(() => cosaRunArgv(podman, { workspace: '/w', args: ['run'], tty: true, purpose: 'r', env: { 'A=B': '1' } }), InvocationError);
    assert.throws(() => cosaRunArgv(podman, { workspace: '/w', args: ['run'], tty: true, purpose: 'r', env: { '': '1' } }), InvocationError);
  });
});

describe('cosaRunArgv: kvmDevice', () => {
  it('keeps --device /dev/kvm by default and leaves it out (only it) with kvmDevice false', () => {
    const withKvm = cosaRunArgv(podman, { workspace: '/w', args: ['run'], tty: true, purpose: 'run-1' });
    assert.deepEqual(cosaRunArgv(podman, { workspace: '/w', args: ['run'], tty: true, purpose: 'run-1', kvmDevice: true }), withKvm);
    const without = cosaRunArgv(podman, { workspace: '/w', args: ['run'], tty: true, purpose: 'run-1', kvmDevice: false, env: { COSA_NO_KVM: '1' } });
    const i = withKvm.indexOf('/dev/kvm');
    assert.deepEqual(withKvm.slice(i - 1, i + 3), ['--device', '/dev/kvm', '--device', '/dev/fuse']);
    assert.ok(!without.includes('/dev/kvm'));
    assert.deepEqual(without.filter((a) => a !== '-e' && a !== 'COSA_NO_KVM=1'), [...withKvm.slice(0, i - 1), ...withKvm.slice(i + 1)]);
  });
});
