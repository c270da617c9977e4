// External kola test discovery from a listing of a project's tests/kola
// directory, named and configured exactly like kola's registerTestDir
// (coreos-assembler mantle/kola/harness.go; the rules are summarised in
// test/fixtures/kola/UPSTREAM.md). Pure: the listing is read elsewhere
// (src/engine/kolaTree.ts).
import {
  externalTestTags, InlineMetaSource, KolaMetaError, KolaTestMeta, parseInlineMeta, parseKolaJson, ZERO_META,
} from './kolaTestMeta';

/** One directory entry, symlinks already resolved (kola stats the target). */
export type KolaNode =
  | {
    readonly name: string;
    readonly type: 'file';
    /** Permission bits of the (target) file. */
    readonly mode: number;
    /** The content kola reads: kola.json / config.ign / config.bu whole, an executable's first 8 KiB, a non-executable's first line. */
    readonly text?: string;
  }
  | { readonly name: string; readonly type: 'dir'; readonly children: readonly KolaNode[] }
  | { readonly name: string; readonly type: 'other' }
  /** A symlink whose target cannot be stat'ed: kola fails the whole registration. */
  | { readonly name: string; readonly type: 'broken'; readonly error: string };

export interface KolaExternalTest {
  /** ext.<project>.<dir...>[.<exe>] */
  readonly name: string;
  /** Path of the executable relative to tests/kola, '/'-separated. */
  readonly executable: string;
  /** Its directory relative to tests/kola ('' for tests/kola itself). */
  readonly dir: string;
  readonly meta: KolaTestMeta;
  readonly metaSource: InlineMetaSource | 'kola.json';
  /** 1-based line of the inline metadata marker, when there is one. */
  readonly metaLine?: number;
  /** The directory has a kola.json that kola does not apply (coreos-assembler issue 4392). */
  readonly kolaJsonIgnored: boolean;
  readonly tags: readonly string[];
  /** config.ign or config.bu of the directory (the last one in name order wins, like kola). */
  readonly config?: 'config.ign' | 'config.bu';
  /** The data/ directory, relative to tests/kola. */
  readonly dataDir?: string;
}

export interface KolaDiscovery {
  readonly tests: KolaExternalTest[];
  readonly warnings: string[];
  /** Set when kola would refuse to start (it registers nothing then); tests holds what was found before. */
  readonly error?: string;
}

export const INSTALLED_DEFAULT_TEST = 'test.sh';

/** The prefix kola gives a project's tests: `ext.<basename of the project dir>` (src/config -> ext.config). */
export function externalTestPrefix(projectDir: string): string {
  const parts = projectDir.replace(/\/+$/, '').split('/');
  return `ext.${parts[parts.length - 1] || '/'}`;
}

class DiscoveryAbort extends Error {}

function join(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

/**
 * registerTestDir over `children` (the content of tests/kola). Entries are
 * visited in byte order of their names like os.ReadDir; subdirectories are
 * registered as they are met, the directory's own executables after.
 */
export function discoverExternalTests(children: readonly KolaNode[], prefix = 'ext.config'): KolaDiscovery {
  const tests: KolaExternalTest[] = [];
  const warnings: string[] = [];
  const names = new Set<string>();
  try {
    registerDir('', prefix, children, tests, warnings, names);
  } catch (e) {
    if (e instanceof DiscoveryAbort || e instanceof KolaMetaError) {
      return { tests, warnings, error: e.message };
    }
    throw e;
  }
  return { tests, warnings };
}

function byName(a: KolaNode, b: KolaNode): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function registerDir(
  dir: string, prefix: string, children: readonly KolaNode[],
  tests: KolaExternalTest[], warnings: string[], names: Set<string>,
): void {
  let dirMeta: KolaTestMeta | undefined;
  let config: 'config.ign' | 'config.bu' | undefined;
  let dataDir: string | undefined;
  const executables: { name: string; text: string }[] = [];
  for (const c of [...children].sort(byName)) {
    const path = join(dir, c.name);
    if (c.type === 'broken') {
      throw new DiscoveryAbort(`stat tests/kola/${path}: ${c.error}`);
    }
    if (c.type === 'file' && (c.mode & 0o001) !== 0) {
      // only the "others" execute bit makes a test, as in kola
      executables.push({ name: c.name, text: c.text ?? '' });
    } else if (c.type === 'file' && c.name === 'config.ign') {
      config = 'config.ign';
    } else if (c.type === 'file' && c.name === 'config.fcc') {
      // kola returns errors.Wrapf(nil, ...) here, which is nil: the rest of the
      // directory (and its executables) is silently skipped.
      warnings.push(`tests/kola/${path}: config.fcc is not supported anymore (rename it to config.bu); kola skips ${dir || 'tests/kola'} from here on`);
      return;
    } else if (c.type === 'file' && c.name === 'config.bu') {
      config = 'config.bu';
    } else if (c.type === 'file' && c.name === 'kola.json') {
      dirMeta = parseKolaJson(c.text ?? '', `tests/kola/${path}`);
    } else if (c.type === 'dir' && c.name === 'data') {
      dataDir = path;
    } else if (c.type === 'dir') {
      registerDir(path, `${prefix}.${c.name}`, c.children, tests, warnings, names);
    } else if (c.type === 'file' && (c.text ?? '').startsWith('#!')) {
      warnings.push(`Found non-executable file with shebang: tests/kola/${path}`);
    }
  }
  for (const exe of executables) {
    const name = executables.length > 1 || exe.name !== INSTALLED_DEFAULT_TEST ? `${prefix}.${exe.name}` : prefix;
    const exePath = join(dir, exe.name);
    let inline;
    try {
      inline = parseInlineMeta(exe.text);
    } catch (e) {
      throw new DiscoveryAbort(`Parsing metadata from tests/kola/${exePath}: ${(e as Error).message}`);
    }
    // kola falls back to kola.json only when the inline metadata is nil, which
    // today happens only for a `## kola:` block that decodes to null.
    const meta = inline.meta ?? dirMeta ?? ZERO_META;
    if (names.has(name)) {
      throw new DiscoveryAbort(`test ${name} already registered`);
    }
    if (meta.conflicts.length > 0 && meta.exclusive) {
      throw new DiscoveryAbort(`${name}: exclusive test cannot have non-empty conflicts entry`);
    }
    names.add(name);
    tests.push({
      name,
      executable: exePath,
      dir,
      meta,
      metaSource: inline.meta ? inline.source : 'kola.json',
      metaLine: inline.line,
      kolaJsonIgnored: dirMeta !== undefined && inline.meta !== undefined,
      tags: externalTestTags(meta),
      config,
      dataDir,
    });
  }
}
