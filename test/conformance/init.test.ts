// cosa init (contract 2.2).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cfgMount, configRepo, cosa, hostUid, walk, workspace } from './helpers';

describe('cosa init', () => {
  it('clones a git config repo, makes the workdir dirs, owned by the host user', async () => {
    const ws = workspace();
    fs.mkdirSync(path.join(ws, '.vscode')); // hidden entries do not make the dir "non-empty"
    const repo = configRepo();
    const r = await cosa(ws, ['init', 'file:///cfg'], { runtimeArgs: cfgMount(repo.dir) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Config commit: ${repo.commit}\nInitialized /srv as coreos-assembler working directory.\n`);
    assert.match(r.stderr, /^\+ git clone --depth=1 --shallow-submodules --recurse-submodules file:\/\/\/cfg config$/m);
    for (const d of ['builds', 'cache', 'tmp', 'overrides/rpm', 'overrides/rootfs', 'src/config/.git']) {
      assert.ok(fs.statSync(path.join(ws, d)).isDirectory(), d);
    }
    assert.ok(fs.existsSync(path.join(ws, 'src', 'config', 'manifest.yaml')));
    assert.ok(!fs.existsSync(path.join(ws, 'builds', 'builds.json')), 'init does not create builds.json');
    assert.ok(!fs.existsSync(path.join(ws, 'src', 'config.json')));
    for (const p of walk(ws)) {
      assert.equal(fs.lstatSync(path.join(ws, p)).uid, hostUid(), `${p} is owned by the invoking user`);
    }
  });

  it('refuses a non-empty directory unless --force', async () => {
    const ws = workspace();
    fs.writeFileSync(path.join(ws, 'README.md'), 'x');
    const repo = configRepo();
    const r = await cosa(ws, ['init', 'file:///cfg'], { runtimeArgs: cfgMount(repo.dir) });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'fatal: init: current directory is not empty, override with --force\nfailed to execute cmd-init: exit status 1\n');
    assert.ok(!fs.existsSync(path.join(ws, 'src')));
    const f = await cosa(ws, ['init', '--force', 'file:///cfg'], { runtimeArgs: cfgMount(repo.dir) });
    assert.equal(f.code, 0, f.stderr);
    assert.ok(fs.existsSync(path.join(ws, 'src', 'config', 'build-args.conf')));
  });

  it('needs exactly one GITCONFIG', async () => {
    const r = await cosa(workspace(), ['init']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Usage: coreos-assembler init --help$/m);
    assert.match(r.stderr, /^fatal: ERROR: Missing GITCONFIG\nfailed to execute cmd-init: exit status 1\n$/m);
  });

  it('symlinks a /path GITCONFIG and checks the manifests', async () => {
    const ws = workspace();
    fs.mkdirSync(path.join(ws, '.cfg'));
    fs.writeFileSync(path.join(ws, '.cfg', 'manifest.yaml'), 'packages: []\n');
    const r = await cosa(ws, ['init', '/srv/.cfg']);
    assert.equal(r.code, 1);
    assert.equal(fs.readlinkSync(path.join(ws, 'src', 'config')), '/srv/.cfg');
    // (cmd-init runs under `set -x` here, as in cosa: the trace is interleaved on stderr)
    assert.match(r.stderr, /^Could not find default manifests \(src\/config\/manifest.yaml & src\/config\/image.yaml\)$/m);
    assert.match(r.stderr, /^fatal: Missing required manifest.yaml or image.yaml files.$/m);
    assert.match(r.stderr, /\nfailed to execute cmd-init: exit status 1\n$/);
    fs.writeFileSync(path.join(ws, '.cfg', 'image.yaml'), 'size: 10\n');
    fs.rmSync(path.join(ws, 'src'), { recursive: true });
    const ok = await cosa(ws, ['init', '/srv/.cfg']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'Initialized /srv as coreos-assembler working directory.\n');
  });

  it('--variant writes src/config.json, --transient touches tmp/cosa-transient, --branch picks the branch', async () => {
    const ws = workspace();
    const repo = configRepo();
    const r = await cosa(ws, ['init', '--variant', 'minimal', '--transient', '--branch', 'testing-devel', 'file:///cfg'],
      { runtimeArgs: cfgMount(repo.dir) });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Using variant: 'minimal'$/m);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(ws, 'src', 'config.json'), 'utf8')), { 'coreos-assembler.config-variant': 'minimal' });
    assert.ok(fs.existsSync(path.join(ws, 'tmp', 'cosa-transient')));
    const bad = await cosa(workspace(), ['init', '--variant', 'nope', 'file:///cfg'], { runtimeArgs: cfgMount(repo.dir) });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^fatal: Could not find the manifests \(src\/config\/manifest-nope.yaml & src\/config\/image-nope.yaml\) for the 'nope' variant$/m);
  });

  it('keeps a config mounted at src/config (COREOS_ASSEMBLER_CONFIG_GIT + init --force /dev/null)', async () => {
    const ws = workspace();
    const repo = configRepo();
    const r = await cosa(ws, ['init', '--force', '/dev/null'], { configGit: repo.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Initialized /srv as coreos-assembler working directory.\n');
    assert.ok(fs.existsSync(path.join(ws, 'builds')));
  });
});
