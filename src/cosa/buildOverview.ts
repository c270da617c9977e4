// What the Build Overview page (src/vscode/buildOverview.ts) shows for one
// build: the pipeline of the seed's picture (init & fetch -> build -> image
// builds -> run/test) with the state of each step for this build, the next
// step, the facts people look up, and sizes across the last builds. Pure:
// data in (meta.json parsed, image stats, the kola report, VM terminals),
// data out. Nothing here runs a command: a step names one of
// OVERVIEW_COMMANDS, the host runs it after checking the message.

import { COMMANDS } from '../commandIds';
import type { BuildImage, ParsedBuildMeta } from './buildMeta';
import { humanSize } from './buildMeta';
import { pkgDiffText } from './buildExtras';
import type { ImageState } from './imageState';
import type { KolaReport } from './kolaReport';

/** The commands the overview's buttons may run (with the build as argument); nothing else. */
export const OVERVIEW_COMMANDS = [
  COMMANDS.build, COMMANDS.buildQemuImage, COMMANDS.decompressBuild, COMMANDS.runInQemu, COMMANDS.openMetaJson, COMMANDS.revealBuild,
] as const;
export type OverviewCommand = (typeof OVERVIEW_COMMANDS)[number];

export type StepState = 'done' | 'todo' | 'warn' | 'failed' | 'running';

export interface OverviewStep {
  readonly id: string;
  readonly label: string;
  readonly state: StepState;
  /** One line: what is known about the step for this build. */
  readonly detail: string;
}

export interface OverviewAction {
  readonly title: string;
  readonly command: OverviewCommand;
  /** Why this is the next step. */
  readonly why: string;
}

export interface OverviewFact {
  readonly label: string;
  readonly value: string;
}

export interface OverviewImage {
  readonly kind: string;
  readonly file: string;
  readonly size: string;
  readonly state: string;
}

/** One bar of the chart: a build and what its images weigh. */
export interface SizePoint {
  readonly id: string;
  readonly when?: string;
  /** Sum of the image sizes meta.json records (the qemu image included), bytes. */
  readonly imagesBytes: number;
  /** The qemu image alone, bytes (0: none). */
  readonly qemuBytes: number;
  /** How long its `cosa build` took, when this extension ran it (meta.json records no duration). */
  readonly buildMs?: number;
  readonly current: boolean;
}

export interface Overview {
  readonly buildId: string;
  readonly arch: string;
  readonly steps: readonly OverviewStep[];
  readonly next?: OverviewAction;
  readonly facts: readonly OverviewFact[];
  readonly images: readonly OverviewImage[];
  readonly sizes: readonly SizePoint[];
  /** meta.json's problems (schema, unreadable), shown as they are. */
  readonly problems: readonly string[];
}

/** The build's kola run, as far as it can be told: report.json names a version, else it ran on the build that was newest then. */
export interface KolaEvidence {
  readonly report: KolaReport;
  /** When report.json was written (ms). */
  readonly writtenAt: number;
}

export interface OverviewInput {
  readonly buildId: string;
  readonly arch: string;
  /** Whether `arch` is this machine's (cosa builds and boots only that one). */
  readonly hostArch: boolean;
  readonly meta: ParsedBuildMeta | { readonly missing: string };
  /** Stat of each image of meta.json, by kind. */
  readonly imageStates: ReadonlyMap<string, ImageState>;
  readonly kola?: KolaEvidence;
  /** When the next newer build was made (ms), if any: a kola report written after it is that build's. */
  readonly newerBuildAt?: number;
  /** Names of the open VM terminals booting this build. */
  readonly vmTerminals: readonly string[];
  /** Newest first; the overview's build among them. */
  readonly history: readonly { readonly id: string; readonly meta?: ParsedBuildMeta }[];
  /** How long `cosa build` took for each build it made, as the extension measured it (ms). */
  readonly buildDurations?: ReadonlyMap<string, number>;
}

