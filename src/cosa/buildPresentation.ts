// How a build, an arch and an image read in one line of the tree. Pure, so the
// wording is unit-tested and the 10,000-build benchmark measures the real code.

import { BuildImage, BuildMeta, humanSize } from './buildMeta';
import { ImageState } from './imageState';

export function relativeTime(iso: string | undefined, now: number): string | undefined {
  if (!iso) {
    return undefined;
  }
  const then = Date.parse(iso);
  if (Number.isNaN(then)) {
    return undefined;
  }
  const seconds = Math.round((now - then) / 1000);
  if (seconds < 0) {
    return 'in the future';
  }
  const steps: [number, string][] = [[60, 'second'], [60, 'minute'], [24, 'hour'], [30, 'day'], [12, 'month'], [Infinity, 'year']];
  let value = seconds;
  for (const [size, unit] of steps) {
    if (value < size) {
      return value === 0 && unit === 'second' ? 'just now' : `${value} ${unit}${value === 1 ? '' : 's'} ago`;
    }
    value = Math.floor(value / size);
  }
  return undefined;
}

export interface BuildRowFacts {
  readonly arches: readonly string[];
  readonly latest: boolean;
  readonly tags: readonly string[];
  readonly building: readonly string[];
  /** Present once meta.json of the build was read. */
  readonly meta?: BuildMeta;
  readonly metaErrors?: readonly string[];
  /** builds.json lists it but its directory is not here (e.g. after cosa buildfetch). */
  readonly notLocal?: boolean;
}

export function buildDescription(facts: BuildRowFacts, now: number): string {
  const parts: string[] = [];
  if (facts.building.length) {
    parts.push(`building ${facts.building.join(', ')}…`);
  }
  if (facts.latest) {
    parts.push('latest');
  }
  parts.push(...facts.tags.map((t) => `🏷 ${t}`));
  const when = relativeTime(facts.meta?.timestamp, now);
  if (when) {
    parts.push(when);
  }
  parts.push(facts.arches.join(' '));
  if (facts.notLocal) {
    parts.push('not present locally');
  } else if (facts.metaErrors?.length) {
    parts.push('⚠ meta.json');
  }
  return parts.join(' · ');
}

export function buildTooltipMarkdown(id: string, facts: BuildRowFacts): string {
  const lines = [`**${id}**`, ''];
  const m = facts.meta;
  if (m?.summary) {
    lines.push(m.summary, '');
  }
  const row = (k: string, v: string | undefined) => v && lines.push(`- ${k}: ${v}`);
  row('version', m?.version);
  row('built', m?.timestamp);
  row('arches', facts.arches.join(', ') || 'none');
  row('tags', facts.tags.join(', ') || undefined);
  row('config', configGitText(m));
  row('ostree commit', m?.ostreeCommit?.slice(0, 12));
  if (facts.building.length) {
    row('in progress', facts.building.join(', '));
  }
  if (facts.metaErrors?.length) {
    lines.push('', '⚠ meta.json: ' + facts.metaErrors.join('; '));
  }
  return lines.join('\n');
}

export function configGitText(meta: BuildMeta | undefined): string | undefined {
  const g = meta?.configGit;
  if (!g?.commit) {
    return undefined;
  }
  const commit = g.commit.slice(0, 12);
  return `${g.branch ? `${g.branch} (${commit})` : commit}${g.dirty ? ' (dirty)' : ''}`;
}

export function imageDescription(image: BuildImage): string {
  return [image.path, image.size !== undefined ? humanSize(image.size) : undefined].filter(Boolean).join(' · ');
}

/**
 * A build row's contextValue, which package.json's menus match:
 * build[.latest][.hasQemu][.foreign]. `foreign` (no artifacts for this
 * machine's arch) hides Build QEMU Image: cosa osbuild builds the host arch only.
 */
export function buildContextValue(latest: boolean, hasQemu: boolean, foreign: boolean): string {
  return ['build', latest ? 'latest' : '', hasQemu ? 'hasQemu' : '', foreign ? 'foreign' : ''].filter(Boolean).join('.');
}

/** An image row's contextValue: image.<kind>[.compressed|.absent] (Decompress / Build Fetch in its menu). */
export function imageContextValue(kind: string, state: ImageState | undefined): string {
  return `image.${kind}${state?.kind === 'compressed' || state?.kind === 'absent' ? `.${state.kind}` : ''}`;
}
