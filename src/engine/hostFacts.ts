// Collects the facts the prerequisite checks judge. Thin: reads files and
// asks the runtime, never judges. Process level, no vscode.

import { constants } from 'node:fs';
import { access, readFile, stat, statfs } from 'node:fs/promises';
import { imageReferenceProblem } from '../cosa/imageReference';
import { ContainerRuntime } from '../cosa/invocation';
import { CpuFacts, DeviceFacts, HostFacts, ImageFacts, SelinuxFacts, SocketFacts } from '../cosa/prerequisites';
import { connectApi } from './dockerApi';
import { findOnPath } from './executables';
import { runCaptured } from './processRunner';
import { detectRuntime, RuntimeInfo } from './runtime';

export interface HostFactsRequest {
  /** The configured runtime (podman or docker). */
  readonly runtime: string;
  /** Host path of the workspace folder, if one is open. */
  readonly workspace?: string;
  /** The configured image reference (the image check is skipped without it). */
  readonly image?: string;
  readonly userNamespace?: string;
  /** The SettingsError message, if the settings do not resolve. */
  readonly settingsError?: string;
  /** Use this detection instead of detecting again (the engine's cached one). */
  readonly detect?: (kind: ContainerRuntime) => Promise<RuntimeInfo>;
  readonly env?: NodeJS.ProcessEnv;
}

async function groupName(gid: number): Promise<string | undefined> {
  try {
    const text = await readFile('/etc/group', 'utf8');
    for (const line of text.split('\n')) {
      const [name, , id] = line.split(':');
      if (name && Number(id) === gid) {
        return name;
      }
    }
  } catch {
    // no /etc/group
  }
  return undefined;
}

async function device(path: string): Promise<DeviceFacts> {
  const can = (mode: number) => access(path, mode).then(() => true, () => false);
  const [exists, readable, writable] = await Promise.all([can(constants.F_OK), can(constants.R_OK), can(constants.W_OK)]);
  if (!exists) {
    return { exists, readable, writable };
  }
  try {
    const s = await stat(path);
    const name = await groupName(s.gid);
    return { exists, readable, writable, mode: s.mode & 0o7777, uid: s.uid, gid: s.gid, ...(name ? { groupName: name } : {}) };
  } catch {
    return { exists, readable, writable };
  }
}

