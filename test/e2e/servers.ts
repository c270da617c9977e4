// One code-server per kind, started on first use and shared by the e2e files:
// `ui` has the packaged .vsix installed (what users install); `exthost` runs
// the repo as a development extension with the extension-host test payload.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodeServer, REPO_ROOT, Workbench } from './harness';
import { STAND_IN_IMAGE } from '../support/standInPrerequisites';

export const VSIX = path.join(REPO_ROOT, 'dist', 'coreos-assembler-vscode.vsix');
/** User settings for every test editor: the cosa stand-in image built by test/setup-machine.sh. */
export const TEST_SETTINGS = { 'coreos.image': STAND_IN_IMAGE };

const servers = new Map<string, Promise<CodeServer>>();

export function uiServer(): Promise<CodeServer> {
  return lazily('ui', () => {
    if (!fs.existsSync(VSIX)) {
      throw new Error(`${VSIX} is missing: run "npm run package" first (npm test does)`);
    }
    return CodeServer.start({ vsix: VSIX, settings: TEST_SETTINGS });
  });
}

export function extHostServer(): Promise<CodeServer> {
  return lazily('exthost', () => CodeServer.start({ smokeTestDriver: true, settings: TEST_SETTINGS }));
}

function lazily(key: string, start: () => Promise<CodeServer>): Promise<CodeServer> {
  let s = servers.get(key);
  if (!s) {
    s = start();
    servers.set(key, s);
  }
  return s;
}

export async function stopServers(): Promise<void> {
  const all = [...servers.values()];
  servers.clear();
  await Promise.all(all.map(async (s) => (await s.catch(() => undefined))?.stop()));
}

/** Workbenches open right now, for failure screenshots. */
export const openWorkbenches = new Set<Workbench>();

export async function openWorkbench(folder: string): Promise<Workbench> {
  const wb = await Workbench.open(await uiServer(), folder);
  openWorkbenches.add(wb);
  return wb;
}

export async function closeWorkbench(wb: Workbench | undefined): Promise<void> {
  if (wb) {
    openWorkbenches.delete(wb);
    await wb.close();
  }
}
