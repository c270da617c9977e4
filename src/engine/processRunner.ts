// Spawning processes with execa (v9): argv arrays only, never a shell.
// Streams stdout/stderr as raw text (interleaved as they come, for terminals)
// and as lines tagged with their stream. Process level, no vscode.
//
// execa is ESM-only. It is loaded with a dynamic import(): esbuild bundles it
// into the CommonJS extension bundle, and tsx (tests, benchmarks) loads the
// real ESM module instead of transpiling it to CommonJS (which breaks on its
// dependencies' "exports" maps).

import { StringDecoder } from 'node:string_decoder';
import { LineSplitter } from './lineSplitter';
import type { Options, ResultPromise } from 'execa';

export interface Disposable {
  dispose(): void;
}

export type StreamName = 'stdout' | 'stderr';

export interface SpawnOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Keep stdin open as a pipe (write()); otherwise stdin is /dev/null. */
  readonly stdin?: boolean;
}

export interface ProcessExit {
  readonly exitCode: number;
  /** Set when the process was ended by a signal (exitCode is then 128+n). */
  readonly signal?: string;
}

type ExecaModule = typeof import('execa');
let execaModule: Promise<ExecaModule> | undefined;
export function loadExeca(): Promise<ExecaModule> {
  execaModule ??= import('execa');
  return execaModule;
}

/** Listeners of (a, b, c); fixed parameters rather than a rest array, as fire() runs for every line of output. */
class Listeners<A, B, C> {
  /** Replaced, never changed in place: a listener added or removed during fire() takes effect on the next one. */
  private fns: readonly ((a: A, b: B, c: C) => void)[] = [];
  add(fn: (a: A, b: B, c: C) => void): Disposable {
    this.fns = [...this.fns, fn];
    let added = true;
    return {
      dispose: () => {
        if (!added) return;
        added = false;
        const i = this.fns.indexOf(fn);
        if (i >= 0) this.fns = [...this.fns.slice(0, i), ...this.fns.slice(i + 1)];
      },
    };
  }
  /** No copy of the listeners per call. */
  fire(a: A, b: B, c: C): void {
    for (const fn of this.fns) {
      try {
        fn(a, b, c);
      } catch {
        // a listener's bug must not break the stream
      }
    }
  }
}

export class RunningProcess {
  private readonly data = new Listeners<string, StreamName, undefined>();
  private readonly lines = new Listeners<string, StreamName, boolean>();
  private child: ResultPromise | undefined;
  private pendingWrites: string[] = [];
  private killed: NodeJS.Signals | undefined;
  readonly exit: Promise<ProcessExit>;

  constructor(readonly file: string, readonly argv: readonly string[], options: SpawnOptions = {}) {
    this.exit = this.start(options);
  }

  private async start(options: SpawnOptions): Promise<ProcessExit> {
    const { execa } = await loadExeca();
    const opts: Options = {
      reject: false,
      buffer: false,
      stdin: options.stdin ? 'pipe' : 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      stripFinalNewline: false,
      ...(options.env ? { env: options.env, extendEnv: false } : {}),
      ...(options.cwd ? { cwd: options.cwd } : {}),
    };
    let child: ResultPromise;
    try {
      child = execa(this.file, [...this.argv], opts);
    } catch (e) {
      this.emitText(`${(e as Error).message}\n`, 'stderr');
      return { exitCode: 127 };
    }
    this.child = child;
    if (this.killed) {
      child.kill(this.killed);
    }
    for (const w of this.pendingWrites) {
      child.stdin?.write(w);
    }
    this.pendingWrites = [];
    const pumps = (['stdout', 'stderr'] as const).map((name) => new Promise<void>((resolve) => {
      const stream = child[name];
      if (!stream) {
        resolve();
        return;
      }
      const decoder = new StringDecoder('utf8');
      const lines = new LineSplitter((line, continues) => this.lines.fire(line, name, continues));
      const onText = (text: string) => {
        if (!text) {
          return;
        }
        this.data.fire(text, name, undefined);
        lines.push(text);
      };
      stream.on('data', (b: Buffer) => onText(decoder.write(b)));
      stream.on('end', () => {
        onText(decoder.end());
        lines.end();
        resolve();
      });
      stream.on('error', () => resolve());
    }));
    const result = await child;
    await Promise.all(pumps);
    if (result.failed && result.exitCode === undefined && !result.signal) {
      // could not spawn at all (ENOENT, EACCES)
      this.emitText(`${result.shortMessage ?? result.message}\n`, 'stderr');
      return { exitCode: 127 };
    }
    const signal = result.signal ?? undefined;
    return {
      exitCode: result.exitCode ?? (signal ? 128 + (signalNumber(signal) ?? 0) : 1),
      ...(signal ? { signal } : {}),
    };
  }

  private emitText(text: string, name: StreamName): void {
    this.data.fire(text, name, undefined);
    const lines = new LineSplitter((line, continues) => this.lines.fire(line, name, continues));
    lines.push(text.replace(/\n$/, ''));
    lines.end();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  onData(fn: (chunk: string, stream: StreamName) => void): Disposable {
    return this.data.add(fn);
  }

  /**
   * Each line of output without its terminator (`\n`, `\r\n` or a lone `\r`).
   * A line longer than MAX_LINE (src/engine/lineSplitter.ts) comes in pieces,
   * `continues` set on all but the last.
   */
  onLine(fn: (line: string, stream: StreamName, continues: boolean) => void): Disposable {
    return this.lines.add(fn);
  }

  write(text: string): void {
    if (this.child) {
      this.child.stdin?.write(text);
    } else {
      this.pendingWrites.push(text);
    }
  }

  closeStdin(): void {
    this.child?.stdin?.end();
  }

  /** Signal the client process only (not the container: see cosaProcess.cancel). */
  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    this.killed = signal;
    this.child?.kill(signal);
  }
}

function signalNumber(name: string): number | undefined {
  const n: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return n[name];
}

export function spawnProcess(file: string, argv: readonly string[], options: SpawnOptions = {}): RunningProcess {
  return new RunningProcess(file, argv, options);
}

export interface CapturedResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  /** The signal aborted it: the process was ended (SIGTERM), or never started when it came first. */
  readonly cancelled?: boolean;
}

/**
 * Run to completion and capture the output (short commands: inspect, stop, ps). `signal`
 * ends the process at once when aborted (a wait the user cancels: src/engine/kubePods.ts).
 */
export async function runCaptured(
  file: string,
  argv: readonly string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; input?: string; signal?: AbortSignal } = {},
): Promise<CapturedResult> {
  const { execa } = await loadExeca();
  // Checked in the tick that spawns: an abort during the import above must not start it.
  if (options.signal?.aborted) {
    return { exitCode: 130, stdout: '', stderr: '', timedOut: false, cancelled: true };
  }
  const r = await execa(file, [...argv], {
    reject: false,
    stripFinalNewline: false,
    ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' as const }),
    ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
    ...(options.env ? { env: options.env, extendEnv: false } : {}),
    ...(options.signal ? { cancelSignal: options.signal } : {}),
  });
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    exitCode: r.exitCode ?? (r.failed ? 127 : 1),
    stdout: text(r.stdout),
    stderr: text(r.stderr) || (r.exitCode === undefined && r.failed ? (r.shortMessage ?? '') : ''),
    timedOut: r.timedOut === true,
    ...(r.isCanceled ? { cancelled: true } : {}),
  };
}
