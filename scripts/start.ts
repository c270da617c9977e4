// `npm start`: build the .vsix, start code-server (VS Code in the browser)
// with it installed on a sample cosa workspace, print the URL, run until Ctrl-C.
//   PORT=8080  listen port          COREOS_SAMPLE_WORKSPACE=dir  folder to open
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodeServer, REPO_ROOT } from '../test/e2e/harness';
import { isSampleWorkspace, makeSampleWorkspace } from '../test/e2e/sample';
import { VSIX } from '../test/e2e/servers';
import { STAND_IN_IMAGE } from '../test/support/standInPrerequisites';

const STAND_IN = STAND_IN_IMAGE;

function standInImagePresent(): boolean {
  try {
    execFileSync('podman', ['image', 'exists', STAND_IN], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  execFileSync('npm', ['run', '--silent', 'package'], { cwd: REPO_ROOT, stdio: 'inherit' });
  const workspace = process.env.COREOS_SAMPLE_WORKSPACE ?? path.join(REPO_ROOT, '.harness', 'sample-workspace');
  // With the stand-in image built by test/setup-machine.sh, the sample is a
  // real cosa workspace (cosa init from the test config repo + one build) and
  // every command runs for real. An older sample (a copied builds folder that
  // cosa init never ran in) is made again.
  const standIn = standInImagePresent();
  // COREOS_SAMPLE_WORKSPACE is the user's folder: it is never removed, only filled when missing or empty.
  const mine = !process.env.COREOS_SAMPLE_WORKSPACE;
  const empty = !fs.existsSync(workspace) || fs.readdirSync(workspace).length === 0;
  if (standIn && !isSampleWorkspace(workspace) && (mine || empty)) {
    fs.rmSync(workspace, { recursive: true, force: true });
    console.log(`Making the sample workspace ${workspace}: cosa init from the test config repo, one cosa build (stand-in ${STAND_IN})…`);
    await makeSampleWorkspace(workspace);
  } else if (!fs.existsSync(workspace)) {
    fs.mkdirSync(workspace, { recursive: true });
  }
  const settings = standIn ? { 'coreos.image': STAND_IN } : {};
  const server = await CodeServer.start({ vsix: VSIX, settings, port: Number(process.env.PORT ?? 8080) });
  console.log(`\nCoreOS Assembler for VS Code is running in code-server:\n\n  ${server.url}/?folder=${encodeURIComponent(workspace)}\n`);
  console.log(settings['coreos.image'] ? `Using the cosa stand-in image ${STAND_IN}.` : 'Using the default cosa image (quay.io/coreos-assembler/coreos-assembler:latest).');
  console.log('Press Ctrl-C to stop.');
  const stop = async () => {
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
