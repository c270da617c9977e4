// Prerequisite checks as pure functions over facts collected elsewhere
// (src/engine/hostFacts.ts), so every failure kind is testable without it.

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatus;
  readonly detail: string;
  /** What to do about it, in words and commands; empty when ok. */
  readonly fix?: string;
}

export interface DeviceFacts {
  readonly exists: boolean;
  readonly readable: boolean;
  readonly writable: boolean;
}

export interface HostFacts {
  readonly runtime: string;
  readonly runtimePath?: string;
  readonly runtimeVersion?: string;
  readonly kvm: DeviceFacts;
  readonly fuse: DeviceFacts;
  /** Free bytes, by label (e.g. "workspace", "/var/tmp"). */
  readonly freeBytes: Readonly<Record<string, number | undefined>>;
}

export const LOW_DISK_BYTES = 20 * 1024 ** 3;

export function checkPrerequisites(facts: HostFacts): CheckResult[] {
  const results: CheckResult[] = [];
  results.push(facts.runtimePath
    ? { id: 'runtime', title: 'Container runtime', status: 'ok', detail: `${facts.runtime} ${facts.runtimeVersion ?? '(version unknown)'} at ${facts.runtimePath}` }
    : {
      id: 'runtime', title: 'Container runtime', status: 'fail',
      detail: `${facts.runtime} is not on PATH`,
      fix: `Install ${facts.runtime} (Debian/Ubuntu: \`sudo apt install ${facts.runtime}\`; Fedora: \`sudo dnf install ${facts.runtime}\`) or set \`coreos.containerRuntime\`.`,
    });
  if (!facts.kvm.exists) {
    results.push({
      id: 'kvm', title: '/dev/kvm', status: 'fail', detail: '/dev/kvm does not exist: builds and VMs would run without KVM (very slow) or fail with "fatal: Missing /dev/kvm".',
      fix: 'Load the module (`sudo modprobe kvm_intel` or `kvm_amd`); on a VM host enable nested virtualisation. As a last resort set COSA_NO_KVM=1 (slow TCG).',
    });
  } else if (!facts.kvm.readable || !facts.kvm.writable) {
    results.push({
      id: 'kvm', title: '/dev/kvm', status: 'fail', detail: '/dev/kvm exists but is not readable and writable by you ("running unprivileged, and /dev/kvm not writable").',
      fix: 'Add yourself to the kvm group: `sudo usermod -aG kvm $USER`, then log out and in again.',
    });
  } else {
    results.push({ id: 'kvm', title: '/dev/kvm', status: 'ok', detail: '/dev/kvm is readable and writable' });
  }
  results.push(facts.fuse.exists
    ? { id: 'fuse', title: '/dev/fuse', status: 'ok', detail: '/dev/fuse exists' }
    : { id: 'fuse', title: '/dev/fuse', status: 'fail', detail: '/dev/fuse does not exist; the cosa container is started with --device /dev/fuse.', fix: 'Load the fuse module: `sudo modprobe fuse`.' });
  for (const [where, free] of Object.entries(facts.freeBytes)) {
    const id = `disk:${where}`;
    if (free === undefined) {
      results.push({ id, title: `Free space in ${where}`, status: 'warn', detail: 'could not be measured' });
    } else if (free < LOW_DISK_BYTES) {
      results.push({
        id, title: `Free space in ${where}`, status: 'warn', detail: `${formatGiB(free)} free; cosa's cache needs several times the rootfs (20 GiB or more)`,
        fix: `Free space in ${where}, or run \`cosa prune\` / \`cosa clean\` to drop old builds.`,
      });
    } else {
      results.push({ id, title: `Free space in ${where}`, status: 'ok', detail: `${formatGiB(free)} free` });
    }
  }
  return results;
}

export function formatGiB(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

export function renderReportMarkdown(results: readonly CheckResult[]): string {
  const icon: Record<CheckStatus, string> = { ok: '✅', warn: '⚠️', fail: '❌' };
  const lines = ['# CoreOS Assembler: prerequisites', '', '| | Check | Result | Fix |', '|---|---|---|---|'];
  const cell = (s: string | undefined) => (s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
  for (const r of results) {
    lines.push(`| ${icon[r.status]} | ${cell(r.title)} | ${cell(r.detail)} | ${cell(r.fix)} |`);
  }
  return lines.join('\n') + '\n';
}
