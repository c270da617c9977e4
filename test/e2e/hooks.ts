// Root hooks for the e2e suite: a screenshot of every open editor when a test
// fails, and no code-server or browser left behind.

import type { Context } from 'mocha';
import { closeBrowser } from './harness';
import { openWorkbenches, stopServers } from './servers';

export const mochaHooks = {
  async afterEach(this: Context) {
    const test = this.currentTest;
    if (test?.state === 'failed') {
      for (const wb of openWorkbenches) {
        const file = await wb.screenshot(`FAILED ${test.fullTitle()}`).catch(() => undefined);
        if (file) {
          console.log(`    screenshot: ${file}`);
        }
      }
    }
  },
  async afterAll() {
    await stopServers();
    await closeBrowser();
  },
};
