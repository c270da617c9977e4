// Bench-only (bench/engine.bench.ts): the product runs every cosa command in
// a fresh container (src/engine/cosaProcess.ts); this measures the
// alternative it weighed, a persistent helper container per workspace for quick read-only commands
// (`cosa list`, `cosa meta --dump`, `cosa shell <something>`): started once
// with the alias' flags (detached, running `shell sleep N`), then each
// command is an `exec` instead of a container start. Exec goes through the
// API socket when one answers (~0.1 s), else `podman exec` (~0.2 s).
// Stopped after an idle period, on dispose, and it dies by itself after
// maxLifetimeSeconds even if the extension host is killed (and the next
// activation reports it as a leftover before that).

import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import { containerName, cosaRunArgv, CosaSettings, isMutating } from '../src/cosa/invocation';
import { CosaFailure, parseCosaFailure } from '../src/cosa/cosaFailure';
import { ContainerCli } from '../src/engine/containers';
import { connectApi } from '../src/engine/dockerApi';
import { runCaptured } from '../src/engine/processRunner';
import { RuntimeInfo } from '../src/engine/runtime';

export interface HelperOptions {
  readonly workspace: string;
  readonly settings: CosaSettings;
  readonly runtime: RuntimeInfo;
  readonly ownerPid: number;
  /** Stop after this long without an exec (default 10 min). */
  readonly idleMs?: number;
  /** The container's own `sleep` (default 2 h): the upper bound of a leak. */
  readonly maxLifetimeSeconds?: number;
  /** Use the API socket when it answers (default true). */
  readonly useApi?: boolean;
}

export interface HelperExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly failure?: CosaFailure;
  readonly via: 'api' | 'cli';
}

export const HELPER_PURPOSE = 'helper';

export class HelperContainer {
  readonly containerName: string;
  disposed = false;
  private settings: CosaSettings;
  private started: Promise<void> | undefined;
  private startedKey: string | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private api: Promise<Docker | undefined> | undefined;
  private readonly cli: ContainerCli;
  private inFlight = 0;

  constructor(private readonly options: HelperOptions) {
    this.settings = options.settings;
    this.containerName = containerName(options.workspace, HELPER_PURPOSE);
    this.cli = new ContainerCli(options.runtime.path);
  }

  updateSettings(settings: CosaSettings): void {
    this.settings = settings;
  }

  private argv(): string[] {
    return cosaRunArgv(this.settings, {
      workspace: this.options.workspace,
      args: ['shell', 'sleep', String(this.options.maxLifetimeSeconds ?? 7200)],
      tty: false,
      detach: true,
      purpose: HELPER_PURPOSE,
      ownerPid: this.options.ownerPid,
    }, this.options.runtime);
  }

  /** Start the container if it is not running with the current settings. */
  ensureStarted(): Promise<void> {
    if (this.disposed) {
      return Promise.reject(new Error('the helper container was stopped'));
    }
    const argv = this.argv();
    const key = createHash('sha256').update(JSON.stringify(argv)).digest('hex');
    if (this.started && this.startedKey === key) {
      return this.started;
    }
    this.startedKey = key;
    const previous = this.started;
    this.started = (async () => {
      await previous?.catch(() => undefined);
      // settings changed, or a stale one from an earlier session
      await this.cli.stopAndRemove(this.containerName, 0);
      const r = await runCaptured(this.options.runtime.path, argv, { timeoutMs: 120_000 });
      if (r.exitCode !== 0) {
        throw new Error(`could not start the helper container ${this.containerName}: ${r.stderr.trim().split('\n').pop() ?? `exit code ${r.exitCode}`}`);
      }
    })();
    this.started.catch(() => {
      this.started = undefined;
      this.startedKey = undefined;
    });
    return this.started;
  }

  /** Run `coreos-assembler <args>` in the helper (read-only commands only). */
  async exec(args: readonly string[]): Promise<HelperExecResult> {
    if (isMutating(args)) {
      throw new Error(`cosa ${args[0]} changes the build directory: run it with CosaEngine.start (locked, cancellable), not in the helper`);
    }
    this.inFlight++;
    this.clearIdle();
    try {
      await this.ensureStarted();
      const cmd = ['/usr/bin/coreos-assembler', ...args];
      let result: { exitCode: number; stdout: string; stderr: string };
      let via: 'api' | 'cli';
      const api = this.options.useApi === false ? undefined : await (this.api ??= connectApi(this.options.runtime.socketPath));
      if (api) {
        result = await execApi(api, this.containerName, cmd);
        via = 'api';
      } else {
        result = await runCaptured(this.options.runtime.path, ['exec', '-w', '/srv', this.containerName, ...cmd], { timeoutMs: 120_000 });
        via = 'cli';
      }
      const failure = parseCosaFailure(`${result.stdout}\n${result.stderr}`, result.exitCode);
      return { ...result, via, ...(failure ? { failure } : {}) };
    } finally {
      this.inFlight--;
      this.armIdle();
    }
  }

  private clearIdle(): void {
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
  }

  private armIdle(): void {
    this.clearIdle();
    if (this.inFlight === 0 && !this.disposed) {
      this.idleTimer = setTimeout(() => void this.idleStop(), this.options.idleMs ?? 10 * 60_000);
      this.idleTimer.unref?.();
    }
  }

  private async idleStop(): Promise<void> {
    if (this.inFlight === 0 && this.started) {
      const s = this.started;
      this.started = undefined;
      this.startedKey = undefined;
      await s.catch(() => undefined);
      await this.cli.stopAndRemove(this.containerName, 0);
    }
  }

  /** Stop and remove the container for good. */
  async stop(): Promise<void> {
    this.disposed = true;
    this.clearIdle();
    await this.started?.catch(() => undefined);
    this.started = undefined;
    await this.cli.stopAndRemove(this.containerName, 0);
  }
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