/** 192000 -> "3 min 12 s". */
export function durationText(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

const short = (s: string, n = 12): string => (s.length > n ? s.slice(0, n) : s);

function imageWords(state: ImageState | undefined): { state: StepState; text: string } {
  if (!state) return { state: 'warn', text: 'not checked' };
  switch (state.kind) {
    case 'present':
      return state.sizeMismatch
        ? { state: 'warn', text: `present, ${state.sizeMismatch.actual} of ${state.sizeMismatch.expected} bytes` }
        : { state: 'done', text: 'present' };
    case 'compressed':
      return { state: 'warn', text: `compressed (${state.compressor})` };
    case 'absent':
      return { state: 'warn', text: 'absent (listed in meta.json, not on disk)' };
    case 'unreadable':
      return { state: 'failed', text: `unreadable: ${state.error}` };
  }
}

function kolaFor(input: OverviewInput, version: string | undefined, buildAt: number | undefined): KolaReport | undefined {
  const k = input.kola;
  if (!k) return undefined;
  if (k.report.version) return k.report.version === version ? k.report : undefined;
  // no version in the report: kola tests builds/latest by default, so the run belongs
  // to the build that was newest when the report was written
  if (buildAt === undefined || k.writtenAt < buildAt) return undefined;
  return input.newerBuildAt === undefined || k.writtenAt < input.newerBuildAt ? k.report : undefined;
}

function kolaStep(report: KolaReport | undefined): OverviewStep {
  if (!report) return { id: 'kola', label: 'Kola tests', state: 'todo', detail: 'no kola report for this build (tmp/kola/reports/report.json)' };
  const count = (r: string): number => report.tests.filter((t) => t.result === r).length;
  const failed = count('FAIL');
  const detail = `${count('PASS')} passed, ${failed} failed, ${count('SKIP')} skipped`;
  return { id: 'kola', label: 'Kola tests', state: failed || report.result === 'FAIL' ? 'failed' : report.result === '' ? 'warn' : 'done', detail };
}

export function buildOverview(input: OverviewInput): Overview {
  const parsed = 'missing' in input.meta ? undefined : input.meta;
  const meta = parsed?.meta;
  const images = meta?.images ?? [];
  const buildAt = meta?.timestamp !== undefined ? Date.parse(meta.timestamp) : undefined;
  const steps: OverviewStep[] = [];

  const git = meta?.configGit;
  steps.push({
    id: 'config', label: 'Init & fetch',
    state: git?.commit ? (git.dirty ? 'warn' : 'done') : meta ? 'warn' : 'failed',
    detail: git?.commit
      ? `config ${short(git.commit)}${git.branch ? ` (${git.branch})` : ''}${git.dirty ? ', with uncommitted changes' : ''}`
      : meta ? 'meta.json records no config commit' : 'no meta.json',
  });

  const ostreeImage = images.find((i) => i.kind === 'ostree');
  const ostreeWords = ostreeImage ? imageWords(input.imageStates.get('ostree')) : undefined;
  steps.push({
    id: 'build', label: 'Build (ostree / OCI)',
    state: !meta?.ostreeCommit ? 'failed' : ostreeWords?.state === 'failed' ? 'failed' : ostreeWords && ostreeWords.state !== 'done' ? 'warn' : 'done',
    detail: meta?.ostreeCommit
      ? `ostree ${short(meta.ostreeCommit)}${ostreeImage ? `, OCI archive ${ostreeWords!.text}` : ''}`
      : 'no ostree commit in meta.json',
  });

  const disk = images.filter((i) => i.kind !== 'ostree');
  const qemu = images.find((i) => i.kind === 'qemu');
  for (const image of disk) {
    const w = imageWords(input.imageStates.get(image.kind));
    steps.push({ id: `image-${image.kind}`, label: `${image.kind} image`, state: w.state, detail: `${w.text}${image.size !== undefined ? `, ${humanSize(image.size)}` : ''}` });
  }
  if (!qemu) steps.push({ id: 'image-qemu', label: 'qemu image', state: 'todo', detail: input.hostArch ? 'not built (cosa osbuild qemu)' : 'not built; cosa builds images for this machine\'s arch only' });

  const booting = input.vmTerminals.length > 0;
  steps.push({
    id: 'boot', label: 'Run in a VM', state: booting ? 'running' : 'todo',
    detail: booting ? `booted now: ${input.vmTerminals.join(', ')}` : 'no VM of this build is running in this window',
  });
  const kola = kolaFor(input, meta?.version, buildAt);
  steps.push(kolaStep(kola));

  const qemuState = qemu ? input.imageStates.get('qemu') : undefined;
  let next: OverviewAction | undefined;
  if (!meta?.ostreeCommit) next = { title: 'Build', command: COMMANDS.build, why: 'this build has no ostree commit: build again' };
  else if (!qemu && input.hostArch) next = { title: 'Build QEMU Image', command: COMMANDS.buildQemuImage, why: 'cosa build no longer makes a qemu image; Run in QEMU needs one' };
  else if (qemuState?.kind === 'compressed') next = { title: 'Decompress Images', command: COMMANDS.decompressBuild, why: 'the qemu image is compressed; kola boots only a decompressed one' };
  else if (qemu && !booting) next = { title: 'Run in QEMU', command: COMMANDS.runInQemu, why: 'boot this build in a VM' };

  const facts: OverviewFact[] = [];
  const add = (label: string, value: string | undefined): void => { if (value) facts.push({ label, value }); };
  add('Version', meta?.version);
  add('Name', meta?.name);
  add('Built', meta?.timestamp);
  const took = input.buildDurations?.get(input.buildId);
  add('Build took', took !== undefined ? `${durationText(took)} (cosa build, as run from this editor)` : undefined);
  add('Architecture', input.arch);
  add('ostree commit', meta?.ostreeCommit);
  add('Input hash', meta?.inputHash);
  add('Config', git ? [git.commit, git.branch && `branch ${git.branch}`, git.origin, git.dirty ? 'dirty' : ''].filter(Boolean).join(', ') : undefined);
  const total = images.reduce((n, i) => n + (i.size ?? 0), 0);
  add('Images', images.length ? `${images.length}, ${humanSize(total)} in all` : undefined);
  add('Package diff', meta?.pkgdiff ? pkgDiffText(meta.pkgdiff) : undefined);
  add('Cloud uploads', meta?.uploads?.length ? meta.uploads.map((u) => u.label).join(', ') : undefined);

  const sizes: SizePoint[] = input.history.map((h) => {
    const im: readonly BuildImage[] = h.meta?.meta.images ?? [];
    return {
      id: h.id,
      ...(h.meta?.meta.timestamp ? { when: h.meta.meta.timestamp } : {}),
      imagesBytes: im.reduce((n, i) => n + (i.size ?? 0), 0),
      qemuBytes: im.find((i) => i.kind === 'qemu')?.size ?? 0,
      ...(input.buildDurations?.has(h.id) ? { buildMs: input.buildDurations.get(h.id)! } : {}),
      current: h.id === input.buildId,
    };
  }).reverse();

  return {
    buildId: input.buildId,
    arch: input.arch,
    steps,
    ...(next ? { next } : {}),
    facts,
    images: images.map((i) => ({ kind: i.kind, file: i.path, size: i.size !== undefined ? humanSize(i.size) : '', state: imageWords(input.imageStates.get(i.kind)).text })),
    sizes,
    problems: 'missing' in input.meta ? [input.meta.missing] : [...input.meta.errors],
  };
}

/** The build a VM terminal boots, from the names src/cosa/qemuArgs.ts gives them ("cosa run <id>", "ignition <file> on <id>", maybe " (2)"). */
export function vmTerminalBuildId(name: string): string | undefined {
  const m = /^(?:cosa run (\S+)|ignition .+ on (\S+?))(?: \(\d+\))?$/.exec(name);
  return m ? (m[1] ?? m[2]) : undefined;
}
