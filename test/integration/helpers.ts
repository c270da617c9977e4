// Helpers of the engine integration tests: scratch workspaces and config
// repos, settings for the stand-in image, counting our containers.

import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CosaSettings, LABEL, LABEL_OWNER_PID, LABEL_WORKSPACE, workspaceId } from '../../src/cosa/invocation';
import { resolveCosaSettings } from '../../src/cosa/settingsResolution';
import { CosaProcess, CosaRunResult } from '../../src/engine/cosaProcess';
import { STAND_IN_IMAGE } from '../support/standInPrerequisites';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const IMAGE = STAND_IN_IMAGE;
const scratch: string[] = [];
const workspaces = new Set<string>();

export function tempDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `cosa-it-${prefix}-`));
  scratch.push(d);
  return d;
}

/** A fresh, empty workspace (a path with a space and a quote, to prove argv is literal). */
export function makeWorkspace(name = 'ws'): string {
  const d = path.join(tempDir(name), "my builds 'x'");
  fs.mkdirSync(d);
  workspaces.add(workspaceId(d));
  return d;
}

/** A local config git repo (test/fixtures/config-repo), one commit on testing-devel. */
export function makeConfigRepo(...overrides: string[]): string {
  const d = path.join(tempDir('cfg'), 'config');
  execFileSync('bash', [path.join(repoRoot, 'test/fixtures/config-repo/make-config-repo.sh'), d, ...overrides], { stdio: 'pipe' });
  return d;
}

export function removeScratch(): void {
  for (const d of scratch.splice(0)) {
    fs.rmSync(d, { recursive: true, force: true });
  }
}

/** Settings for the stand-in: fast builds unless the test wants a long one. */
export function standinSettings(extra: { buildSeconds?: number; runtimeArgs?: string; configGit?: string } = {}): CosaSettings {
  const args = `-e COSA_STANDIN_BUILD_SECONDS=${extra.buildSeconds ?? 0.3} -e COSA_STANDIN_LOG_LINES=40 --pull=never ${extra.runtimeArgs ?? ''}`;
  return resolveCosaSettings({ image: IMAGE, runtimeArgs: args, ...(extra.configGit ? { configGit: extra.configGit } : {}) }, {});
}

/** Names of labelled containers owned by this process or of this suite's workspaces. */
export function ourContainers(): string[] {
  const out = execFileSync('podman', ['ps', '-a', '--filter', `label=${LABEL}=1`, '--format', 'json'], { encoding: 'utf8' });
  const rows = JSON.parse(out || '[]') as { Names: string[]; Labels: Record<string, string> }[];
  return rows
    .filter((r) => r.Labels[LABEL_OWNER_PID] === String(process.pid) || workspaces.has(r.Labels[LABEL_WORKSPACE] ?? ''))
    .map((r) => r.Names[0]!)
    .sort();
}

export function containerExists(name: string): boolean {
  try {
    execFileSync('podman', ['container', 'exists', name], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

export interface Collected {
  readonly result: CosaRunResult;
  readonly lines: string[];
  readonly data: string;
}

export async function collect(p: CosaProcess): Promise<Collected> {
  const lines: string[] = [];
  let data = '';
  p.onLine((l) => lines.push(l));
  p.onData((d) => { data += d; });
  const result = await p.result;
  return { result, lines, data };
}

/** Resolves at the first line matching re. */
export function waitForLine(p: CosaProcess, re: RegExp, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no line matching ${re} within ${timeoutMs} ms`)), timeoutMs);
    const d = p.onLine((l) => {
      if (re.test(l)) {
        clearTimeout(t);
        d.dispose();
        resolve(l);
      }
    });
    void p.result.then(() => {
      clearTimeout(t);
      reject(new Error(`the process ended before a line matched ${re}`));
    });
  });
}

/**
 * Awaits p, or fails naming the step when it takes longer than ms, with the processes then
 * running: a hang reports where it is instead of running into mocha's timeout.
 */
export async function within<T>(step: string, ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const ps = spawnSync('ps', ['-eo', 'pid,ppid,etimes,args'], { encoding: 'utf8' }).stdout ?? '';
      // The local clients only (conmon's lines of the builder's containers are long and say nothing here).
      const related = ps.split('\n').filter((l) => /^\s*\d+\s+\d+\s+\d+\s+(?:\S*\/)?(?:podman|ssh|kubectl|rsync)\s/.test(l)).join('\n');
      reject(new Error(`${step}: not done within ${ms} ms; processes now:\n${related}`));
    }, ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Owner uid:gid of every entry under dir (not following symlinks), excluding the dir itself. */
export function ownersUnder(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const st = fs.lstatSync(p);
      out.set(path.relative(dir, p), `${st.uid}:${st.gid}`);
      if (e.isDirectory() && !e.isSymbolicLink()) {
        walk(p);
      }
    }
  };
  walk(dir);
  return out;
}
