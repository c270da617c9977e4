// Prerequisite checks as pure functions over facts collected elsewhere
// (src/engine/hostFacts.ts), so every failure kind is testable without it.
// One check per row of the report; each row has a stable id (its anchor,
// `check-<id>`), so a notification about a known problem can open the report
// at the row that explains the fix.

import { COMMANDS } from '../commandIds';
import { BuilderFacts, describeBuilder } from './builderFacts';
import { versionAtLeast } from './invocation';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  readonly id: CheckId;
  readonly title: string;
  readonly status: CheckStatus;
  readonly detail: string;
  /** What to do about it, in words and commands; empty when ok. */
  readonly fix?: string;
  /** A command of this extension that fixes it (e.g. pull the image), shown as a button. */
  readonly action?: { readonly title: string; readonly command: string };
}

/** The checks, in report order. */
export const CHECK_IDS = [
  'settings', 'runtime', 'rootless', 'kvm', 'cpu', 'nested', 'fuse', 'disk-workspace', 'disk-var-tmp', 'selinux', 'image', 'socket',
] as const;
/** The rows of a remote builder (checkRemoteBuilder), instead of this machine's KVM, disk and image rows. */
export const BUILDER_CHECK_IDS = ['builder', 'builder-podman', 'builder-kvm', 'builder-disk'] as const;
export type CheckId = typeof CHECK_IDS[number] | typeof BUILDER_CHECK_IDS[number];

/** The anchor (HTML id / URL fragment) of a check's row. */
export function checkAnchor(id: CheckId): string {
  return `check-${id}`;
}

export interface DeviceFacts {
  readonly exists: boolean;
  readonly readable: boolean;
  readonly writable: boolean;
  /** Permission bits (e.g. 0o660), owner and group of the device node. */
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  /** Name of the owning group (from /etc/group), e.g. "kvm". */
  readonly groupName?: string;
}

export interface CpuFacts {
  /** The `flags` of /proc/cpuinfo include vmx (Intel VT-x) or svm (AMD-V). */
  readonly vmx: boolean;
  readonly svm: boolean;
  /** The `hypervisor` flag: this machine is itself a VM. */
  readonly hypervisor: boolean;
}

export interface SelinuxFacts {
  /** Content of /sys/fs/selinux/enforce ("1", "0"); undefined when the file does not exist. */
  readonly enforce?: string;
  /** Output of `getenforce` when it could be run (Enforcing, Permissive, Disabled). */
  readonly getenforce?: string;
}

export interface ImageFacts {
  readonly ref: string;
  readonly present: boolean;
  /** Creation time of the local image (ms since the epoch). */
  readonly created?: number;
  /** Why presence could not be determined (runtime missing, inspect failed). */
  readonly error?: string;
}

export interface SocketFacts {
  readonly path?: string;
  /** How the socket was found (CONTAINER_HOST, podman info, default path). */
  readonly source?: string;
  readonly reachable: boolean;
}

export interface HostFacts {
  readonly runtime: string;
  readonly runtimePath?: string;
  readonly runtimeVersion?: string;
  /** From `podman info` / `docker info`; undefined when that could not be asked. */
  readonly rootless?: boolean;
  /** Why `podman info` / `docker info` failed. */
  readonly runtimeError?: string;
  /** The invoking user and its (supplementary) groups. */
  readonly uid?: number;
  readonly groups?: readonly number[];
  /** The configured coreos.userNamespace (auto, uidmap, keep-id). */
  readonly userNamespace?: string;
  /** A settings problem (SettingsError message) that stops every command. */
  readonly settingsError?: string;
  readonly kvm: DeviceFacts;
  readonly fuse: DeviceFacts;
  readonly cpu?: CpuFacts;
  /** Raw values of /sys/module/kvm_{intel,amd}/parameters/nested, when the module is loaded. */
  readonly nested?: { readonly kvm_intel?: string; readonly kvm_amd?: string };
  /** Free bytes, by label ("workspace", "/var/tmp"). */
  readonly freeBytes: Readonly<Record<string, number | undefined>>;
  readonly selinux?: SelinuxFacts;
  readonly image?: ImageFacts;
  readonly socket?: SocketFacts;
  /** The time the facts were collected (ms), for the image age. */
  readonly now?: number;
}

export const LOW_DISK_BYTES = 20 * 1024 ** 3;
/** The documented cosa alias warns (and sleeps 10 s) when the image is older than this. */
export const IMAGE_MAX_AGE_DAYS = 7;
const DAY_MS = 24 * 3600 * 1000;

