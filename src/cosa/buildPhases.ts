// The phase a running cosa command is in, and what it ended with, read from
// the lines cosa really prints (the stand-in, test/fixtures/cosa-image,
// prints the same lines). Never a guessed percentage: a phase is a
// name, plus "step n/m" where cosa itself says so (buildah's STEP lines).
// Pure: lines in, phases and outcomes out. ANSI escapes are stripped first.

import { cleanLine } from './cosaFailure';

export interface CosaPhase {
  /** Stable key of the phase (e.g. `buildah-step`), for tests and telemetry-free logic. */
  readonly key: string;
  /** What the user sees, e.g. "Building the OS container: step 3/12". */
  readonly label: string;
}

export type CosaOutcome =
  /** `Imported OCI image as build <id>`: a new build. */
  | { readonly kind: 'imported'; readonly buildId: string }
  /** `Input hash unchanged (<h>)` (no --force) or legacy `No changes in build inputs.`: no new build. */
  | { readonly kind: 'unchanged'; readonly inputHash?: string; readonly legacy: boolean }
  /** `Build <V> (<arch>) already exists`: exit 0, no new build. */
  | { readonly kind: 'exists'; readonly buildId: string; readonly arch: string }
  /** osbuild: `Successfully generated: <file>` lines. */
  | { readonly kind: 'images'; readonly files: readonly string[] }
  /** osbuild: `All requested platforms have already been built`. */
  | { readonly kind: 'already-built' }
  /** init: `Initialized <dir> as coreos-assembler working directory.` */
  | { readonly kind: 'initialized' };

export interface PhaseRule {
  /** Literal starts of a matching line ([] = any): a line tries only the rules whose start it has. */
  readonly starts: readonly string[];
  /** A literal a matching line contains, checked before the RegExp. */
  readonly needs?: string;
  readonly re: RegExp;
  readonly phase: (m: RegExpExecArray) => CosaPhase;
}

const p = (key: string, label: string): CosaPhase => ({ key, label });

