// Scratch workspaces for the real-editor tests, made fresh per test.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'workspaces');
export const SCENARIO_FILE = '.coreos-test-scenario.json';

const made: string[] = [];

/** Removes every workspace makeWorkspace made in this process (root after-hook). */
export function removeWorkspaces(): void {
  for (const dir of made.splice(0)) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function copyTree(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true });
}

/**
 * A new folder for one scenario. `builds` holds a cosa build directory
 * (builds.json + a meta.json valid against cosa's v1.json); `empty` is a
 * fresh folder; `unrelated` holds an ordinary project; `ignition` holds an
 * Ignition config with one error (broken.ign) and a Butane config (example.bu).
 */
export function makeWorkspace(scenario: 'builds' | 'empty' | 'unrelated' | 'ignition', resultsFile?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `coreos-e2e-${scenario}-`));
  made.push(dir);
  if (scenario !== 'empty') {
    copyTree(path.join(FIXTURES, scenario), dir);
  }
  fs.writeFileSync(path.join(dir, SCENARIO_FILE), JSON.stringify({ scenario, ...(resultsFile ? { resultsFile } : {}) }));
  return dir;
}