type Check = (facts: HostFacts) => CheckResult;

const checkSettings: Check = (f) => (f.settingsError
  ? {
    id: 'settings', title: 'Settings', status: 'fail', detail: f.settingsError,
    fix: 'Correct the setting in Settings (search for "coreos") or the COREOS_ASSEMBLER_* variable it falls back to; nothing can start cosa until then.',
  }
  : { id: 'settings', title: 'Settings', status: 'ok', detail: 'The coreos.* settings (and their COREOS_ASSEMBLER_* fallbacks) are valid.' });

const checkRuntime: Check = (f) => {
  const title = 'Container runtime';
  if (!f.runtimePath) {
    return {
      id: 'runtime', title, status: 'fail', detail: `${f.runtime} is not on PATH; cosa runs in a container.`,
      fix: `Install ${f.runtime} (Debian/Ubuntu: \`sudo apt install ${f.runtime}\`; Fedora: \`sudo dnf install ${f.runtime}\`) or set \`coreos.containerRuntime\`.`,
    };
  }
  const version = f.runtimeVersion ?? '(version unknown)';
  const where = `${f.runtime} ${version} at ${f.runtimePath}`;
  if (f.runtime === 'podman' && f.runtimeVersion && !versionAtLeast(f.runtimeVersion, 4, 3)) {
    if (f.userNamespace === 'keep-id') {
      return {
        id: 'runtime', title, status: 'fail',
        detail: `${where}: --userns=keep-id:uid=1000,gid=1000 needs podman 4.3 or newer ("unrecognized namespace mode keep-id").`,
        fix: 'Set `coreos.userNamespace` to `auto` (the --uidmap mapping of the older alias), or upgrade podman.',
      };
    }
    return { id: 'runtime', title, status: 'ok', detail: `${where} (older than 4.3: the --uidmap mapping is used instead of --userns=keep-id)` };
  }
  if (f.runtime === 'docker') {
    return { id: 'runtime', title, status: 'ok', detail: `${where} (cosa's documentation covers podman; the extension adapts the invocation for docker)` };
  }
  return { id: 'runtime', title, status: 'ok', detail: where };
};

const checkRootless: Check = (f) => {
  const title = 'Rootless or rootful';
  if (!f.runtimePath) {
    return { id: 'rootless', title, status: 'warn', detail: `Unknown: ${f.runtime} is not installed.`, fix: 'Install the container runtime first.' };
  }
  if (f.rootless === undefined) {
    return {
      id: 'rootless', title, status: 'warn', detail: `\`${f.runtime} info\` failed${f.runtimeError ? `: ${f.runtimeError}` : ''}`,
      fix: `Run \`${f.runtime} info\` in a terminal to see why (for docker: is the daemon running and are you in the \`docker\` group?).`,
    };
  }
  if (f.rootless) {
    return { id: 'rootless', title, status: 'ok', detail: `Rootless ${f.runtime}: the container runs in your user namespace; your user needs access to /dev/kvm.` };
  }
  const asUser = f.uid !== undefined && f.uid !== 0 ? ` (you are uid ${f.uid}; files cosa writes are mapped back to you)` : '';
  return { id: 'rootless', title, status: 'ok', detail: `Rootful ${f.runtime}${asUser}.` };
};

function octal(mode: number | undefined): string {
  return mode === undefined ? '' : `0${(mode & 0o777).toString(8)}`;
}

