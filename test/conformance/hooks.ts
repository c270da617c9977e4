// Root hooks of the conformance suite: podman and the stand-in image must be
// there (CI installs them with test/setup-machine.sh) — the suite fails, never
// skips, without them. Every container and temp dir is removed afterwards, and
// the suite proves that no container and no kola overlay dir is left behind.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { requirePodmanAndStandIn } from '../support/standInPrerequisites';
import { allContainerNames, IMAGE, removePendingContainers, removeTempDirs, usedContainers } from './helpers';

const mantleDirs = (): string[] => fs.readdirSync('/var/tmp').filter((e) => e.startsWith('mantle-qemu'));
let mantleBefore: string[] = [];

before(function () {
  requirePodmanAndStandIn(IMAGE);
  mantleBefore = mantleDirs();
});

afterEach(async function () {
  await removePendingContainers();
});

after(async function () {
  await removePendingContainers();
  removeTempDirs();
  const left = allContainerNames().filter((n) => usedContainers.has(n));
  assert.deepEqual(left, [], 'containers left behind by the conformance suite');
  const newMantle = mantleDirs().filter((d) => !mantleBefore.includes(d));
  assert.deepEqual(newMantle, [], 'kola overlay dirs left behind in /var/tmp');
});
