// Root hooks for the e2e suite: a screenshot of every open editor when a test
// fails, then every editor a test opened is closed (tests need not close
// them: a suite's own afterEach would run before this one and lose the
// screenshot), and no code-server or browser is left behind, nor a kola overlay dir of a VM in
// /var/tmp (the alias mounts the host's; a VM stopped by a signal used to leave its dir there).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { Context } from 'mocha';
import { closeBrowser } from './harness';
import { closeWorkbench, openWorkbenches, stopServers } from './servers';
import { removeWorkspaces } from './workspaces';

const mantleDirs = (): string[] => fs.readdirSync('/var/tmp').filter((e) => e.startsWith('mantle-qemu'));
let mantleBefore: string[] = [];

export const mochaHooks = {
  beforeAll() {
    mantleBefore = mantleDirs();
  },
  async afterEach(this: Context) {
    const test = this.currentTest;
    if (test?.state === 'failed') {
      for (const wb of openWorkbenches) {
        const file = await wb.screenshot(`FAILED ${test.fullTitle()}`).catch(() => undefined);
        if (file) {
          console.log(`    screenshot: ${file}`);
        }
        // What the extension itself logged (each gesture, each cosa command): the screenshot shows only the end state.
        const log = wb.server?.extensionLogTail();
        if (log) {
          console.log(`    extension log (${log.file}), last lines:\n${log.text.split('\n').map((l) => `      ${l}`).join('\n')}`);
        }
      }
    }
    await Promise.all([...openWorkbenches].map((wb) => closeWorkbench(wb)));
  },
  async afterAll() {
    await stopServers();
    await closeBrowser();
    removeWorkspaces();
    assert.deepEqual(mantleDirs().filter((d) => !mantleBefore.includes(d)), [], 'kola overlay dirs of VMs left behind in /var/tmp');
  },
};