const checkKvm: Check = (f) => {
  const title = '/dev/kvm';
  const k = f.kvm;
  if (!k.exists) {
    return {
      id: 'kvm', title, status: 'fail',
      detail: '/dev/kvm does not exist: cosa fails with "fatal: Missing /dev/kvm" and qemu with "Could not access KVM kernel module".',
      fix: 'Enable virtualisation (VT-x/AMD-V) in the firmware and load the module (`sudo modprobe kvm_intel` or `sudo modprobe kvm_amd`); inside a VM, enable nested virtualisation on its host. Last resort: `COSA_NO_KVM=1` (very slow TCG).',
    };
  }
  const owner = k.groupName ?? (k.gid !== undefined ? `gid ${k.gid}` : undefined);
  const perms = k.mode !== undefined ? ` (${octal(k.mode)}${owner ? `, group ${owner}` : ''})` : '';
  if (!k.readable || !k.writable) {
    const inGroup = k.gid !== undefined && f.groups?.includes(k.gid);
    const group = k.groupName ?? 'kvm';
    return {
      id: 'kvm', title, status: 'fail',
      detail: `/dev/kvm${perms} is not readable and writable by you${inGroup ? ` although you are in group ${group} (log out and in again?)` : ''}: cosa fails with "running unprivileged, and /dev/kvm not writable".`,
      fix: `Add yourself to the ${group} group: \`sudo usermod -aG ${group} $USER\`, then log out and in again.${f.rootless ? ' With rootless podman also add `--group-add keep-groups` to `coreos.runtimeArgs`.' : ''}`,
    };
  }
  const worldRw = k.mode !== undefined && (k.mode & 0o006) === 0o006;
  const viaGroup = k.mode !== undefined && !worldRw && k.uid !== f.uid && f.uid !== 0;
  if (f.rootless && viaGroup) {
    return {
      id: 'kvm', title, status: 'warn',
      detail: `/dev/kvm${perms} is yours through group ${k.groupName ?? k.gid}, but rootless podman drops supplementary groups in the container ("/dev/kvm not writable" inside).`,
      fix: 'Add `--group-add keep-groups` to `coreos.runtimeArgs` (coreos-assembler#2501).',
    };
  }
  return { id: 'kvm', title, status: 'ok', detail: `/dev/kvm${perms} is readable and writable.` };
};

const kvmUsable = (f: HostFacts) => f.kvm.exists && f.kvm.readable && f.kvm.writable;

const checkCpu: Check = (f) => {
  const title = 'CPU virtualisation';
  if (!f.cpu) {
    return { id: 'cpu', title, status: 'warn', detail: 'The CPU flags could not be read from /proc/cpuinfo.', fix: 'Check `grep -cE "vmx|svm" /proc/cpuinfo` yourself.' };
  }
  if (f.cpu.vmx || f.cpu.svm) {
    return { id: 'cpu', title, status: 'ok', detail: `The CPU has ${f.cpu.vmx ? 'vmx (Intel VT-x)' : 'svm (AMD-V)'}.` };
  }
  if (kvmUsable(f)) {
    return {
      id: 'cpu', title, status: 'warn',
      detail: 'No vmx/svm flag in /proc/cpuinfo, yet /dev/kvm works: a paravirtualised KVM (e.g. kvm-pvm) that may not boot every guest kernel.',
      fix: 'If `cosa run` hangs after "Booting from ROM", use a host with hardware virtualisation or COSA_NO_KVM=1.',
    };
  }
  return {
    id: 'cpu', title, status: 'fail',
    detail: f.cpu.hypervisor
      ? 'No vmx/svm flag: this VM\'s hypervisor does not expose hardware virtualisation (nested virtualisation is off).'
      : 'No vmx/svm flag: hardware virtualisation is off or unsupported.',
    fix: f.cpu.hypervisor
      ? 'Enable nested virtualisation for this VM on its host (see the Nested virtualisation row), or use bare metal.'
      : 'Enable Intel VT-x / AMD-V (SVM) in the firmware (BIOS/UEFI) settings.',
  };
};

const checkNested: Check = (f) => {
  const title = 'Nested virtualisation';
  const params = Object.entries(f.nested ?? {}).filter(([, v]) => v !== undefined).map(([m, v]) => `${m} nested=${v!.trim()}`);
  const paramText = params.length ? ` (this host's ${params.join(', ')})` : '';
  if (!f.cpu) {
    return { id: 'nested', title, status: 'warn', detail: `Unknown: the CPU flags could not be read${paramText}.` };
  }
  if (!f.cpu.hypervisor) {
    return { id: 'nested', title, status: 'ok', detail: `Not needed: this is not a VM (no \`hypervisor\` CPU flag)${paramText}.` };
  }
  if (f.cpu.vmx || f.cpu.svm) {
    return { id: 'nested', title, status: 'ok', detail: `Running inside a VM whose hypervisor exposes ${f.cpu.vmx ? 'vmx' : 'svm'}: nested virtualisation is on${paramText}.` };
  }
  const fix = 'On the VM\'s host: `echo "options kvm_intel nested=1" | sudo tee /etc/modprobe.d/kvm-nested.conf` (or `kvm_amd nested=1`), reload the module, and give the VM the host CPU model (`-cpu host` / libvirt `host-passthrough`); in a cloud, pick an instance type with nested virtualisation.';
  if (kvmUsable(f)) {
    return { id: 'nested', title, status: 'warn', detail: `Running inside a VM without vmx/svm, but /dev/kvm works (paravirtualised KVM)${paramText}.`, fix };
  }
  return {
    id: 'nested', title, status: 'fail',
    detail: `Running inside a VM (\`hypervisor\` flag) that exposes no vmx/svm: nested virtualisation is off on its host${paramText}.`,
    fix,
  };
};

