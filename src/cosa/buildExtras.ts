// What meta.json records beyond the images: the cloud uploads (`amis`, `gcp`,
// `azure`, ... as cosa's v1.json defines them) and the package diff against
// the previous build (`pkgdiff`, written by cmd-diff: [name, type, details],
// type 0 added, 1 removed, 2 upgraded, 3 downgraded). Pure; never throws on
// odd shapes (meta.json is data from a privileged container).

export interface CloudUpload {
  /** The meta.json key: amis, gcp, azure, ... */
  readonly key: string;
  /** "AWS AMIs", "GCP", ... */
  readonly label: string;
  /** One line: "3 regions: us-east-1 ami-0502…", "fedora-coreos-… (project)". */
  readonly summary: string;
  /** One line per region / object, for the tooltip. */
  readonly details: readonly string[];
}

export interface PkgDiffSummary {
  readonly added: number;
  readonly removed: number;
  readonly upgraded: number;
  readonly downgraded: number;
  /** "name old → new" lines (at most 50), in file order. */
  readonly lines: readonly string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const MAX_LINES = 50;

/** Per v1.json: arrays of per-region records, or one record. */
const CLOUDS: readonly { key: string; label: string; line: (r: Record<string, unknown>) => string | undefined }[] = [
  { key: 'amis', label: 'AWS AMIs', line: (r) => joined(str(r.name), str(r.hvm)) },
  { key: 'aws-winli', label: 'AWS Windows LI AMIs', line: (r) => joined(str(r.name), str(r.hvm)) },
  { key: 'aliyun', label: 'Aliyun images', line: (r) => joined(str(r.name), str(r.id)) },
  { key: 'gcp', label: 'GCP image', line: (r) => joined(str(r.image), str(r.project) ? `(${str(r.project)})` : undefined) ?? str(r.url) },
  { key: 'azure', label: 'Azure image', line: cloudArtifact },
  { key: 'ibmcloud', label: 'IBM Cloud images', line: cloudArtifact },
  { key: 'powervs', label: 'Power VS images', line: cloudArtifact },
  { key: 'kubevirt', label: 'KubeVirt container', line: (r) => str(r.image) },
];

function joined(...parts: (string | undefined)[]): string | undefined {
  const kept = parts.filter((p): p is string => p !== undefined);
  return kept.length ? kept.join(' ') : undefined;
}

function cloudArtifact(r: Record<string, unknown>): string | undefined {
  return joined(str(r.region), str(r.image) ?? str(r.object)) ?? str(r.url);
}

export function readCloudUploads(raw: Record<string, unknown>): CloudUpload[] {
  const uploads: CloudUpload[] = [];
  for (const cloud of CLOUDS) {
    const value = raw[cloud.key];
    const records = Array.isArray(value) ? value.filter(isRecord) : isRecord(value) ? [value] : [];
    const details = records.map(cloud.line).filter((l): l is string => l !== undefined).slice(0, MAX_LINES);
    if (!details.length) {
      continue;
    }
    const summary = Array.isArray(value) && records.length > 1
      ? `${records.length} ${cloud.key === 'ibmcloud' || cloud.key === 'powervs' ? 'objects' : 'regions'}: ${details[0]}, …`
      : details[0]!;
    uploads.push({ key: cloud.key, label: cloud.label, summary, details });
  }
  return uploads;
}

/** [name, evr, arch] of a PreviousPackage/NewPackage. */
function evr(v: unknown): string | undefined {
  return Array.isArray(v) && typeof v[1] === 'string' ? v[1] : undefined;
}

export function readPkgDiff(value: unknown): PkgDiffSummary | undefined {
  if (!Array.isArray(value)) {
    return undefined;
  }
  const counts = [0, 0, 0, 0];
  const lines: string[] = [];
  for (const entry of value) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'number' || !(entry[1] in counts)) {
      continue;
    }
    const [name, type] = entry as [string, number];
    counts[type]! += 1;
    if (lines.length < MAX_LINES) {
      const d: Record<string, unknown> = isRecord(entry[2]) ? entry[2] : {};
      const from = evr(d.PreviousPackage);
      const to = evr(d.NewPackage);
      lines.push(type === 0 ? `+ ${name} ${to ?? ''}`.trim() : type === 1 ? `- ${name} ${from ?? ''}`.trim() : `${name} ${from ?? '?'} → ${to ?? '?'}`);
    }
  }
  const [added, removed, upgraded, downgraded] = counts as [number, number, number, number];
  return { added, removed, upgraded, downgraded, lines };
}

/** "2 upgraded, 1 added" ("no package changes" for an empty diff). */
export function pkgDiffText(d: PkgDiffSummary): string {
  const parts = [
    d.upgraded ? `${d.upgraded} upgraded` : '',
    d.downgraded ? `${d.downgraded} downgraded` : '',
    d.added ? `${d.added} added` : '',
    d.removed ? `${d.removed} removed` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'no package changes';
}
