// Root hooks for the e2e suite: a screenshot of every open editor when a test
// fails, then every editor a test opened is closed (tests need not close
// them: a suite's own afterEach would run before this one and lose the
// screenshot), and no code-server or browser is left behind.

import type { Context } from 'mocha';
import { closeBrowser } from './harness';
import { closeWorkbench, openWorkbenches, stopServers } from './servers';
import { removeWorkspaces } from './workspaces';

export const mochaHooks = {
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
  },
};
