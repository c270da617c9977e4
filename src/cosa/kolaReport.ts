// kola's JSON report (<output-dir>/reports/report.json), the shape written by
// coreos-assembler mantle/harness/reporters/json.go: {"tests":[{name,
// subtests, result, duration (Go time.Duration: nanoseconds), output}],
// "result", "platform", "version"}. Pure.

export type KolaResult = 'PASS' | 'FAIL' | 'SKIP' | 'WARN';
const RESULTS: ReadonlySet<string> = new Set(['PASS', 'FAIL', 'SKIP', 'WARN']);

export interface KolaReportTest {
  readonly name: string;
  readonly subtests: readonly string[];
  readonly result: KolaResult;
  readonly durationNs: number;
  readonly output: string;
}

export interface KolaReport {
  readonly tests: readonly KolaReportTest[];
  /** The suite's result; '' when kola died before setting it. */
  readonly result: KolaResult | '';
  readonly platform: string;
  readonly version: string;
}

export class KolaReportError extends Error {}

function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

export function parseKolaReport(text: string, source = 'report.json'): KolaReport {
  const fail = (msg: string): never => {
    throw new KolaReportError(`${source}: ${msg}`);
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text) as unknown;
  } catch (e) {
    return fail(text.trim() === '' ? 'empty file (kola still running, or it died before writing the report)' : `not JSON: ${(e as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return fail(`expected a JSON object, found ${kind(doc)}`);
  }
  const o = doc as Record<string, unknown>;
  const str = (v: unknown, where: string): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : fail(`${where} must be a string, found ${kind(v)}`));
  const rawTests = o.tests ?? [];
  if (!Array.isArray(rawTests)) {
    return fail(`"tests" must be an array, found ${kind(rawTests)}`);
  }
  const tests = rawTests.map((t: unknown, i): KolaReportTest => {
    const at = `tests[${i}]`;
    if (typeof t !== 'object' || t === null || Array.isArray(t)) {
      return fail(`${at} must be an object, found ${kind(t)}`);
    }
    const r = t as Record<string, unknown>;
    const name = str(r.name, `${at}.name`);
    if (!name) {
      fail(`${at}.name is missing`);
    }
    const subtests = r.subtests ?? [];
    if (!Array.isArray(subtests) || subtests.some((s) => typeof s !== 'string')) {
      fail(`${at}.subtests must be an array of strings or null`);
    }
    const result = str(r.result, `${at}.result`);
    if (!RESULTS.has(result)) {
      fail(`${at}.result must be one of PASS, FAIL, SKIP, WARN, found ${JSON.stringify(r.result)}`);
    }
    const duration = r.duration ?? 0;
    if (typeof duration !== 'number' || !Number.isInteger(duration) || duration < 0) {
      fail(`${at}.duration must be a whole number of nanoseconds, found ${JSON.stringify(r.duration)}`);
    }
    return { name, subtests: subtests as string[], result: result as KolaResult, durationNs: duration as number, output: str(r.output, `${at}.output`) };
  });
  const result = str(o.result, '"result"');
  if (result !== '' && !RESULTS.has(result)) {
    fail(`"result" must be one of PASS, FAIL, SKIP, WARN, found ${JSON.stringify(result)}`);
  }
  return { tests, result: result as KolaResult | '', platform: str(o.platform, '"platform"'), version: str(o.version, '"version"') };
}

const WRAPPER = /^non-exclusive-test-bucket-[0-9]+$/;
const WRAPPED = /^non-exclusive-test-bucket-[0-9]+\//;

export interface KolaTestOutcome {
  /** The kola test name (non-exclusive bucket prefix removed), e.g. ext.config.files.license or basic/PortSSH. */
  readonly name: string;
  readonly result: KolaResult;
  readonly durationMs: number;
  /** The test's log output without the harness' indentation. */
  readonly output: string;
  /** The first error line of the log (file:line prefix removed), for failed tests. */
  readonly message?: string;
}

/** The harness indents each log entry with 8 spaces and `file.go:NN: `. */
const LOG_PREFIX = /^ {8}(?:[\w.-]+\.go:\d+: )?/;

export function cleanOutput(output: string): string {
  return output.split('\n').map((l) => l.replace(LOG_PREFIX, '')).join('\n').replace(/\n+$/, '');
}

function firstMessage(output: string): string | undefined {
  for (const line of output.split('\n')) {
    const m = /^ {8}[\w.-]+\.go:\d+: (.*)$/.exec(line);
    if (m && m[1].trim()) {
      return m[1].trim();
    }
  }
  const any = cleanOutput(output).split('\n').find((l) => l.trim());
  return any?.trim();
}

/**
 * One outcome per kola test: a non-exclusive bucket's subtests under their own
 * names; a bucket that failed before any of its tests started fails them all.
 */
export function testOutcomes(report: KolaReport): KolaTestOutcome[] {
  const out = new Map<string, KolaTestOutcome>();
  const outcome = (name: string, t: KolaReportTest): KolaTestOutcome => ({
    name,
    result: t.result,
    durationMs: Math.round(t.durationNs / 1e6),
    output: cleanOutput(t.output),
    message: t.result === 'FAIL' || t.result === 'WARN' ? firstMessage(t.output) : undefined,
  });
  for (const t of report.tests) {
    if (WRAPPED.test(t.name)) {
      out.set(t.name.replace(WRAPPED, ''), outcome(t.name.replace(WRAPPED, ''), t));
    } else if (!WRAPPER.test(t.name)) {
      out.set(t.name, outcome(t.name, t));
    }
  }
  for (const t of report.tests) {
    if (WRAPPER.test(t.name) && t.result === 'FAIL') {
      for (const sub of t.subtests) {
        const name = sub.replace(WRAPPED, '');
        if (!out.has(name)) {
          out.set(name, { ...outcome(name, t), durationMs: 0 });
        }
      }
    }
  }
  return [...out.values()];
}

/** `--- PASS: name (1.23s)` lines kola prints as each test ends (verbose harness output). */
export function parseResultLine(line: string): { name: string; result: KolaResult; seconds: number } | undefined {
  // eslint-disable-next-line no-control-regex
  const plain = line.replace(/\x1b\[[0-9;]*m/g, '');
  const m = /^\s*--- (PASS|FAIL|SKIP|WARN): (\S+) \((\d+(?:\.\d+)?)s\)\s*$/.exec(plain);
  if (!m) {
    return undefined;
  }
  return { result: m[1] as KolaResult, name: m[2].replace(WRAPPED, ''), seconds: Number(m[3]) };
}

/**
 * kola's last line, `PASS, output in D` / `FAIL, output in D`: printed after
 * the harness has written reports/report.json (mantle/kola/harness.go prints
 * it once suite.Run has returned; the report is written in Run's deferred
 * function), so the report can be read right then.
 */
export function isSuiteEndLine(line: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /^(?:PASS|FAIL), output in \S/.test(line.replace(/\x1b\[[0-9;]*m/g, ''));
}
