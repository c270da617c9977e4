// The engine against real podman and the cosa stand-in image: init, build,
// failures, cancel, the per-workspace lock, two workspaces at once, file
// ownership, deactivation, leftovers. hooks.ts proves no container is left.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { containerName, cosaRunArgv, LABEL_OWNER_PID } from '../../src/cosa/invocation';
import { CosaEngine } from '../../src/engine/cosaProcess';
import { RuntimeInfo } from '../../src/engine/runtime';
import {
  collect, containerExists, makeConfigRepo, makeWorkspace, ourContainers, ownersUnder, standinSettings, tempDir, waitForLine,
} from './helpers';

let engine: CosaEngine;
let runtime: RuntimeInfo;

/** init from a local config git repo (mounted read-only, cloned with file://). */
async function initWorkspace(ws: string, e = engine): Promise<void> {
  const cfg = makeConfigRepo();
  const settings = standinSettings({ runtimeArgs: `-v ${cfg}:/cfgrepo:ro` });
  const { result, lines } = await collect(e.start({
    workspace: ws, args: ['init', '--branch', 'testing-devel', 'file:///cfgrepo'], purpose: 'init', tty: false, settings, runtime,
  }));
  assert.equal(result.exitCode, 0, lines.join('\n'));
  assert.ok(lines.some((l) => /^Initialized \/srv as coreos-assembler working directory\.$/.test(l)), lines.join('\n'));
}

function buildsJson(ws: string): { builds: { id: string; arches: string[] }[] } {
  return JSON.parse(fs.readFileSync(path.join(ws, 'builds', 'builds.json'), 'utf8'));
}

