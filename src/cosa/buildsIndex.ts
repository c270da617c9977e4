// builds/builds.json as cosa writes it (cosalib/builds.py): newest first.
// Parsing never throws: a broken file yields an index with an error, so the
// tree can say what is wrong instead of going blank. Ids and arches become
// paths and `--build` arguments: only those cosa can produce are kept
// (src/cosa/buildDirPaths.ts), the others are named in the error.

import { archProblem, buildIdProblem } from './buildDirPaths';

export interface BuildEntry {
  readonly id: string;
  readonly arches: readonly string[];
}

export interface BuildTag {
  readonly name: string;
  readonly target: string;
  readonly created?: string;
  readonly description?: string;
}

export interface BuildsIndex {
  readonly schemaVersion?: string;
  /** Newest first, exactly as in the file. */
  readonly builds: readonly BuildEntry[];
  readonly tags: readonly BuildTag[];
  readonly timestamp?: string;
  /** Set when the file could not be read as a whole; `builds` holds what could be salvaged. */
  readonly error?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first problems, then how many more: one row must stay readable when a file has thousands. */
function listed(problems: readonly string[], max = 5): string {
  const more = problems.length - max;
  return problems.slice(0, max).join('; ') + (more > 0 ? `; and ${more} more` : '');
}

export function parseBuildsIndex(text: string): BuildsIndex {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { builds: [], tags: [], error: `builds.json is not valid JSON: ${(e as Error).message}` };
  }
  if (!isRecord(raw)) {
    return { builds: [], tags: [], error: 'builds.json: expected a JSON object' };
  }
  const problems: string[] = [];
  const schemaVersion = typeof raw['schema-version'] === 'string' ? raw['schema-version'] : undefined;
  if (schemaVersion === undefined) {
    problems.push('missing "schema-version"');
  } else if (!/^1\./.test(schemaVersion)) {
    // cosa itself refuses these: "Unsupported build metadata version".
    problems.push(`unsupported schema-version ${schemaVersion} (cosa reads major version 1)`);
  }
  const builds: BuildEntry[] = [];
  if (!Array.isArray(raw.builds)) {
    problems.push('"builds" is not an array');
  } else {
    raw.builds.forEach((b: unknown, i: number) => {
      if (!isRecord(b) || typeof b.id !== 'string' || b.id === '') {
        problems.push(`builds[${i}] has no id`);
        return;
      }
      const idProblem = buildIdProblem(b.id);
      if (idProblem) {
        problems.push(`builds[${i}]: ${idProblem}`);
        return;
      }
      const arches: string[] = [];
      for (const a of Array.isArray(b.arches) ? b.arches : []) {
        const archIssue = archProblem(a);
        if (archIssue) {
          problems.push(`build ${b.id}: ${archIssue}`);
        } else if (!arches.includes(a as string)) {
          arches.push(a as string);
        }
      }
      builds.push({ id: b.id, arches });
    });
  }
  const tags: BuildTag[] = [];
  if (Array.isArray(raw.tags)) {
    for (const t of raw.tags) {
      if (isRecord(t) && typeof t.name === 'string' && typeof t.target === 'string') {
        tags.push({
          name: t.name,
          target: t.target,
          ...(typeof t.created === 'string' ? { created: t.created } : {}),
          ...(typeof t.description === 'string' ? { description: t.description } : {}),
        });
      }
    }
  }
  return {
    ...(schemaVersion !== undefined ? { schemaVersion } : {}),
    builds,
    tags,
    ...(typeof raw.timestamp === 'string' ? { timestamp: raw.timestamp } : {}),
    ...(problems.length ? { error: `builds.json: ${listed(problems)}` } : {}),
  };
}
