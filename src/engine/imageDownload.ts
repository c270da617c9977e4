// Download: files of a remote session's build (an image, then its meta.json) into the local
// workspace's builds/<id>/<arch>/, the way `cosa remote-session sync` moves files (rsync over
// `podman --remote exec -i`, src/cosa/remoteSession.ts), with progress and cancel. Each file is
// received under a temporary name and renamed at the end, meta.json last, so a download that was
// cancelled or failed never leaves a file that looks complete. Process level, no vscode.

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { buildDirSegments } from '../cosa/buildDirPaths';
import { sessionSyncArgv } from '../cosa/remoteSession';
import { spawnProcess } from './processRunner';
import { RemoteCommandError, remoteProcessEnv, RemoteSession } from './remoteSession';

export interface DownloadRequest {
  readonly buildId: string;
  readonly arch: string;
  /** Files of the arch directory, in order (the image first, meta.json last). */
  readonly files: readonly string[];
}

export interface DownloadOptions {
  /** Bytes of the current file received so far, and which file. */
  readonly onProgress?: (file: string, bytes: number) => void;
  readonly signal?: AbortSignal;
  /** rsync's executable (default: rsync on PATH). */
  readonly rsync?: string;
}

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

/** Downloads `request` into `<workspace>/builds/<id>/<arch>/`; returns the local paths. Rejects with DownloadCancelled on abort. */
export async function downloadBuildFiles(session: RemoteSession, workspace: string, request: DownloadRequest, options: DownloadOptions = {}): Promise<string[]> {
  const dir = path.join(workspace, ...buildDirSegments({ buildId: request.buildId, arch: request.arch }));
  await fs.mkdir(dir, { recursive: true });
  const done: string[] = [];
  for (const file of request.files) {
    const segments = buildDirSegments({ buildId: request.buildId, arch: request.arch, file });
    const target = path.join(workspace, ...segments);
    const partial = path.join(path.dirname(target), `.${path.basename(target)}${PARTIAL_SUFFIX}`);
    const from = `:${path.posix.join(session.workdir, ...segments)}`;
    try {
      await receive(session, from, partial, file, options);
      await fs.rename(partial, target);
    } finally {
      await fs.rm(partial, { force: true });
    }
    done.push(target);
  }
  return done;
}

async function receive(session: RemoteSession, from: string, to: string, file: string, options: DownloadOptions): Promise<void> {
  if (options.signal?.aborted) {
    throw new DownloadCancelled();
  }
  const argv = sessionSyncArgv(session.id, from, to, { quiet: true, image: true });
  const rsync = spawnProcess(options.rsync ?? 'rsync', argv, { env: remoteProcessEnv(session.builder) });
  const stderr: string[] = [];
  rsync.onData((chunk, stream) => {
    if (stream === 'stderr') {
      stderr.push(chunk);
      return;
    }
    const bytes = progressBytes(chunk);
    if (bytes !== undefined) {
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
      throw new RemoteCommandError(`Downloading ${from.slice(1)}`, { exitCode: exit.exitCode, stdout: '', stderr: stderr.join(''), timedOut: false });
    }
  } finally {
    options.signal?.removeEventListener('abort', abort);
  }
}
