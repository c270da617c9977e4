// Extension-host test entry: the standard `run()` that both
// @vscode/test-electron and the code-server payload runner call.
// The scratch workspace says which scenario it is (see test/e2e/harness.ts).

import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { suites } from './suites';

export interface ScenarioFile {
  readonly scenario: string;
  readonly resultsFile?: string;
}

export const SCENARIO_FILE = '.coreos-test-scenario.json';

function readScenario(): ScenarioFile {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) {
    return { scenario: 'no-folder' };
  }
  try {
    return JSON.parse(fs.readFileSync(path.join(folder, SCENARIO_FILE), 'utf8')) as ScenarioFile;
  } catch {
    return { scenario: 'unknown' };
  }
}

export function run(): Promise<void> {
  const { scenario, resultsFile } = readScenario();
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const selected = suites.filter((s) => s.scenarios.includes(scenario));
  if (selected.length === 0) {
    return Promise.reject(new Error(`no extension-host suite for scenario "${scenario}"`));
  }
  // Installs describe/it as globals, as the mocha CLI does for test files.
  mocha.suite.emit('pre-require', globalThis, 'exthost', mocha);
  for (const s of selected) {
    s.register();
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const stats = runner.stats ?? { passes: 0, failures, pending: 0 };
      if (resultsFile) {
        fs.writeFileSync(resultsFile, JSON.stringify({ scenario, passes: stats.passes, failures: stats.failures, pending: stats.pending }));
      }
      if (failures > 0) {
        reject(new Error(`${failures} extension-host test(s) failed`));
      } else {
        resolve();
      }
    });
  });
}
