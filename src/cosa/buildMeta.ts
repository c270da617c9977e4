// builds/<id>/<arch>/meta.json -> what the tree shows. Validated against cosa's
// schema (v1.json); a file that does not validate still yields whatever facts
// can be read, plus the reasons, so one bad build never hides the others.
// The extension never writes meta.json (kola rejects unknown keys).

import type Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import schemaJson from './schema/meta.v1.json';
import { withoutNestedIds } from './metaSchema';
import { CloudUpload, PkgDiffSummary, readCloudUploads, readPkgDiff } from './buildExtras';
import { imageFileProblem } from './buildDirPaths';
import { requireBundle } from '../bundleLoader';

export interface BuildImage {
  /** The key under `images`: qemu, metal, ostree, live-iso, ... */
  readonly kind: string;
  /** File name, relative to the build's arch directory. */
  readonly path: string;
  readonly size?: number;
  readonly sha256?: string;
  /** `skip-compression`: cosa compress/decompress leave it alone (e.g. the ostree ociarchive, gcp's tar.gz). */
  readonly skipCompression?: boolean;
  /** Written by `cosa compress`: the size and sha256 the file has once decompressed. */
  readonly uncompressedSize?: number;
  readonly uncompressedSha256?: string;
}

export interface ConfigGit {
  readonly commit?: string;
  readonly branch?: string;
  readonly origin?: string;
  readonly dirty?: boolean;
}

export interface BuildMeta {
  readonly buildId?: string;
  readonly name?: string;
  readonly summary?: string;
  readonly version?: string;
  readonly basearch?: string;
  /** coreos-assembler.build-timestamp, else ostree-timestamp (what cosa prune sorts by). */
  readonly timestamp?: string;
  readonly ostreeCommit?: string;
  readonly images: readonly BuildImage[];
  readonly configGit?: ConfigGit;
  /** com.coreos.inputhash (today) or rpm-ostree-inputhash (legacy). */
  readonly inputHash?: string;
  /** Cloud uploads recorded by cosa (amis, gcp, azure, ...). */
  readonly uploads?: readonly CloudUpload[];
  readonly pkgdiff?: PkgDiffSummary;
}

export interface ParsedBuildMeta {
  readonly meta: BuildMeta;
  /** Empty when the file is valid JSON and valid against v1.json. */
  readonly errors: readonly string[];
}

let validator: ValidateFunction | undefined;

/** Loaded (from its own bundle, dist/ajv.js) and compiled on first use: activation never pays for it. */
function validate(data: unknown): readonly string[] {
  validator ??= new (requireBundle<{ default: typeof Ajv }>('ajv.js', 'ajv').default)({ allErrors: true, strict: false }).compile(withoutNestedIds(schemaJson) as object);
  if (validator(data)) {
    return [];
  }
  return (validator.errors ?? []).slice(0, 5).map((e) => {
    const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : 'meta.json';
    const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : '';
    return `${where} ${e.message ?? 'is invalid'}${extra}`;
  });
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function parseBuildMeta(text: string): ParsedBuildMeta {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { meta: { images: [] }, errors: [`meta.json is not valid JSON: ${(e as Error).message}`] };
  }
  if (!isRecord(raw)) {
    return { meta: { images: [] }, errors: ['meta.json: expected a JSON object'] };
  }
  const images: BuildImage[] = [];
  // Image paths become read, reveal and boot targets: one not cosa's is an error, never a path.
  const unsafe: string[] = [];
  if (isRecord(raw.images)) {
    for (const [kind, value] of Object.entries(raw.images)) {
      const pathProblem = isRecord(value) && typeof value.path === 'string' ? imageFileProblem(value.path) : undefined;
      if (pathProblem) {
        if (unsafe.length < 5) unsafe.push(`images.${kind}.path: ${pathProblem}`);
        continue;
      }
      if (isRecord(value) && typeof value.path === 'string') {
        images.push({
          kind,
          path: value.path,
          ...(typeof value.size === 'number' ? { size: value.size } : {}),
          ...(typeof value.sha256 === 'string' ? { sha256: value.sha256 } : {}),
          ...(value['skip-compression'] === true ? { skipCompression: true } : {}),
          ...(typeof value['uncompressed-size'] === 'number' ? { uncompressedSize: value['uncompressed-size'] } : {}),
          ...(typeof value['uncompressed-sha256'] === 'string' ? { uncompressedSha256: value['uncompressed-sha256'] } : {}),
        });
      }
    }
  }
  const git = raw['coreos-assembler.container-config-git'];
  const configGit: ConfigGit | undefined = isRecord(git)
    ? {
      ...(str(git.commit) ? { commit: str(git.commit) } : {}),
      ...(str(git.branch) ? { branch: str(git.branch) } : {}),
      ...(str(git.origin) ? { origin: str(git.origin) } : {}),
      ...(str(git.dirty) !== undefined ? { dirty: git.dirty === 'true' } : {}),
    }
    : str(raw['coreos-assembler.config-gitrev'])
      ? { commit: str(raw['coreos-assembler.config-gitrev']), ...(str(raw['coreos-assembler.config-dirty']) ? { dirty: raw['coreos-assembler.config-dirty'] === 'true' } : {}) }
      : undefined;
  const labels = raw['coreos-assembler.oci-imported-labels'];
  const inputHash = (isRecord(labels) ? str(labels['com.coreos.inputhash']) : undefined) ?? str(raw['rpm-ostree-inputhash']);
  const meta: BuildMeta = {
    ...(str(raw.buildid) ? { buildId: str(raw.buildid) } : {}),
    ...(str(raw.name) ? { name: str(raw.name) } : {}),
    ...(str(raw.summary) ? { summary: str(raw.summary) } : {}),
    ...(str(raw['ostree-version']) ? { version: str(raw['ostree-version']) } : {}),
    ...(str(raw['coreos-assembler.basearch']) ? { basearch: str(raw['coreos-assembler.basearch']) } : {}),
    ...((str(raw['coreos-assembler.build-timestamp']) ?? str(raw['ostree-timestamp'])) ? { timestamp: str(raw['coreos-assembler.build-timestamp']) ?? str(raw['ostree-timestamp']) } : {}),
    ...(str(raw['ostree-commit']) ? { ostreeCommit: str(raw['ostree-commit']) } : {}),
    images,
    ...(configGit ? { configGit } : {}),
    ...(inputHash ? { inputHash } : {}),
    ...buildExtras(raw),
  };
  return { meta, errors: [...unsafe, ...validate(raw)] };
}

function buildExtras(raw: Record<string, unknown>): Pick<BuildMeta, 'uploads' | 'pkgdiff'> {
  const uploads = readCloudUploads(raw);
  const pkgdiff = readPkgDiff(raw.pkgdiff);
  return { ...(uploads.length ? { uploads } : {}), ...(pkgdiff ? { pkgdiff } : {}) };
}

/** 1536 -> "1.5 KiB": binary units, one decimal, like `ls -lh`. */
export function humanSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
