// dockerode for what an API does better than a CLI: listing images and our
// containers, pulling the cosa image with per-layer progress, runtime events,
// exec into the persistent helper. Through the podman or docker socket when
// one answers; `Inventory` falls back to the CLI when none does.
// Process level, no vscode.

import type Docker from 'dockerode';
import { assertImageReference, LABEL } from '../cosa/invocation';
import { ContainerCli, ContainerSummary } from './containers';
import { Disposable, runCaptured } from './processRunner';
import { RuntimeInfo } from './runtime';
import { requireBundle } from './bundleLoader';

export interface ImageSummary {
  readonly id: string;
  readonly tags: readonly string[];
  readonly size: number;
  /** Unix seconds. */
  readonly created: number;
}

type DockerCtor = new (options: Docker.DockerOptions) => Docker;
let dockerCtor: DockerCtor | null | undefined;
/**
 * dockerode, loaded on first use: from its own bundle beside the extension
 * bundle (dist/dockerode.js, see scripts/build.mjs), so activation does not
 * pay for it; from node_modules when running from source (tests). Where
 * neither loads, callers fall back to the CLI.
 */
export function loadDockerode(): DockerCtor | undefined {
  if (dockerCtor === undefined) {
    try {
      const mod = requireBundle<DockerCtor | { default: DockerCtor }>('dockerode.js', 'dockerode');
      dockerCtor = 'default' in mod ? mod.default : mod;
    } catch {
      dockerCtor = null;
    }
  }
  return dockerCtor ?? undefined;
}

/** A client for the socket, or undefined when nothing answers a ping within timeoutMs. */
export async function connectApi(socketPath: string | undefined, timeoutMs = 3000): Promise<Docker | undefined> {
  const Ctor = loadDockerode();
  if (!socketPath || !Ctor) {
    return undefined;
  }
  const api = new Ctor({ socketPath, timeout: timeoutMs });
  try {
    await api.ping();
    // later calls (pull, events, exec streams) must not time out
    return new Ctor({ socketPath });
  } catch {
    return undefined;
  }
}

export async function listImagesApi(api: Docker): Promise<ImageSummary[]> {
  const images = await api.listImages();
  return images.map((i) => ({ id: i.Id.replace(/^sha256:/, ''), tags: i.RepoTags ?? [], size: i.Size, created: i.Created }));
}

export async function listOurContainersApi(api: Docker, labels: Readonly<Record<string, string>> = {}): Promise<ContainerSummary[]> {
  const label = [`${LABEL}=1`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
  const list = await api.listContainers({ all: true, filters: JSON.stringify({ label }) });
  return list.map((c) => ({
    id: c.Id,
    name: (c.Names[0] ?? '').replace(/^\//, ''),
    state: String(c.State ?? '').toLowerCase(),
    labels: c.Labels ?? {},
    image: c.Image,
  }));
}

/** `podman images --format json` / `docker images --format '{{json .}}'`. */
export function parseImagesJson(text: string): ImageSummary[] {
  const t = text.trim();
  if (!t) {
    return [];
  }
  const rows: Record<string, unknown>[] = t.startsWith('[') ? JSON.parse(t) : t.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return rows.map((r) => {
    const names = Array.isArray(r.Names) ? (r.Names as string[])
      : r.Repository ? [`${String(r.Repository)}:${String(r.Tag ?? 'latest')}`] : [];
    return {
      id: String(r.Id ?? r.ID ?? '').replace(/^sha256:/, ''),
      tags: names,
      size: typeof r.Size === 'number' ? r.Size : 0,
      created: typeof r.Created === 'number' ? r.Created : 0,
    };
  });
}

// ------------------------------------------------------------------ pull progress

export interface PullEvent {
  readonly id?: string;
  readonly status?: string;
  readonly progressDetail?: { readonly current?: number; readonly total?: number };
  readonly error?: string;
  readonly errorDetail?: { readonly message?: string };
}

export interface LayerProgress {
  readonly status: string;
  readonly current: number;
  readonly total: number;
}

export interface PullProgress {
  readonly layers: ReadonlyMap<string, LayerProgress>;
  /** Bytes done / bytes known, over layers whose size is known (0..1). */
  readonly fraction: number;
  readonly lastStatus: string;
}

/** Folds the API's pull events into per-layer progress. Pure. */
export class PullProgressTracker {
  private readonly layers = new Map<string, LayerProgress>();
  private last = '';

  push(e: PullEvent): PullProgress {
    if (e.error || e.errorDetail?.message) {
      throw new Error(e.errorDetail?.message ?? e.error);
    }
    if (e.id && e.status) {
      const prev = this.layers.get(e.id);
      const done = /^(Download complete|Pull complete|Already exists|Verifying Checksum)$/.test(e.status);
      const total = e.progressDetail?.total ?? prev?.total ?? 0;
      const current = done ? total : e.progressDetail?.current ?? prev?.current ?? 0;
      this.layers.set(e.id, { status: e.status, current, total });
    }
    if (e.status) {
      this.last = e.id ? `${e.id}: ${e.status}` : e.status;
    }
    return this.snapshot();
  }

  snapshot(): PullProgress {
    let cur = 0;
    let tot = 0;
    for (const l of this.layers.values()) {
      if (l.total > 0) {
        cur += Math.min(l.current, l.total);
        tot += l.total;
      }
    }
    return { layers: new Map(this.layers), fraction: tot > 0 ? cur / tot : 0, lastStatus: this.last };
  }
}

export async function pullImageApi(api: Docker, ref: string, onProgress: (p: PullProgress) => void): Promise<void> {
  const stream = await api.pull(ref) as NodeJS.ReadableStream;
  const tracker = new PullProgressTracker();
  await new Promise<void>((resolve, reject) => {
    api.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve()), (e: PullEvent) => {
      try {
        onProgress(tracker.push(e));
      } catch (err) {
        reject(err);
      }
    });
  });
}

