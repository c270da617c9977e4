// Container runtime detection: which runtime, its version, rootless or
// rootful, the invoking user, and where its API socket is. Cached; refresh()
// asks again. Process level, no vscode.

import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { ContainerRuntime, RuntimeHost } from '../cosa/invocation';
import { findOnPath } from './executables';
import { runCaptured } from './processRunner';

export interface RuntimeInfo extends RuntimeHost {
  /** Absolute path of the runtime executable. */
  readonly path: string;
  /** A unix socket path of the runtime's (Docker-compatible) API, if one exists. */
  readonly socketPath?: string;
  /** How the socket was found, for the prerequisite report. */
  readonly socketSource?: string;
}

export class RuntimeNotFoundError extends Error {
  constructor(readonly runtime: string) {
    super(`${runtime} was not found on PATH. Install it (e.g. \`sudo apt install ${runtime}\`) or pick another runtime in the coreos.containerRuntime setting.`);
  }
}

function isSocket(p: string): boolean {
  try {
    return statSync(p).isSocket();
  } catch {
    return false;
  }
}

/** unix:///run/podman/podman.sock -> /run/podman/podman.sock; anything else (tcp://, ssh://) -> undefined. */
export function unixSocketFromUrl(url: string | undefined): string | undefined {
  if (!url) {
    return undefined;
  }
  const m = /^unix:\/\/(\/.*)$/.exec(url.trim());
  return m ? m[1] : url.startsWith('/') ? url : undefined;
}

/** Candidate API sockets in order of preference (pure, for tests). */
export function socketCandidates(kind: ContainerRuntime, env: Readonly<Record<string, string | undefined>>, rootless: boolean, remoteSocket?: string): [string, string][] {
  const out: [string, string][] = [];
  const push = (p: string | undefined, source: string) => {
    if (p && !out.some(([q]) => q === p)) {
      out.push([p, source]);
    }
  };
  if (kind === 'podman') {
    push(unixSocketFromUrl(env.CONTAINER_HOST), 'CONTAINER_HOST');
    push(remoteSocket, 'podman info host.remoteSocket');
    if (rootless && env.XDG_RUNTIME_DIR) {
      push(path.join(env.XDG_RUNTIME_DIR, 'podman', 'podman.sock'), '$XDG_RUNTIME_DIR/podman/podman.sock');
    }
    if (!rootless) {
      push('/run/podman/podman.sock', '/run/podman/podman.sock');
    }
    push(unixSocketFromUrl(env.DOCKER_HOST), 'DOCKER_HOST');
  } else {
    push(unixSocketFromUrl(env.DOCKER_HOST), 'DOCKER_HOST');
    if (env.XDG_RUNTIME_DIR) {
      push(path.join(env.XDG_RUNTIME_DIR, 'docker.sock'), '$XDG_RUNTIME_DIR/docker.sock');
    }
    push('/var/run/docker.sock', '/var/run/docker.sock');
  }
  return out;
}

interface PodmanInfo {
  host?: { security?: { rootless?: boolean }; remoteSocket?: { path?: string; exists?: boolean } };
  version?: { Version?: string };
}

async function detectPodman(exe: string, env: NodeJS.ProcessEnv): Promise<Omit<RuntimeInfo, 'uid' | 'gid' | 'kind' | 'path'>> {
  const r = await runCaptured(exe, ['info', '--format', 'json'], { timeoutMs: 30_000, env });
  if (r.exitCode !== 0) {
    throw new Error(`\`${exe} info\` failed (exit code ${r.exitCode}): ${r.stderr.trim().split('\n').pop() ?? ''}`);
  }
  const info = JSON.parse(r.stdout) as PodmanInfo;
  const rootless = info.host?.security?.rootless ?? (process.getuid?.() !== 0);
  const remote = unixSocketFromUrl(info.host?.remoteSocket?.path);
  const found = socketCandidates('podman', env, rootless, remote).find(([p]) => isSocket(p));
  return {
    rootless,
    ...(info.version?.Version ? { version: info.version.Version } : {}),
    ...(found ? { socketPath: found[0], socketSource: found[1] } : {}),
  };
}

async function detectDocker(exe: string, env: NodeJS.ProcessEnv): Promise<Omit<RuntimeInfo, 'uid' | 'gid' | 'kind' | 'path'>> {
  const r = await runCaptured(exe, ['version', '--format', '{{.Client.Version}}'], { timeoutMs: 15_000, env });
  const version = r.stdout.trim() || undefined;
  const sec = await runCaptured(exe, ['info', '--format', '{{json .SecurityOptions}}'], { timeoutMs: 15_000, env });
  const rootless = sec.exitCode === 0 && sec.stdout.includes('rootless');
  const found = socketCandidates('docker', env, rootless).find(([p]) => isSocket(p));
  return {
    rootless,
    ...(version ? { version } : {}),
    ...(found ? { socketPath: found[0], socketSource: found[1] } : {}),
  };
}

export async function detectRuntime(kind: ContainerRuntime, env: NodeJS.ProcessEnv = process.env): Promise<RuntimeInfo> {
  const exe = findOnPath(kind, env.PATH);
  if (!exe) {
    throw new RuntimeNotFoundError(kind);
  }
  const facts = kind === 'podman' ? await detectPodman(exe, env) : await detectDocker(exe, env);
  return { kind, path: exe, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, ...facts };
}

/** Detects once per runtime kind; refresh() forgets. Concurrent callers share one detection. */
export class RuntimeDetector {
  private readonly cache = new Map<ContainerRuntime, Promise<RuntimeInfo>>();

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  get(kind: ContainerRuntime): Promise<RuntimeInfo> {
    let p = this.cache.get(kind);
    if (!p) {
      p = detectRuntime(kind, this.env);
      this.cache.set(kind, p);
      p.catch(() => this.cache.delete(kind));
    }
    return p;
  }

  /** Detection was asked for this kind (it may still be running or have failed). */
  has(kind: ContainerRuntime): boolean {
    return this.cache.has(kind);
  }

  refresh(kind?: ContainerRuntime): void {
    if (kind) {
      this.cache.delete(kind);
    } else {
      this.cache.clear();
    }
  }
}

export function socketExists(p: string | undefined): boolean {
  return p !== undefined && existsSync(p) && isSocket(p);
}
