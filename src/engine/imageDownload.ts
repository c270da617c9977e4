// Download: files of a remote build (an image, then its meta.json) into the local workspace's
// builds/<id>/<arch>/, with progress and cancel. From a remote session the way `cosa
// remote-session sync` moves files (rsync over `podman --remote exec -i`,
// src/cosa/remoteSession.ts), or rsync over OpenSSH to the builder's own podman when that gets in
// without asking anything (openSshExec there; 1.4x podman's throughput, bench/RESULTS.md); from a
// pod (no rsync there, no podman socket) as `kubectl cp` does: the bytes through exec's stdout (`cat`), checked against meta.json's sha256. Each file
// is received under a temporary name and renamed at the end, meta.json last, so a download that
// was cancelled or failed never leaves a file that looks complete. Process level, no vscode.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { buildDirSegments } from '../cosa/buildDirPaths';
import { openSshExec, openSshRsh, sessionSyncArgv } from '../cosa/remoteSession';
import { ExecTransport } from './execTransport';
import { spawnProcess } from './processRunner';
import { RemoteCommandError, remoteProcessEnv, RemoteSession } from './remoteSession';

export interface DownloadRequest {
  readonly buildId: string;
  readonly arch: string;
  /** Files of the arch directory, in order (the image first, meta.json last). */
  readonly files: readonly string[];
  /** sha256 of files as meta.json records them: a file received through exec is checked against it. */
  readonly sha256?: Readonly<Record<string, string>>;
}

export interface DownloadOptions {
  /** Bytes of the current file received so far, and which file. */
  readonly onProgress?: (file: string, bytes: number) => void;
  readonly signal?: AbortSignal;
  /** rsync's executable (default: rsync on PATH). */
  readonly rsync?: string;
  /** OpenSSH's client (default: ssh on PATH). */
  readonly ssh?: string;
  /**
   * Which way a remote session's files come: OpenSSH to the builder's podman, or podman's own ssh client;
   * for podman's, `why` OpenSSH was not taken (what ssh said, e.g. "Host key verification failed.").
   */
  readonly onWay?: (way: DownloadWay, why?: string) => void;
}

export type DownloadWay = 'openssh' | 'podman';

export class DownloadCancelled extends Error {
  constructor() {
    super('the download was cancelled');
  }
}

/** The suffix of a file while it is being received. */
export const PARTIAL_SUFFIX = '.coreos-download';

/** rsync --info=progress2 lines: "  1,234,567  12%  10.00MB/s    0:00:01". */
function progressBytes(text: string): number | undefined {
  const all = [...text.matchAll(/(\d[\d,.]*)\s+\d+%/g)];
  const last = all.at(-1);
  return last ? Number(last[1]!.replace(/[,.]/g, '')) : undefined;
}

/**
 * Downloads `request` from the build directory of `source` (a remote session: rsync; any other
 * exec target, a pod: exec's stdout) into `<workspace>/builds/<id>/<arch>/`; returns the local
 * paths. Rejects with DownloadCancelled on abort.
 */
export async function downloadBuildFiles(source: RemoteSession | ExecTransport, workspace: string, request: DownloadRequest, options: DownloadOptions = {}): Promise<string[]> {
  const dir = path.join(workspace, ...buildDirSegments({ buildId: request.buildId, arch: request.arch }));
  await fs.mkdir(dir, { recursive: true });
  // OpenSSH first where the address allows it; podman's way from the first file it does not reach the session.
  let rsh = source instanceof RemoteSession ? openSshRshTo(source, options) : undefined;
  let why = rsh ? undefined : 'the builder\'s address or identity cannot be passed to rsync over OpenSSH';
  let way: DownloadWay | undefined;
  // The way is told with the first byte that comes (or when the first file is complete, if it is empty).
  const tellWay = (): void => {
    if (!way) {
      way = rsh ? 'openssh' : 'podman';
      options.onWay?.(way, rsh ? undefined : why);
    }
  };
  const telling: DownloadOptions = {
    ...options,
    onProgress: (file, bytes) => {
      if (bytes > 0) tellWay();
      options.onProgress?.(file, bytes);
    },
  };
  const done: string[] = [];
  for (const file of request.files) {
    const segments = buildDirSegments({ buildId: request.buildId, arch: request.arch, file });
    const target = path.join(workspace, ...segments);
    const partial = path.join(path.dirname(target), `.${path.basename(target)}${PARTIAL_SUFFIX}`);
    const from = `:${path.posix.join(source.workdir, ...segments)}`;
    try {
      if (source instanceof RemoteSession) {
        if (rsh) {
          const refused = await receive(source, from, partial, file, rsh, telling);
          if (refused !== undefined) {
            rsh = undefined;
            why = refused;
          }
        }
        if (!rsh) {
          await receive(source, from, partial, file, undefined, telling);
        }
        tellWay();
      } else {
        await receiveByExec(source, from.slice(1), partial, file, request.sha256?.[file], options);
      }
      await fs.rename(partial, target);
    } finally {
      await fs.rm(partial, { force: true });
    }
    done.push(target);
  }
  return done;
}

