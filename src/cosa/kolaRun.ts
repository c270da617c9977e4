// What `cosa kola run` will do with a set of tests: its argv (through cosa's
// src/cmd-kola wrapper, which adds `-p qemu` and `--output-dir tmp/kola`),
// kola's test selection (filterTests in coreos-assembler
// mantle/kola/harness.go) and `kola list --json` items. Pure.
import { KolaExternalTest } from './kolaDiscovery';
import { selector } from './kolaTestMeta';

/** Where cosa's kola wrapper puts kola's output (cmd-kola: $ARTIFACT_DIR or tmp, + /kola). */
export const KOLA_OUTPUT_DIR = 'tmp/kola';
export const KOLA_REPORT_PATH = `${KOLA_OUTPUT_DIR}/reports/report.json`;

export interface KolaRunRequest {
  /** kola glob patterns (filepath.Match); none = all tests. */
  readonly patterns?: readonly string[];
  /** --tag values; a leading `!` excludes. */
  readonly tags?: readonly string[];
  /** Build id; undefined = the latest build. */
  readonly build?: string;
  /** --parallel: a count or "auto". */
  readonly parallel?: number | 'auto';
  /** --ssh-on-test-failure: a failed test's VM stays up with a shell in it on kola's terminal (platform.Manhole; needs a TTY). */
  readonly sshOnTestFailure?: boolean;
}

export type KolaArgsResult = { readonly args: string[] } | { readonly error: string };

const BUILD_ID = /^(?:-[0-9]+|[A-Za-z0-9][A-Za-z0-9._+~-]*)$/;

/** cosa argv (without `cosa`): `kola [--build B] run [pattern...] [--tag T...] [--parallel N] [--ssh-on-test-failure]`. */
export function kolaRunArgs(req: KolaRunRequest): KolaArgsResult {
  const args = ['kola'];
  if (req.build !== undefined) {
    if (!BUILD_ID.test(req.build)) {
      return { error: `not a build id: ${JSON.stringify(req.build)}` };
    }
    args.push('--build', req.build);
  }
  args.push('run');
  for (const p of req.patterns ?? []) {
    // cmd-kola's argparse and kola's pflag would read a leading '-' as an option
    if (!p || p.startsWith('-') || /\s/.test(p)) {
      return { error: `not a kola test pattern: ${JSON.stringify(p)}` };
    }
    const bad = globError(p);
    if (bad) {
      return { error: `bad kola test pattern ${JSON.stringify(p)}: ${bad}` };
    }
    args.push(p);
  }
  for (const t of req.tags ?? []) {
    if (!t || /[\s,]/.test(t)) {
      // --tag is a pflag StringSlice: a comma would split it
      return { error: `not a kola tag: ${JSON.stringify(t)}` };
    }
    args.push('--tag', t);
  }
  if (req.parallel !== undefined) {
    if (req.parallel !== 'auto' && (!Number.isInteger(req.parallel) || req.parallel < 1)) {
      return { error: `--parallel must be a positive number or "auto", not ${String(req.parallel)}` };
    }
    args.push('--parallel', String(req.parallel));
  }
  if (req.sshOnTestFailure) {
    args.push('--ssh-on-test-failure');
  }
  return { args };
}

/** Go filepath.Match syntax errors (ErrBadPattern): unclosed or empty classes, trailing backslash. */
function globError(p: string): string | undefined {
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '\\') {
      if (i + 1 >= p.length) {
        return 'trailing backslash';
      }
      i++;
    } else if (p[i] === '[') {
      const end = classEnd(p, i);
      if (end < 0) {
        return 'unclosed character class';
      }
      i = end;
    }
  }
  return undefined;
}

function classEnd(p: string, start: number): number {
  let i = start + 1;
  if (p[i] === '^') {
    i++;
  }
  let n = 0;
  for (; i < p.length; i++) {
    if (p[i] === '\\') {
      i++;
    } else if (p[i] === ']' && n > 0) {
      return i;
    }
    n++;
  }
  return -1;
}

