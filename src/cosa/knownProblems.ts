// Known first-run problems recognised in cosa's (and the runtime's, and
// qemu's) output, each tied to the row of the prerequisites report that
// explains the fix (src/cosa/prerequisites.ts). Pure.

import { cleanLine } from './cosaFailure';
import { CheckId } from './prerequisites';

export type KnownProblemId =
  | 'kvm-missing'
  | 'kvm-not-writable'
  | 'kvm-unavailable'
  | 'kvm-busy'
  | 'keep-id-unsupported'
  | 'no-disk-image'
  | 'no-space'
  | 'image-missing'
  | 'workdir-locked';

export interface KnownProblem {
  readonly id: KnownProblemId;
  /** The report row that explains the fix (undefined: not a host problem). */
  readonly check?: CheckId;
  /** One sentence for the notification: what happened and what to do. */
  readonly message: string;
  /** Offer to pull the configured image. */
  readonly offerPull?: boolean;
  /** A cosa command line that fixes it (shown in the message). */
  readonly suggestion?: string;
  /** The line that matched (ANSI stripped). */
  readonly line: string;
}

interface Rule {
  readonly id: KnownProblemId;
  /** A RegExp that runs in linear time on any line, or a function where a RegExp would backtrack. */
  readonly pattern: RegExp | ((line: string) => boolean);
  /** Literals of which a line the pattern matches contains at least one (a quick pre-check for every output line). */
  readonly needs: readonly string[];
  readonly problem: (line: string) => Omit<KnownProblem, 'id' | 'line'>;
}

const IMAGE_MISSING = /image not known|manifest unknown|Unable to find image|pull access denied|repository does not exist|Error: (?:[^ ]+: )?reading manifest/;
const UNREACHABLE = ['connection refused', 'no such host', 'pinging container registry'];

/**
 * `initializing source [^:]+:.*(?:connection refused|no such host|pinging
 * container registry)` in linear time (the RegExp backtracks quadratically
 * on a line that repeats `initializing source a:`): the first occurrence whose
 * source is not empty decides, since it has the earliest colon.
 */
function registryUnreachable(line: string): boolean {
  const lead = 'initializing source ';
  for (let from = 0; ;) {
    const at = line.indexOf(lead, from);
    if (at < 0) return false;
    const source = at + lead.length;
    const colon = line.indexOf(':', source);
    if (colon < 0) return false;
    if (colon > source) return UNREACHABLE.some((u) => line.lastIndexOf(u) > colon);
    from = at + 1;
  }
}

