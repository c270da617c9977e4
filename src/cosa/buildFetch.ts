// `cosa buildfetch` (src/cmd-buildfetch): pull a published build's metadata
// (builds.json, builds/<id>/<arch>/meta.json) and, with --artifact, its
// images, from http(s)://, s3:// or a path/file:// as the container sees it.
// Args, input checks and what its failures mean. Pure.

export interface BuildFetchOptions {
  readonly url: string;
  /** --build ID (default: the remote's latest). */
  readonly buildId?: string;
  /** --arch A... ('all': every arch of the build; none: this machine's arch). */
  readonly arches?: readonly string[];
  /** --artifact NAME... (qemu, metal, ...; 'all'). */
  readonly artifacts?: readonly string[];
  /** --force: overwrite a builds.json changed since the last fetch. */
  readonly force?: boolean;
}

export function buildFetchArgs(o: BuildFetchOptions): string[] {
  return [
    'buildfetch',
    `--url=${o.url.trim()}`,
    ...(o.buildId?.trim() ? ['--build', o.buildId.trim()] : []),
    ...(o.arches ?? []).flatMap((a) => ['--arch', a]),
    ...(o.artifacts ?? []).flatMap((a) => ['--artifact', a]),
    ...(o.force ? ['--force'] : []),
  ];
}

/** `cosa buildfetch --url=U --build ID --arch A --artifact qemu`: one build's qemu image from where its metadata came from. */
export function buildFetchQemuArgs(url: string, buildId: string, arch: string): string[] {
  return buildFetchArgs({ url, buildId, arches: [arch], artifacts: ['qemu'] });
}

/** Why a URL cannot be given to cosa buildfetch (its own check: "Invalid scheme: ..."), else undefined. */
export function validateBuildFetchUrl(url: string): string | undefined {
  const u = url.trim();
  if (!u) {
    return 'A URL is required: the directory that holds builds.json (e.g. https://builds.coreos.fedoraproject.org/prod/streams/testing-devel/builds)';
  }
  if (/\s/.test(u)) {
    return 'A URL has no spaces';
  }
  if (/^https?:\/\/[^/]+/.test(u) || /^s3:\/\/[^/]+/.test(u) || u.startsWith('file:///') || u.startsWith('/')) {
    return undefined;
  }
  return 'cosa buildfetch takes http://, https://, s3:// or file:// URLs, or an absolute path inside the container (the workspace is /srv)';
}

/** A build id for --build: one word, as cosa names build directories. */
export function validateFetchBuildId(id: string): string | undefined {
  const v = id.trim();
  if (!v) {
    return undefined; // the remote's latest
  }
  return /^[A-Za-z0-9][A-Za-z0-9._+~-]*$/.test(v) ? undefined : 'letters, digits and . _ + ~ - only (a build id), or empty for the latest build';
}

export type BuildFetchProblem =
  | { readonly kind: 'modified-locally'; readonly message: string }
  | { readonly kind: 'no-artifact'; readonly artifact: string; readonly message: string }
  | { readonly kind: 'checksum'; readonly message: string }
  | { readonly kind: 'unreachable'; readonly message: string }
  | { readonly kind: 'http'; readonly message: string }
  | { readonly kind: 'other'; readonly message: string };

const MODIFIED = /^(\S+) modified locally\. Run with --force to overwrite local changes$/;
const NO_ARTIFACT = /Requested artifact (\S+) not available in build$/;
const CHECKSUM = /Downloaded checksum for (\S+) does not match expected$/;
const HTTP = /HTTPError: (\d{3} .*)$/;
const UNREACHABLE = /(?:ConnectionError|RetryError|ConnectTimeout|ReadTimeout)(?:: |\[)(.*)$/;
/** The last line of a Python traceback: `module.Exception: message`. */
const PYTHON_EXCEPTION = /^(?:[A-Za-z_][\w.]*\.)?(?:[A-Z]\w*(?:Exception|Error)|Exception|SystemExit): (.*)$/;

/** What went wrong, from cmd-buildfetch's output lines (a SystemExit message or a traceback). */
export function buildFetchProblem(lines: readonly string[]): BuildFetchProblem | undefined {
  let found: BuildFetchProblem | undefined;
  for (const raw of lines) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = MODIFIED.exec(line))) {
      found = { kind: 'modified-locally', message: `${m[1]} was changed since the last fetch (a local build?); cosa buildfetch overwrites it only with --force.` };
    } else if ((m = NO_ARTIFACT.exec(line))) {
      found = { kind: 'no-artifact', artifact: m[1]!, message: `the build has no ${m[1]} image (meta.json does not list it)` };
    } else if ((m = CHECKSUM.exec(line))) {
      found = { kind: 'checksum', message: `the downloaded ${m[1]} does not match its sha256 in meta.json` };
    } else if ((m = HTTP.exec(line))) {
      found = { kind: 'http', message: m[1]! };
    } else if ((m = UNREACHABLE.exec(line)) && found?.kind !== 'unreachable') {
      found = { kind: 'unreachable', message: `the server could not be reached (${m[1]!.replace(/\]$/, '')})` };
    } else if (!found && (m = PYTHON_EXCEPTION.exec(line))) {
      found = { kind: 'other', message: m[1]! };
    }
  }
  return found;
}
