// Whether an image listed in meta.json can be booted as it is on disk:
// present, compressed (`cosa compress` rewrote images.<x>.path to .xz/.gz/
// .zst/.zip: src/cmd-compress's ext_dict) or absent (`cosa buildfetch` fetches
// only meta.json unless --artifact is given). And which arch of a build is
// "this machine's": cosa builds and boots the host arch (cosalib/builds.py
// appends arches in arrival order, so arches[0] may be another one). Pure:
// the file system facts come in as a probe.

import { buildFetchQemuArgs } from './buildFetch';
import { BuildImage } from './buildMeta';

export type Compressor = 'xz' | 'gzip' | 'zstd' | 'zip';

/** cmd-compress's extensions, as cmd-decompress recognises them. */
const EXTENSIONS: readonly (readonly [string, Compressor])[] = [['.xz', 'xz'], ['.gz', 'gzip'], ['.zst', 'zstd'], ['.zip', 'zip']];

/** The compressor of an image cosa decompress would decompress; undefined for a plain or skip-compression image. */
export function compressionOf(image: Pick<BuildImage, 'path' | 'skipCompression'>): Compressor | undefined {
  if (image.skipCompression) {
    return undefined;
  }
  return EXTENSIONS.find(([ext]) => image.path.endsWith(ext))?.[1];
}

/** What a stat of the image file said. */
export type FileProbe =
  | { readonly exists: true; readonly size: number }
  | { readonly exists: false }
  | { readonly error: string };

export type ImageState =
  | { readonly kind: 'present'; readonly sizeMismatch?: { readonly expected: number; readonly actual: number } }
  | { readonly kind: 'compressed'; readonly compressor: Compressor; readonly sizeMismatch?: { readonly expected: number; readonly actual: number } }
  | { readonly kind: 'absent' }
  | { readonly kind: 'unreadable'; readonly error: string };

export function imageState(image: BuildImage, probe: FileProbe): ImageState {
  if ('error' in probe) {
    return { kind: 'unreadable', error: probe.error };
  }
  if (!probe.exists) {
    return { kind: 'absent' };
  }
  // A size other than meta.json's: an interrupted download or copy.
  const sizeMismatch = image.size !== undefined && image.size !== probe.size ? { expected: image.size, actual: probe.size } : undefined;
  const compressor = compressionOf(image);
  return {
    ...(compressor ? { kind: 'compressed' as const, compressor } : { kind: 'present' as const }),
    ...(sizeMismatch ? { sizeMismatch } : {}),
  };
}

/** The tree's words for a state ("" for a plain present image). */
export function imageStateText(state: ImageState): string {
  const mismatch = 'sizeMismatch' in state && state.sizeMismatch
    ? ` ⚠ ${state.sizeMismatch.actual} of ${state.sizeMismatch.expected} bytes` : '';
  switch (state.kind) {
    case 'present':
      return mismatch.trim();
    case 'compressed':
      return `compressed (${state.compressor})${mismatch}`;
    case 'absent':
      return 'absent (not fetched)';
    case 'unreadable':
      return `unreadable: ${state.error}`;
  }
}

/** What Run in QEMU / Test in VM do with a build's qemu image. */
export type BootCheck =
  | { readonly kind: 'boot' }
  | { readonly kind: 'decompress'; readonly message: string; readonly args: readonly string[] }
  | { readonly kind: 'absent'; readonly message: string; readonly fetchArgs?: readonly string[] }
  | { readonly kind: 'refuse'; readonly message: string };

export interface BootCheckInput {
  readonly buildId: string;
  readonly arch: string;
  readonly image: BuildImage;
  readonly state: ImageState;
  /** tmp/builds-source.txt: the URL `cosa buildfetch` last fetched builds.json from. */
  readonly sourceUrl?: string;
}

/** `cosa decompress --build <id>`: every compressed image of the build that is present (cosa skips missing ones without --artifact). */
export function decompressArgs(buildId: string): string[] {
  return ['decompress', '--build', buildId];
}

export function bootCheck(input: BootCheckInput): BootCheck {
  const { buildId, arch, image, state } = input;
  const file = `builds/${buildId}/${arch}/${image.path}`;
  switch (state.kind) {
    case 'present':
      return state.sizeMismatch
        ? { kind: 'refuse', message: `${file} has ${state.sizeMismatch.actual} bytes, meta.json says ${state.sizeMismatch.expected}: an interrupted copy or download? Fetch or build it again.` }
        : { kind: 'boot' };
    case 'compressed':
      if (state.sizeMismatch) {
        return { kind: 'refuse', message: `${file} has ${state.sizeMismatch.actual} bytes, meta.json says ${state.sizeMismatch.expected}: an interrupted download? Fetch it again.` };
      }
      return {
        kind: 'decompress',
        message: `The qemu image of ${buildId} is compressed (${image.path}, ${state.compressor}); kola boots only a decompressed image. Decompress it with \`cosa decompress --build ${buildId}\` first?`,
        args: decompressArgs(buildId),
      };
    case 'absent': {
      const why = `The qemu image of ${buildId} (${arch}) is not here: meta.json lists ${image.path}, but ${file} does not exist (cosa buildfetch fetches only meta.json unless --artifact qemu).`;
      return input.sourceUrl
        ? { kind: 'absent', message: `${why} Fetch it from ${input.sourceUrl}?`, fetchArgs: buildFetchQemuArgs(input.sourceUrl, buildId, arch) }
        : { kind: 'absent', message: `${why} Build it (cosa osbuild qemu) or fetch it (Build Fetch).` };
    }
    case 'unreadable':
      return { kind: 'refuse', message: `${file} cannot be read: ${state.error}` };
  }
}

/** The first line of tmp/builds-source.txt (cmd-buildfetch writes the URL and a newline). */
export function sourceUrlOf(text: string): string | undefined {
  const line = text.split('\n')[0]?.trim();
  return line ? line : undefined;
}

/** The arch of a build the tree and Run in QEMU use: this machine's when the build has it, else the first listed. */
export interface BuildArch {
  readonly arch?: string;
  /** The build has no artifacts for this machine's arch. */
  readonly foreign: boolean;
}

export function buildArchFor(arches: readonly string[], hostArch: string): BuildArch {
  if (arches.includes(hostArch)) {
    return { arch: hostArch, foreign: false };
  }
  return arches[0] !== undefined ? { arch: arches[0], foreign: true } : { foreign: false };
}

/** The arches kola qemuexec --arch emulates (mantle/platform/qemu.go SetArchitecture). */
export const EMULATED_ARCHES: readonly string[] = ['x86_64', 'aarch64', 's390x', 'ppc64le'];

/**
 * kola args that boot `arch` on a `hostArch` machine: nothing for the host's
 * own arch, `--arch <arch>` (full emulation, TCG) for one kola emulates,
 * inserted before a `--` (what follows goes to qemu). Undefined: kola cannot.
 */
export function withEmulatedArch(args: readonly string[], arch: string, hostArch: string): string[] | undefined {
  if (arch === hostArch) {
    return [...args];
  }
  if (!EMULATED_ARCHES.includes(arch)) {
    return undefined;
  }
  const dashes = args.indexOf('--');
  return dashes < 0 ? [...args, '--arch', arch] : [...args.slice(0, dashes), '--arch', arch, ...args.slice(dashes)];
}