describe('engine: cosa through real podman, like the alias', function () {
  before(async function () {
    engine = new CosaEngine({ stopGraceSeconds: 5 });
    runtime = await engine.runtime('podman');
  });
  after(async function () {
    await engine.dispose();
  });

  it('detects the runtime: podman, its version, rootful here, the invoking user', function () {
    assert.equal(runtime.kind, 'podman');
    assert.match(runtime.version ?? '', /^\d+\.\d+/);
    assert.equal(runtime.rootless, process.getuid!() !== 0);
    assert.equal(runtime.uid, process.getuid!());
    assert.ok(fs.existsSync(runtime.path));
  });

  it('init from a local config repo, then build: exit 0, a build in builds.json, preamble and command line shown', async function () {
    const ws = makeWorkspace();
    await initWorkspace(ws);
    assert.ok(fs.existsSync(path.join(ws, 'src', 'config', 'manifest.yaml')));
    const p = engine.start({ workspace: ws, args: ['build'], purpose: 'build', tty: false, settings: standinSettings(), runtime });
    assert.equal(p.preamble.at(-1), `+ ${p.commandLine}`);
    assert.match(p.preamble[0]!, /^COREOS_ASSEMBLER_CONTAINER=localhost\/coreos-assembler:test {2}# setting coreos.image$/);
    assert.ok(p.commandLine.startsWith('podman run --rm -i --security-opt label=disable --privileged --uidmap=1000:0:1'), p.commandLine);
    assert.ok(p.commandLine.includes(`-v '${ws.replace(/'/g, `'\\''`)}:/srv/'`), p.commandLine);
    const { result, lines, data } = await collect(p);
    assert.deepEqual(result, { exitCode: 0, cancelled: false });
    assert.ok(lines.some((l) => /^Imported OCI image as build /.test(l)), lines.slice(-10).join('\n'));
    assert.ok(data.includes('STEP 1/12'), 'raw data streams too');
    const bj = buildsJson(ws);
    assert.equal(bj.builds.length, 1);
    assert.ok(fs.existsSync(path.join(ws, 'builds', bj.builds[0]!.id, 'x86_64', 'meta.json')));
    assert.equal(fs.readlinkSync(path.join(ws, 'builds', 'latest')), bj.builds[0]!.id);
  });

  it('files the container wrote into the workspace belong to the invoking user (rootful podman as root: the alias\' uidmap)', async function () {
    const ws = makeWorkspace();
    await initWorkspace(ws);
    const r = await collect(engine.start({ workspace: ws, args: ['build'], purpose: 'build', tty: false, settings: standinSettings(), runtime }));
    assert.equal(r.result.exitCode, 0);
    const owners = ownersUnder(ws);
    assert.ok(owners.size > 10, `only ${owners.size} entries`);
    const me = `${process.getuid!()}:${process.getgid!()}`;
    const foreign = [...owners].filter(([, o]) => o !== me);
    assert.deepEqual(foreign, [], `entries not owned by ${me}`);
  });

  it('rootful podman for a non-root user (uid 1234, gid 1300): everything cosa writes is 1234:1300', async function () {
    if (runtime.rootless) {
      this.skip(); // the mapping under test is the rootful one
    }
    const ws = makeWorkspace();
    fs.chownSync(ws, 1234, 1300);
    const asUser: RuntimeInfo = { ...runtime, uid: 1234, gid: 1300 };
    const cfg = makeConfigRepo();
    const init = await collect(engine.start({
      workspace: ws, args: ['init', 'file:///cfgrepo'], purpose: 'init', tty: false,
      settings: standinSettings({ runtimeArgs: `-v ${cfg}:/cfgrepo:ro` }), runtime: asUser,
    }));
    assert.equal(init.result.exitCode, 0, init.lines.join('\n'));
    const build = await collect(engine.start({ workspace: ws, args: ['build'], purpose: 'build', tty: false, settings: standinSettings(), runtime: asUser }));
    assert.equal(build.result.exitCode, 0, build.lines.slice(-5).join('\n'));
    const id = await collect(engine.start({ workspace: ws, args: ['shell', 'id', '-u'], purpose: 'id', tty: false, settings: standinSettings(), runtime: asUser }));
    assert.deepEqual(id.lines.filter(Boolean), ['1000'], 'cosa still runs as builder (uid 1000) inside');
    const owners = ownersUnder(ws);
    assert.ok(owners.size > 10);
    assert.deepEqual([...owners].filter(([, o]) => o !== '1234:1300'), []);
  });

  it('a failing build: exit code and cosa\'s message surfaced', async function () {
    const ws = makeWorkspace();
    await initWorkspace(ws);
    // runtimeArgs split like the alias' unquoted expansion (no quotes): a value with spaces goes through an env file.
    const envFile = path.join(tempDir('env'), 'fail.env');
    fs.writeFileSync(envFile, 'COSA_STANDIN_FAIL_MESSAGE=no space left on device\n');
    const settings = standinSettings({ runtimeArgs: `-e COSA_STANDIN_FAIL_CMD=build --env-file ${envFile} -e COSA_STANDIN_FAIL_EXIT=3` });
    const { result } = await collect(engine.start({ workspace: ws, args: ['build'], purpose: 'build', tty: false, settings, runtime }));
    assert.equal(result.exitCode, 3);
    assert.equal(result.cancelled, false);
    assert.equal(result.failure?.kind, 'command-failed');
    assert.equal(result.failure?.command, 'build');
    assert.equal(result.failure?.exitStatus, 3);
    assert.equal(result.failure?.message, 'no space left on device');
  });

  it('an unknown command and a missing image: each its own failure', async function () {
    const ws = makeWorkspace();
    const unknown = await collect(engine.start({ workspace: ws, args: ['frobnicate'], purpose: 'x', tty: false, settings: standinSettings(), runtime }));
    assert.equal(unknown.result.exitCode, 1);
    assert.equal(unknown.result.failure?.kind, 'unknown-command');
    assert.equal(unknown.result.failure?.command, 'frobnicate');
    const settings = { ...standinSettings(), image: 'localhost/no-such-cosa:none' };
    const missing = await collect(engine.start({ workspace: ws, args: ['list'], purpose: 'list', tty: false, settings, runtime }));
    assert.equal(missing.result.exitCode, 125);
    assert.equal(missing.result.failure?.kind, 'image-missing');
    assert.match(missing.result.failure!.message, /no-such-cosa:none: image not known/);
  });

  it('cancel in the middle of a build: the container is gone and builds.json is consistent', async function () {
    const ws = makeWorkspace();
    await initWorkspace(ws);
    const first = await collect(engine.start({ workspace: ws, args: ['build'], purpose: 'build', tty: false, settings: standinSettings(), runtime }));
    assert.equal(first.result.exitCode, 0);
    const before = buildsJson(ws);
    fs.appendFileSync(path.join(ws, 'src', 'config', 'manifest.yaml'), '\n# change the input hash\n');
    const p = engine.start({ workspace: ws, args: ['build', '--force'], purpose: 'build', tty: false, settings: standinSettings({ buildSeconds: 60 }), runtime });
    await waitForLine(p, /^STEP 3\/12/);
    assert.ok(containerExists(p.containerName));
    const t0 = Date.now();
    await p.cancel();
    const took = Date.now() - t0;
    const result = await p.result;
    assert.equal(result.cancelled, true);
    assert.equal(result.failure, undefined);
    assert.equal(containerExists(p.containerName), false, 'container still exists after cancel');
    assert.ok(took < 15_000, `cancel took ${took} ms`);
    const after = buildsJson(ws);
    assert.deepEqual(after, before, 'builds.json changed by a cancelled build');
    for (const b of after.builds) {
      assert.ok(fs.existsSync(path.join(ws, 'builds', b.id, 'x86_64', 'meta.json')));
    }
    assert.deepEqual(fs.readdirSync(path.join(ws, 'builds')).filter((f) => f.startsWith('.') || f.startsWith('tmp')), [], 'lock or temp files left in builds/');
    // the workspace is usable again right away
    const again = await collect(engine.start({ workspace: ws, args: ['build'], purpose: 'build', tty: false, settings: standinSettings(), runtime }));
    assert.equal(again.result.exitCode, 0, again.lines.slice(-5).join('\n'));
    assert.equal(buildsJson(ws).builds.length, 2);
  });

  it('two builds in one workspace: the second is refused before it starts, with a clear message', async function () {
    const ws = makeWorkspace();
    await initWorkspace(ws);
    const a = engine.start({ workspace: ws, args: ['build'], purpose: 'build', tty: false, settings: standinSettings({ buildSeconds: 3 }), runtime });
    await waitForLine(a, /^STEP 1\/12/);
    const b = engine.start({ workspace: ws, args: ['build'], purpose: 'build-2', tty: false, settings: standinSettings(), runtime });
    const rb = await collect(b);
    assert.equal(rb.result.failure?.kind, 'workspace-busy');
    assert.match(rb.result.failure!.message, new RegExp(`^cosa build was not started: cosa build is already running in this workspace \\(container ${a.containerName}\\)`));
    // Every command that changes the workspace runs under one name: b's is a's, and only a's container exists.
    assert.equal(b.containerName, a.containerName);
    assert.deepEqual(ourContainers(), [a.containerName]);
    // init is refused too (any command that changes the build directory)
    const ri = await collect(engine.start({ workspace: ws, args: ['init', '--force', '/x'], purpose: 'init', tty: false, settings: standinSettings(), runtime }));
    assert.equal(ri.result.failure?.kind, 'workspace-busy');
    // a read-only command is not
    const rl = await collect(engine.start({ workspace: ws, args: ['list'], purpose: 'list', tty: false, settings: standinSettings(), runtime }));
    assert.equal(rl.result.exitCode, 0, rl.lines.join('\n'));
    const ra = await collect(a);
    assert.equal(ra.result.exitCode, 0);
    assert.equal(buildsJson(ws).builds.length, 1);
  });

  it('a build started by another window (another engine) in the same tick as ours: one runs, the other is refused as busy; then the workspace is free', async function () {
    // No waiting for the other's output: both clients are creating their containers at once.
    const ws = makeWorkspace();
    await initWorkspace(ws);
    const other = new CosaEngine({ ownerPid: process.ppid });
    try {
      const settings = standinSettings({ buildSeconds: 2 });
      const [ra, rb] = await Promise.all([
        collect(other.start({ workspace: ws, args: ['build'], purpose: 'build', tty: false, settings, runtime })),
        collect(engine.start({ workspace: ws, args: ['build'], purpose: 'build', tty: false, settings, runtime })),
      ]);
      const refused = [ra, rb].filter((r) => r.result.failure?.kind === 'workspace-busy');
      const ran = [ra, rb].filter((r) => r.result.exitCode === 0 && !r.result.failure);
      assert.equal(refused.length, 1, JSON.stringify([ra.result, rb.result]));
      assert.equal(ran.length, 1, JSON.stringify([ra.result, rb.result]));
      assert.match(refused[0]!.result.failure!.message, /^cosa build was not started: cosa build is already running in this workspace \(started by another window or process\)/);
      assert.equal(buildsJson(ws).builds.length, 1);
      const again = await collect(engine.start({ workspace: ws, args: ['build', '--force'], purpose: 'build', tty: false, settings: standinSettings(), runtime }));
      assert.equal(again.result.exitCode, 0, again.lines.slice(-5).join('\n'));
    } finally {
      await other.dispose();
    }
  });

  it('podman\'s name clash becomes a clear failure', async function () {
    const ws = makeWorkspace();
    const name = containerName(ws, 'meta');
    const argv = cosaRunArgv(standinSettings(), { workspace: ws, args: ['shell', 'sleep', '60'], tty: false, detach: true, purpose: 'meta', ownerPid: process.pid }, runtime);
    execFileSync('podman', argv, { stdio: 'pipe' });
    try {
      const r = await collect(engine.start({ workspace: ws, args: ['shell', 'true'], purpose: 'meta', tty: false, settings: standinSettings(), runtime }));
      assert.equal(r.result.exitCode, 125);
      assert.equal(r.result.failure?.kind, 'name-in-use');
      assert.equal(r.result.failure?.message, `a container named ${name} is already running`);
    } finally {
      execFileSync('podman', ['rm', '-f', '--ignore', '-t', '0', name], { stdio: 'pipe' });
    }
  });

  it('two workspaces build at the same time: both succeed', async function () {
    const [w1, w2] = [makeWorkspace('a'), makeWorkspace('b')];
    await Promise.all([initWorkspace(w1), initWorkspace(w2)]);
    const settings = standinSettings({ buildSeconds: 2 });
    const [r1, r2] = await Promise.all([w1, w2].map((ws) => collect(engine.start({ workspace: ws, args: ['build'], purpose: 'build', tty: false, settings, runtime }))));
    assert.equal(r1!.result.exitCode, 0, r1!.lines.slice(-5).join('\n'));
    assert.equal(r2!.result.exitCode, 0, r2!.lines.slice(-5).join('\n'));
    assert.equal(buildsJson(w1).builds.length, 1);
    assert.equal(buildsJson(w2).builds.length, 1);
  });

  it('dispose (deactivation) stops every running container it started', async function () {
    const e = new CosaEngine();
    const ws = makeWorkspace();
    await initWorkspace(ws, e);
    const p = e.start({ workspace: ws, args: ['build'], purpose: 'build', tty: false, settings: standinSettings({ buildSeconds: 60 }), runtime });
    const q = e.start({ workspace: ws, args: ['shell', 'sleep', '60'], purpose: 'sleeper', tty: false, settings: standinSettings(), runtime });
    await waitForLine(p, /^STEP 1\/12/);
    await e.dispose();
    assert.equal((await p.result).cancelled, true);
    assert.equal((await q.result).cancelled, true);
    for (const n of [p.containerName, q.containerName]) {
      assert.equal(containerExists(n), false, `${n} still exists`);
    }
    assert.throws(() => e.start({ workspace: ws, args: ['list'], purpose: 'list', tty: false, settings: standinSettings(), runtime }), /shut down/);
  });

  it('containers left by a crashed extension host are found and removed; live ones are not', async function () {
    const ws = makeWorkspace();
    // a pid that is certainly dead: a process that has exited
    const dead = Number(execFileSync('bash', ['-c', 'sh -c "echo \\$\\$"'], { encoding: 'utf8' }).trim());
    const start = (purpose: string, ownerPid: number) => execFileSync('podman', cosaRunArgv(standinSettings(),
      { workspace: ws, args: ['shell', 'sleep', '60'], tty: false, detach: true, purpose, ownerPid }, runtime), { stdio: 'pipe' });
    start('crashed', dead);
    start('alive-window', process.ppid);
    try {
      const left = await engine.findLeftovers(runtime);
      const names = left.map((c) => c.name);
      assert.ok(names.includes(containerName(ws, 'crashed')), names.join(', '));
      assert.ok(!names.includes(containerName(ws, 'alive-window')), 'a live window\'s container is not a leftover');
      const crashed = left.filter((c) => c.name === containerName(ws, 'crashed'));
      assert.equal(crashed[0]!.labels[LABEL_OWNER_PID], String(dead));
      assert.deepEqual(await engine.removeContainers(runtime, crashed), []);
      assert.equal(containerExists(containerName(ws, 'crashed')), false);
    } finally {
      execFileSync('podman', ['rm', '-f', '--ignore', '-t', '0', containerName(ws, 'alive-window'), containerName(ws, 'crashed')], { stdio: 'pipe' });
    }
  });
});
