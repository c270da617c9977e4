// dockerode through a real podman API socket (started here with
// `podman system service`, stopped after), the CLI fallback without one, and
// the persistent helper container (exec instead of a container start).

import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LABEL_PURPOSE } from '../../src/cosa/invocation';
import { CosaEngine } from '../../src/engine/cosaProcess';
import { Inventory, RuntimeEvent, watchEventsApi } from '../../src/engine/dockerApi';
import { RuntimeInfo } from '../../src/engine/runtime';
import { collect, containerExists, IMAGE, makeWorkspace, standinSettings, tempDir, waitForLine } from './helpers';

describe('engine: API socket (dockerode), CLI fallback, helper container', function () {
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

  it('lists images and our containers through the API, and the same through the CLI without a socket', async function () {
    const api = new Inventory(apiRuntime);
    const cli = new Inventory(cliRuntime);
    assert.equal(await api.via(), 'api');
    assert.equal(await cli.via(), 'cli');
    const [ai, ci] = await Promise.all([api.images(), cli.images()]);
    assert.ok(ai.some((i) => i.tags.includes(IMAGE)), JSON.stringify(ai.map((i) => i.tags)));
    assert.ok(ci.some((i) => i.tags.includes(IMAGE)), JSON.stringify(ci.map((i) => i.tags)));
    const apiImage = ai.find((i) => i.tags.includes(IMAGE))!;
    const cliImage = ci.find((i) => i.tags.includes(IMAGE))!;
    assert.equal(apiImage.id, cliImage.id);

    const ws = makeWorkspace();
    const p = engine.start({ workspace: ws, args: ['shell', 'bash', '-c', 'echo up; sleep 30'], purpose: 'inventory', tty: false, settings: standinSettings(), runtime: apiRuntime });
    await waitForLine(p, /^up$/);
    const [ac, cc] = await Promise.all([api.ourContainers({ [LABEL_PURPOSE]: 'inventory' }), cli.ourContainers({ [LABEL_PURPOSE]: 'inventory' })]);
    assert.ok(ac.some((c) => c.name === p.containerName && c.state === 'running'), JSON.stringify(ac));
    assert.ok(cc.some((c) => c.name === p.containerName && c.state === 'running'), JSON.stringify(cc));
    await p.cancel();
    assert.equal(containerExists(p.containerName), false);
  });

  it('reports runtime events of our containers (start, died/remove)', async function () {
    const api = await new Inventory(apiRuntime).client();
    assert.ok(api);
    const events: RuntimeEvent[] = [];
    const sub = await watchEventsApi(api, (e) => events.push(e));
    try {
      const ws = makeWorkspace();
      const r = await collect(engine.start({ workspace: ws, args: ['shell', 'true'], purpose: 'events', tty: false, settings: standinSettings(), runtime: apiRuntime }));
      assert.equal(r.result.exitCode, 0);
      const end = Date.now() + 5000;
      while (!events.some((e) => e.name?.endsWith('-events') && /die|died|remove/.test(e.action)) && Date.now() < end) {
        await new Promise((res) => setTimeout(res, 50));
      }
      const ours = events.filter((e) => e.name?.endsWith('-events')).map((e) => e.action);
      assert.ok(ours.includes('start'), ours.join(' '));
      assert.ok(ours.some((a) => /die|died|remove/.test(a)), ours.join(' '));
    } finally {
      sub.dispose();
    }
  });

  it('pull through the API surfaces the registry error (no registry is reachable here)', async function () {
    const inv = new Inventory(apiRuntime);
    await assert.rejects(inv.pull('localhost:1/nope/cosa:none', () => undefined), /nope|connection refused|pinging container registry|error/i);
  });

  for (const mode of ['api', 'cli'] as const) {
    it(`helper container: exec (${mode}) runs cosa commands without a container start, and is removed on stop`, async function () {
      const ws = makeWorkspace();
      const runtime = mode === 'api' ? apiRuntime : cliRuntime;
      const helper = engine.helper(ws, standinSettings(), runtime);
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
