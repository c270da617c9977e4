// The one place that knows the flags of the documented `cosa` alias
// (docs/building-fcos.md): settings + request -> argv for the runtime.
// Never a shell string.

import { createHash } from 'node:crypto';

export const DEFAULT_IMAGE = 'quay.io/coreos-assembler/coreos-assembler:latest';

export type ContainerRuntime = 'podman' | 'docker';

export interface CosaSettings {
  readonly runtime: ContainerRuntime;
  /** COREOS_ASSEMBLER_CONTAINER */
  readonly image: string;
  /** COREOS_ASSEMBLER_CONFIG_GIT: host dir mounted read-only at /srv/src/config/. */
  readonly configGit?: string;
  /** COREOS_ASSEMBLER_GIT: host cosa checkout; its src/ replaces /usr/lib/coreos-assembler/. */
  readonly assemblerGit?: string;
  /** COREOS_ASSEMBLER_CONTAINER_RUNTIME_ARGS, already split into words. */
  readonly runtimeArgs: readonly string[];
}

export interface CosaRequest {
  /** Host path of the cosa build directory (the workspace folder). */
  readonly workspace: string;
  /** What the container gets after the image: the cosa subcommand and its arguments. */
  readonly args: readonly string[];
  /** A real terminal is attached: add -t (cosa run's devshell refuses a non-TTY stdin). */
  readonly tty: boolean;
  /** Why the container runs; part of its name so two builds in one workspace cannot overlap. */
  readonly purpose: string;
}

/** Short stable id of a workspace path, for container names and labels. */
export function workspaceId(workspace: string): string {
  return createHash('sha256').update(workspace).digest('hex').slice(0, 10);
}

export function containerName(workspace: string, purpose: string): string {
  return `cosa-${workspaceId(workspace)}-${purpose.replace(/[^a-zA-Z0-9_.-]/g, '-')}`;
}

export function cosaRunArgv(settings: CosaSettings, request: CosaRequest): string[] {
  const argv = ['run', '--rm', '-i'];
  if (request.tty) {
    argv.push('-t');
  }
  argv.push(
    '--security-opt', 'label=disable',
    '--privileged',
  );
  if (settings.runtime === 'podman') {
    // The alias' user mapping: host user <-> builder (uid 1000) in the container.
    // Docker has no --uidmap; its mapping is chosen per host (see README).
    argv.push('--uidmap=1000:0:1', '--uidmap=0:1:1000', '--uidmap', '1001:1001:64536');
  }
  argv.push(
    '-v', `${request.workspace}:/srv/`,
    '--device', '/dev/kvm',
    '--device', '/dev/fuse',
    '--tmpfs', '/tmp',
    '-v', '/var/tmp:/var/tmp',
    '--name', containerName(request.workspace, request.purpose),
    '--label', 'io.github.coreos-vscode=1',
    '--label', `io.github.coreos-vscode.workspace=${workspaceId(request.workspace)}`,
    '--label', `io.github.coreos-vscode.purpose=${request.purpose}`,
  );
  if (settings.configGit) {
    argv.push('-v', `${settings.configGit}:/srv/src/config/:ro`);
  }
  if (settings.assemblerGit) {
    argv.push('-v', `${settings.assemblerGit.replace(/\/+$/, '')}/src/:/usr/lib/coreos-assembler/:ro`);
  }
  argv.push(...settings.runtimeArgs, settings.image, ...request.args);
  return argv;
}