const checkFuse: Check = (f) => {
  const title = '/dev/fuse';
  if (!f.fuse.exists) {
    return { id: 'fuse', title, status: 'fail', detail: '/dev/fuse does not exist; the cosa container is started with --device /dev/fuse.', fix: 'Load the fuse module: `sudo modprobe fuse`.' };
  }
  if (!f.fuse.readable || !f.fuse.writable) {
    return { id: 'fuse', title, status: 'warn', detail: `/dev/fuse${f.fuse.mode !== undefined ? ` (${octal(f.fuse.mode)})` : ''} is not readable and writable by you.`, fix: 'It is normally 0666: `sudo chmod 0666 /dev/fuse`, or check your distribution\'s udev rules.' };
  }
  return { id: 'fuse', title, status: 'ok', detail: '/dev/fuse exists and is usable.' };
};

function diskCheck(id: CheckId, where: string, free: number | undefined, present: boolean): CheckResult {
  const title = `Free space in ${where}`;
  if (!present) {
    return { id, title, status: 'ok', detail: 'No folder is open.' };
  }
  if (free === undefined) {
    return { id, title, status: 'warn', detail: 'could not be measured', fix: `Check with \`df -h ${where === 'the workspace' ? '.' : where}\`.` };
  }
  if (free < LOW_DISK_BYTES) {
    return {
      id, title, status: 'warn',
      detail: `${formatGiB(free)} free; cosa's cache needs several times the rootfs (20 GiB or more), or a build ends with "No space left on device" (ENOSPC).`,
      fix: where === '/var/tmp'
        ? 'Free space in /var/tmp (kola and qemu put their overlays in /var/tmp/mantle-qemu*): `sudo rm -rf /var/tmp/mantle-qemu*` when no VM runs.'
        : 'Free space in the workspace: `cosa prune --keep 1` drops old builds; deleting `cache/cache2.qcow2` recreates the cache.',
    };
  }
  return { id, title, status: 'ok', detail: `${formatGiB(free)} free` };
}

const checkDiskWorkspace: Check = (f) => diskCheck('disk-workspace', 'the workspace', f.freeBytes.workspace, 'workspace' in f.freeBytes);
const checkDiskVarTmp: Check = (f) => diskCheck('disk-var-tmp', '/var/tmp', f.freeBytes['/var/tmp'], true);

/** enforcing, permissive, disabled (no selinuxfs), or undefined. */
export function selinuxMode(s: SelinuxFacts | undefined): 'enforcing' | 'permissive' | 'disabled' | undefined {
  const g = s?.getenforce?.trim().toLowerCase();
  if (g === 'enforcing' || g === 'permissive' || g === 'disabled') {
    return g;
  }
  if (s?.enforce !== undefined) {
    return s.enforce.trim() === '1' ? 'enforcing' : 'permissive';
  }
  return s ? 'disabled' : undefined;
}

const checkSelinux: Check = (f) => {
  const title = 'SELinux';
  const mode = selinuxMode(f.selinux);
  switch (mode) {
    case undefined:
      return { id: 'selinux', title, status: 'warn', detail: 'The SELinux mode could not be read.', fix: 'Run `getenforce`.' };
    case 'disabled':
      return { id: 'selinux', title, status: 'ok', detail: 'SELinux is not enabled on this host (no /sys/fs/selinux/enforce).' };
    case 'permissive':
      return { id: 'selinux', title, status: 'ok', detail: 'SELinux is permissive.' };
    default:
      return {
        id: 'selinux', title, status: 'ok',
        detail: 'SELinux is enforcing: the container runs with --security-opt label=disable like the cosa alias, so the workspace needs no relabelling. Extra mounts in coreos.runtimeArgs may need `:z`.',
      };
  }
};

export function imageAgeDays(image: ImageFacts, now: number): number | undefined {
  return image.created === undefined ? undefined : Math.floor((now - image.created) / DAY_MS);
}

const PULL_ACTION = { title: 'Pull Assembler Image', command: COMMANDS.pullImage };

