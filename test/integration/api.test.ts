// The persistent helper container of bench/engine.bench.ts (exec instead of a
// container start; the product does not use it, see bench/helperContainer.ts)
// through a real podman API socket (started here with `podman system
// service`, stopped after) and through the CLI without one: what the bench
// measures must work.

import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HelperContainer } from '../../bench/helperContainer';
import { CosaEngine } from '../../src/engine/cosaProcess';
import { RuntimeInfo } from '../../src/engine/runtime';
import { containerExists, makeWorkspace, standinSettings, tempDir } from './helpers';

describe('bench helper container: exec through the API socket (dockerode) and the CLI', function () {
  let service: ChildProcess;
  let socketPath: string;
  let engine: CosaEngine;
  let cliRuntime: RuntimeInfo;
  let apiRuntime: RuntimeInfo;

  before(async function () {
    socketPath = path.join(tempDir('sock'), 'podman.sock');
    service = spawn('podman', ['system', 'service', '--time=0', `unix://${socketPath}`], { stdio: 'ignore' });
    const end = Date.now() + 15_000;
    while (!fs.existsSync(socketPath)) {
      if (Date.now() > end) {
        throw new Error('podman system service did not create its socket within 15 s');
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    engine = new CosaEngine();
    const detected = await engine.runtime('podman');
    cliRuntime = { ...detected };
    delete (cliRuntime as { socketPath?: string }).socketPath;
    apiRuntime = { ...detected, socketPath };
  });

  after(async function () {
    await engine.dispose();
    if (service.exitCode === null) {
      const gone = new Promise((r) => service.once('exit', r));
      service.kill('SIGTERM');
      await gone;
    }
  });

  for (const mode of ['api', 'cli'] as const) {
    it(`helper container: exec (${mode}) runs cosa commands without a container start, and is removed on stop`, async function () {
      const ws = makeWorkspace();
      const runtime = mode === 'api' ? apiRuntime : cliRuntime;
      const helper = new HelperContainer({ workspace: ws, settings: standinSettings(), runtime, ownerPid: engine.ownerPid });
      const first = await helper.exec(['shell', 'id', '-u']);
      assert.equal(first.exitCode, 0, first.stderr);
      assert.equal(first.stdout.trim(), '1000');
      assert.equal(first.via, mode);
      const list = await helper.exec(['list']);
      assert.equal(list.exitCode, 1, 'no builds/ dir yet');
      assert.match(list.stderr, /No builds\/ dir found!/);
      const unknown = await helper.exec(['frobnicate']);
      assert.equal(unknown.failure?.kind, 'unknown-command');
      await assert.rejects(helper.exec(['build']), /changes the build directory/);
      assert.ok(containerExists(helper.containerName));
      await helper.stop();
      assert.equal(containerExists(helper.containerName), false);
    });
  }
});
