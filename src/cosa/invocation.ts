// The one place that knows the flags of the documented `cosa` alias
// (coreos-assembler's docs/building-fcos.md): settings + host facts + request -> argv for the
// runtime. Never a shell string. Pure: no process, no file system.

import { createHash } from 'node:crypto';
import { imageReferenceProblem } from './imageReference';
import { shellQuote } from './shellWords';

export const DEFAULT_IMAGE = 'quay.io/coreos-assembler/coreos-assembler:latest';

export type ContainerRuntime = 'podman' | 'docker';
export const CONTAINER_RUNTIMES: readonly ContainerRuntime[] = ['podman', 'docker'];

/**
 * How the host user is mapped onto cosa's `builder` (uid 1000):
 * - `auto`: the right mapping for the detected host (see README "User mapping per host");
 * - `uidmap`: the alias' three `--uidmap`s (podman only);
 * - `keep-id`: `--userns=keep-id:uid=1000,gid=1000` (rootless podman >= 4.3 only).
 */
export type UserNamespaceMode = 'auto' | 'uidmap' | 'keep-id';
export const USER_NAMESPACE_MODES: readonly UserNamespaceMode[] = ['auto', 'uidmap', 'keep-id'];

/** Where an effective value came from (shown in the preamble). */
export type ValueSource = 'setting' | 'environment' | 'default';

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
  /** coreos.userNamespace (default auto). */
  readonly userNamespace?: UserNamespaceMode;
  /** coreos.hostNetwork: add --net=host (the documented VPN fix). */
  readonly hostNetwork?: boolean;
  /** REGISTRY_AUTH_FILE: host file mounted read-only at the same path, its path passed as REGISTRY_AUTH_FILE. */
  readonly registryAuthFile?: string;
  /** COREOS_ASSEMBLER_ADD_CERTS: the host's /etc/pki/ca-trust mounted read-only over the image's. */
  readonly addCerts?: boolean;
  /** Where each value came from, keyed by setting name (e.g. `image`); for the preamble. */
  readonly sources?: Readonly<Partial<Record<SourcedSetting, ValueSource>>>;
}

export type SourcedSetting = 'runtime' | 'image' | 'configGit' | 'assemblerGit' | 'runtimeArgs' | 'registryAuthFile' | 'addCerts';

/** The facts about the runtime and the invoking user that decide the user mapping. */
export interface RuntimeHost {
  readonly kind: ContainerRuntime;
  /** Rootless podman, or docker in rootless mode. */
  readonly rootless: boolean;
  /** Runtime version, e.g. "4.3.1" (undefined: unknown). */
  readonly version?: string;
  /** The invoking user on the host (process.getuid/getgid). */
  readonly uid: number;
  readonly gid: number;
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
  /** Start detached (`-d` instead of `-i`), for the persistent helper container. */
  readonly detach?: boolean;
  /** Process id of the extension host that owns the container (a label; finds crash leftovers). */
  readonly ownerPid?: number;
  /** Marks a command that changes the build directory (init/build/...); a label. */
  readonly mutating?: boolean;
  /** Environment for cosa inside the container (e.g. COSA_NO_KVM=1): one `-e K=V` each, in order. */
  readonly env?: Readonly<Record<string, string>>;
  /** false: leave out `--device /dev/kvm` (the runtime refuses a missing device; for COSA_NO_KVM=1 runs). Default true. */
  readonly kvmDevice?: boolean;
  /** A unique id of this one run (a label): finds its container even before the runtime reports it, and never another's. */
  readonly runId?: string;
}

export class InvocationError extends Error {}

export const LABEL = 'io.github.coreos-vscode';
export const LABEL_WORKSPACE = `${LABEL}.workspace`;
export const LABEL_WORKSPACE_PATH = `${LABEL}.workspace-path`;
export const LABEL_PURPOSE = `${LABEL}.purpose`;
export const LABEL_OWNER_PID = `${LABEL}.owner-pid`;
export const LABEL_MUTATING = `${LABEL}.mutating`;
export const LABEL_RUN = `${LABEL}.run`;

/**
 * Every `cmd-buildextend-<platform>` of cosa's src/ today (the osbuild platforms and the
 * legacy/cloud ones), so the workspace lock covers each.
 */
