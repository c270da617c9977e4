// Root hooks of the engine integration suite (real podman, the cosa stand-in
// image). Without podman or the image the suite FAILS (never skips) and says
// how to get them. Every test is checked for orphans: containers carrying
// this process's owner label, and labelled containers of the suite's scratch
// workspaces, are counted before and after each test.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { requirePodmanAndStandIn } from '../support/standInPrerequisites';
import { IMAGE, ourContainers, removeScratch } from './helpers';

before(function () {
  requirePodmanAndStandIn(IMAGE);
});

let before_: string[] = [];
beforeEach(function () {
  before_ = ourContainers();
});

afterEach(function () {
  const after = ourContainers();
  const leaked = after.filter((n) => !before_.includes(n));
  if (leaked.length) {
    execFileSync('podman', ['rm', '-f', ...leaked], { stdio: 'pipe' });
  }
  assert.deepEqual(leaked, [], `containers left behind by "${this.currentTest?.title}"`);
});

after(function () {
  removeScratch();
  assert.deepEqual(ourContainers(), [], 'containers of this suite left at the end');
});
