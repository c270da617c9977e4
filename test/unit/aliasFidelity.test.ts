// What today's documented alias does (coreos-assembler docs/building-fcos.md):
// `${REGISTRY_AUTH_FILE:+-v=$REGISTRY_AUTH_FILE:$REGISTRY_AUTH_FILE:ro -e REGISTRY_AUTH_FILE}` and
// `${COREOS_ASSEMBLER_ADD_CERTS:+-v=/etc/pki/ca-trust:/etc/pki/ca-trust:ro}`, in that order around the
// config/assembler mounts; init from a local checkout as docs/working.md documents
// (`export COREOS_ASSEMBLER_CONFIG_GIT=/path/...; cosa init --force /dev/null`); the commands that
// change the build directory (every cmd-buildextend-* of cosa's src/, compress, decompress,
// uncompress, buildfetch) take the workspace lock.

import * as assert from 'node:assert/strict';
import { cosaInitPlan } from '../../src/cosa/initArgs';
import { cosaPreamble, cosaRunArgv, isMutating, RuntimeHost } from '../../src/cosa/invocation';
import { resolveCosaSettings } from '../../src/cosa/settingsResolution';

const host: RuntimeHost = { kind: 'podman', rootless: false, version: '4.3.1', uid: 0, gid: 0 };
const request = { workspace: '/w', args: ['build'], tty: false, purpose: 'p' };
const files = { isDirectory: (p: string) => p === '/cfg', isFile: (p: string) => p === '/run/auth.json' };

describe('the alias\' REGISTRY_AUTH_FILE and COREOS_ASSEMBLER_ADD_CERTS', () => {
  it('from the environment: the auth file mounted read-only at its own path and passed on, the host CAs mounted, in the alias\' order', () => {
    const s = resolveCosaSettings({}, { REGISTRY_AUTH_FILE: '/run/auth.json', COREOS_ASSEMBLER_ADD_CERTS: 'y', COREOS_ASSEMBLER_CONFIG_GIT: '/cfg' }, files);
    const argv = cosaRunArgv(s, request, host);
    const tail = argv.slice(argv.indexOf('/run/auth.json:/run/auth.json:ro') - 1, argv.indexOf(s.image));
    assert.deepEqual(tail, [
      '-v', '/run/auth.json:/run/auth.json:ro', '-e', 'REGISTRY_AUTH_FILE=/run/auth.json',
      '-v', '/cfg:/srv/src/config/:ro',
      '-v', '/etc/pki/ca-trust:/etc/pki/ca-trust:ro',
    ]);
    const pre = cosaPreamble(s, { REGISTRY_AUTH_FILE: '/run/auth.json', COREOS_ASSEMBLER_ADD_CERTS: 'y', COREOS_ASSEMBLER_CONFIG_GIT: '/cfg' }, 'podman', argv);
    assert.deepEqual(pre.slice(0, -1), [
      'COREOS_ASSEMBLER_CONTAINER=quay.io/coreos-assembler/coreos-assembler:latest  # default',
      'REGISTRY_AUTH_FILE=/run/auth.json  # environment',
      'COREOS_ASSEMBLER_CONFIG_GIT=/cfg  # environment',
      'COREOS_ASSEMBLER_ADD_CERTS=y  # environment',
    ]);
  });

  it('settings win over the variables; addCerts false turns the variable off and the preamble says so', () => {
    const env = { REGISTRY_AUTH_FILE: '/elsewhere.json', COREOS_ASSEMBLER_ADD_CERTS: '1' };
    const s = resolveCosaSettings({ registryAuthFile: '/run/auth.json', addCerts: false }, env, files);
    const argv = cosaRunArgv(s, request, host);
    assert.ok(argv.includes('REGISTRY_AUTH_FILE=/run/auth.json'));
    assert.ok(!argv.includes('/etc/pki/ca-trust:/etc/pki/ca-trust:ro'));
    const pre = cosaPreamble(s, env, 'podman', argv);
    assert.ok(pre.includes('REGISTRY_AUTH_FILE=/run/auth.json  # setting coreos.registryAuthFile'), pre.join('\n'));
    assert.ok(pre.includes('COREOS_ASSEMBLER_ADD_CERTS=1  # environment, overridden by a setting'), pre.join('\n'));
    assert.ok(!pre.some((l) => l.startsWith('REGISTRY_AUTH_FILE=/elsewhere')), 'only what is in effect');
    const on = resolveCosaSettings({ addCerts: true }, {}, files);
    assert.ok(cosaRunArgv(on, request, host).includes('/etc/pki/ca-trust:/etc/pki/ca-trust:ro'));
    assert.ok(cosaPreamble(on, {}, 'podman', []).includes('COREOS_ASSEMBLER_ADD_CERTS=1  # setting coreos.addCerts'));
  });

  it('nothing set: neither mount nor line (an empty variable is unset, as ${X:+...})', () => {
    const s = resolveCosaSettings({ addCerts: null }, { REGISTRY_AUTH_FILE: '', COREOS_ASSEMBLER_ADD_CERTS: '' }, files);
    const argv = cosaRunArgv(s, request, host);
    assert.ok(!argv.some((a) => /REGISTRY_AUTH_FILE|ca-trust/.test(a)));
    assert.ok(!cosaPreamble(s, {}, 'podman', argv).some((l) => /REGISTRY_AUTH_FILE|ADD_CERTS/.test(l)));
  });

  it('a bad auth file is a settings error naming where it came from', () => {
    assert.throws(() => resolveCosaSettings({ registryAuthFile: 'auth.json' }, {}, files), /coreos\.registryAuthFile must be an absolute path/);
    assert.throws(() => resolveCosaSettings({}, { REGISTRY_AUTH_FILE: '/a:b' }, files), /REGISTRY_AUTH_FILE \(the fallback of coreos\.registryAuthFile\) cannot contain ":"/);
    assert.throws(() => resolveCosaSettings({ registryAuthFile: '/missing.json' }, {}, files), /coreos\.registryAuthFile is "\/missing\.json", which does not exist or is not a file/);
  });
});

