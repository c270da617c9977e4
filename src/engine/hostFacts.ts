// Collects the facts the prerequisite checks judge. Process level, no vscode.

import { constants } from 'node:fs';
import { access, statfs } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DeviceFacts, HostFacts } from '../cosa/prerequisites';
import { findOnPath } from './executables';

const execFileP = promisify(execFile);

async function device(path: string): Promise<DeviceFacts> {
  const can = (mode: number) => access(path, mode).then(() => true, () => false);
  const [exists, readable, writable] = await Promise.all([can(constants.F_OK), can(constants.R_OK), can(constants.W_OK)]);
  return { exists, readable, writable };
}

async function freeBytes(path: string): Promise<number | undefined> {
  try {
    const s = await statfs(path);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

async function runtimeVersion(runtimePath: string): Promise<string | undefined> {
  try {
    const { stdout } = await execFileP(runtimePath, ['--version'], { timeout: 10_000 });
    return stdout.trim().replace(/^\S+ version /i, '');
  } catch {
    return undefined;
  }
}

export async function collectHostFacts(runtime: string, workspace: string | undefined): Promise<HostFacts> {
  const runtimePath = findOnPath(runtime);
  const [version, kvm, fuse, ws, varTmp] = await Promise.all([
    runtimePath ? runtimeVersion(runtimePath) : Promise.resolve(undefined),
    device('/dev/kvm'),
    device('/dev/fuse'),
    workspace ? freeBytes(workspace) : Promise.resolve(undefined),
    freeBytes('/var/tmp'),
  ]);
  return {
    runtime,
    ...(runtimePath ? { runtimePath } : {}),
    ...(version ? { runtimeVersion: version } : {}),
    kvm,
    fuse,
    freeBytes: { ...(workspace ? { workspace: ws } : {}), '/var/tmp': varTmp },
  };
}
