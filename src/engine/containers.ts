// Container operations through the runtime's CLI (works for podman and
// docker, rootless or not, with no API socket). Process level, no vscode.

import { LABEL, LABEL_OWNER_PID, LABEL_PURPOSE, LABEL_WORKSPACE, LABEL_MUTATING } from '../cosa/invocation';
import { runCaptured } from './processRunner';

export interface ContainerSummary {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly image: string;
}

export function workspaceOf(c: ContainerSummary): string | undefined {
  return c.labels[LABEL_WORKSPACE];
}
export function purposeOf(c: ContainerSummary): string | undefined {
  return c.labels[LABEL_PURPOSE];
}
export function ownerPidOf(c: ContainerSummary): number | undefined {
  const v = Number(c.labels[LABEL_OWNER_PID]);
  return Number.isInteger(v) && v > 0 ? v : undefined;
}
export function isMutatingContainer(c: ContainerSummary): boolean {
  return c.labels[LABEL_MUTATING] === '1';
}

function parseLabels(v: unknown): Record<string, string> {
  if (v && typeof v === 'object') {
    return v as Record<string, string>;
  }
  if (typeof v === 'string') {
    // docker: "a=b,c=d"
    const out: Record<string, string> = {};
    for (const kv of v.split(',')) {
      const i = kv.indexOf('=');
      if (i > 0) {
        out[kv.slice(0, i)] = kv.slice(i + 1);
      }
    }
    return out;
  }
  return {};
}

/** `podman ps --format json` (an array) or `docker ps --format '{{json .}}'` (one object a line). */
export function parsePsJson(text: string): ContainerSummary[] {
  const t = text.trim();
  if (!t) {
    return [];
  }
  const rows: Record<string, unknown>[] = t.startsWith('[') ? JSON.parse(t) : t.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return rows.map((r) => {
    const names = r.Names;
    const name = Array.isArray(names) ? String(names[0] ?? '') : String(names ?? '');
    return {
      id: String(r.Id ?? r.ID ?? ''),
      name: name.replace(/^\//, ''),
      state: String(r.State ?? '').toLowerCase(),
      labels: parseLabels(r.Labels),
      image: String(r.Image ?? ''),
    };
  });
}

export class ContainerCli {
  constructor(readonly exe: string) {}

  /** All containers (any state) with our label, optionally narrowed by more label filters. */
  async list(filters: Readonly<Record<string, string>> = {}): Promise<ContainerSummary[]> {
    const argv = ['ps', '-a', '--filter', `label=${LABEL}=1`];
    for (const [k, v] of Object.entries(filters)) {
      argv.push('--filter', `label=${k}=${v}`);
    }
    const isDocker = /docker$/.test(this.exe);
    argv.push('--format', isDocker ? '{{json .}}' : 'json');
    const r = await runCaptured(this.exe, argv, { timeoutMs: 30_000 });
    if (r.exitCode !== 0) {
      throw new Error(`${this.exe} ps failed (exit code ${r.exitCode}): ${r.stderr.trim()}`);
    }
    return parsePsJson(r.stdout);
  }

  async exists(name: string): Promise<boolean> {
    if (/docker$/.test(this.exe)) {
      const r = await runCaptured(this.exe, ['container', 'inspect', '--format', '{{.Id}}', name], { timeoutMs: 15_000 });
      return r.exitCode === 0;
    }
    const r = await runCaptured(this.exe, ['container', 'exists', name], { timeoutMs: 15_000 });
    return r.exitCode === 0;
  }

  /** The full id of the container named `name`; undefined when there is none. */
  async idOf(name: string): Promise<string | undefined> {
    const r = await runCaptured(this.exe, ['container', 'inspect', '--format', '{{.Id}}', name], { timeoutMs: 15_000 });
    const id = r.stdout.trim();
    return r.exitCode === 0 && /^[0-9a-f]{12,}$/.test(id) ? id : undefined;
  }

  /** SIGTERM, then SIGKILL after `seconds`. True when the runtime says it stopped it. */
  async stop(name: string, seconds: number): Promise<boolean> {
    const r = await runCaptured(this.exe, ['stop', '-t', String(seconds), name], { timeoutMs: (seconds + 20) * 1000 });
    return r.exitCode === 0;
  }

  async kill(name: string): Promise<boolean> {
    const r = await runCaptured(this.exe, ['kill', name], { timeoutMs: 15_000 });
    return r.exitCode === 0;
  }

  /** `rm -f`; a running container gets `seconds` after SIGTERM (podman; docker kills at once). */
  async remove(name: string, seconds = 10): Promise<boolean> {
    const isDocker = /docker$/.test(this.exe);
    const r = await runCaptured(this.exe, ['rm', '-f', ...(isDocker ? [] : ['-t', String(seconds)]), name], { timeoutMs: (seconds + 30) * 1000 });
    return r.exitCode === 0;
  }

  /** Poll until the container no longer exists (run --rm removes it after stop). */
  async waitGone(name: string, timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      if (!(await this.exists(name))) {
        return true;
      }
      if (Date.now() > end) {
        return false;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * Stop a container for good: `stop -t N` (SIGTERM to dumb-init, which passes
   * it to cosa's process group), then `kill`, then `rm -f`; resolves when it is gone.
   */
  async stopAndRemove(name: string, graceSeconds: number): Promise<boolean> {
    if (!(await this.exists(name))) {
      return true;
    }
    await this.stop(name, graceSeconds);
    if (await this.waitGone(name, 3000)) {
      return true;
    }
    await this.kill(name);
    await this.remove(name);
    return this.waitGone(name, 10_000);
  }
}