/** rsync's --rsh to the session over OpenSSH (src/cosa/remoteSession.ts openSshExec), or undefined where the address does not allow it. */
function openSshRshTo(session: RemoteSession, options: DownloadOptions): string | undefined {
  const exec = openSshExec(session.builder, options.ssh);
  return exec ? openSshRsh(exec) : undefined;
}

/**
 * One file by rsync over `rsh` (OpenSSH), or over `podman --remote exec -i` without it. undefined when
 * it came; what ssh said when OpenSSH did not reach the session before any byte came (an unknown host
 * key, no key ssh may use without asking, no podman on the builder's PATH): the caller goes podman's
 * way, as it would have without ssh. Every other failure, and a cancel, throws. No separate probe: a
 * probe cost a whole ssh login and exec (0.4-1.0 s), a third of a 256 MiB download.
 */
async function receive(session: RemoteSession, from: string, to: string, file: string, rsh: string | undefined, options: DownloadOptions): Promise<string | undefined> {
  if (options.signal?.aborted) {
    throw new DownloadCancelled();
  }
  const argv = sessionSyncArgv(session.id, from, to, { quiet: true, image: true, ...(rsh ? { rsh } : {}) });
  const rsync = spawnProcess(options.rsync ?? 'rsync', argv, { env: remoteProcessEnv(session.builder) });
  const stderr: string[] = [];
  let received = false;
  rsync.onData((chunk, stream) => {
    if (stream === 'stderr') {
      stderr.push(chunk);
      return;
    }
    const bytes = progressBytes(chunk);
    if (bytes !== undefined) {
      received ||= bytes > 0;
      options.onProgress?.(file, bytes);
    }
  });
  const abort = () => rsync.kill('SIGTERM');
  options.signal?.addEventListener('abort', abort);
  try {
    const exit = await rsync.exit;
    if (options.signal?.aborted) {
      throw new DownloadCancelled();
    }
    if (exit.exitCode !== 0) {
      if (rsh && !received) {
        return lastLine(stderr.join('')) ?? `rsync over OpenSSH ended with exit code ${exit.exitCode}`;
      }
      throw new RemoteCommandError(`Downloading ${from.slice(1)}`, { exitCode: exit.exitCode, stdout: '', stderr: stderr.join(''), timedOut: false });
    }
    return undefined;
  } finally {
    options.signal?.removeEventListener('abort', abort);
  }
}

/** The last line of ssh's and rsync's complaint that is ssh's own (rsync adds its "connection unexpectedly closed" lines after it). */
function lastLine(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/^rsync(: | error: )/.test(l));
  return lines.at(-1)?.slice(0, 300);
}

/** One file through exec's stdout (`cat` in the container), hashed as it arrives. */
async function receiveByExec(transport: ExecTransport, from: string, to: string, file: string, sha256: string | undefined, options: DownloadOptions): Promise<void> {
  if (options.signal?.aborted) {
    throw new DownloadCancelled();
  }
  const cmd = transport.execCommand(['cat', '--', from]);
  const child = spawn(cmd.file, [...cmd.argv], { env: cmd.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = createWriteStream(to);
  const hash = createHash('sha256');
  let bytes = 0;
  const stderr: Buffer[] = [];
  child.stderr.on('data', (b: Buffer) => stderr.push(b));
  child.stdout.on('data', (b: Buffer) => {
    hash.update(b);
    bytes += b.length;
    options.onProgress?.(file, bytes);
  });
  child.stdout.pipe(out);
  const abort = () => child.kill('SIGTERM');
  options.signal?.addEventListener('abort', abort);
  try {
    const [exitCode] = await Promise.all([
      new Promise<number>((resolve, reject) => {
        child.once('error', reject);
        child.once('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
      }),
      new Promise<void>((resolve, reject) => {
        out.once('finish', resolve);
        out.once('error', reject);
      }),
    ]);
    if (options.signal?.aborted) {
      throw new DownloadCancelled();
    }
    if (exitCode !== 0) {
      throw new RemoteCommandError(`Downloading ${from}`, { exitCode, stdout: '', stderr: Buffer.concat(stderr).toString('utf8'), timedOut: false });
    }
    const got = hash.digest('hex');
    if (sha256 && got !== sha256.toLowerCase()) {
      throw new Error(`${file} arrived with sha256 ${got}, but meta.json records ${sha256}: it changed while it was read, or was damaged on the way. Nothing was kept.`);
    }
  } finally {
    options.signal?.removeEventListener('abort', abort);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
    }
    out.destroy();
  }
}