describe('Initialize from a local config checkout (docs/working.md)', () => {
  it('a host path becomes COREOS_ASSEMBLER_CONFIG_GIT and `init --force /dev/null`; a URL is cloned', () => {
    assert.deepEqual(cosaInitPlan({ url: ' /home/me/fedora-coreos-config/ ', branch: 'ignored', variant: 'rhcos' }), {
      kind: 'local', configGit: '/home/me/fedora-coreos-config', args: ['init', '--force', '--variant', 'rhcos', '/dev/null'],
    });
    assert.deepEqual(cosaInitPlan({ url: '/' }), { kind: 'local', configGit: '/', args: ['init', '--force', '/dev/null'] });
    assert.deepEqual(cosaInitPlan({ url: 'https://github.com/coreos/fedora-coreos-config', branch: 'testing-devel' }), {
      kind: 'clone', args: ['init', '--branch', 'testing-devel', 'https://github.com/coreos/fedora-coreos-config'],
    });
    assert.deepEqual(cosaInitPlan({ url: 'file:///srv/.cfg' }), { kind: 'clone', args: ['init', 'file:///srv/.cfg'] });
  });
});

describe('the workspace lock covers every command that changes the build directory', () => {
  // coreos-assembler src/ (HEAD of 2026-08-21): its cmd-buildextend-* scripts, and the commands that rewrite images or builds
  const buildextend = ['aliyun', 'applehv', 'aws', 'azure', 'azurestack', 'digitalocean', 'exoscale', 'gcp', 'hetzner', 'hyperv',
    'ibmcloud', 'kubevirt', 'live', 'metal', 'metal4k', 'nutanix', 'nvidiabluefield', 'openstack', 'oraclecloud', 'powervs',
    'proxmoxve', 'qemu', 'qemu-secex', 'secex', 'virtualbox', 'vmware', 'vultr'];
  it('buildextend-* of every platform, compress, decompress, uncompress, buildfetch', () => {
    const missing = [...buildextend.map((p) => `buildextend-${p}`), 'compress', 'decompress', 'uncompress', 'buildfetch', 'osbuild', 'build', 'init']
      .filter((c) => !isMutating([c]));
    assert.deepEqual(missing, []);
    assert.ok(!isMutating(['list']) && !isMutating(['shell']));
  });
});
