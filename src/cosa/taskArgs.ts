// Arguments of the cosa commands the extension runs as tasks: a task
// definition (tasks.json `{"type": "cosa", "command": "build", "args": [...]}`)
// to argv, build options, image builds (osbuild today, buildextend-<p>
// legacy), clean and prune, as upstream cosa's cmd-* scripts take them. Pure.

import { buildIdArgument, buildIdProblem } from './buildDirPaths';

export const COSA_TASK_TYPE = 'cosa';

export interface CosaTaskDefinition {
  readonly type: string;
  /** The cosa subcommand: build, fetch, osbuild, buildextend-qemu, ... */
  readonly command: string;
  /** Its arguments, each one word (never split by a shell). */
  readonly args?: readonly string[];
}

/** Commands that need a real terminal (a TTY) and cannot run as a task's pseudoterminal. */
const INTERACTIVE = new Set(['run', 'supermin-shell', 'remote-session']);

export type TaskArgsResult = { readonly args: string[] } | { readonly error: string };

/** The cosa argv of a task definition, or why it cannot run. */
export function taskDefinitionArgs(def: Partial<CosaTaskDefinition> | undefined): TaskArgsResult {
  const command = typeof def?.command === 'string' ? def.command.trim() : '';
  if (!command) {
    return { error: 'a cosa task needs "command" (e.g. "build")' };
  }
  if (/\s/.test(command) || command.startsWith('-')) {
    return { error: `"command" is one cosa subcommand such as "build", not "${command}"; put options in "args"` };
  }
  const raw: unknown = def?.args ?? [];
  if (!Array.isArray(raw) || raw.some((a) => typeof a !== 'string')) {
    return { error: '"args" must be an array of strings' };
  }
  const args = raw as string[];
  if (INTERACTIVE.has(command) || (command === 'shell' && args.length === 0)) {
    return { error: `cosa ${command} needs a real terminal; use "CoreOS: Open Assembler Shell" (or the QEMU console) instead of a task` };
  }
  return { args: [command, ...args] };
}

/** The task's name as shown in the task list: `build --force`, `osbuild qemu`. */
export function taskName(def: CosaTaskDefinition): string {
  return [def.command, ...(def.args ?? [])].join(' ');
}

export interface BuildOptions {
  readonly force?: boolean;
  readonly skipPrune?: boolean;
  readonly strict?: boolean;
  readonly version?: string;
}

/** `cosa build` options (src/cmd-build getopt: --force, --skip-prune, --strict, --version=V). */
export function buildArgs(options: BuildOptions = {}): string[] {
  const args = ['build'];
  if (options.force) {
    args.push('--force');
  }
  if (options.skipPrune) {
    args.push('--skip-prune');
  }
  if (options.strict) {
    args.push('--strict');
  }
  const version = options.version?.trim();
  if (version) {
    args.push(`--version=${version}`);
  }
  return args;
}

/** A version for `--version`: one word that can name a build directory. */
export function validateVersion(version: string): string | undefined {
  const v = version.trim();
  if (!v) {
    return 'a version is required';
  }
  // cosa tags its image localhost/<name>:<version>, so a version must be a build id (src/cosa/buildDirPaths.ts).
  return buildIdProblem(v) ? 'letters, digits and . _ - only, at most 128, not starting with . or - (it becomes the build id, an image tag and a directory name)' : undefined;
}

/** The platforms of `cosa osbuild` (contract 2.5), most used first. */
export const IMAGE_PLATFORMS: readonly string[] = [
  'qemu', 'metal', 'metal4k', 'live',
  'aliyun', 'applehv', 'aws', 'azure', 'azurestack', 'digitalocean', 'exoscale', 'gcp', 'hetzner', 'hyperv', 'ibmcloud',
  'kubevirt', 'nutanix', 'nvidiabluefield', 'openstack', 'oraclecloud', 'proxmoxve', 'qemu-secex', 'vultr',
];

export interface ImageBuildOptions {
  readonly platforms: readonly string[];
  /** Default: the latest build. */
  readonly buildId?: string;
  /** Legacy cosa: one `buildextend-<p>` per platform instead of `osbuild <p>...`. */
  readonly legacy?: boolean;
  readonly force?: boolean;
}

/** The cosa command(s) that build images: `osbuild [--build ID] p...`, or legacy `buildextend-p [--build ID]` each. */
export function imageBuildCommands(options: ImageBuildOptions): string[][] {
  const platforms = [...new Set(options.platforms.map((x) => x.trim()).filter(Boolean))];
  if (!platforms.length) {
    return [];
  }
  const common = [...(options.buildId ? ['--build', options.buildId] : []), ...(options.force ? ['--force'] : [])];
  if (options.legacy) {
    return platforms.map((pl) => [`buildextend-${pl}`, ...common]);
  }
  return [['osbuild', ...common, ...platforms]];
}

/** `osbuild [--build ID] [--force] p...` as legacy `buildextend-p [--build ID] [--force]` commands. */
export function legacyImageCommands(args: readonly string[]): string[][] {
  const platforms: string[] = [];
  let buildId: string | undefined;
  let force = false;
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--build') {
      buildId = args[++i];
    } else if (a.startsWith('--build=')) {
      buildId = a.slice('--build='.length);
    } else if (a === '--force') {
      force = true;
    } else if (!a.startsWith('-')) {
      platforms.push(a);
    }
  }
  return imageBuildCommands({ platforms, legacy: true, force, ...(buildId ? { buildId } : {}) });
}

/** `cosa clean [--all]`. */
export function cleanArgs(all: boolean): string[] {
  return all ? ['clean', '--all'] : ['clean'];
}

export type PruneOptions = { readonly keepLastN: number } | { readonly buildIds: readonly string[] };

/** `cosa prune --keep-last-n N` or `cosa prune --build ID...` (exclusive, contract 2.8). */
export function pruneArgs(options: PruneOptions): string[] {
  if ('keepLastN' in options) {
    if (!Number.isInteger(options.keepLastN) || options.keepLastN < 0) {
      throw new RangeError(`--keep-last-n needs a whole number >= 0, not ${options.keepLastN}`);
    }
    return ['prune', `--keep-last-n=${options.keepLastN}`];
  }
  if (!options.buildIds.length) {
    throw new RangeError('cosa prune --build needs at least one build id');
  }
  return ['prune', ...options.buildIds.flatMap((id) => ['--build', buildIdArgument(id)])];
}

/** `cosa tag update --build ID --tag NAME`. */
export function tagArgs(buildId: string, tag: string): string[] {
  return ['tag', 'update', '--build', buildIdArgument(buildId), '--tag', tag.trim()];
}

/** A tag name as cosa stores it in builds.json (one word). */
export function validateTag(tag: string): string | undefined {
  const t = tag.trim();
  if (!t) {
    return 'a tag name is required';
  }
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(t) ? undefined : 'letters, digits and . _ - only';
}

/** Long commands get a progress notification (build, image builds, init, prune, clean). */
export function isLongCommand(args: readonly string[]): boolean {
  const c = args[0] ?? '';
  return ['build', 'osbuild', 'init', 'prune', 'clean', 'fetch', 'compress', 'decompress', 'uncompress', 'import', 'buildfetch'].includes(c)
    || c.startsWith('buildextend-');
}
