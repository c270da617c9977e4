// The stand-in delegates where real cosa delegates, and is set up like cosa's
// image: cmd-build runs the config repo's versionary (`src/config/versionary
// --build-args=FILE [--dev]`, cosa's src/cmd-build), `kola qemuexec -B` renders
// Butane with the image's butane, `cosa osbuild live` looks for `images.live`
// like cosa's cmd-osbuild (so live is always rebuilt), and `builder` has
// passwordless sudo with no USER baked into the image (cosa's build.sh
// configure_user, Dockerfile).

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cosaInitPlan } from '../../src/cosa/initArgs';
import { cfgMount, configRepo, cosa, IMAGE, preparedWorkspace, readBuildsJson, workspace } from './helpers';

const POWEROFF = ['-e', 'COSA_STANDIN_VM_MODE=poweroff'];

/** A config repo whose versionary records how it was called and answers `version`. */
function configWithVersionary(version: string | undefined): { dir: string } {
  const repo = configRepo();
  const file = path.join(repo.dir, 'versionary');
  if (version === undefined) {
    fs.rmSync(file);
  } else {
    fs.writeFileSync(file, `#!/bin/bash\necho "versionary called with: $*" >&2\necho ${version}\n`, { mode: 0o755 });
  }
  execFileSync('git', ['-C', repo.dir, 'commit', '-qam', 'versionary'], {
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e.invalid' },
  });
  return repo;
}

