// Arguments of `cosa init` (src/cmd-init: [--force] [--branch B] GITCONFIG).

export const DEFAULT_CONFIG_REPO = 'https://github.com/coreos/fedora-coreos-config';

export interface InitOptions {
  readonly url: string;
  readonly branch?: string;
  readonly force?: boolean;
  readonly variant?: string;
}

export function cosaInitArgs(options: InitOptions): string[] {
  const args = ['init'];
  if (options.force) {
    args.push('--force');
  }
  if (options.branch?.trim()) {
    args.push('--branch', options.branch.trim());
  }
  if (options.variant?.trim()) {
    args.push('--variant', options.variant.trim());
  }
  args.push(options.url.trim());
  return args;
}

/**
 * A config source that names this machine's disk (an absolute or home or relative path, a
 * file: URL), not a repository a container elsewhere can clone. A pod builder has its own /srv
 * (an emptyDir) and sees none of it: there, as in fedora-coreos-pipeline's jobs, `cosa init`
 * clones a git URL inside the pod.
 */
export function isLocalConfigSource(source: string): boolean {
  return /^(\/|~|\.\.?(\/|$)|file:)/i.test(source.trim());
}

/** How `cosa init` runs for what the user gave: a repository to clone, or a local checkout on the host. */
export type InitPlan =
  | { readonly kind: 'clone'; readonly args: string[] }
  | { readonly kind: 'local'; readonly configGit: string; readonly args: string[] };

/**
 * A URL is cloned by cmd-init inside the container. An absolute host path is not
 * visible there (cmd-init would symlink a path that does not exist in the
 * container), so it is done as coreos-assembler's docs/working.md documents: the checkout becomes
 * COREOS_ASSEMBLER_CONFIG_GIT (mounted at /srv/src/config/) and
 * `cosa init --force /dev/null` (--force: the mount point makes the directory non-empty).
 */
export function cosaInitPlan(options: InitOptions): InitPlan {
  const source = options.url.trim();
  if (source.startsWith('/')) {
    return { kind: 'local', configGit: source.replace(/(.)\/+$/, '$1'), args: cosaInitArgs({ url: '/dev/null', force: true, ...(options.variant ? { variant: options.variant } : {}) }) };
  }
  return { kind: 'clone', args: cosaInitArgs(options) };
}