export const BUILDEXTEND_PLATFORMS: readonly string[] = [
  'aliyun', 'applehv', 'aws', 'azure', 'azurestack', 'digitalocean', 'exoscale', 'gcp', 'hetzner', 'hyperv',
  'ibmcloud', 'kubevirt', 'live', 'metal', 'metal4k', 'nutanix', 'nvidiabluefield', 'openstack', 'oraclecloud',
  'powervs', 'proxmoxve', 'qemu', 'qemu-secex', 'secex', 'virtualbox', 'vmware', 'vultr',
];

/** The cosa subcommands that change the build directory and must not overlap in one workspace (cosa itself takes no lock). */
export const MUTATING_COMMANDS: ReadonlySet<string> = new Set([
  'init', 'fetch', 'build', 'osbuild', 'prune', 'clean', 'compress', 'decompress', 'uncompress', 'import', 'buildfetch', 'tag',
  ...BUILDEXTEND_PLATFORMS.map((p) => `buildextend-${p}`),
]);

export function isMutating(args: readonly string[]): boolean {
  return args.length > 0 && MUTATING_COMMANDS.has(args[0]!);
}

/** Short stable id of a workspace path, for container names and labels. */
export function workspaceId(workspace: string): string {
  return createHash('sha256').update(workspace).digest('hex').slice(0, 10);
}

export function containerName(workspace: string, purpose: string): string {
  return `cosa-${workspaceId(workspace)}-${purpose.replace(/[^a-zA-Z0-9_.-]/g, '-')}`;
}

/**
 * The one name every command that changes a workspace's build directory runs
 * under. The runtime refuses a second container of the same name ("name is
 * already in use") atomically, so this name is the cross-window workspace
 * lock, held exactly as long as the container exists.
 */
export function buildDirLockName(workspace: string): string {
  return containerName(workspace, 'builddir');
}

/** The --name of a request's container. */
export function requestContainerName(request: Pick<CosaRequest, 'workspace' | 'purpose' | 'mutating'>): string {
  return request.mutating ? buildDirLockName(request.workspace) : containerName(request.workspace, request.purpose);
}

/** InvocationError unless `image` is an image reference (it goes right before cosa's arguments in the argv). */
export function assertImageReference(image: string): void {
  const problem = imageReferenceProblem(image);
  if (problem) {
    throw new InvocationError(`"${image}" is not a container image reference: ${problem}`);
  }
}

/**
 * The workspace mount at /srv/. The alias' `-v PATH:/srv/` where it can; a
 * path with ":" would be split by -v (podman: 'invalid option type "/srv/"'),
 * so then `--mount`, whose value podman and docker read as one CSV record:
 * the source field is quoted (",", '"', ":" and "=" then stay literal).
 */
export function workspaceMountArgs(workspace: string): string[] {
  if (!workspace.includes(':')) {
    return ['-v', `${workspace}:/srv/`];
  }
  if (workspace.includes('\r\n')) {
    // --mount's CSV reader turns \r\n into \n: it would mount another path.
    throw new InvocationError(`the workspace path contains both ":" (which -v cannot mount) and "\\r\\n" (which --mount changes): ${JSON.stringify(workspace)}`);
  }
  return ['--mount', `type=bind,"src=${workspace.replace(/"/g, '""')}",dst=/srv/`];
}

/** "4.3.1" >= [4, 3]? Unknown or unparsable versions are not >=. */
export function versionAtLeast(version: string | undefined, major: number, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version ?? '');
  if (!m) {
    return false;
  }
  const [maj, min] = [Number(m[1]), Number(m[2])];
  return maj > major || (maj === major && min >= minor);
}

const ALIAS_UIDMAP = ['--uidmap=1000:0:1', '--uidmap=0:1:1000', '--uidmap', '1001:1001:64536'];
const KEEP_ID = '--userns=keep-id:uid=1000,gid=1000';
/**
 * Rootful podman: container ids 0-65536 onto host ids 0-65536 with builder
 * (1000) on the invoking id and every other container id, in order, on the
 * remaining host ids. For id 0 this is exactly the alias' triple
 * (0:1:1000, 1000:0:1, 1001:1001:64536). The host ids must stay one
 * contiguous block: podman 4.3's overlay storage fails to mount ("failed to
 * resolve .../mapped/0/l/...: permission denied") for a mapping whose host
 * ids have holes, e.g. 0:100000:1000 + 1000:1234:1 + 1001:101001:64535.
 * Ids > 65536 use one shifted block instead (container 1000 -> id).
 */
