// The phase a running cosa command is in, and what it ended with, read from
// the lines cosa really prints (the stand-in, test/fixtures/cosa-image,
// prints the same lines). Never a guessed percentage: a phase is a
// name, plus "step n/m" where cosa itself says so (buildah's STEP lines).
// Pure: lines in, phases and outcomes out. ANSI escapes are stripped first.

import { stripAnsi } from './cosaFailure';

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

interface Rule {
  readonly re: RegExp;
  readonly phase: (m: RegExpExecArray) => CosaPhase;
}

const p = (key: string, label: string): CosaPhase => ({ key, label });

const RULES: readonly Rule[] = [
  // cosa build (today: cmd-build with buildah, then cmd-import)
  { re: /^Building with container runtime \(buildah\) with VERSION=(.*)$/, phase: (m) => p('prepare', m[1] ? `Preparing build ${m[1]}` : 'Preparing the build') },
  { re: /^(?:x|timestamp|z|n): .* \((?:from|mapped|calculated|no previous|incremented|previous)/, phase: () => p('version', 'Computing the version (versionary)') },
  { re: /^Previous input hash: /, phase: () => p('inputhash', 'Reading the previous input hash') },
  { re: /^Injecting autolock-generated (\S+?)\.{0,3}$/, phase: (m) => p('autolock', `Injecting ${m[1]}`) },
  { re: /^Running: buildah /, phase: () => p('buildah', 'Starting buildah') },
  { re: /^\+ \S*cmd-supermin-run\b|^Starting supermin VM/, phase: () => p('supermin', 'Starting the supermin VM') },
  { re: /^STEP (\d+)\/(\d+): (.*)$/, phase: (m) => p('buildah-step', `Building the OS container: step ${m[1]}/${m[2]}`) },
  { re: /^COMMIT /, phase: () => p('commit', 'Committing the OS container') },
  { re: /^Input hash unchanged \(/, phase: () => p('unchanged', 'Input hash unchanged') },
  { re: /^Importing new build anyway \(--force\)$/, phase: () => p('import', 'Importing the build anyway (--force)') },
  { re: /^Copying \S+ to \S*cosa-import-/, phase: () => p('import', 'Importing the build') },
  { re: /^Imported OCI image as build (\S+)$/, phase: (m) => p('imported', `Imported build ${m[1]}`) },
  { re: /^ostree diff commit from: /, phase: () => p('diff', 'Comparing packages with the previous build') },
  { re: /^(?:Pruning build |Skipping tagged build |Would prune build )/, phase: () => p('prune', 'Pruning old builds') },
  // legacy cosa build (rpm-ostree compose)
  { re: /^\+ rpm-ostree compose tree\b/, phase: () => p('compose', 'Composing the OS tree (rpm-ostree)') },
  { re: /^Wrote commit: /, phase: () => p('commit', 'Committed the OS tree') },
  { re: /^No changes in build inputs\.$/, phase: () => p('unchanged', 'No changes in build inputs') },
  // cosa osbuild / buildextend-*
  { re: /^Will build (\S+)$/, phase: (m) => p('osbuild-plan', `Will build ${m[1]}`) },
  { re: /^Estimating disk size\.\.\.$/, phase: () => p('osbuild-size', 'Estimating the disk size') },
  { re: /^(?:(\S+): )?Stage (org\.osbuild\.\S+)$/, phase: (m) => p('osbuild-stage', `${m[1] ? `${m[1]}: ` : ''}${m[2]}`) },
  { re: /^(org\.osbuild\.[\w.-]+): [0-9a-f]{64} \{$/, phase: (m) => p('osbuild-stage', m[1]!) },
  { re: /^Successfully generated: (\S+)$/, phase: (m) => p('osbuild-done', `Generated ${m[1]}`) },
  // cosa init / fetch
  { re: /^Cloning into '([^']+)'/, phase: (m) => p('clone', `Cloning the config into ${m[1]}`) },
  { re: /^Config commit: (.*)$/, phase: (m) => p('config', `Config commit ${m[1]}`) },
  { re: /^Using variant: '([^']*)'$/, phase: (m) => p('variant', `Variant ${m[1]}`) },
  { re: /^info: skipping fetch$/, phase: () => p('fetch', 'Nothing to fetch (fetch is a no-op in current cosa)') },
];

/** The phase a line starts, if it starts one. */
export function phaseOfLine(line: string): CosaPhase | undefined {
  const text = stripAnsi(line).replace(/\r$/, '');
  for (const rule of RULES) {
    const m = rule.re.exec(text);
    if (m) {
      return rule.phase(m);
    }
  }
  return undefined;
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
    const text = stripAnsi(line).replace(/\r$/, '');
    let m: RegExpExecArray | null;
    if ((m = /^Input hash unchanged \(([^)]*)\)$/.exec(text))) {
      this.unchanged = true;
      this.unchangedHash = m[1];
    } else if (text === 'No changes in build inputs.') {
      this.legacyUnchanged = true;
    } else if (text === 'Importing new build anyway (--force)') {
      this.forced = true;
    } else if ((m = /^Imported OCI image as build (\S+)$/.exec(text))) {
      this.imported = m[1];
    } else if ((m = /^Build (\S+) \(([^)]+)\) already exists$/.exec(text))) {
      this.exists = { buildId: m[1]!, arch: m[2]! };
    } else if ((m = /^Successfully generated: (\S+)$/.exec(text))) {
      this.generated.push(m[1]!);
    } else if (text === 'All requested platforms have already been built') {
      this.alreadyBuilt = true;
    } else if (/^Initialized .* as coreos-assembler working directory\.$/.test(text)) {
      this.initialized = true;
    }
    const next = phaseOfLine(text);
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
