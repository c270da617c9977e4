// The argv builder, settings resolution and preamble as tables: every
// setting, every runtime/host kind, literal paths, and each invalid setting
// with its own message.
import * as assert from 'node:assert/strict';
import {
  buildDirLockName, commandLine, containerName, cosaPreamble, cosaRunArgv, CosaSettings, DEFAULT_IMAGE, InvocationError, isMutating,
  builderOnto, RuntimeHost, userMappingArgs, versionAtLeast, workspaceId,
} from '../../src/cosa/invocation';
import { PathChecks, resolveCosaSettings, SettingsError } from '../../src/cosa/settingsResolution';
import { splitShellWords } from '../../src/cosa/shellWords';

const base: CosaSettings = { runtime: 'podman', image: DEFAULT_IMAGE, runtimeArgs: [] };
const hosts = {
  rootlessPodman: { kind: 'podman', rootless: true, version: '4.9.3', uid: 1000, gid: 1000 },
  rootlessPodmanOld: { kind: 'podman', rootless: true, version: '4.2.0', uid: 1000, gid: 1000 },
  rootfulPodmanRoot: { kind: 'podman', rootless: false, version: '4.3.1', uid: 0, gid: 0 },
  rootfulPodmanUser: { kind: 'podman', rootless: false, version: '5.2.0', uid: 1234, gid: 1300 },
  dockerRoot: { kind: 'docker', rootless: false, version: '28.2.2', uid: 0, gid: 0 },
  dockerUser: { kind: 'docker', rootless: false, version: '28.2.2', uid: 1234, gid: 1300 },
  dockerRootless: { kind: 'docker', rootless: true, version: '28.2.2', uid: 1234, gid: 1300 },
} satisfies Record<string, RuntimeHost>;
const ALIAS = ['--uidmap=1000:0:1', '--uidmap=0:1:1000', '--uidmap', '1001:1001:64536'];

describe('userMappingArgs: one row per host kind and coreos.userNamespace', () => {
  const rows: [string, RuntimeHost, CosaSettings['userNamespace'], string[] | RegExp][] = [
    ['rootless podman, auto -> the alias\' uidmap', hosts.rootlessPodman, 'auto', ALIAS],
    ['rootless podman, uidmap', hosts.rootlessPodman, 'uidmap', ALIAS],
    ['rootless podman >= 4.3, keep-id', hosts.rootlessPodman, 'keep-id', ['--userns=keep-id:uid=1000,gid=1000']],
    ['rootless podman 4.2, keep-id -> refused', hosts.rootlessPodmanOld, 'keep-id', /needs podman >= 4.3 .* this is podman 4.2.0/],
    ['rootful podman as root, auto -> the alias\' uidmap (builder = host root)', hosts.rootfulPodmanRoot, 'auto', ALIAS],
    ['rootful podman as root, uidmap', hosts.rootfulPodmanRoot, 'uidmap', ALIAS],
    ['rootful podman, keep-id -> refused like podman does', hosts.rootfulPodmanRoot, 'keep-id', /keep-id is only supported in rootless mode/],
    ['rootful podman for a non-root user -> builder = that uid/gid, the other ids in order on the rest of 0-65536', hosts.rootfulPodmanUser, 'auto', [
      '--uidmap', '0:0:1000', '--uidmap', '1000:1234:1', '--uidmap', '1001:1000:234', '--uidmap', '1235:1235:64302',
      '--gidmap', '0:0:1000', '--gidmap', '1000:1300:1', '--gidmap', '1001:1000:300', '--gidmap', '1301:1301:64236',
    ]],
    ['docker as root -> --user 0:0', hosts.dockerRoot, 'auto', ['--user', '0:0']],
    ['docker as a user -> --user uid:gid + group 0 (arbitrary-uid workaround)', hosts.dockerUser, 'auto', ['--user', '1234:1300', '--group-add', '0']],
    ['rootless docker -> container root is the user', hosts.dockerRootless, 'auto', ['--user', '0:0']],
    ['docker, uidmap -> refused', hosts.dockerRoot, 'uidmap', /"uidmap" is podman-only: docker has no --uidmap/],
    ['docker, keep-id -> refused', hosts.dockerUser, 'keep-id', /"keep-id" is podman-only/],
  ];
  for (const [title, host, mode, expected] of rows) {
    it(title, () => {
      const settings: CosaSettings = { ...base, runtime: host.kind, userNamespace: mode };
      if (expected instanceof RegExp) {
        assert.throws(() => userMappingArgs(settings, host), (e: Error) => e instanceof InvocationError && expected.test(e.message));
      } else {
        assert.deepEqual(userMappingArgs(settings, host), expected);
      }
    });
  }

  it('builderOnto(0) is the alias\' triple', () => {
    assert.deepEqual(builderOnto(0), ['0:1:1000', '1000:0:1', '1001:1001:64536']);
  });

  it('builderOnto: a bijection of container 0-65536 onto one contiguous host block, with 1000 -> the id', () => {
    for (const id of [0, 1, 500, 999, 1000, 1001, 1234, 65535, 65536, 65537, 100000, 4_000_000]) {
      const ranges = builderOnto(id).map((m) => m.split(':').map(Number) as [number, number, number]);
      const pairs = new Map<number, number>();
      for (const [c, h, n] of ranges) {
        for (let i = 0; i < n; i++) {
          assert.ok(!pairs.has(c + i), `container id ${c + i} mapped twice for ${id}`);
          pairs.set(c + i, h + i);
        }
      }
      assert.equal(pairs.size, 65537, `size for ${id}`);
      assert.equal(pairs.get(1000), id, `builder for ${id}`);
      const hostIds = [...pairs.values()].sort((a, b) => a - b);
      assert.equal(new Set(hostIds).size, 65537, `host ids unique for ${id}`);
      assert.equal(hostIds[65536]! - hostIds[0]!, 65536, `host ids contiguous for ${id}`);
    }
  });

  it('refuses a runtime that is not the one detected', () => {
    assert.throws(() => userMappingArgs({ ...base, runtime: 'docker' }, hosts.rootfulPodmanRoot), /detected runtime is podman but coreos.containerRuntime is docker/);
  });

  it('compares versions', () => {
    assert.equal(versionAtLeast('4.3.1', 4, 3), true);
    assert.equal(versionAtLeast('5.0.0-dev', 4, 3), true);
    assert.equal(versionAtLeast('4.2.9', 4, 3), false);
    assert.equal(versionAtLeast('3.10.0', 4, 3), false);
    assert.equal(versionAtLeast(undefined, 4, 3), false);
    assert.equal(versionAtLeast('unknown', 4, 3), false);
  });
});