export function builderOnto(id: number): string[] {
  if (id === 1000) {
    return ['0:0:65537'];
  }
  if (id > 65536) {
    return [`0:${id - 1000}:65537`];
  }
  if (id < 1000) {
    return [...(id > 0 ? [`0:0:${id}`] : []), `${id}:${id + 1}:${1000 - id}`, `1000:${id}:1`, '1001:1001:64536'];
  }
  return ['0:0:1000', `1000:${id}:1`, `1001:1000:${id - 1000}`, ...(id < 65536 ? [`${id + 1}:${id + 1}:${65536 - id}`] : [])];
}

/**
 * The user-namespace flags for one host: host user <-> cosa's builder (uid 1000),
 * so what cosa writes into the workspace belongs to the invoking user.
 */
export function userMappingArgs(settings: CosaSettings, host: RuntimeHost): string[] {
  const mode = settings.userNamespace ?? 'auto';
  if (host.kind !== settings.runtime) {
    throw new InvocationError(`the detected runtime is ${host.kind} but coreos.containerRuntime is ${settings.runtime}`);
  }
  if (host.kind === 'docker') {
    if (mode !== 'auto') {
      throw new InvocationError(`coreos.userNamespace "${mode}" is podman-only: docker has no --uidmap or --userns=keep-id; use "auto"`);
    }
    // Rootless docker: container root is the invoking user. Rootful docker:
    // run as the invoking user directly; cosa handles an arbitrary uid (its
    // /etc/passwd is group-writable, the entrypoint adds the entry), and gid 0
    // as a supplementary group is what that workaround needs (OpenShift-style).
    if (host.rootless) {
      return ['--user', '0:0'];
    }
    return host.uid === 0 ? ['--user', '0:0'] : ['--user', `${host.uid}:${host.gid}`, '--group-add', '0'];
  }
  if (mode === 'keep-id') {
    if (!host.rootless) {
      throw new InvocationError('coreos.userNamespace "keep-id" needs rootless podman (podman: "keep-id is only supported in rootless mode"); use "auto" or "uidmap"');
    }
    if (!versionAtLeast(host.version, 4, 3)) {
      throw new InvocationError(`coreos.userNamespace "keep-id" needs podman >= 4.3 (keep-id:uid=1000,gid=1000), this is podman ${host.version ?? '(unknown version)'}; use "auto" or "uidmap"`);
    }
    return [KEEP_ID];
  }
  if (host.rootless || (host.uid === 0 && host.gid === 0)) {
    // Rootless: host id 0 inside the user namespace is the invoking user.
    // Rootful as root: host id 0 is root, the invoking user. Either way the
    // alias' triple maps builder (1000) to the invoking user.
    return [...ALIAS_UIDMAP];
  }
  // Rootful podman driven by a non-root user (e.g. CONTAINER_HOST at the
  // root socket): builder -> the invoking uid and gid.
  return [
    ...builderOnto(host.uid).flatMap((m) => ['--uidmap', m]),
    ...builderOnto(host.gid).flatMap((m) => ['--gidmap', m]),
  ];
}

