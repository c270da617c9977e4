/** Running the real `ignition-validate` (Debian package `ignition`) as the oracle. */

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatReport, validateIgnition } from '../../../src/ignition';

export const ORACLE = process.env.IGNITION_VALIDATE ?? '/usr/bin/ignition-validate';

export interface Outcome { stdout: string; stderr: string; exitCode: number }

export function oracleAvailable(): { ok: boolean; version?: string; why?: string } {
  if (!existsSync(ORACLE)) return { ok: false, why: `${ORACLE} not found: install the Debian package "ignition" (apt-get install ignition)` };
  const r = spawnSync(ORACLE, ['-version'], { encoding: 'utf8' });
  if (r.status !== 0) return { ok: false, why: `${ORACLE} -version failed: ${r.stderr}` };
  return { ok: true, version: r.stdout.trim() };
}

/** A single run takes ~30 ms of CPU; one that has not ended after this long hangs. */
export const ORACLE_HANG_MS = 30_000;

/**
 * The oracle over many files: `shells` shell loops (one per core), each running it on its share of
 * the files, `timeout` guarding each run against a hang. A loop in sh starts each run for a fraction
 * of what a spawn from this process costs. Outputs go to `outDir`, read back in the files' order.
 */
export async function runOracleAll(files: readonly string[], outDir: string, shells = 2): Promise<Outcome[]> {
  const loop = 'out=$1; oracle=$2; i=$3; shift 3; for f do timeout -s KILL "$HANG" "$oracle" "$f" >"$out/$i.out" 2>"$out/$i.err"; echo $? >"$out/$i.rc"; i=$((i+1)); done';
  mkdirSync(outDir, { recursive: true });
  const share = Math.ceil(files.length / shells);
  await Promise.all(Array.from({ length: shells }, (_, k) => new Promise<void>((resolve, reject) => {
    const mine = files.slice(k * share, (k + 1) * share);
    if (!mine.length) return resolve();
    const p = spawn('sh', ['-c', loop, 'sh', outDir, ORACLE, String(k * share), ...mine], {
      stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, HANG: String(ORACLE_HANG_MS / 1000) },
    });
    let stderr = '';
    p.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`the oracle's loop ended with ${code}: ${stderr}`))));
  })));
  return files.map((file, i) => {
    const exitCode = Number(readFileSync(join(outDir, `${i}.rc`), 'utf8'));
    if (exitCode === 137) throw new Error(`${ORACLE} ${file} did not end within ${ORACLE_HANG_MS} ms`);
    return { stdout: readFileSync(join(outDir, `${i}.out`), 'utf8'), stderr: readFileSync(join(outDir, `${i}.err`), 'utf8'), exitCode };
  });
}

export function ours(text: string): Outcome {
  return formatReport(validateIgnition(text));
}

/** Which spec version the oracle (2.14) would validate this text as, if any (3.0–3.3). */
export function oracleSupports(text: string): boolean {
  const r = validateIgnition(text);
  if (r.fatal === 'not a config (empty)' || r.fatal === "invalid config version (couldn't parse)") return true;
  if (r.version === undefined) return true; // JSON/type errors before the version is known
  return ['3.0.0', '3.1.0', '3.2.0', '3.3.0'].includes(normalizeVersion(r.version));
}

function normalizeVersion(v: string): string {
  const m = /^\+?0*(\d+)\.\+?0*(\d+)\.\+?0*(\d+)(?:-)?$/.exec(v);
  return m ? `${m[1]}.${m[2]}.${m[3]}` : v;
}

export type Verdict = 'same' | 'order-only' | 'different';

/** Compare outputs; Go iterates maps in random order, so the same lines in another order are reported separately. */
export function compare(a: Outcome, b: Outcome): Verdict {
  if (a.stdout === b.stdout && a.stderr === b.stderr && a.exitCode === b.exitCode) return 'same';
  const sort = (s: string): string => s.split('\n').sort().join('\n');
  if (sort(a.stdout) === sort(b.stdout) && a.stderr === b.stderr && a.exitCode === b.exitCode) return 'order-only';
  return 'different';
}