describe('cosaRunArgv: the alias flag for flag, per setting', () => {
  const ws = '/home/u/fcos';
  const req = { workspace: ws, args: ['build', '--skip-prune'], tty: false, purpose: 'build' };
  const fixed = ['--security-opt', 'label=disable', '--privileged'];
  const mounts = ['-v', `${ws}:/srv/`, '--device', '/dev/kvm', '--device', '/dev/fuse', '--tmpfs', '/tmp', '-v', '/var/tmp:/var/tmp'];
  const labels = ['--name', containerName(ws, 'build'), '--label', 'io.github.coreos-vscode=1',
    '--label', `io.github.coreos-vscode.workspace=${workspaceId(ws)}`, '--label', 'io.github.coreos-vscode.purpose=build'];
  const rows: [string, CosaSettings, RuntimeHost, Partial<typeof req> & { ownerPid?: number; mutating?: boolean; detach?: boolean; runId?: string }, string[]][] = [
    ['defaults, rootful podman', base, hosts.rootfulPodmanRoot, {},
      ['run', '--rm', '-i', ...fixed, ...ALIAS, ...mounts, ...labels, DEFAULT_IMAGE, 'build', '--skip-prune']],
    ['tty adds -t after -i', base, hosts.rootfulPodmanRoot, { tty: true },
      ['run', '--rm', '-i', '-t', ...fixed, ...ALIAS, ...mounts, ...labels, DEFAULT_IMAGE, 'build', '--skip-prune']],
    ['detach (helper) replaces -i/-t with -d', base, hosts.rootfulPodmanRoot, { detach: true, tty: true },
      ['run', '--rm', '-d', ...fixed, ...ALIAS, ...mounts, ...labels, DEFAULT_IMAGE, 'build', '--skip-prune']],
    ['owner pid and mutating labels; a mutating command runs under the workspace\'s one build-dir name (the cross-window lock)', base, hosts.rootfulPodmanRoot, { ownerPid: 4242, mutating: true },
      ['run', '--rm', '-i', ...fixed, ...ALIAS, ...mounts, '--name', `cosa-${workspaceId(ws)}-builddir`, ...labels.slice(2), '--label', 'io.github.coreos-vscode.owner-pid=4242',
        '--label', 'io.github.coreos-vscode.mutating=1', DEFAULT_IMAGE, 'build', '--skip-prune']],
    ['the run label', base, hosts.rootfulPodmanRoot, { runId: '0123abcd' },
      ['run', '--rm', '-i', ...fixed, ...ALIAS, ...mounts, ...labels, '--label', 'io.github.coreos-vscode.run=0123abcd', DEFAULT_IMAGE, 'build', '--skip-prune']],
    ['a workspace path with ":" is mounted with --mount, its source a quoted CSV field', base, hosts.rootfulPodmanRoot, { workspace: '/home/u/fcos:dev, "x"=y' },
      ['run', '--rm', '-i', ...fixed, ...ALIAS, '--mount', 'type=bind,"src=/home/u/fcos:dev, ""x""=y",dst=/srv/', ...mounts.slice(2),
        '--name', containerName('/home/u/fcos:dev, "x"=y', 'build'), '--label', 'io.github.coreos-vscode=1',
        '--label', `io.github.coreos-vscode.workspace=${workspaceId('/home/u/fcos:dev, "x"=y')}`, '--label', 'io.github.coreos-vscode.purpose=build',
        DEFAULT_IMAGE, 'build', '--skip-prune']],
    ['a workspace path with "," but no ":" keeps the alias\' -v', base, hosts.rootfulPodmanRoot, { workspace: '/home/u/a,b=c' },
      ['run', '--rm', '-i', ...fixed, ...ALIAS, '-v', '/home/u/a,b=c:/srv/', ...mounts.slice(2),
        '--name', containerName('/home/u/a,b=c', 'build'), '--label', 'io.github.coreos-vscode=1',
        '--label', `io.github.coreos-vscode.workspace=${workspaceId('/home/u/a,b=c')}`, '--label', 'io.github.coreos-vscode.purpose=build',
        DEFAULT_IMAGE, 'build', '--skip-prune']],
    ['coreos.image', { ...base, image: 'localhost/coreos-assembler:test' }, hosts.rootfulPodmanRoot, {},
      ['run', '--rm', '-i', ...fixed, ...ALIAS, ...mounts, ...labels, 'localhost/coreos-assembler:test', 'build', '--skip-prune']],
    ['coreos.hostNetwork', { ...base, hostNetwork: true }, hosts.rootfulPodmanRoot, {},
      ['run', '--rm', '-i', ...fixed, ...ALIAS, ...mounts, ...labels, '--net=host', DEFAULT_IMAGE, 'build', '--skip-prune']],
    ['coreos.configGit', { ...base, configGit: '/src/my config' }, hosts.rootfulPodmanRoot, {},
      ['run', '--rm', '-i', ...fixed, ...ALIAS, ...mounts, ...labels, '-v', '/src/my config:/srv/src/config/:ro', DEFAULT_IMAGE, 'build', '--skip-prune']],
    ['coreos.assemblerGit (trailing slashes dropped)', { ...base, assemblerGit: '/src/cosa//' }, hosts.rootfulPodmanRoot, {},
      ['run', '--rm', '-i', ...fixed, ...ALIAS, ...mounts, ...labels, '-v', '/src/cosa/src/:/usr/lib/coreos-assembler/:ro', DEFAULT_IMAGE, 'build', '--skip-prune']],
    ['coreos.runtimeArgs after the mounts, before the image', { ...base, runtimeArgs: ['-e', 'A=b c', '--group-add', 'keep-groups'] }, hosts.rootfulPodmanRoot, {},
      ['run', '--rm', '-i', ...fixed, ...ALIAS, ...mounts, ...labels, '-e', 'A=b c', '--group-add', 'keep-groups', DEFAULT_IMAGE, 'build', '--skip-prune']],
    ['keep-id on rootless podman', { ...base, userNamespace: 'keep-id' }, hosts.rootlessPodman, {},
      ['run', '--rm', '-i', ...fixed, '--userns=keep-id:uid=1000,gid=1000', ...mounts, ...labels, DEFAULT_IMAGE, 'build', '--skip-prune']],
    ['docker as a user', { ...base, runtime: 'docker' }, hosts.dockerUser, {},
      ['run', '--rm', '-i', ...fixed, '--user', '1234:1300', '--group-add', '0', ...mounts, ...labels, DEFAULT_IMAGE, 'build', '--skip-prune']],
    ['everything at once, in the alias\' order', {
      ...base, image: 'img:x', configGit: '/cfg', assemblerGit: '/cosa', runtimeArgs: ['--pull=never'], hostNetwork: true,
    }, hosts.rootlessPodman, { tty: true },
    ['run', '--rm', '-i', '-t', ...fixed, ...ALIAS, ...mounts, ...labels, '--net=host', '-v', '/cfg:/srv/src/config/:ro',
      '-v', '/cosa/src/:/usr/lib/coreos-assembler/:ro', '--pull=never', 'img:x', 'build', '--skip-prune']],
  ];
  for (const [title, settings, host, over, expected] of rows) {
    it(title, () => assert.deepEqual(cosaRunArgv(settings, { ...req, ...over }, host), expected));
  }

  it('passes workspace paths and args with spaces and shell metacharacters through literally, and quotes them pasteably', () => {
    const nasty = "/home/u/my builds; $(rm -rf ~) `id` 'q' \"d\" * ? & | > <";
    const argv = cosaRunArgv({ ...base, configGit: '/c fg/$HOME' }, { workspace: nasty, args: ['init', '--branch', 'a b', '/x;y'], tty: false, purpose: 'init' }, hosts.rootfulPodmanRoot);
    assert.ok(argv.includes(`${nasty}:/srv/`));
    assert.ok(argv.includes('/c fg/$HOME:/srv/src/config/:ro'));
    assert.deepEqual(argv.slice(-4), ['init', '--branch', 'a b', '/x;y']);
    assert.deepEqual(splitShellWords(commandLine('podman', argv)), ['podman', ...argv]);
  });

  it('refuses a relative workspace', () => {
    assert.throws(() => cosaRunArgv(base, { ...req, workspace: 'fcos' }, hosts.rootfulPodmanRoot), /workspace must be an absolute path, not "fcos"/);
  });

  it('refuses a workspace path with ":" and "\\r\\n" (--mount\'s CSV reader would change it)', () => {
    assert.throws(() => cosaRunArgv(base, { ...req, workspace: '/a:b\r\nc' }, hosts.rootfulPodmanRoot), InvocationError);
    const argv = cosaRunArgv(base, { ...req, workspace: '/a:b\nc' }, hosts.rootfulPodmanRoot);
    assert.equal(argv[argv.indexOf('--mount') + 1], 'type=bind,"src=/a:b\nc",dst=/srv/');
  });

  it('all commands that change one workspace share one container name; others keep theirs', () => {
    const name = (over: Partial<typeof req> & { mutating?: boolean }) => {
      const argv = cosaRunArgv(base, { ...req, ...over }, hosts.rootfulPodmanRoot);
      return argv[argv.indexOf('--name') + 1];
    };
    assert.equal(name({ purpose: 'build', mutating: true }), buildDirLockName(ws));
    assert.equal(name({ purpose: 'prune', args: ['prune'], mutating: true }), buildDirLockName(ws));
    assert.equal(name({ purpose: 'shell', args: ['shell'], mutating: true }), buildDirLockName(ws));
    assert.notEqual(buildDirLockName('/other'), buildDirLockName(ws));
    assert.equal(name({ purpose: 'list', args: ['list'] }), containerName(ws, 'list'));
  });

  it('refuses an image that is not an image reference (it would become a runtime option)', () => {
    for (const image of ['--entrypoint=/bin/sh', '-v', 'quay.io/x y', '', 'Quay/X', 'a//b', 'img:-tag', 'img@sha256:zz']) {
      assert.throws(() => cosaRunArgv({ ...base, image }, req, hosts.rootfulPodmanRoot), (e: Error) => e instanceof InvocationError && /is not a container image reference/.test(e.message), image);
    }
  });

  it('knows the commands that change the build directory', () => {
    for (const c of ['init', 'build', 'osbuild', 'prune', 'clean', 'fetch', 'buildextend-qemu']) {
      assert.equal(isMutating([c]), true, c);
    }
    for (const c of ['list', 'meta', 'run', 'kola', 'shell', 'diff']) {
      assert.equal(isMutating([c]), false, c);
    }
    assert.equal(isMutating([]), false);
  });
});