/** Go filepath.Match on a test name ('*' and '?' do not cross '/'). */
export function kolaMatch(pattern: string, name: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      re += '[^/]*';
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '\\' && i + 1 < pattern.length) {
      re += escapeRe(pattern[++i]);
    } else if (c === '[') {
      const end = classEnd(pattern, i);
      if (end < 0) {
        return false;
      }
      let j = i + 1;
      let cls = '[';
      if (pattern[j] === '^') {
        cls += '^';
        j++;
      }
      for (; j < end; j++) {
        const ch = pattern[j] === '\\' ? pattern[++j] : pattern[j];
        cls += ch === '-' && pattern[j - 1] !== '\\' ? '-' : escapeRe(ch);
      }
      re += `${cls}]`;
      i = end;
    } else {
      re += escapeRe(c);
    }
  }
  return new RegExp(`${re}$`).test(name);
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export interface KolaTarget {
  readonly platform: string;
  /** kola's --arch (rpm arch: x86_64, aarch64, ...). */
  readonly arch: string;
  readonly distro: string;
  readonly tags?: readonly string[];
  /** The user typed patterns (not the default '*'). */
  readonly patterns?: readonly string[];
}

/** Why kola would not run this external test on the target (filterTests), or undefined when it runs. */
export function skipReason(test: KolaExternalTest, target: KolaTarget): string | undefined {
  const tags = target.tags ?? [];
  const positive = tags.filter((t) => !t.startsWith('!'));
  const negative = tags.filter((t) => t.startsWith('!')).map((t) => t.slice(1));
  const m = test.meta;
  const neg = negative.find((t) => test.tags.includes(t));
  if (neg) {
    return `excluded by --tag !${neg}`;
  }
  if (m.requiredTag && !positive.includes(m.requiredTag)) {
    return `needs --tag ${m.requiredTag} (requiredTag)`;
  }
  const patterns = target.patterns ?? [];
  const nameMatch = patterns.some((p) => kolaMatch(p, test.name));
  const tagMatch = positive.some((t) => test.tags.includes(t) || t === m.requiredTag);
  if (patterns.length > 0 ? !nameMatch && !tagMatch : positive.length > 0 && !tagMatch) {
    return 'not selected';
  }
  const platforms = test.tags.includes('platform-independent') ? selector('qemu') : selector(m.platforms);
  const archs = selector(m.architectures);
  const distros = selector(m.distros);
  const check = (what: string, value: string, sel: { include: readonly string[]; exclude: readonly string[] }): string | undefined => {
    if (sel.exclude.includes(value)) {
      return `${what} ${value} excluded by its metadata`;
    }
    if (sel.include.length > 0 && !sel.include.includes(value)) {
      return `${what} ${value} not in [${sel.include.join(' ')}]`;
    }
    return undefined;
  };
  return check('platform', target.platform, platforms)
    ?? check('architecture', target.arch, archs)
    ?? check('distro', target.distro, distros);
}

/** One entry of `kola list --json` (mantle/cmd/kola/kola.go `item`: Go field names, no json tags). */
export interface KolaListItem {
  readonly Name: string;
  readonly Platforms: readonly string[] | null;
  readonly Architectures: readonly string[] | null;
  readonly Distros: readonly string[] | null;
  readonly Tags: readonly string[] | null;
  readonly Description: string;
}

export class KolaListError extends Error {}

/** `kola list --json` output (a JSON array; `null` when there are no tests). */
export function parseKolaList(text: string): KolaListItem[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text) as unknown;
  } catch (e) {
    throw new KolaListError(`kola list --json: not JSON: ${(e as Error).message}`);
  }
  if (doc === null) {
    return [];
  }
  if (!Array.isArray(doc)) {
    throw new KolaListError('kola list --json: expected an array of tests');
  }
  const strings = (v: unknown, where: string): string[] | null => {
    if (v === null || v === undefined) {
      return null;
    }
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) {
      throw new KolaListError(`kola list --json: ${where} must be an array of strings`);
    }
    return v as string[];
  };
  return doc.map((e: unknown, i) => {
    if (typeof e !== 'object' || e === null || typeof (e as { Name?: unknown }).Name !== 'string') {
      throw new KolaListError(`kola list --json: entry ${i} has no Name`);
    }
    const r = e as Record<string, unknown>;
    return {
      Name: r.Name as string,
      Platforms: strings(r.Platforms, `${i}.Platforms`),
      Architectures: strings(r.Architectures, `${i}.Architectures`),
      Distros: strings(r.Distros, `${i}.Distros`),
      Tags: strings(r.Tags, `${i}.Tags`),
      Description: typeof r.Description === 'string' ? r.Description : '',
    };
  });
}