async function freeBytes(path: string): Promise<number | undefined> {
  try {
    const s = await statfs(path);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

async function readTrimmed(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/** The flags of the first processor in /proc/cpuinfo (x86 "flags", arm "Features"). */
export function parseCpuFlags(cpuinfo: string): CpuFacts {
  const line = cpuinfo.split('\n').find((l) => /^(flags|Features)\s*:/.test(l)) ?? '';
  const flags = new Set(line.replace(/^[^:]*:/, '').trim().split(/\s+/));
  return { vmx: flags.has('vmx'), svm: flags.has('svm'), hypervisor: flags.has('hypervisor') };
}

async function cpu(): Promise<CpuFacts | undefined> {
  const text = await readTrimmed('/proc/cpuinfo');
  return text === undefined ? undefined : parseCpuFlags(text);
}

async function selinux(env: NodeJS.ProcessEnv): Promise<SelinuxFacts> {
  const enforce = await readTrimmed('/sys/fs/selinux/enforce');
  const exe = findOnPath('getenforce', env.PATH);
  let getenforce: string | undefined;
  if (exe) {
    const r = await runCaptured(exe, [], { timeoutMs: 5000 }).catch(() => undefined);
    if (r?.exitCode === 0) {
      getenforce = r.stdout.trim();
    }
  }
  return { ...(enforce !== undefined ? { enforce } : {}), ...(getenforce ? { getenforce } : {}) };
}

/** Created time of `podman/docker image inspect` output (ms), or undefined. */
export function parseImageCreated(inspectJson: string): number | undefined {
  try {
    const rows = JSON.parse(inspectJson) as { Created?: string | number }[];
    const c = rows[0]?.Created;
    const t = typeof c === 'number' ? c * 1000 : typeof c === 'string' ? Date.parse(c) : NaN;
    return Number.isFinite(t) ? t : undefined;
  } catch {
    return undefined;
  }
}

/** Is `ref` present locally, and how old? Through the CLI (works without the API socket). */
export async function inspectImage(runtimePath: string, ref: string): Promise<ImageFacts> {
  const problem = imageReferenceProblem(ref);
  if (problem) {
    // Never hand the runtime an option in the image's place.
    return { ref, present: false, error: `not a container image reference: ${problem}` };
  }
  const r = await runCaptured(runtimePath, ['image', 'inspect', ref], { timeoutMs: 30_000 });
  if (r.exitCode === 0) {
    const created = parseImageCreated(r.stdout);
    return { ref, present: true, ...(created !== undefined ? { created } : {}) };
  }
  const err = r.stderr.trim();
  if (/image not known|no such image|No such object|not found/i.test(err)) {
    return { ref, present: false };
  }
  return { ref, present: false, error: err.split('\n').pop() ?? `exit code ${r.exitCode}` };
}

async function socketFacts(info: RuntimeInfo): Promise<SocketFacts> {
  if (!info.socketPath) {
    return { reachable: false };
  }
  const api = await connectApi(info.socketPath, 3000).catch(() => undefined);
  return { path: info.socketPath, ...(info.socketSource ? { source: info.socketSource } : {}), reachable: api !== undefined };
}

async function runtimeVersionCli(runtimePath: string): Promise<string | undefined> {
  const r = await runCaptured(runtimePath, ['--version'], { timeoutMs: 10_000 }).catch(() => undefined);
  return r?.exitCode === 0 ? r.stdout.trim().replace(/^\S+ version /i, '').replace(/,.*$/, '') : undefined;
}

export async function collectHostFacts(request: HostFactsRequest): Promise<HostFacts> {
  const env = request.env ?? process.env;
  const runtimePath = findOnPath(request.runtime, env.PATH);
  const runtimeSide = async (): Promise<Partial<Pick<HostFacts, 'runtimeVersion' | 'rootless' | 'runtimeError' | 'image' | 'socket'>>> => {
    if (!runtimePath || (request.runtime !== 'podman' && request.runtime !== 'docker')) {
      return {};
    }
    const kind = request.runtime as ContainerRuntime;
    let info: RuntimeInfo | undefined;
    let runtimeError: string | undefined;
    try {
      info = await (request.detect ?? ((k: ContainerRuntime) => detectRuntime(k, env)))(kind);
    } catch (e) {
      runtimeError = (e as Error).message;
    }
    const [version, image, socket] = await Promise.all([
      info?.version ? Promise.resolve(info.version) : runtimeVersionCli(runtimePath),
      request.image ? inspectImage(runtimePath, request.image) : Promise.resolve(undefined),
      info ? socketFacts(info) : Promise.resolve<SocketFacts>({ reachable: false }),
    ]);
    return {
      ...(version ? { runtimeVersion: version } : {}),
      ...(info ? { rootless: info.rootless } : {}),
      ...(runtimeError ? { runtimeError } : {}),
      ...(image ? { image } : {}),
      socket,
    };
  };
  const [side, kvm, fuse, ws, varTmp, cpuFacts, intel, amd, se] = await Promise.all([
    runtimeSide(),
    device('/dev/kvm'),
    device('/dev/fuse'),
    request.workspace ? freeBytes(request.workspace) : Promise.resolve(undefined),
    freeBytes('/var/tmp'),
    cpu(),
    readTrimmed('/sys/module/kvm_intel/parameters/nested'),
    readTrimmed('/sys/module/kvm_amd/parameters/nested'),
    selinux(env),
  ]);
  const image: ImageFacts | undefined = side.image ? side.image
    : request.image ? { ref: request.image, present: false, error: `${request.runtime} is not installed` } : undefined;
  return {
    runtime: request.runtime,
    ...(runtimePath ? { runtimePath } : {}),
    ...side,
    ...(image ? { image } : {}),
    ...(process.getuid ? { uid: process.getuid() } : {}),
    ...(process.getgroups ? { groups: process.getgroups() } : {}),
    ...(request.userNamespace ? { userNamespace: request.userNamespace } : {}),
    ...(request.settingsError ? { settingsError: request.settingsError } : {}),
    kvm,
    fuse,
    ...(cpuFacts ? { cpu: cpuFacts } : {}),
    nested: { ...(intel !== undefined ? { kvm_intel: intel } : {}), ...(amd !== undefined ? { kvm_amd: amd } : {}) },
    freeBytes: { ...(request.workspace ? { workspace: ws } : {}), '/var/tmp': varTmp },
    selinux: se,
    now: Date.now(),
  };
}