const RULES: readonly Rule[] = [
  {
    id: 'kvm-missing',
    needs: ['Missing /dev/kvm'],
    pattern: /fatal: Missing \/dev\/kvm/,
    problem: () => ({ check: 'kvm', message: 'cosa found no /dev/kvm: enable virtualisation and load the kvm module (or set COSA_NO_KVM=1 for slow TCG).' }),
  },
  {
    id: 'kvm-not-writable',
    needs: ['/dev/kvm not writable'],
    pattern: /running unprivileged, and \/dev\/kvm not writable/,
    problem: () => ({ check: 'kvm', message: '/dev/kvm is not writable for cosa: add yourself to the kvm group (rootless podman: also --group-add keep-groups).' }),
  },
  {
    id: 'kvm-busy',
    needs: ['Device or resource busy'],
    // qemu: "ioctl(KVM_CREATE_VM) failed: 16 Device or resource busy", "failed to initialize kvm: Device or resource busy"
    pattern: /Device or resource busy/,
    problem: (line) => (/kvm/i.test(line)
      ? { check: 'kvm', message: '/dev/kvm is busy: another hypervisor (VirtualBox, VMware, a VM with nested virtualisation) holds the CPU\'s virtualisation; stop it and try again.' }
      : { check: 'disk-workspace', message: `A device or mount was busy ("${line.slice(0, 120)}"): another process may still use the build directory.` }),
  },
  {
    id: 'kvm-unavailable',
    needs: ['KVM kernel module', 'initialize kvm', 'initialize KVM'],
    pattern: /Could not access KVM kernel module|failed to initialize kvm|failed to initialize KVM/,
    problem: () => ({ check: 'kvm', message: 'qemu could not use KVM: /dev/kvm is missing in the container, or the CPU has no (nested) virtualisation.' }),
  },
  {
    id: 'keep-id-unsupported',
    needs: ['keep-id'],
    pattern: /unrecognized namespace mode keep-id|keep-id is only supported in rootless mode/,
    problem: (line) => ({
      check: 'runtime',
      message: /rootless mode/.test(line)
        ? '--userns=keep-id only works with rootless podman: set coreos.userNamespace to "auto".'
        : 'This podman is older than 4.3 and does not know --userns=keep-id:uid=…: set coreos.userNamespace to "auto" (the --uidmap mapping) or upgrade podman.',
    }),
  },
  {
    id: 'no-disk-image',
    needs: ['No disk image provided'],
    pattern: /No disk image provided/,
    problem: () => ({
      message: 'There is no QEMU disk image to run: cosa build no longer writes one. Build it first with "cosa osbuild qemu" (legacy: "cosa buildextend-qemu").',
      suggestion: 'cosa osbuild qemu',
    }),
  },
  {
    id: 'no-space',
    needs: ['No space left on device', 'ENOSPC'],
    pattern: /No space left on device|\bENOSPC\b/,
    problem: (line) => ({
      check: /\/var\/tmp|mantle-qemu/.test(line) ? 'disk-var-tmp' : 'disk-workspace',
      message: /cache2?\.qcow2|\/cache\//.test(line)
        ? 'cosa ran out of space in its cache (cache/cache2.qcow2): delete that file so it is recreated, and free disk space.'
        : 'No space left on device: cosa needs 20 GB or more in the workspace and in /var/tmp.',
    }),
  },
  {
    id: 'image-missing',
    needs: ['image not known', 'manifest unknown', 'Unable to find image', 'pull access denied', 'repository does not exist', 'reading manifest', 'initializing source '],
    pattern: (line) => IMAGE_MISSING.test(line) || registryUnreachable(line),
    problem: () => ({ check: 'image', offerPull: true, message: 'The cosa image is not available locally and could not be pulled by the runtime.' }),
  },
  {
    id: 'workdir-locked',
    needs: ['Failed to get "write" lock'],
    pattern: /Failed to get "write" lock/,
    problem: () => ({ message: 'Another cosa process uses this working directory (its cache is locked): wait for it or stop it; never run two builds in one directory.' }),
  },
];

/** One scan for every rule's literals: most lines contain none of them and skip the rules. */
const ANY_NEEDED = new RegExp(RULES.flatMap((r) => r.needs).map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'));

/** The known problem a line of output reveals, if any. */
export function matchKnownProblem(rawLine: string): KnownProblem | undefined {
  const line = cleanLine(rawLine).trim();
  if (!line || !ANY_NEEDED.test(line)) {
    return undefined;
  }
  for (const rule of RULES) {
    if (typeof rule.pattern === 'function' ? rule.pattern(line) : rule.pattern.test(line)) {
      return { id: rule.id, line, ...rule.problem(line) };
    }
  }
  return undefined;
}

/** Collects each problem once per run (the first line that shows it). */
export class KnownProblemCollector {
  private readonly seen = new Map<KnownProblemId, KnownProblem>();

  /** The problem if this line shows one not seen before in this run. */
  push(line: string): KnownProblem | undefined {
    const p = matchKnownProblem(line);
    if (!p || this.seen.has(p.id)) {
      return undefined;
    }
    this.seen.set(p.id, p);
    return p;
  }

  get problems(): readonly KnownProblem[] {
    return [...this.seen.values()];
  }
}
