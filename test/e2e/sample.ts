// The sample workspace `npm start` opens, made the way a user makes one: a
// local config repo (test/fixtures/config-repo, hidden in the folder so cosa
// init still sees it empty), then `cosa init` from it and one `cosa build`, run
// by the cosa stand-in itself. Build, Run in QEMU (it offers the qemu image
// first), Test in VM and Translate Butane work in it. Shared by
// scripts/start.ts and the e2e test that clicks through it.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './harness';
import { standIn } from './standIn';
import { runtimeArgsHere } from '../support/hostKvm';

const MAKE_CONFIG_REPO = path.join(REPO_ROOT, 'test', 'fixtures', 'config-repo', 'make-config-repo.sh');
/** The config repo inside the sample, as the container sees it (the workspace is /srv). */
export const SAMPLE_CONFIG_REPO = '.config-repo';

/** Settings of the sample: quick stand-in builds, terminal tabs always shown. */
export const SAMPLE_SETTINGS = {
  'coreos.runtimeArgs': runtimeArgsHere('-e COSA_STANDIN_BUILD_SECONDS=1 -e COSA_STANDIN_LOG_LINES=40'),
};

/** True when `dir` holds a sample that cosa init finished in (re-used by npm start). */
export function isSampleWorkspace(dir: string): boolean {
  return ['src/config/manifest.yaml', 'builds/builds.json', 'tmp'].every((p) => fs.existsSync(path.join(dir, p)));
}

/** Makes the sample in `dir` (created; must not exist or be empty): config repo, cosa init, one cosa build. */
export async function makeSampleWorkspace(dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('bash', [MAKE_CONFIG_REPO, path.join(dir, SAMPLE_CONFIG_REPO)], { stdio: 'pipe' });
  await standIn(dir, `cosa init file:///srv/${SAMPLE_CONFIG_REPO} && cosa build`);
  fs.mkdirSync(path.join(dir, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(dir, '.vscode', 'settings.json'), `${JSON.stringify(SAMPLE_SETTINGS, null, 2)}\n`);
}
