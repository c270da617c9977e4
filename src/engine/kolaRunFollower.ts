// Follows one `cosa kola run` for the Test Explorer: kola's live `=== RUN` and
// `--- PASS:` lines, then reports/report.json read the moment kola prints its
// last line (src/cosa/kolaReport.ts isSuiteEndLine: the report is written by
// then), not when the container is gone: podman's teardown after kola exits
// takes a good part of a second (bench/kola.bench.ts). The report is read
// again at the end when that line never came. No vscode: bench/kola.bench.ts
// measures this same code.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isSuiteEndLine, KolaReportError, KolaResult, KolaTestOutcome, parseKolaReport, parseResultLine, testOutcomes } from '../cosa/kolaReport';
import { KOLA_OUTPUT_DIR, KOLA_REPORT_PATH } from '../cosa/kolaRun';
import { CosaProcess, CosaRunResult } from './cosaProcess';

export interface KolaOutcomeFiles extends KolaTestOutcome {
  /** console.txt, journal.txt and <test>.txt of the test's machines (host paths). */
  readonly files: readonly string[];
}

export type KolaReportRead = { readonly outcomes: readonly KolaOutcomeFiles[] } | { readonly error: string };

export interface KolaRunListener {
  started?(name: string): void;
  /** A `--- RESULT: name (1.23s)` line. */
  live?(name: string, result: KolaResult, seconds: number): void;
  /** The report, once: as soon as it is written, or (`ended`) read after the process ended. */
  report(read: KolaReportRead, ended?: CosaRunResult): void;
}

/** reports/report.json of the workspace `root`, when written since `since` (ms), with each test's machine files. */
export async function readKolaReport(root: string, since: number): Promise<KolaReportRead> {
  const file = path.join(root, KOLA_REPORT_PATH);
  let outcomes: KolaTestOutcome[];
  try {
    const st = await fs.stat(file);
    if (st.mtimeMs < since - 2000) {
      return { error: `${KOLA_REPORT_PATH} is from an earlier run` };
    }
    outcomes = testOutcomes(parseKolaReport(await fs.readFile(file, 'utf8'), KOLA_REPORT_PATH));
  } catch (e) {
    return { error: e instanceof KolaReportError ? e.message : `${KOLA_REPORT_PATH}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not written' : (e as Error).message}` };
  }
  return { outcomes: await Promise.all(outcomes.map(async (o) => ({ ...o, files: await machineFiles(root, o.name) }))) };
}

async function machineFiles(root: string, name: string): Promise<string[]> {
  const dir = path.join(root, KOLA_OUTPUT_DIR, name);
  let machines: string[];
  try {
    machines = await fs.readdir(dir);
  } catch {
    return []; // no machine directory (the test never booted one)
  }
  const candidates = machines.flatMap((m) => ['console.txt', 'journal.txt', `${name}.txt`].map((f) => path.join(dir, m, f)));
  const present = await Promise.all(candidates.map((p) => fs.stat(p).then((s) => s.isFile(), () => false)));
  return candidates.filter((_, i) => present[i]);
}

/** Until `p` ends: its lines to `listener`, the report delivered once. `since`: when the run started (ms). */
export async function followKolaRun(p: CosaProcess, root: string, since: number, listener: KolaRunListener): Promise<CosaRunResult> {
  let reading: Promise<KolaReportRead> | undefined;
  let delivered = false;
  const sub = p.onLine((line, stream) => {
    if (stream !== 'stdout') {
      return;
    }
    const begun = /^=== RUN {3}(\S+)/.exec(line);
    if (begun) {
      listener.started?.(begun[1]);
    }
    const r = parseResultLine(line);
    if (r) {
      listener.live?.(r.name, r.result, r.seconds);
    }
    if (!reading && isSuiteEndLine(line)) {
      reading = readKolaReport(root, since).then((read) => {
        if ('outcomes' in read) {
          delivered = true;
          listener.report(read);
        }
        return read;
      });
    }
  });
  let result: CosaRunResult;
  try {
    result = await p.result;
  } finally {
    sub.dispose();
  }
  await reading;
  if (!delivered && !result.cancelled) {
    listener.report(await readKolaReport(root, since), result);
  }
  return result;
}
