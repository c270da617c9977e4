/**
 * ignition-validate's output, reproduced: validate/main.go prints the report
 * with fmt.Fprintf(os.Stdout, strings.TrimSpace(report)+"\n") — the report is
 * used as a printf format — then exits 1 if any entry is an error; otherwise a
 * parse failure goes to stderr as "couldn't parse config: <err>" with exit 1.
 */

import { goSprintfNoArgs, goTrimSpace } from './go/strings';
import { entryToString, type IgnitionResult } from './validate';

export interface CliOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export function isInvalid(r: IgnitionResult): boolean {
  return r.fatal !== undefined || r.entries.some((e) => e.level === 'error');
}

export function formatReport(r: IgnitionResult): CliOutput {
  let stdout = '';
  let stderr = '';
  if (r.entries.length > 0) {
    const report = r.entries.map((e) => entryToString(e) + '\n').join('');
    stdout = goSprintfNoArgs(goTrimSpace(report) + '\n');
  }
  if (r.entries.some((e) => e.level === 'error')) return { stdout, stderr, exitCode: 1 };
  if (r.fatal !== undefined) {
    stderr = `couldn't parse config: ${r.fatal}\n`;
    return { stdout, stderr, exitCode: 1 };
  }
  return { stdout, stderr, exitCode: 0 };
}
