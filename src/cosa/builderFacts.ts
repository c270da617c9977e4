// What a remote builder is, read from `podman --remote info --format json` (podman 4.x: host.arch
// in Go's names, version.Version, store.graphRootAllocated/graphRootUsed in bytes) and from a look
// at /dev/kvm inside its cosa session. Pure: parsing and judging only.

export interface BuilderFacts {
  /** cosa's name of the builder's architecture (x86_64, aarch64, ...), or Go's when unknown. */
  readonly arch: string;
  readonly podmanVersion: string;
  readonly rootless: boolean;
  readonly cpus?: number;
  /** Free bytes of podman's storage on the builder (volumes, the session's /srv, live there). */
  readonly freeBytes?: number;
  /** /dev/kvm as the session sees it; undefined: not looked at (no session yet). */
  readonly kvm?: 'usable' | 'read-only' | 'missing';
}

export class BuilderFactsError extends Error {}

const GO_TO_COSA_ARCH: Readonly<Record<string, string>> = { amd64: 'x86_64', arm64: 'aarch64', ppc64le: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/** `podman --remote info --format json`. */
export function parsePodmanInfo(json: string): Omit<BuilderFacts, 'kvm'> {
  let d: { host?: { arch?: unknown; cpus?: unknown; security?: { rootless?: unknown } }; version?: { Version?: unknown }; store?: { graphRootAllocated?: unknown; graphRootUsed?: unknown } };
  try {
    d = JSON.parse(json) as typeof d;
  } catch (e) {
    throw new BuilderFactsError(`podman info printed no JSON: ${(e as Error).message}`);
  }
  const goArch = d?.host?.arch;
  const version = d?.version?.Version;
  if (typeof goArch !== 'string' || typeof version !== 'string') {
    throw new BuilderFactsError('podman info did not name the host architecture and podman version');
  }
  const allocated = num(d.store?.graphRootAllocated);
  const used = num(d.store?.graphRootUsed);
  const cpus = num(d.host?.cpus);
  return {
    arch: GO_TO_COSA_ARCH[goArch] ?? goArch,
    podmanVersion: version,
    rootless: d.host?.security?.rootless === true,
    ...(cpus !== undefined ? { cpus } : {}),
    ...(allocated !== undefined && used !== undefined && allocated >= used ? { freeBytes: allocated - used } : {}),
  };
}

/** The command that looks at /dev/kvm in the session (constant text, no input in it). */
export const KVM_PROBE_ARGV: readonly string[] = ['sh', '-c', 'if [ ! -c /dev/kvm ]; then echo missing; elif [ -w /dev/kvm ]; then echo usable; else echo read-only; fi'];

export function parseKvmProbe(stdout: string): BuilderFacts['kvm'] {
  const word = stdout.trim();
  return word === 'usable' || word === 'read-only' || word === 'missing' ? word : undefined;
}

/** One line for people: "x86_64, podman 4.3.1, KVM usable, 41.2 GiB free". */
export function describeBuilder(f: BuilderFacts): string {
  const kvm = f.kvm === undefined ? 'KVM not checked yet' : f.kvm === 'usable' ? 'KVM usable' : f.kvm === 'read-only' ? 'KVM not writable' : 'no KVM';
  const free = f.freeBytes === undefined ? '' : `, ${(f.freeBytes / 1024 ** 3).toFixed(1)} GiB free`;
  return `${f.arch}, podman ${f.podmanVersion}${f.rootless ? ' (rootless)' : ''}, ${kvm}${free}`;
}