const checkImage: Check = (f) => {
  const title = 'cosa image';
  const img = f.image;
  if (!img) {
    return { id: 'image', title, status: 'warn', detail: 'Not checked.' };
  }
  if (img.error !== undefined) {
    return { id: 'image', title, status: 'warn', detail: `${img.ref}: could not be checked (${img.error}).`, fix: 'Install the container runtime first.' };
  }
  if (!img.present) {
    return {
      id: 'image', title, status: 'fail',
      detail: `${img.ref} is not present locally (cosa would fail with "image not known" or pull several GB at the first command).`,
      fix: `Pull it now: **CoreOS: Pull Assembler Image**, or \`${f.runtime} pull ${img.ref}\`.`,
      action: PULL_ACTION,
    };
  }
  const age = imageAgeDays(img, f.now ?? Date.now());
  if (age !== undefined && age > IMAGE_MAX_AGE_DAYS) {
    return {
      id: 'image', title, status: 'warn',
      detail: `${img.ref} is ${age} days old; the cosa alias warns after ${IMAGE_MAX_AGE_DAYS} days.`,
      fix: `Update it: **CoreOS: Pull Assembler Image**, or \`${f.runtime} pull ${img.ref}\`.`,
      action: PULL_ACTION,
    };
  }
  return { id: 'image', title, status: 'ok', detail: `${img.ref} is present${age !== undefined ? ` (${age === 0 ? 'created today' : `${age} day${age === 1 ? '' : 's'} old`})` : ''}.` };
};

const checkSocket: Check = (f) => {
  const title = 'API socket';
  const s = f.socket;
  const fix = f.runtime === 'docker'
    ? 'Start the daemon: `sudo systemctl enable --now docker.socket`.'
    : f.rootless === false
      ? 'Start the podman API socket: `sudo systemctl enable --now podman.socket`.'
      : 'Start the podman API socket: `systemctl --user enable --now podman.socket`.';
  if (!s?.path) {
    return {
      id: 'socket', title, status: 'warn',
      detail: `No ${f.runtime} API socket found: pull progress per layer and the container inventory fall back to the CLI.`,
      fix,
    };
  }
  if (!s.reachable) {
    return { id: 'socket', title, status: 'warn', detail: `${s.path}${s.source ? ` (${s.source})` : ''} does not answer; the CLI is used instead.`, fix };
  }
  return { id: 'socket', title, status: 'ok', detail: `${s.path}${s.source ? ` (${s.source})` : ''} answers.` };
};

const CHECKS: readonly Check[] = [
  checkSettings, checkRuntime, checkRootless, checkKvm, checkCpu, checkNested, checkFuse,
  checkDiskWorkspace, checkDiskVarTmp, checkSelinux, checkImage, checkSocket,
];

export function checkPrerequisites(facts: HostFacts): CheckResult[] {
  return CHECKS.map((c) => c(facts));
}

/** What the doctor knows of the selected remote builder. */
export interface RemoteBuilderCheckFacts {
  /** For people: the connection name or user@host. */
  readonly name: string;
  /** The facts, or why the builder could not be asked (podman's reason in words). */
  readonly facts: BuilderFacts | { readonly error: string };
}

/**
 * The remote builder's rows: reachable, podman new enough for the session's
 * `--userns=keep-id:uid=1000,gid=1000` (src/cosa/remoteSession.ts), /dev/kvm as the session
 * sees it, and free disk of its storage. This machine's KVM is not needed then.
 */