export interface RuntimeEvent {
  readonly type: string;
  readonly action: string;
  readonly name?: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** Container events with our label (create/start/die/remove...). */
export async function watchEventsApi(api: Docker, onEvent: (e: RuntimeEvent) => void): Promise<Disposable> {
  const stream = await api.getEvents({ filters: JSON.stringify({ type: ['container'], label: [`${LABEL}=1`] }) }) as NodeJS.ReadableStream & { destroy?: () => void };
  let buf = '';
  stream.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      if (!line) {
        continue;
      }
      try {
        const e = JSON.parse(line) as { Type?: string; Action?: string; status?: string; Actor?: { Attributes?: Record<string, string> } };
        const attrs = e.Actor?.Attributes ?? {};
        onEvent({ type: e.Type ?? 'container', action: e.Action ?? e.status ?? '', ...(attrs.name ? { name: attrs.name } : {}), labels: attrs });
      } catch {
        // partial or foreign line
      }
    }
  });
  stream.on('error', () => undefined);
  return { dispose: () => stream.destroy?.() };
}

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** exec through the API: create, start (multiplexed stream), inspect for the exit code. */
export async function execApi(api: Docker, container: string, cmd: readonly string[], workingDir = '/srv'): Promise<ExecResult> {
  const exec = await api.getContainer(container).exec({ Cmd: [...cmd], AttachStdout: true, AttachStderr: true, WorkingDir: workingDir });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    const sink = (into: Buffer[]) => ({ write: (b: Buffer) => { into.push(Buffer.from(b)); return true; } });
    api.modem.demuxStream(stream, sink(out) as unknown as NodeJS.WritableStream, sink(err) as unknown as NodeJS.WritableStream);
    stream.on('end', () => resolve());
    stream.on('close', () => resolve());
    stream.on('error', reject);
  });
  let info = await exec.inspect();
  for (let i = 0; info.Running && i < 50; i++) {
    await new Promise((r) => setTimeout(r, 20));
    info = await exec.inspect();
  }
  return { exitCode: info.ExitCode ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/** Images and our containers through the API when the socket answers, else the CLI. */
export class Inventory {
  private api: Promise<Docker | undefined> | undefined;

  constructor(readonly runtime: RuntimeInfo) {}

  /** The API client, or undefined (then the CLI is used). */
  client(): Promise<Docker | undefined> {
    this.api ??= connectApi(this.runtime.socketPath);
    return this.api;
  }

  async via(): Promise<'api' | 'cli'> {
    return (await this.client()) ? 'api' : 'cli';
  }

  async images(): Promise<ImageSummary[]> {
    const api = await this.client();
    if (api) {
      return listImagesApi(api);
    }
    const isDocker = this.runtime.kind === 'docker';
    const r = await runCaptured(this.runtime.path, ['images', '--format', isDocker ? '{{json .}}' : 'json'], { timeoutMs: 30_000 });
    if (r.exitCode !== 0) {
      throw new Error(`${this.runtime.kind} images failed: ${r.stderr.trim()}`);
    }
    return parseImagesJson(r.stdout);
  }

  async ourContainers(labels: Readonly<Record<string, string>> = {}): Promise<ContainerSummary[]> {
    const api = await this.client();
    return api ? listOurContainersApi(api, labels) : new ContainerCli(this.runtime.path).list(labels);
  }

  /** Pull with per-layer progress through the API; the CLI fallback reports its lines as status. */
  async pull(ref: string, onProgress: (p: PullProgress) => void): Promise<void> {
    assertImageReference(ref);
    const api = await this.client();
    if (api) {
      return pullImageApi(api, ref, onProgress);
    }
    const r = await runCaptured(this.runtime.path, ['pull', ref], { timeoutMs: 60 * 60_000 });
    onProgress({ layers: new Map(), fraction: r.exitCode === 0 ? 1 : 0, lastStatus: r.stderr.trim().split('\n').pop() ?? '' });
    if (r.exitCode !== 0) {
      throw new Error(`${this.runtime.kind} pull ${ref} failed: ${r.stderr.trim().split('\n').pop() ?? ''}`);
    }
  }
}