/** In order: the first rule that matches a line decides its phase. */
export const PHASE_RULES: readonly PhaseRule[] = [
  // cosa build (today: cmd-build with buildah, then cmd-import)
  { starts: ['Building with container runtime (buildah) with VERSION='], re: /^Building with container runtime \(buildah\) with VERSION=(.*)$/, phase: (m) => p('prepare', m[1] ? `Preparing build ${m[1]}` : 'Preparing the build') },
  { starts: ['x: ', 'timestamp: ', 'z: ', 'n: '], re: /^(?:x|timestamp|z|n): .* \((?:from|mapped|calculated|no previous|incremented|previous)/, phase: () => p('version', 'Computing the version (versionary)') },
  { starts: ['Previous input hash: '], re: /^Previous input hash: /, phase: () => p('inputhash', 'Reading the previous input hash') },
  { starts: ['Injecting autolock-generated '], re: /^Injecting autolock-generated (\S+?)\.{0,3}$/, phase: (m) => p('autolock', `Injecting ${m[1]}`) },
  { starts: ['Running: buildah '], re: /^Running: buildah /, phase: () => p('buildah', 'Starting buildah') },
  { starts: ['+ ', 'Starting supermin VM'], re: /^\+ \S*cmd-supermin-run\b|^Starting supermin VM/, phase: () => p('supermin', 'Starting the supermin VM') },
  { starts: ['STEP '], re: /^STEP (\d+)\/(\d+): (.*)$/, phase: (m) => p('buildah-step', `Building the OS container: step ${m[1]}/${m[2]}`) },
  { starts: ['COMMIT '], re: /^COMMIT /, phase: () => p('commit', 'Committing the OS container') },
  { starts: ['Input hash unchanged ('], re: /^Input hash unchanged \(/, phase: () => p('unchanged', 'Input hash unchanged') },
  { starts: ['Importing new build anyway (--force)'], re: /^Importing new build anyway \(--force\)$/, phase: () => p('import', 'Importing the build anyway (--force)') },
  { starts: ['Copying '], needs: 'cosa-import-', re: /^Copying \S+ to \S*cosa-import-/, phase: () => p('import', 'Importing the build') },
  { starts: ['Imported OCI image as build '], re: /^Imported OCI image as build (\S+)$/, phase: (m) => p('imported', `Imported build ${m[1]}`) },
  { starts: ['ostree diff commit from: '], re: /^ostree diff commit from: /, phase: () => p('diff', 'Comparing packages with the previous build') },
  { starts: ['Pruning build ', 'Skipping tagged build ', 'Would prune build '], re: /^(?:Pruning build |Skipping tagged build |Would prune build )/, phase: () => p('prune', 'Pruning old builds') },
  // legacy cosa build (rpm-ostree compose)
  { starts: ['+ rpm-ostree compose tree'], re: /^\+ rpm-ostree compose tree\b/, phase: () => p('compose', 'Composing the OS tree (rpm-ostree)') },
  { starts: ['Wrote commit: '], re: /^Wrote commit: /, phase: () => p('commit', 'Committed the OS tree') },
  { starts: ['No changes in build inputs.'], re: /^No changes in build inputs\.$/, phase: () => p('unchanged', 'No changes in build inputs') },
  // cosa osbuild / buildextend-*
  { starts: ['Will build '], re: /^Will build (\S+)$/, phase: (m) => p('osbuild-plan', `Will build ${m[1]}`) },
  { starts: ['Estimating disk size...'], re: /^Estimating disk size\.\.\.$/, phase: () => p('osbuild-size', 'Estimating the disk size') },
  { starts: [], needs: 'Stage org.osbuild.', re: /^(?:(\S+): )?Stage (org\.osbuild\.\S+)$/, phase: (m) => p('osbuild-stage', `${m[1] ? `${m[1]}: ` : ''}${m[2]}`) },
  { starts: ['org.osbuild.'], re: /^(org\.osbuild\.[\w.-]+): [0-9a-f]{64} \{$/, phase: (m) => p('osbuild-stage', m[1]!) },
  { starts: ['Successfully generated: '], re: /^Successfully generated: (\S+)$/, phase: (m) => p('osbuild-done', `Generated ${m[1]}`) },
  // cosa init / fetch
  { starts: ['Cloning into \''], re: /^Cloning into '([^']+)'/, phase: (m) => p('clone', `Cloning the config into ${m[1]}`) },
  { starts: ['Config commit: '], re: /^Config commit: (.*)$/, phase: (m) => p('config', `Config commit ${m[1]}`) },
  { starts: ['Using variant: \''], re: /^Using variant: '([^']*)'$/, phase: (m) => p('variant', `Variant ${m[1]}`) },
  { starts: ['info: skipping fetch'], re: /^info: skipping fetch$/, phase: () => p('fetch', 'Nothing to fetch (fetch is a no-op in current cosa)') },
];

/** The rules a line starting with a given character may match, in PHASE_RULES order; ANY_START for other characters. */
const ANY_START = PHASE_RULES.filter((r) => r.starts.length === 0);
/** By the line's first UTF-16 unit (an array, not a Map: this runs for every line of output). */
const BY_FIRST: (readonly PhaseRule[] | undefined)[] = [];
for (const r of PHASE_RULES) {
  for (const start of r.starts) {
    const code = start.charCodeAt(0);
    BY_FIRST[code] ??= PHASE_RULES.filter((q) => q.starts.length === 0 || q.starts.some((x) => x.charCodeAt(0) === code));
  }
}

/** The literal checks of a rule: its starts (a compare at 0) before its literal (a scan of the line). */
function mayMatch(rule: PhaseRule, text: string): boolean {
  if (rule.starts.length > 0) {
    let starts = false;
    for (const start of rule.starts) {
      if (text.startsWith(start)) {
        starts = true;
        break;
      }
    }
    if (!starts) return false;
  }
  return rule.needs === undefined || text.includes(rule.needs);
}

function phaseOfText(text: string): CosaPhase | undefined {
  const first = text.charCodeAt(0);
  for (const rule of (first < BY_FIRST.length ? BY_FIRST[first] : undefined) ?? ANY_START) {
    if (!mayMatch(rule, text)) continue;
    const m = rule.re.exec(text);
    if (m) {
      return rule.phase(m);
    }
  }
  return undefined;
}

/** The phase a line starts, if it starts one. */
export function phaseOfLine(line: string): CosaPhase | undefined {
  return phaseOfText(cleanLine(line));
}

/** Follows one command's output: the current phase and the outcome so far. */
export class CosaPhaseTracker {
  private current: CosaPhase | undefined;
  private unchangedHash: string | undefined;
  private unchanged = false;
  private legacyUnchanged = false;
  private forced = false;
  private imported: string | undefined;
  private exists: { buildId: string; arch: string } | undefined;
  private readonly generated: string[] = [];
  private alreadyBuilt = false;
  private initialized = false;

  get phase(): CosaPhase | undefined {
    return this.current;
  }

  /** Feed one line; returns the new phase when this line changed it. */
  push(line: string): CosaPhase | undefined {
    const text = cleanLine(line);
    let m: RegExpExecArray | null;
    // the outcome lines start with I, N, B, S or A: other lines skip these checks
    switch (text.charCodeAt(0)) {
      case 0x49: // I
        if (text.startsWith('Input hash unchanged (') && (m = /^Input hash unchanged \(([^)]*)\)$/.exec(text))) {
          this.unchanged = true;
          this.unchangedHash = m[1];
        } else if (text === 'Importing new build anyway (--force)') {
          this.forced = true;
        } else if (text.startsWith('Imported OCI image as build ') && (m = /^Imported OCI image as build (\S+)$/.exec(text))) {
          this.imported = m[1];
        } else if (text.startsWith('Initialized ') && /^Initialized .* as coreos-assembler working directory\.$/.test(text)) {
          this.initialized = true;
        }
        break;
      case 0x4e: // N
        if (text === 'No changes in build inputs.') this.legacyUnchanged = true;
        break;
      case 0x42: // B
        if ((m = /^Build (\S+) \(([^)]+)\) already exists$/.exec(text))) this.exists = { buildId: m[1]!, arch: m[2]! };
        break;
      case 0x53: // S
        if ((m = /^Successfully generated: (\S+)$/.exec(text))) this.generated.push(m[1]!);
        break;
      case 0x41: // A
        if (text === 'All requested platforms have already been built') this.alreadyBuilt = true;
        break;
    }
    const next = phaseOfText(text);
    if (next && (next.key !== this.current?.key || next.label !== this.current.label)) {
      this.current = next;
      return next;
    }
    return undefined;
  }

  /** What the command did, judged from what it printed (call after it exited 0). */
  outcome(): CosaOutcome | undefined {
    if (this.imported) {
      return { kind: 'imported', buildId: this.imported };
    }
    if (this.legacyUnchanged) {
      return { kind: 'unchanged', legacy: true };
    }
    if (this.unchanged && !this.forced) {
      return { kind: 'unchanged', legacy: false, ...(this.unchangedHash ? { inputHash: this.unchangedHash } : {}) };
    }
    if (this.exists) {
      return { kind: 'exists', ...this.exists };
    }
    if (this.generated.length) {
      return { kind: 'images', files: [...this.generated] };
    }
    if (this.alreadyBuilt) {
      return { kind: 'already-built' };
    }
    if (this.initialized) {
      return { kind: 'initialized' };
    }
    return undefined;
  }
}

/** Outcome of a whole output at once (tests, logs). */
export function outcomeOfOutput(output: string | readonly string[]): CosaOutcome | undefined {
  const t = new CosaPhaseTracker();
  for (const line of typeof output === 'string' ? output.split('\n') : output) {
    t.push(line);
  }
  return t.outcome();
}

/** True when a cosa build printed that nothing changed (today's or the legacy message). */
export function reportsNothingChanged(output: string | readonly string[]): boolean {
  return outcomeOfOutput(output)?.kind === 'unchanged';
}
