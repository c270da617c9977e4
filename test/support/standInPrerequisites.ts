// Shared by the suites that run the cosa stand-in through real podman: fail
// (never skip) with the command that fixes the machine.

import { execFileSync } from 'node:child_process';

/** The stand-in image the tests use; COSA_STANDIN_IMAGE picks another tag (e.g. one per git worktree). */
export const STAND_IN_IMAGE = process.env.COSA_STANDIN_IMAGE ?? 'localhost/coreos-assembler:test';

export function requirePodmanAndStandIn(image = STAND_IN_IMAGE): void {
  try {
    execFileSync('podman', ['--version'], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(`podman is not usable (${(e as Error).message}). Run \`sudo bash test/setup-machine.sh\` first.`);
  }
  try {
    execFileSync('podman', ['image', 'exists', image], { stdio: 'pipe' });
  } catch {
    throw new Error(`the cosa stand-in image ${image} is missing. Build it with \`sudo bash test/setup-machine.sh\` `
      + '(or bash test/fixtures/cosa-image/build.sh).');
  }
}
