// Cancel at any moment and the cross-window workspace lock, against real
// podman and the cosa stand-in: a cancel 0 ms after start (before podman has
// created the container), in the middle of the create and late in a build
// must all leave no container and free the lock only once the container is
// gone; two engines (two windows) that start commands changing one workspace
// in the same tick must never both run. hooks.ts counts leftover containers.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildDirLockName, cosaRunArgv, LABEL, LABEL_WORKSPACE, workspaceId } from '../../src/cosa/invocation';
import { CosaEngine, CosaProcess, CosaRunResult } from '../../src/engine/cosaProcess';
import { RuntimeInfo } from '../../src/engine/runtime';
import { collect, Collected, makeConfigRepo, makeWorkspace, standinSettings, tempDir, within } from './helpers';
import { onPty } from './pty';
import { runtimeArgsHere } from '../support/hostKvm';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every container (any state) of this workspace with the extension's label. */
function containersOf(ws: string): string[] {
  const out = execFileSync('podman', ['ps', '-a', '--filter', `label=${LABEL}=1`, '--filter', `label=${LABEL_WORKSPACE}=${workspaceId(ws)}`,
    '--format', '{{.Names}} {{.State}}'], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

function buildsJson(ws: string): string {
  return fs.readFileSync(path.join(ws, 'builds', 'builds.json'), 'utf8');
}

describe('engine: cancel at any moment, and one command changing a workspace at a time across windows', function () {
  this.timeout(600_000);
  let engine: CosaEngine;
  let runtime: RuntimeInfo;

  before(async function () {
    // A short grace: the stand-in stops on SIGTERM at once, podman stop -t 2 is a bound.
    engine = new CosaEngine({ stopGraceSeconds: 2 });
    runtime = await engine.runtime('podman');
  });
  after(async function () {
    await engine.dispose();
  });

  async function init(ws: string): Promise<void> {
    const cfg = makeConfigRepo();
    const r = await collect(engine.start({
      workspace: ws, args: ['init', '--branch', 'testing-devel', 'file:///cfgrepo'], purpose: 'init', tty: false,
      settings: standinSettings({ runtimeArgs: `-v ${cfg}:/cfgrepo:ro` }), runtime,
    }));
    assert.equal(r.result.exitCode, 0, r.lines.join('\n'));
  }

  const cancelTimes: string[] = [];
  after(function () {
    console.log(`      cancel took (offset:ms): ${cancelTimes.join(' ')}`);
  });

  /** Cancel p after offsetMs; then: cancelled, no container, lock free — checked the moment the result resolves. */
  async function cancelAfter(p: CosaProcess, ws: string, offsetMs: number): Promise<CosaRunResult> {
    if (offsetMs > 0) {
      await sleep(offsetMs);
    }
    const t0 = Date.now();
    const cancelled = p.cancel();
    const result = await p.result;
    // The lease is released when the result resolves: the container must be gone by then.
    const left = containersOf(ws);
    const holder = engine.locks.holder(ws);
    await cancelled;
    cancelTimes.push(`${offsetMs}:${Date.now() - t0}`);
    assert.deepEqual(left, [], `containers left after a cancel ${offsetMs} ms after the start`);
    assert.equal(holder, undefined, `lock still held after a cancel ${offsetMs} ms after the start`);
    // A command that ran to its end before the cancel is not "cancelled"; one cancelled in time is.
    assert.ok(result.cancelled || result.exitCode === 0, `offset ${offsetMs} ms: ${JSON.stringify(result)}`);
    return result;
  }

  it('a mutating command cancelled 0 ms .. 2 s after its start leaves no container and frees the lock only once it is gone', async function () {
    const ws = makeWorkspace();
    const settings = standinSettings();
    // Twice over the window where podman is still creating the container (where the orphans were seen).
    for (const offset of [0, 10, 30, 60, 80, 100, 120, 150, 250, 500, 1000, 2000, 0, 20, 50, 70, 90, 110, 130, 200, 300, 400]) {
      const p = engine.start({ workspace: ws, args: ['shell', 'sleep', '30'], purpose: 'sleeper', tty: false, settings, runtime, mutating: true });
      await cancelAfter(p, ws, offset);
      // The workspace is free again: the next command starts at once (not refused as busy).
      assert.equal(engine.locks.holder(ws), undefined);
    }
    const after = await collect(engine.start({ workspace: ws, args: ['shell', 'true'], purpose: 'sleeper', tty: false, settings, runtime, mutating: true }));
    assert.equal(after.result.exitCode, 0, after.lines.join('\n'));
  });

  it('a cancel 1 to 8 microtask ticks after the start (the caller awaits something first) still stops the command', async function () {
    const ws = makeWorkspace();
    const settings = standinSettings();
    for (let ticks = 1; ticks <= 8; ticks++) {
      const p = engine.start({ workspace: ws, args: ['shell', 'sleep', '600'], purpose: 'sleeper', tty: false, settings, runtime, mutating: true });
      for (let i = 0; i < ticks; i++) {
        await Promise.resolve();
      }
      void p.cancel();
      // A cancel that fell between the engine's cancel check and its spawn used to find no child
      // and stop nothing: the command ran its 600 s.
      const result = await Promise.race([p.result, sleep(60_000).then(() => undefined)]);
      assert.equal(result?.cancelled, true, `a cancel ${ticks} ticks after the start did not end the command within 60 s`);
      assert.deepEqual(containersOf(ws), []);
      assert.equal(engine.locks.holder(ws), undefined);
    }
  });

  it('a build cancelled at steps from 0 ms to its end leaves no container and builds.json as it was', async function () {
    const ws = makeWorkspace();
    await init(ws);
    const first = await collect(engine.start({ workspace: ws, args: ['build'], purpose: 'build', tty: false, settings: standinSettings(), runtime }));
    assert.equal(first.result.exitCode, 0, first.lines.slice(-5).join('\n'));
    let before = buildsJson(ws);
    // COSA_STANDIN_BUILD_SECONDS=3: the build runs ~3.5 s after its container starts.
    for (const offset of [0, 40, 80, 120, 200, 400, 800, 1600, 2400, 3200]) {
      fs.appendFileSync(path.join(ws, 'src', 'config', 'manifest.yaml'), `\n# change the input hash ${offset}\n`);
      const p = engine.start({ workspace: ws, args: ['build'], purpose: 'build', tty: false, settings: standinSettings({ buildSeconds: 3 }), runtime });
      const result = await cancelAfter(p, ws, offset);
      if (result.cancelled) {
        assert.equal(buildsJson(ws), before, `builds.json changed by a build cancelled after ${offset} ms`);
      } else {
        // Finished before the cancel reached it (a fast machine): a complete new build.
        assert.notEqual(buildsJson(ws), before);
        before = buildsJson(ws);
      }
      assert.deepEqual(fs.readdirSync(path.join(ws, 'builds')).filter((f) => f.startsWith('.') || f.startsWith('tmp')), [], 'lock or temp files left in builds/');
    }
  });

  it('a build cancelled while cosa holds the builds.json lock: the lock it left is removed, and the next build runs', async function () {
    const ws = makeWorkspace();
    await init(ws);
    const lock = path.join(ws, 'builds', '.builds.json.lock');
    fs.appendFileSync(path.join(ws, 'src', 'config', 'manifest.yaml'), '\n# change the input hash\n');
    // The stand-in's next builds.json write stays 60 s under cosa's flufl.lock (once).
    fs.mkdirSync(path.join(ws, 'tmp'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'tmp', 'standin-hold-lock'), '60');
    const p = engine.start({ workspace: ws, args: ['build'], purpose: 'build', tty: false, runtime, settings: standinSettings() });
    const out = collect(p);
    await within('the build holds builds.json\'s lock', 60_000, (async () => {
      while (!fs.existsSync(lock)) {
        await sleep(50);
      }
    })());
    const claims = fs.readdirSync(path.join(ws, 'builds')).filter((f) => f.startsWith('.builds.json.lock|'));
    assert.equal(claims.length, 1, claims.join(', '));
    await p.cancel();
    const cancelled = await out;
    assert.equal(cancelled.result.cancelled, true);
    // SIGTERM ends cosa's Python without unwinding; without the sweep the lock and its claim stay for cosa's 52 weeks.
    assert.deepEqual(fs.readdirSync(path.join(ws, 'builds')).filter((f) => f.startsWith('.') || f.startsWith('tmp')), [], 'lock or temp files left in builds/');
    assert.ok(cancelled.lines.some((l) => l.includes('Removed builds/.builds.json.lock,')), cancelled.lines.slice(-5).join('\n'));
    const next = await within('the next build after the cancel', 120_000, collect(engine.start({ workspace: ws, args: ['build'], purpose: 'build', tty: false, settings: standinSettings(), runtime })));
    assert.equal(next.result.exitCode, 0, next.lines.slice(-5).join('\n'));
  });

  it('the Assembler Shell closed while a cosa build in it holds builds.json\'s lock: once its container is gone the lock is removed, and the next build runs', async function () {
    const ws = makeWorkspace();
    await init(ws);
    const lock = path.join(ws, 'builds', '.builds.json.lock');
    const cmd = engine.terminalCommand({ workspace: ws, args: ['shell'], purpose: 'shell', mutating: true, settings: standinSettings(), runtime });
    assert.ok(cmd.removeLeftoverLocks, 'a terminal that changes the workspace cleans up after itself');
    const t = onPty(cmd);
    await t.waitFor(/\[coreos-assembler\]\$/, 60_000);
    t.child.stdin!.write('mkdir -p tmp && echo 60 > tmp/standin-hold-lock && echo "# a change" >> src/config/manifest.yaml && cosa build\n');
    await within('the build in the shell holds builds.json\'s lock', 60_000, (async () => {
      while (!fs.existsSync(lock)) {
        await sleep(50);
      }
    })());
    // The terminal closes as VS Code closes it: SIGHUP to its process; podman passes it on and the container ends (--rm).
    t.child.kill('SIGHUP');
    await t.exited;
    const removed = await within('the sweep after the terminal closed', 60_000, cmd.removeLeftoverLocks!());
    assert.ok(removed.includes(path.join('builds', '.builds.json.lock')), removed.join(', '));
    assert.deepEqual(containersOf(ws), []);
    assert.deepEqual(fs.readdirSync(path.join(ws, 'builds')).filter((f) => f.startsWith('.') || f.startsWith('tmp')), [], 'lock or temp files left in builds/');
    const next = await within('the next build after the shell', 120_000, collect(engine.start({ workspace: ws, args: ['build'], purpose: 'build', tty: false, settings: standinSettings(), runtime })));
    assert.equal(next.result.exitCode, 0, next.lines.slice(-5).join('\n'));
  });

  /** Start a on engine ea and b on engine eb in the same tick; both results. */
  async function race(start: () => [CosaProcess, CosaProcess]): Promise<[Collected, Collected]> {
    const [a, b] = start();
    return Promise.all([collect(a), collect(b)]);
  }

  it('two windows start build and osbuild in one workspace in the same tick: exactly one runs, the other is refused as busy (3 rounds)', async function () {
    const ws = makeWorkspace();
    await init(ws);
    const other = new CosaEngine({ ownerPid: process.ppid, stopGraceSeconds: 2 });
    try {
      const seeded = await collect(engine.start({ workspace: ws, args: ['build'], purpose: 'build', tty: false, settings: standinSettings(), runtime }));
      assert.equal(seeded.result.exitCode, 0);
      // Both run for seconds once started, so a loser that got through would overlap the winner.
      const settings = standinSettings({ runtimeArgs: runtimeArgsHere('-e COSA_STANDIN_OSBUILD_SECONDS=3'), buildSeconds: 3 });
      for (let round = 0; round < 3; round++) {
        fs.appendFileSync(path.join(ws, 'src', 'config', 'manifest.yaml'), `\n# round ${round}\n`);
        const [ra, rb] = await race(() => [
          engine.start({ workspace: ws, args: ['build'], purpose: 'build', tty: false, settings, runtime }),
          other.start({ workspace: ws, args: ['osbuild', 'qemu'], purpose: 'osbuild', tty: false, settings, runtime }),
        ]);
        const kinds = [ra, rb].map((r) => r.result.failure?.kind ?? `exit ${r.result.exitCode}`).sort();
        assert.deepEqual(kinds, ['exit 0', 'workspace-busy'], `round ${round}: ${JSON.stringify([ra.result, rb.result])}\n${ra.lines.slice(-3).join('\n')}\n${rb.lines.slice(-3).join('\n')}`);
        const refused = ra.result.failure ? ra : rb;
        assert.match(refused.result.failure!.message, /was not started: cosa (build|osbuild) is already running in this workspace/);
        assert.ok(refused.lines.some((l) => /already running in this workspace/.test(l)), 'the refusal is printed');
      }
    } finally {
      await other.dispose();
    }
  });

  it('a container left by an editor that is gone holds the workspace name: the refusal says so and how to free it', async function () {
    const ws = makeWorkspace();
    const dead = Number(execFileSync('bash', ['-c', 'sh -c "echo \\$\\$"'], { encoding: 'utf8' }).trim());
    const argv = cosaRunArgv(standinSettings(), { workspace: ws, args: ['build'], tty: false, purpose: 'build', ownerPid: dead, mutating: true }, runtime);
    execFileSync('podman', ['create', ...argv.slice(1)], { stdio: 'pipe' });
    try {
      const r = await collect(engine.start({ workspace: ws, args: ['build'], purpose: 'build', tty: false, settings: standinSettings(), runtime }));
      assert.equal(r.result.failure?.kind, 'workspace-busy', JSON.stringify(r.result));
      assert.match(r.result.failure!.message, new RegExp(`started by another window or process\\) \\(container ${buildDirLockName(ws)}\\)`));
      assert.match(r.result.failure!.message, new RegExp(`It is not running \\(created\\), a leftover: \`podman rm -f ${buildDirLockName(ws)}\` frees the workspace\\.$`));
    } finally {
      execFileSync('podman', ['rm', '-f', '--ignore', buildDirLockName(ws)], { stdio: 'pipe' });
    }
  });

  it('a workspace path with ":", "," "=" and a double quote is mounted at /srv (podman refuses it in -v)', async function () {
    const ws = path.join(tempDir('colon'), 'fcos:dev,a=b "x"');
    fs.mkdirSync(ws);
    fs.writeFileSync(path.join(ws, 'marker'), 'here\n');
    const r = await collect(engine.start({ workspace: ws, args: ['shell', 'cat', '/srv/marker'], purpose: 'cat', tty: false, settings: standinSettings(), runtime }));
    assert.equal(r.result.exitCode, 0, r.lines.join('\n'));
    assert.deepEqual(r.lines.filter(Boolean), ['here']);
  });
});
