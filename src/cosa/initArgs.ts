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
