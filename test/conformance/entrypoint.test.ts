// The image and its entrypoint: like the real cosa image (contract 1.1, 1.2).

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cosa, cosaPty, IMAGE, workspace } from './helpers';

const USAGE = `Usage: coreos-assembler CMD ...
Build commands:
  init
  fetch
  build
  osbuild
  run
  prune
  clean
  list
Advanced build commands:
  buildfetch
  buildupload
  import
  oc-adm-release
  push-container
Platform builds:
${['aliyun', 'applehv', 'aws', 'azure', 'digitalocean', 'exoscale', 'gcp', 'hyperv', 'ibmcloud', 'kubevirt', 'live',
    'metal', 'metal4k', 'nutanix', 'nvidiabluefield', 'openstack', 'oraclecloud', 'qemu', 'secex', 'virtualbox', 'vmware',
    'vultr'].map((p) => `  buildextend-${p}\n`).join('')}Utility commands:
  aws-replicate
  compress
  copy-container
  coreos-prune
  diff
  koji-upload
  kola
  push-container-manifest
  remote-build-container
  remote-session
  sign
  tag
  update-variant
Other commands:
  meta
  shell
`;

describe('stand-in image: entrypoint and container', () => {
  it('is configured like the real image: entrypoint, /srv, user builder', () => {
    const cfg = JSON.parse(execFileSync('podman', ['image', 'inspect', IMAGE, '--format', '{{json .Config}}'], { encoding: 'utf8' })) as {
      Entrypoint: string[]; WorkingDir: string; User: string; Labels: Record<string, string>;
    };
    assert.deepEqual(cfg.Entrypoint, ['/usr/bin/dumb-init', '/usr/bin/coreos-assembler']);
    assert.equal(cfg.WorkingDir.replace(/\/$/, ''), '/srv');
    assert.equal(cfg.User, 'builder');
    assert.match(cfg.Labels['io.github.coreos-vscode.stand-in-hash'] ?? '', /^[0-9a-f]{64}$/);
  });

  it('prints the usage on stdout and exits 1 with no command or --help', async () => {
    const ws = workspace();
    for (const args of [[], ['--help']]) {
      const r = await cosa(ws, args);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, USAGE);
      assert.equal(r.stderr, '');
    }
  });

  it('rejects an unknown command like the Go entrypoint', async () => {
    const r = await cosa(workspace(), ['frobnicate', '--x']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'error: unknown command: frobnicate\n');
    assert.equal(r.stdout, '');
  });

  it('reports a failing command with its exit status and exits with it', async () => {
    const r = await cosa(workspace(), ['fetch'], {
      runtimeArgs: ['-e', 'COSA_STANDIN_FAIL_CMD=fetch', '-e', 'COSA_STANDIN_FAIL_EXIT=3', '-e', 'COSA_STANDIN_FAIL_MESSAGE=boom'],
    });
    assert.equal(r.code, 3);
    assert.equal(r.stderr, 'fatal: boom\nfailed to execute cmd-fetch: exit status 3\n');
  });

  it('runs as builder (uid 1000) in /srv, with cosa -> coreos-assembler and cmd-* under /usr/lib/coreos-assembler', async () => {
    const r = await cosa(workspace(), ['shell', 'bash', '-c',
      'id -un; id -u; pwd; readlink /usr/bin/cosa; test -x /usr/lib/coreos-assembler/cmd-build && echo cmd-build; command -v kola qemu-system-x86_64 qemu-img jq git']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), [
      'builder', '1000', '/srv', 'coreos-assembler', 'cmd-build',
      '/usr/bin/kola', '/usr/bin/qemu-system-x86_64', '/usr/bin/qemu-img', '/usr/bin/jq', '/usr/bin/git',
    ]);
  });

  it('`shell` with no arguments gives bash with the cosa prompt (on a terminal)', async () => {
    const s = cosaPty(workspace(), ['shell']);
    await s.waitFor(/\[coreos-assembler\]\$ /, 30_000);
    s.write('echo answer-$((6*7)); exit 7\r');
    assert.equal(await s.exit(30_000), 7);
    assert.match(s.output(), /answer-42/);
    assert.match(s.output(), /failed to execute cmd-shell: exit status 7/);
  });

  it('`fetch` is a no-op that prints the two info lines', async () => {
    const r = await cosa(workspace(), ['fetch', '--whatever']);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, 'info: fetch is no longer used since build-with-buildah is the default\ninfo: skipping fetch\n');
  });

  it('runs a cosa src/ mounted over /usr/lib/coreos-assembler (COREOS_ASSEMBLER_GIT)', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const git = workspace();
    fs.mkdirSync(path.join(git, 'src'));
    fs.writeFileSync(path.join(git, 'src', 'cmd-hello'), '#!/bin/bash\necho "hello from a local cosa checkout: $*"\n', { mode: 0o755 });
    const r = await cosa(workspace(), ['hello', 'a', 'b'], { assemblerGit: git });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hello from a local cosa checkout: a b\n');
  });
});