describe('stand-in delegation and image setup (like cosa)', () => {
  it('cosa build runs the config\'s versionary (--build-args=…, --dev unless --versionary) and uses what it prints', async () => {
    const ws = workspace();
    const repo = configWithVersionary('77.20260102.3.4');
    const r = await cosa(ws, ['shell', 'bash', '-ec', 'cosa init file:///cfg >/dev/null 2>&1; cosa build; cosa build --versionary --force'], { runtimeArgs: cfgMount(repo.dir) });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^versionary called with: --build-args=src\/config\/build-args\.conf --dev$/m);
    assert.match(r.stderr, /^versionary called with: --build-args=src\/config\/build-args\.conf$/m);
    assert.match(r.stdout, /^Imported OCI image as build 77\.20260102\.3\.4$/m);
    assert.match(r.stdout, /^Build 77\.20260102\.3\.4 \(x86_64\) already exists$/m);
    assert.deepEqual(readBuildsJson(ws).builds.map((b) => b.id), ['77.20260102.3.4']);
  });

  it('a config without versionary fails the build as cosa does (src/config/versionary not found)', async () => {
    const ws = workspace();
    const repo = configWithVersionary(undefined);
    const r = await cosa(ws, ['shell', 'bash', '-c', 'cosa init file:///cfg >/dev/null 2>&1; cosa build'], { runtimeArgs: cfgMount(repo.dir) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /src\/config\/versionary: No such file or directory/);
    assert.match(r.stderr, /failed to execute cmd-build: exit status 127/);
    assert.ok(!fs.existsSync(path.join(ws, 'builds', 'builds.json')) || readBuildsJson(ws).builds.length === 0);
  });

  it('the test config repo\'s versionary gives fedora-coreos-config\'s dev ids (X.YYYYMMDD.Z.devN)', async () => {
    const { ws } = await preparedWorkspace(2);
    const ids = readBuildsJson(ws).builds.map((b) => b.id);
    assert.equal(ids.length, 2);
    assert.match(ids[0]!, /^43\.\d{8}\.20\.dev1$/);
    assert.match(ids[1]!, /^43\.\d{8}\.20\.dev0$/);
  });

  it('init from a local checkout: a host path given to cmd-init does not exist in the container; the documented way (CONFIG_GIT mount + init --force /dev/null) builds', async () => {
    const repo = configRepo();
    const naive = await cosa(workspace(), ['init', repo.dir]);
    assert.notEqual(naive.code, 0, 'cmd-init symlinks the host path inside the container, where it is missing');
    assert.match(naive.stderr, /Could not find default manifests/);
    const plan = cosaInitPlan({ url: repo.dir });
    assert.equal(plan.kind, 'local');
    const ws = workspace();
    const opts = { configGit: plan.kind === 'local' ? plan.configGit : '' };
    const init = await cosa(ws, plan.args, opts);
    assert.equal(init.code, 0, init.stderr);
    const build = await cosa(ws, ['build'], opts);
    assert.equal(build.code, 0, build.stderr);
    assert.equal(readBuildsJson(ws).builds.length, 1);
  });

  it('builder has passwordless sudo, USER comes from the entrypoint (not the image), privileged = CAP_SYS_ADMIN + sudo', async () => {
    const env = execFileSync('podman', ['image', 'inspect', IMAGE, '--format', '{{json .Config.Env}}'], { encoding: 'utf8' });
    assert.ok(!(JSON.parse(env) as string[]).some((e) => e.startsWith('USER=')), env);
    const user = execFileSync('podman', ['image', 'inspect', IMAGE, '--format', '{{.Config.User}}'], { encoding: 'utf8' }).trim();
    assert.equal(user, 'builder');
    const ws = workspace();
    const r = await cosa(ws, ['shell', 'bash', '-c', 'echo "user=$USER id=$(id -un) groups=$(id -Gn)"; sudo -n true && echo sudo-ok; sudo -n id -u']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^user=builder id=builder groups=builder (?=.*\bwheel\b)(?=.*\bkvm\b)/m);
    assert.match(r.stdout, /^sudo-ok\n0$/m);
  });

  describe('with a qemu image', () => {
    let ws = '';
    before(async () => {
      ({ ws } = await preparedWorkspace(1));
      assert.equal((await cosa(ws, ['osbuild', 'qemu'])).code, 0);
    });

    it('kola qemuexec -B translates the Butane config with the image\'s butane and boots with it', async () => {
      fs.writeFileSync(path.join(ws, 'test.bu'), 'variant: fcos\nversion: 1.7.0\npasswd:\n  users:\n    - name: butanetester\n');
      const r = await cosa(ws, ['kola', 'qemuexec', '-B', 'test.bu', '--ignition-direct'], { runtimeArgs: POWEROFF });
      assert.equal(r.code, 0, r.stderr);
      const out = r.stdout.replace(/\r/g, '');
      assert.match(out, /ignition: config version 3\.6\.0\n/);
      assert.match(out, /ignition: first user butanetester\n/);
    });

    it('kola qemuexec -B with a config butane rejects: "parsing FILE: <butane\'s error>", no VM', async () => {
      fs.writeFileSync(path.join(ws, 'bad.bu'), 'variant: fcos\nversion: 1.5.0\nstorage:\n  files:\n    - path: etc/x\n');
      const r = await cosa(ws, ['kola', 'qemuexec', '-B', 'bad.bu'], { runtimeArgs: POWEROFF });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^Error: parsing bad\.bu: config generated was invalid$/m);
      assert.doesNotMatch(r.stdout, /COSA-VM-MARKER/);
    });

    it('osbuild live looks for images.live (never there: live records live-iso, live-kernel, …), so it is rebuilt; built platforms are skipped', async () => {
      const first = await cosa(ws, ['osbuild', 'live']);
      assert.equal(first.code, 0, first.stderr);
      const again = await cosa(ws, ['osbuild', 'live']);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /^Will build live$/m);
      assert.doesNotMatch(again.stdout, /live image already exists/);
      const dir = path.join(ws, 'builds', 'latest', 'x86_64');
      const qcow = fs.readdirSync(dir).find((f) => f.endsWith('.qcow2'))!;
      const before = fs.statSync(path.join(dir, qcow)).mtimeMs;
      const mixed = await cosa(ws, ['osbuild', 'qemu', 'metal']);
      assert.equal(mixed.code, 0, mixed.stderr);
      assert.match(mixed.stdout, /^qemu image already exists: /m);
      assert.match(mixed.stdout, /^Will build metal$/m);
      assert.equal(fs.statSync(path.join(dir, qcow)).mtimeMs, before, 'the existing qemu image is not rebuilt');
    });
  });
});