describe('resolveCosaSettings: each setting, its fallback, each invalid value', () => {
  const dirs = new Set(['/cfg', '/cosa', '/cosa/src', '/with space']);
  const paths: PathChecks = { isDirectory: (p) => dirs.has(p) };
  const ok: [string, Parameters<typeof resolveCosaSettings>[0], Record<string, string>, Partial<CosaSettings>][] = [
    ['containerRuntime docker', { containerRuntime: 'docker' }, {}, { runtime: 'docker' }],
    ['image from the setting', { image: ' img:s ' }, { COREOS_ASSEMBLER_CONTAINER: 'img:e' }, { image: 'img:s' }],
    ['image from the environment', {}, { COREOS_ASSEMBLER_CONTAINER: 'img:e' }, { image: 'img:e' }],
    ['empty setting falls back', { image: '  ' }, { COREOS_ASSEMBLER_CONTAINER: 'img:e' }, { image: 'img:e' }],
    ['configGit from the environment', {}, { COREOS_ASSEMBLER_CONFIG_GIT: '/cfg' }, { configGit: '/cfg' }],
    ['configGit with a space', { configGit: '/with space' }, {}, { configGit: '/with space' }],
    ['assemblerGit', { assemblerGit: '/cosa' }, {}, { assemblerGit: '/cosa' }],
    ['runtimeArgs from the setting win over the environment', { runtimeArgs: '--net=host' }, { COREOS_ASSEMBLER_CONTAINER_RUNTIME_ARGS: '--x' }, { runtimeArgs: ['--net=host'] }],
    ['runtimeArgs from the environment', {}, { COREOS_ASSEMBLER_CONTAINER_RUNTIME_ARGS: '-v /a:/c -e X=y' }, { runtimeArgs: ['-v', '/a:/c', '-e', 'X=y'] }],
    // As bash splits the alias' unquoted ${COREOS_ASSEMBLER_CONTAINER_RUNTIME_ARGS}: IFS is space, tab, newline;
    // quotes and backslashes are ordinary characters (compared with bash itself in runtimeArgsSplitting.test.ts).
    ['runtimeArgs: quotes are not removed', { runtimeArgs: "-v '/a b:/c' -e X=\"y z\"" }, {}, { runtimeArgs: ['-v', "'/a", "b:/c'", '-e', 'X="y', 'z"'] }],
    ['runtimeArgs: a no-break space does not split', { runtimeArgs: '-e X=a\u00a0--privileged' }, {}, { runtimeArgs: ['-e', 'X=a\u00a0--privileged'] }],
    ['runtimeArgs: other Unicode spaces do not split', { runtimeArgs: '-e\u2003X=1\u3000\u2028\u000b\u000c\r' }, {}, { runtimeArgs: ['-e\u2003X=1\u3000\u2028\u000b\u000c\r'] }],
    ['runtimeArgs: backslash-newline is a backslash and a separator', { runtimeArgs: '-e A=1 \\\n-e B=2\\\n' }, {}, { runtimeArgs: ['-e', 'A=1', '\\', '-e', 'B=2\\'] }],
    ['runtimeArgs: tabs and newlines split, runs collapse', { runtimeArgs: '\t--net=host\n\n  -e\tA=1 ' }, {}, { runtimeArgs: ['--net=host', '-e', 'A=1'] }],
    ['runtimeArgs: globs stay as written', { runtimeArgs: '-v /tmp/*:/x' }, {}, { runtimeArgs: ['-v', '/tmp/*:/x'] }],
    ['runtimeArgs: only a no-break space is a word (not empty)', { runtimeArgs: '\u00a0' }, { COREOS_ASSEMBLER_CONTAINER_RUNTIME_ARGS: '--x' }, { runtimeArgs: ['\u00a0'] }],
    ['image: registry with port, tag and digest', { image: `localhost:5000/cosa/coreos-assembler:v1.2_3@sha256:${'a'.repeat(64)}` }, {}, { image: `localhost:5000/cosa/coreos-assembler:v1.2_3@sha256:${'a'.repeat(64)}` }],
    ['image: a local image id', { image: 'f'.repeat(64) }, {}, { image: 'f'.repeat(64) }],
    ['userNamespace keep-id', { userNamespace: 'keep-id' }, {}, { userNamespace: 'keep-id' }],
    ['userNamespace defaults to auto', {}, {}, { userNamespace: 'auto' }],
    ['hostNetwork', { hostNetwork: true }, {}, { hostNetwork: true }],
  ];
  for (const [title, raw, env, expected] of ok) {
    it(title, () => {
      const s = resolveCosaSettings(raw, env, paths);
      for (const [k, v] of Object.entries(expected)) {
        assert.deepEqual(s[k as keyof CosaSettings], v, k);
      }
    });
  }

  const bad: [string, Parameters<typeof resolveCosaSettings>[0], Record<string, string>, RegExp][] = [
    ['unknown runtime', { containerRuntime: 'lxc' }, {}, /^coreos.containerRuntime must be "podman" or "docker", not "lxc"$/],
    ['unknown user namespace mode', { userNamespace: 'host' }, {}, /^coreos.userNamespace must be "auto", "uidmap" or "keep-id", not "host"$/],
    ['relative configGit', { configGit: 'fcos-config' }, {}, /^coreos.configGit must be an absolute path .* not "fcos-config"$/],
    ['relative COREOS_ASSEMBLER_CONFIG_GIT', {}, { COREOS_ASSEMBLER_CONFIG_GIT: './cfg' }, /^COREOS_ASSEMBLER_CONFIG_GIT \(the fallback of coreos.configGit\) must be an absolute path/],
    ['configGit that does not exist', { configGit: '/nope' }, {}, /^coreos.configGit is "\/nope", which does not exist or is not a directory$/],
    ['assemblerGit without src/', { assemblerGit: '/cfg' }, {}, /^coreos.assemblerGit is "\/cfg", but \/cfg\/src is not a directory: it must be a coreos-assembler checkout/],
    ['a colon in a mounted path', { configGit: '/a:b' }, {}, /^coreos.configGit cannot contain ":"/],
    ['image with white space', { image: 'quay.io/x y' }, {}, /^coreos.image is not a container image reference \(it contains white space\)/],
    ['image that looks like an option', { image: '--entrypoint=/bin/sh' }, {}, /^coreos.image is not a container image reference \(it starts with "-"/],
    ['image from the environment that looks like an option', {}, { COREOS_ASSEMBLER_CONTAINER: '-v' }, /^COREOS_ASSEMBLER_CONTAINER \(the fallback of coreos.image\) is not a container image reference/],
    ['image with upper case in the path', { image: 'quay.io/CoreOS/cosa' }, {}, /"CoreOS" is not a valid name component/],
    ['image with a bad tag', { image: 'cosa:.latest' }, {}, /"\.latest" is not a tag/],
    ['image with a bad digest', { image: 'cosa@sha256:abc' }, {}, /is not a digest/],
    ['image with a transport', { image: 'docker://quay.io/cosa' }, {}, /is not a container image reference/],
    ['image name longer than 255', { image: `a${'/b'.repeat(130)}` }, {}, /longer than 255/],
  ];
  for (const [title, raw, env, message] of bad) {
    it(`refuses: ${title}`, () => {
      assert.throws(() => resolveCosaSettings(raw, env, paths), (e: Error) => e instanceof SettingsError && message.test(e.message));
    });
  }
});

describe('cosaPreamble: what the alias shows before it runs', () => {
  it('shows the values in effect with their source, then "+ <command line>"', () => {
    const env = {
      COREOS_ASSEMBLER_CONTAINER: 'img:env', COREOS_ASSEMBLER_CONFIG_GIT: '/cfg', COREOS_ASSEMBLER_ADD_CERTS: '1', HOME: '/root',
    };
    const s = resolveCosaSettings({ image: 'img:setting', runtimeArgs: "-e A='b\tc'" }, env);
    const argv = cosaRunArgv(s, { workspace: '/w s', args: ['build'], tty: false, purpose: 'build' }, hosts.rootfulPodmanRoot);
    assert.deepEqual(cosaPreamble(s, env, 'podman', argv), [
      'COREOS_ASSEMBLER_CONTAINER=img:setting  # setting coreos.image',
      'COREOS_ASSEMBLER_CONFIG_GIT=/cfg  # environment',
      'COREOS_ASSEMBLER_ADD_CERTS=1  # environment',
      // The words joined by spaces (the tab became a space): what to export for the alias to split the same way.
      "COREOS_ASSEMBLER_CONTAINER_RUNTIME_ARGS='-e A='\\''b c'\\'''  # setting coreos.runtimeArgs",
      'COREOS_ASSEMBLER_CONTAINER=img:env  # environment, overridden by a setting',
      `+ ${commandLine('podman', argv)}`,
    ]);
  });

  it('every line is valid shell: the values survive splitting', () => {
    const s = resolveCosaSettings({ configGit: "/it's here" }, {});
    const lines = cosaPreamble(s, {}, 'podman', ['run']);
    assert.equal(lines[0], 'COREOS_ASSEMBLER_CONTAINER=quay.io/coreos-assembler/coreos-assembler:latest  # default');
    assert.deepEqual(splitShellWords(lines[1]!.replace(/ {2}#.*$/, '')), ["COREOS_ASSEMBLER_CONFIG_GIT=/it's here"]);
    assert.equal(lines[2], '+ podman run');
  });
});