export function checkRemoteBuilder(b: RemoteBuilderCheckFacts): CheckResult[] {
  const f = b.facts;
  if ('error' in f) {
    const unknown = (id: CheckId, title: string): CheckResult => ({ id, title, status: 'warn', detail: `Unknown: the builder ${b.name} did not answer.` });
    return [
      {
        id: 'builder', title: `Builder ${b.name}`, status: 'fail', detail: f.error,
        fix: 'Check the builder from a terminal (`podman --remote info` with its CONTAINER_HOST and CONTAINER_SSHKEY), or pick another one: **CoreOS: Select Builder**.',
        action: { title: 'Select Builder', command: COMMANDS.selectBuilder },
      },
      unknown('builder-podman', 'podman on the builder'), unknown('builder-kvm', '/dev/kvm on the builder'), unknown('builder-disk', 'Free space on the builder'),
    ];
  }
  const podman: CheckResult = !versionAtLeast(f.podmanVersion, 4, 3)
    ? {
      id: 'builder-podman', title: 'podman on the builder', status: 'fail',
      detail: `podman ${f.podmanVersion}: the cosa session runs with --userns=keep-id:uid=1000,gid=1000 (as \`cosa remote-session create\`), which needs podman 4.3 or newer.`,
      fix: 'Upgrade podman on the builder.',
    }
    : f.rootless
      ? {
        id: 'builder-podman', title: 'podman on the builder', status: 'ok',
        detail: `podman ${f.podmanVersion}, rootless: keep-id maps the builder account to cosa's uid 1000, so the session's /srv belongs to cosa; /dev/kvm must be usable by that account (its kvm group).`,
      }
      : {
        id: 'builder-podman', title: 'podman on the builder', status: 'warn',
        detail: `podman ${f.podmanVersion}, rootful: the session's --userns=keep-id is meant for rootless podman (podman 4 refuses it as root: "keep-id is only supported in rootless mode").`,
        fix: 'Connect as an unprivileged account on the builder (its rootless podman socket, /run/user/UID/podman/podman.sock).',
      };
  const kvm: CheckResult = f.kvm === 'usable'
    ? { id: 'builder-kvm', title: '/dev/kvm on the builder', status: 'ok', detail: '/dev/kvm is usable in the cosa session on the builder (this machine needs no KVM).' }
    : f.kvm === undefined
      ? {
        id: 'builder-kvm', title: '/dev/kvm on the builder', status: 'warn',
        detail: 'Not checked yet: /dev/kvm is looked at inside this workspace\'s cosa session, which the first cosa command opens on the builder.',
        fix: 'Run a cosa command (e.g. Build), then check again.',
      }
      : {
        id: 'builder-kvm', title: '/dev/kvm on the builder', status: 'fail',
        detail: f.kvm === 'missing'
          ? '/dev/kvm does not exist in the cosa session on the builder: cosa fails with "fatal: Missing /dev/kvm".'
          : '/dev/kvm is not writable in the cosa session on the builder: cosa fails with "running unprivileged, and /dev/kvm not writable".',
        fix: f.kvm === 'missing'
          ? 'On the builder: enable virtualisation and load kvm_intel or kvm_amd.'
          : 'On the builder: add its account to the kvm group (`sudo usermod -aG kvm USER`) and restart its podman service.',
      };
  const disk: CheckResult = f.freeBytes === undefined
    ? { id: 'builder-disk', title: 'Free space on the builder', status: 'warn', detail: 'podman info did not report its storage\'s free space.' }
    : f.freeBytes < LOW_DISK_BYTES
      ? {
        id: 'builder-disk', title: 'Free space on the builder', status: 'warn',
        detail: `${formatGiB(f.freeBytes)} free in podman's storage on the builder (the session's /srv lives there); a build needs 20 GiB or more.`,
        fix: 'Free space on the builder (`podman system prune`, old sessions: `podman ps --filter label=io.github.coreos-vscode.purpose=remote-session`).',
      }
      : { id: 'builder-disk', title: 'Free space on the builder', status: 'ok', detail: `${formatGiB(f.freeBytes)} free in podman's storage on the builder.` };
  return [{ id: 'builder', title: `Builder ${b.name}`, status: 'ok', detail: describeBuilder(f) }, podman, kvm, disk];
}

/** The rows of the report: this machine's, or with a remote builder its rows instead of this machine's build prerequisites. */
export function checkPrerequisitesWith(facts: HostFacts, builder: RemoteBuilderCheckFacts | undefined): CheckResult[] {
  if (!builder) {
    return checkPrerequisites(facts);
  }
  // The local podman is only the client then; KVM, disk, image and socket are the builder's business.
  return [checkSettings(facts), checkRuntime(facts), ...checkRemoteBuilder(builder)];
}

export function formatGiB(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

const ICON: Record<CheckStatus, string> = { ok: '✅', warn: '⚠️', fail: '❌' };

export function renderReportMarkdown(results: readonly CheckResult[]): string {
  const lines = ['# CoreOS Assembler: prerequisites', '', '| | Check | Result | Fix |', '|---|---|---|---|'];
  const cell = (s: string | undefined) => (s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
  for (const r of results) {
    lines.push(`| ${ICON[r.status]} | <a id="${checkAnchor(r.id)}"></a>${cell(r.title)} | ${cell(r.detail)} | ${cell(r.fix)} |`);
  }
  return lines.join('\n') + '\n';
}
