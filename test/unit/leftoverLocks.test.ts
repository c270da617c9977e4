// The cosa locks a cancelled command left (src/cosa/leftoverLocks.ts): claim names as
// flufl.lock makes them, the local sweep over real files (src/engine/leftoverLocks.ts), and
// the sweep script that runs in a session container, run here with this machine's sh.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LEFTOVER_LOCKS_SCRIPT, claimNamedBy, parseLockClaim } from '../../src/cosa/leftoverLocks';
import { removeLeftoverLocks } from '../../src/engine/leftoverLocks';

/** A claim "<lock>|<host>|<pid>|<random>" holding its own path, hard-linked to the lock, as flufl.lock takes one. */
function takeLock(dir: string, lockName: string, host: string, pid: number, shownDir = 'builds'): string {
  const claim = `${lockName}|${host}|${pid}|${Math.floor(Math.random() * 1e9)}`;
  fs.writeFileSync(path.join(dir, claim), `${shownDir}/${claim}`);
  fs.linkSync(path.join(dir, claim), path.join(dir, lockName));
  return claim;
}

function tempBuildDir(): string {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'leftover-locks-'));
  fs.mkdirSync(path.join(ws, 'builds'));
  return ws;
}

/** The pid of a process that has ended. */
function deadPid(): number {
  const r = spawnSync('sh', ['-c', 'echo $$']);
  return Number(String(r.stdout).trim());
}

describe('cosa locks left by a cancelled command', () => {
  it('reads flufl.lock claim names, and the claim a lock names', () => {
    assert.deepEqual(parseLockClaim('.builds.json.lock|4644a05b735e|57|1234'), { name: '.builds.json.lock|4644a05b735e|57|1234', lock: '.builds.json.lock', host: '4644a05b735e', pid: 57 });
    assert.equal(parseLockClaim('.builds.json.lock'), undefined);
    assert.equal(parseLockClaim('builds.json'), undefined);
    assert.equal(parseLockClaim('.meta.json.lock|h|x|1'), undefined);
    assert.equal(claimNamedBy('/srv/builds/.builds.json.lock|h|1|2\n'), '.builds.json.lock|h|1|2');
    assert.equal(claimNamedBy('builds/.builds.json.lock|h|1|2'), '.builds.json.lock|h|1|2');
  });

  it('locally: removes the stopped container\'s claims, their locks and the temp files written under them, and nothing else', async () => {
    const ws = tempBuildDir();
    const builds = path.join(ws, 'builds');
    const since = Date.now() - 5000;
    fs.writeFileSync(path.join(builds, 'builds.json'), '{"schema-version": "1.0.0", "builds": []}');
    takeLock(builds, '.builds.json.lock', 'a1b2c3d4e5f6', 57);
    fs.writeFileSync(path.join(builds, 'tmpab12cd34'), '{"half": ');
    // A claim of another host (a cosa in a shell alongside) and its lock stay.
    const arch = path.join(builds, '41.20260101.dev.0', 'x86_64');
    fs.mkdirSync(arch, { recursive: true });
    const other = takeLock(arch, '.meta.json.lock', 'ffffffffffff', 80);
    fs.writeFileSync(path.join(arch, 'tmpzz99yy88'), 'theirs');
    // The stopped container's claim on an older build's meta.json, made after the start.
    const older = path.join(builds, '40.20251201.dev.0', 'x86_64');
    fs.mkdirSync(older, { recursive: true });
    takeLock(older, '.meta.json.lock', 'a1b2c3d4e5f6', 61);

    const removed = await removeLeftoverLocks(ws, (c) => c.host === 'a1b2c3d4e5f6', since);

    assert.deepEqual(removed.filter((f) => f.includes('.builds.json.lock')).length, 2, removed.join(', '));
    assert.ok(removed.includes(path.join('builds', 'tmpab12cd34')), removed.join(', '));
    assert.ok(removed.includes(path.join('builds', '40.20251201.dev.0', 'x86_64', '.meta.json.lock')), removed.join(', '));
    assert.deepEqual(fs.readdirSync(builds).sort(), ['40.20251201.dev.0', '41.20260101.dev.0', 'builds.json']);
    assert.deepEqual(fs.readdirSync(arch).sort(), ['.meta.json.lock', other, 'tmpzz99yy88'].sort());
    assert.deepEqual(fs.readdirSync(older), []);
  });

  it('locally: a lock that another claim holds stays, and an old build untouched since the start is not read', async () => {
    const ws = tempBuildDir();
    const builds = path.join(ws, 'builds');
    // Ours was left as a bare claim (killed between the claim and the link); the lock is another's.
    const ours = `.builds.json.lock|a1b2c3d4e5f6|57|1`;
    fs.writeFileSync(path.join(builds, ours), `builds/${ours}`);
    const theirs = takeLock(builds, '.builds.json.lock', 'ffffffffffff', 90);
    const arch = path.join(builds, '39.20251101.dev.0', 'x86_64');
    fs.mkdirSync(arch, { recursive: true });
    takeLock(arch, '.meta.json.lock', 'a1b2c3d4e5f6', 12);
    const old = new Date(Date.now() - 3600_000);
    fs.utimesSync(arch, old, old);

    const removed = await removeLeftoverLocks(ws, (c) => c.host === 'a1b2c3d4e5f6', Date.now() - 1000);

    assert.deepEqual(removed, [path.join('builds', ours)]);
    assert.deepEqual(fs.readdirSync(builds).sort(), ['.builds.json.lock', '39.20251101.dev.0', theirs].sort());
    assert.equal(fs.readdirSync(arch).length, 2, 'a build not changed since the start is left as it is');
  });

  it('in a session container (the script, with this machine\'s sh): claims of this host whose process is gone, nothing else', () => {
    const ws = tempBuildDir();
    const builds = path.join(ws, 'builds');
    const host = String(spawnSync('sh', ['-c', 'python3 -c "import socket; print(socket.getfqdn())" 2>/dev/null || hostname']).stdout).trim();
    const dead = deadPid();
    const since = Math.floor(Date.now() / 1000) - 1;
    takeLock(builds, '.builds.json.lock', host, dead, '/srv/builds');
    fs.writeFileSync(path.join(builds, 'tmpq1w2e3r4'), '{');
    const arch = path.join(builds, '41.20260101.dev.0', 'x86_64');
    fs.mkdirSync(arch, { recursive: true });
    const live = takeLock(arch, '.meta.json.lock', host, process.pid);
    const elsewhere = `.commitmeta.json.lock|another-host|${dead}|5`;
    fs.writeFileSync(path.join(arch, elsewhere), elsewhere);

    const r = spawnSync('sh', ['-c', LEFTOVER_LOCKS_SCRIPT, 'sh', String(since)], { cwd: ws, encoding: 'utf8' });

    assert.equal(r.status, 0, r.stderr);
    const printed = r.stdout.split('\n').filter(Boolean).sort();
    assert.deepEqual(printed.map((p) => p.replace(/\|.*/, '|…')), ['builds/.builds.json.lock', 'builds/.builds.json.lock|…', 'builds/tmpq1w2e3r4']);
    assert.deepEqual(fs.readdirSync(builds).sort(), ['41.20260101.dev.0']);
    assert.deepEqual(fs.readdirSync(arch).sort(), ['.meta.json.lock', elsewhere, live].sort(), 'a live process\'s lock and another host\'s claim stay');
  });
});
