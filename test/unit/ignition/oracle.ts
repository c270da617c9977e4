/** Running the real `ignition-validate` (Debian package `ignition`) as the oracle. */

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { formatReport, validateIgnition } from '../../../src/ignition';

export const ORACLE = process.env.IGNITION_VALIDATE ?? '/usr/bin/ignition-validate';

export interface Outcome { stdout: string; stderr: string; exitCode: number }

export function oracleAvailable(): { ok: boolean; version?: string; why?: string } {
  if (!existsSync(ORACLE)) return { ok: false, why: `${ORACLE} not found: install the Debian package "ignition" (apt-get install ignition)` };
  const r = spawnSync(ORACLE, ['-version'], { encoding: 'utf8' });
  if (r.status !== 0) return { ok: false, why: `${ORACLE} -version failed: ${r.stderr}` };
  return { ok: true, version: r.stdout.trim() };
}

export function runOracle(file: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const p = spawn(ORACLE, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    p.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    p.on('error', reject);
    p.on('close', (code) => resolve({ stdout, stderr, exitCode: code ?? -1 }));
  });
}

/** Run `fn` over items with at most `limit` in flight. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
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
