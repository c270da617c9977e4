// Failure modes on demand (test/fixtures/cosa-image/README.md) and what a
// failed or killed build leaves behind.

import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cosa, cosaArgv, preparedWorkspace, readBuildsJson } from './helpers';

describe('stand-in failure modes', () => {
  it('fails a build with a fatal line when the config has standin-fail-build, leaving tmp/build', async () => {
    const { ws } = await preparedWorkspace(1);
    const before = fs.readFileSync(path.join(ws, 'builds', 'builds.json'), 'utf8');
    fs.writeFileSync(path.join(ws, 'src', 'config', 'standin-fail-build'), 'rpm-ostree compose failed: package foo not found\n');
    const r = await cosa(ws, ['build']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^fatal: rpm-ostree compose failed: package foo not found\nfailed to execute cmd-build: exit status 1\n$/m);
    assert.ok(fs.existsSync(path.join(ws, 'tmp', 'build', 'src')), 'tmp/build stays behind, like set -e in cosa');
    assert.equal(fs.readFileSync(path.join(ws, 'builds', 'builds.json'), 'utf8'), before);
  });

  it('fails osbuild when the config has standin-fail-osbuild', async () => {
    const { ws } = await preparedWorkspace(1);
    fs.writeFileSync(path.join(ws, 'src', 'config', 'standin-fail-osbuild'), '');
    const r = await cosa(ws, ['osbuild', 'qemu']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^fatal: standin-fail-osbuild: osbuild failed as requested by the config repo\nfailed to execute cmd-osbuild: exit status 1\n$/m);
    const id = readBuildsJson(ws).builds[0]!.id;
    assert.ok(!fs.existsSync(path.join(ws, 'builds', id, 'x86_64', '.qemu.building')), 'the EXIT trap removes the semaphore');
  });

  it('a build killed midway leaves tmp/build and an intact builds.json', async () => {
    const { ws } = await preparedWorkspace(1);
    const before = fs.readFileSync(path.join(ws, 'builds', 'builds.json'), 'utf8');
    fs.appendFileSync(path.join(ws, 'src', 'config', 'manifest.yaml'), '  - nano\n');
    const { argv, name } = cosaArgv(ws, ['build'], false, { runtimeArgs: ['-e', 'COSA_STANDIN_BUILD_SECONDS=12'] });
    const child = execFile('podman', argv);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const t0 = Date.now();
    while (!/^STEP 3\//m.test(out)) {
      assert.ok(Date.now() - t0 < 30_000, `build did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise<void>((resolve) => execFile('podman', ['kill', '--signal', 'KILL', name], () => resolve()));
    const code = await exited;
    assert.notEqual(code, 0);
    assert.ok(fs.existsSync(path.join(ws, 'tmp', 'build')), 'tmp/build left behind');
    assert.equal(fs.readFileSync(path.join(ws, 'builds', 'builds.json'), 'utf8'), before);
    assert.doesNotThrow(() => readBuildsJson(ws));
    // and the next build recovers (it recreates tmp/build)
    const again = await cosa(ws, ['build']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(readBuildsJson(ws).builds.length, 2);
  });

  it('takes COSA_STANDIN_BUILD_SECONDS for the build\'s duration', async () => {
    const { ws } = await preparedWorkspace(0);
    const t0 = Date.now();
    const r = await cosa(ws, ['build'], { runtimeArgs: ['-e', 'COSA_STANDIN_BUILD_SECONDS=3'] });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(Date.now() - t0 >= 2800, `build took ${Date.now() - t0} ms`);
  });
});
