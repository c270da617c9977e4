// `cosa run` (= `kola qemuexec --devshell`) from options: the image path as the
// container sees it (the workspace is mounted at /srv), the qemuexec flags
// for each option (checked against kola's help,
// test/fixtures/reference/cosa/kola-qemuexec-help.RECONSTRUCTED.txt), what to
// tell the user about quitting, and what to say when /dev/kvm is not usable.
// Pure: no process, no file system.

import * as path from 'node:path';
import { splitShellWords } from './shellWords';
import { buildIdArgument } from './buildDirPaths';

/** Where the alias mounts the workspace. */
export const CONTAINER_WORKDIR = '/srv';

/** `coreos.qemu.cpus`: kola qemuexec has one CPU flag only, `--auto-cpus` (host count, capped at 16). */
export type QemuCpus = 'default' | 'host';
export const QEMU_CPUS: readonly QemuCpus[] = ['default', 'host'];

export interface QemuOptions {
  /** `-m N` (MiB); undefined or 0: kola's default (1024 MiB on x86_64). */
  readonly memoryMiB?: number;
  /** `host`: `--auto-cpus`. `default`: kola's (1 CPU; the devshell uses all host CPUs up to 16 anyway). */
  readonly cpus?: QemuCpus;
  /** `-c` (`--devshell-console`): the serial console instead of the SSH devshell. */
  readonly console?: boolean;
  /** `-U` (`--usernet`): user-mode networking (the devshell turns it on by itself). */
  readonly userNetworking?: boolean;
  /** More kola qemuexec arguments, split like shell words (never run through a shell); after `--` they go to qemu. */
  readonly extraArgs?: string;
}

export class QemuOptionsError extends Error {}

/** The image's path inside the container, or why it cannot be booted. */
export type ContainerPath = { readonly path: string } | { readonly error: string };

/**
 * Host path of an image -> its path under /srv. Only the workspace is
 * mounted, so anything outside it (also through `..` or a symlink whose real
 * path is outside: pass `realImage`/`realWorkspace` when known) is refused.
 */
export function imagePathInContainer(workspace: string, image: string, real?: { readonly image: string; readonly workspace: string }): ContainerPath {
  const outside = (): ContainerPath => ({
    error: `${image} is outside the workspace (${workspace}). Only the workspace is mounted into the cosa container (at ${CONTAINER_WORKDIR}); copy or move the image into it.`,
  });
  const rel = relativeInside(workspace, image);
  if (rel === undefined) {
    return outside();
  }
  if (real && relativeInside(real.workspace, real.image) === undefined) {
    return outside();
  }
  if (rel === '') {
    return { error: `${image} is the workspace itself, not an image file` };
  }
  return { path: path.posix.join(CONTAINER_WORKDIR, ...rel.split(path.sep)) };
}

function relativeInside(root: string, file: string): string | undefined {
  if (!path.isAbsolute(root) || !path.isAbsolute(file)) {
    return undefined;
  }
  const rel = path.relative(path.resolve(root), path.resolve(file));
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    return undefined;
  }
  return rel;
}

/** The qemuexec flags for the options (without the image), in a fixed order. Throws QemuOptionsError. */
export function qemuexecFlags(options: QemuOptions): string[] {
  const args: string[] = [];
  const mem = options.memoryMiB;
  if (mem !== undefined && mem !== 0) {
    if (!Number.isInteger(mem) || mem < 128) {
      throw new QemuOptionsError(`coreos.qemu.memory must be a whole number of MiB, at least 128 (or 0 for kola's default), not ${mem}`);
    }
    args.push('-m', String(mem));
  }
  if (options.cpus !== undefined && !QEMU_CPUS.includes(options.cpus)) {
    throw new QemuOptionsError(`coreos.qemu.cpus must be one of ${QEMU_CPUS.join(', ')}, not ${String(options.cpus)}`);
  }
  if (options.cpus === 'host') {
    args.push('--auto-cpus');
  }
  if (options.console) {
    args.push('-c');
  }
  if (options.userNetworking) {
    args.push('-U');
  }
  if (options.extraArgs?.trim()) {
    let extra: string[];
    try {
      extra = splitShellWords(options.extraArgs);
    } catch (e) {
      throw new QemuOptionsError(`coreos.qemu.extraArgs: ${(e as Error).message}`);
    }
    const disk = extra.find((a) => /^--(qemu-image|qemu-iso)(=|$)/.test(a) || (!a.startsWith('-') && /\.qcow2$/.test(a)));
    if (disk !== undefined && !extra.slice(0, extra.indexOf(disk)).includes('--')) {
      throw new QemuOptionsError(`coreos.qemu.extraArgs must not choose the disk (${disk}): the image comes from the build or file you run`);
    }
    args.push(...extra);
  }
  return args;
}

/** `cosa run --qemu-image /srv/... <flags>`: the args after the image name in the container. */
export function cosaRunArgs(containerImagePath: string, options: QemuOptions): string[] {
  return ['run', '--qemu-image', containerImagePath, ...qemuexecFlags(options)];
}

/**
 * Test an Ignition config: `shell kola qemuexec --ignition <cfg> --ignition-direct
 * --qemu-image <img>` (through `shell`, avoiding the cmd-kola wrapper's argv
 * quirks) plus the qemuexec flags of the settings that go with
 * `--ignition-direct`: memory, user networking, `--auto-cpus`. The serial
 * console is qemu's own (no devshell): `-c`/`--devshell` would be refused by
 * kola, and `coreos.qemu.extraArgs` is not used (it may hold devshell-only
 * flags such as `--bind-ro`). Throws QemuOptionsError for a bad memory/cpus setting.
 */