/** The `run` argv (without the runtime executable itself) of the alias for one request. */
export function cosaRunArgv(settings: CosaSettings, request: CosaRequest, host: RuntimeHost): string[] {
  if (!request.workspace.startsWith('/')) {
    throw new InvocationError(`the workspace must be an absolute path, not "${request.workspace}"`);
  }
  const argv = ['run', '--rm'];
  if (request.detach) {
    argv.push('-d');
  } else {
    argv.push('-i');
    if (request.tty) {
      argv.push('-t');
    }
  }
  argv.push(
    '--security-opt', 'label=disable',
    '--privileged',
    ...userMappingArgs(settings, host),
    ...workspaceMountArgs(request.workspace),
    ...(request.kvmDevice === false ? [] : ['--device', '/dev/kvm']),
    '--device', '/dev/fuse',
    '--tmpfs', '/tmp',
    '-v', '/var/tmp:/var/tmp',
    '--name', requestContainerName(request),
    '--label', `${LABEL}=1`,
    '--label', `${LABEL_WORKSPACE}=${workspaceId(request.workspace)}`,
    '--label', `${LABEL_PURPOSE}=${request.purpose}`,
  );
  if (request.ownerPid !== undefined) {
    argv.push('--label', `${LABEL_OWNER_PID}=${request.ownerPid}`);
  }
  if (request.mutating) {
    argv.push('--label', `${LABEL_MUTATING}=1`);
  }
  if (request.runId !== undefined) {
    argv.push('--label', `${LABEL_RUN}=${request.runId}`);
  }
  for (const [k, v] of Object.entries(request.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) {
      throw new InvocationError(`not an environment variable name: "${k}"`);
    }
    argv.push('-e', `${k}=${v}`);
  }
  if (settings.hostNetwork) {
    argv.push('--net=host');
  }
  // in the order of the alias in coreos-assembler's docs/building-fcos.md
  if (settings.registryAuthFile) {
    argv.push('-v', `${settings.registryAuthFile}:${settings.registryAuthFile}:ro`, '-e', `REGISTRY_AUTH_FILE=${settings.registryAuthFile}`);
  }
  if (settings.configGit) {
    argv.push('-v', `${settings.configGit}:/srv/src/config/:ro`);
  }
  if (settings.assemblerGit) {
    argv.push('-v', `${settings.assemblerGit.replace(/\/+$/, '')}/src/:/usr/lib/coreos-assembler/:ro`);
  }
  if (settings.addCerts) {
    argv.push('-v', '/etc/pki/ca-trust:/etc/pki/ca-trust:ro');
  }
  assertImageReference(settings.image);
  argv.push(...settings.runtimeArgs, settings.image, ...request.args);
  return argv;
}

/** The command line that runs, quoted so it can be pasted into a shell. */
export function commandLine(runtime: string, argv: readonly string[]): string {
  return [runtime, ...argv].map(shellQuote).join(' ');
}

const ALIAS_VARIABLES: readonly [string, SourcedSetting, string][] = [
  ['COREOS_ASSEMBLER_CONTAINER', 'image', 'coreos.image'],
  ['REGISTRY_AUTH_FILE', 'registryAuthFile', 'coreos.registryAuthFile'],
  ['COREOS_ASSEMBLER_CONFIG_GIT', 'configGit', 'coreos.configGit'],
  ['COREOS_ASSEMBLER_GIT', 'assemblerGit', 'coreos.assemblerGit'],
  ['COREOS_ASSEMBLER_ADD_CERTS', 'addCerts', 'coreos.addCerts'],
  ['COREOS_ASSEMBLER_CONTAINER_RUNTIME_ARGS', 'runtimeArgs', 'coreos.runtimeArgs'],
];

/**
 * What the alias prints before it runs (`env | grep COREOS_ASSEMBLER`, then
 * `set -x`): the COREOS_ASSEMBLER_* values in effect, each with where it came
 * from as a shell comment (so every line stays pasteable), then "+ <command line>".
 */
export function cosaPreamble(
  settings: CosaSettings,
  env: Readonly<Record<string, string | undefined>>,
  runtime: string,
  argv: readonly string[],
): string[] {
  const lines: string[] = [];
  const shown = new Set<string>();
  for (const [name, key, setting] of ALIAS_VARIABLES) {
    const source = settings.sources?.[key];
    let value: string | undefined;
    if (key === 'runtimeArgs') {
      // Split like the alias' unquoted expansion (no quote removal): the words joined by spaces give them back.
      value = source === 'environment' ? env[name] : settings.runtimeArgs.length ? settings.runtimeArgs.join(' ') : undefined;
    } else if (key === 'addCerts') {
      value = settings.addCerts ? (source === 'environment' ? env[name] : '1') : undefined;
    } else {
      value = settings[key];
    }
    if (value === undefined || value === '') {
      continue;
    }
    if (source !== 'setting') {
      shown.add(name);
    }
    const from = source === 'setting' ? `setting ${setting}` : source === 'default' ? 'default' : 'environment';
    lines.push(`${name}=${shellQuote(value)}  # ${from}`);
  }
  for (const name of Object.keys(env).sort()) {
    if (name.includes('COREOS_ASSEMBLER') && !shown.has(name) && env[name] !== undefined) {
      const overridden = ALIAS_VARIABLES.some(([n]) => n === name);
      lines.push(`${name}=${shellQuote(env[name]!)}  # environment${overridden ? ', overridden by a setting' : ''}`);
    }
  }
  lines.push(`+ ${commandLine(runtime, argv)}`);
  return lines;
}
