// `npm run test:electron`: the same extension-host suite as under code-server,
// run by @vscode/test-electron in desktop VS Code. It downloads VS Code unless
// VSCODE_EXECUTABLE points at an installed one (machines here cannot download).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { makeWorkspace } from './e2e/workspaces';

const repo = path.resolve(__dirname, '..');

async function main(): Promise<void> {
  let failed = 0;
  for (const scenario of ['builds', 'unrelated'] as const) {
    const results = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-electron-')), 'results.json');
    const folder = makeWorkspace(scenario, results);
    try {
      await runTests({
        extensionDevelopmentPath: repo,
        extensionTestsPath: path.join(repo, 'dist', 'test', 'exthost', 'index.js'),
        launchArgs: [folder, '--disable-extensions', '--disable-workspace-trust'],
        ...(process.env.VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE } : {}),
      });
      console.log(`${scenario}: ${fs.readFileSync(results, 'utf8')}`);
    } catch (e) {
      failed++;
      console.error(`${scenario}: ${(e as Error).message}`);
    }
  }
  process.exit(failed ? 1 : 0);
}

void main();