export function kolaIgnitionArgs(containerConfigPath: string, containerImagePath: string, options: QemuOptions): string[] {
  const safe = qemuexecFlags({
    ...(options.memoryMiB !== undefined ? { memoryMiB: options.memoryMiB } : {}),
    ...(options.cpus !== undefined ? { cpus: options.cpus } : {}),
    ...(options.userNetworking !== undefined ? { userNetworking: options.userNetworking } : {}),
  });
  return ['shell', 'kola', 'qemuexec', '--ignition', containerConfigPath, '--ignition-direct', '--qemu-image', containerImagePath, ...safe];
}

/** The first line of a Test in VM terminal. */
export function ignitionQuitHint(): string {
  return 'Ctrl-a x quits qemu (serial console; Ctrl-a ? for help). Closing this terminal also stops the VM and removes its container.';
}

/** "ignition <file> on <build>", with " (2)" etc. when that name is taken. */
export function ignitionTerminalName(file: string, build: string, taken: readonly string[]): string {
  return uniqueName(`ignition ${file} on ${build}`, taken);
}

/** `cosa osbuild --build <id> qemu`: makes the qemu image `cosa build` no longer makes. */
export function buildQemuImageArgs(buildId: string): string[] {
  return ['osbuild', '--build', buildIdArgument(buildId), 'qemu'];
}

/**
 * The first line in the terminal: how to leave. The serial console (`-c`)
 * is qemu's `mon:stdio`, where Ctrl-a x quits; the SSH devshell ends with
 * `exit`/Ctrl-d in the guest (Ctrl-a x there goes to the guest).
 */
export function quitHint(options: Pick<QemuOptions, 'console'>): string {
  return options.console
    ? 'Serial console: press Ctrl-a x to quit qemu (Ctrl-a ? for help). Closing this terminal also stops the VM and removes its container.'
    : 'Devshell: `exit` or Ctrl-d in the VM ends the session and stops the VM (Ctrl-c while it boots). Ctrl-a x quits only the serial console (coreos.qemu.console). Closing this terminal also stops the VM and removes its container.';
}

/** What /dev/kvm looked like when opened read-write. */
export type KvmProbe = { readonly ok: true } | { readonly ok: false; readonly code: string };

export interface KvmAdvice {
  readonly problem: string;
  readonly fix: string;
}

/** undefined: KVM is usable. Otherwise what is wrong and how to fix it. */
export function kvmAdvice(probe: KvmProbe): KvmAdvice | undefined {
  if (probe.ok) {
    return undefined;
  }
  if (probe.code === 'ENOENT' || probe.code === 'ENODEV' || probe.code === 'ENXIO') {
    return {
      problem: '/dev/kvm does not exist: the VM would need slow software emulation (TCG).',
      fix: 'Load the KVM module (`sudo modprobe kvm_intel` or `sudo modprobe kvm_amd`; enable virtualisation in the firmware). '
        + 'On a VM host, enable nested virtualisation for this VM.',
    };
  }
  if (probe.code === 'EACCES' || probe.code === 'EPERM' || probe.code === 'EROFS') {
    return {
      problem: '/dev/kvm exists but you cannot open it read-write.',
      fix: 'Add yourself to the kvm group (`sudo usermod -aG kvm $USER`), then log out and in again.',
    };
  }
  return {
    problem: `/dev/kvm cannot be opened (${probe.code}).`,
    fix: 'Check that the KVM module is loaded (`lsmod | grep kvm`) and, on a VM host, that nested virtualisation is enabled.',
  };
}

/** Environment and device for a run without KVM (cosa's documented bypass, slow TCG). */
export const NO_KVM_ENV: Readonly<Record<string, string>> = { COSA_NO_KVM: '1' };

/**
 * The runtime arguments already set COSA_NO_KVM to a value (`-e COSA_NO_KVM=1`, `--env=COSA_NO_KVM=1`): the user chose
 * cosa's bypass. An empty value is no bypass (cosa's preflight_kvm tests `-z`).
 */
export function bypassesKvm(runtimeArgs: readonly string[]): boolean {
  return runtimeArgs.some((a) => /(^|=)COSA_NO_KVM=./.test(a));
}

/** x64 -> x86_64 etc.: cosa's basearch for a Node process.arch. */
export function basearchOf(nodeArch: string): string {
  switch (nodeArch) {
    case 'x64': return 'x86_64';
    case 'arm64': return 'aarch64';
    case 'ppc64': return 'ppc64le';
    default: return nodeArch;
  }
}

/** The arch to boot of a build: the host's when the build has it, else the first one. */
export function archToBoot(arches: readonly string[], hostArch: string): string | undefined {
  return arches.includes(hostArch) ? hostArch : arches[0];
}

/** "cosa run <build id>", with " (2)" etc. when that name is taken. */
export function terminalName(label: string, taken: readonly string[]): string {
  return uniqueName(`cosa run ${label}`, taken);
}

function uniqueName(base: string, taken: readonly string[]): string {
  if (!taken.includes(base)) {
    return base;
  }
  for (let n = 2; ; n++) {
    const name = `${base} (${n})`;
    if (!taken.includes(name)) {
      return name;
    }
  }
}
