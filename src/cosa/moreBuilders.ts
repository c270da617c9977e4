// Several builders at once (multi-arch): `coreos.moreBuilders` lists builders besides the one
// selected with `coreos.builder` (e.g. local x86_64 plus a remote builder per other arch), whose
// builds the CoreOS Builds tree shows too, each build's arches grouped by the builder that made
// them. This module reads and checks the setting and merges the builds of several builders into
// one model. Pure: no process, no vscode.

import { BuilderChoice, builderChoiceLabel, builderSettingValue, parseBuilderSetting } from './builderChoice';
import { parseBuilderUrl, RemoteBuilderError } from './remoteSession';

/** One builder of `coreos.moreBuilders`: local, an ssh:// podman builder (with its identity), or a podman connection name. */
export type ExtraBuilderChoice = Exclude<BuilderChoice, { readonly kind: 'kube' }>;

export interface MoreBuildersSetting {
  /** The builders to show, in the setting's order, without duplicates. */
  readonly builders: readonly ExtraBuilderChoice[];
  /** What was wrong with an entry (the entry is left out; the others are used). */
  readonly errors: readonly string[];
  /** Why the whole setting is not honoured (an untrusted workspace). */
  readonly ignored?: string;
}

export const UNTRUSTED_MORE_BUILDERS_REASON = 'this workspace is not trusted, so its coreos.moreBuilders setting is ignored and only the selected builder\'s builds are shown';

/** One builder, whatever its form: the same value and identity is the same builder. */
export function builderKey(choice: BuilderChoice): string {
  return `${builderSettingValue(choice)}\n${choice.kind === 'url' ? choice.identity ?? '' : ''}`;
}

/** What a builder is called on its group in the tree: `local`, `ssh://user@host[:port]`, or the connection's name. */
export function builderGroupLabel(choice: BuilderChoice): string {
  return choice.kind === 'url' ? `ssh://${builderChoiceLabel(choice)}` : builderChoiceLabel(choice);
}

/**
 * `coreos.moreBuilders`: an array whose entries are a string (`local`, an ssh:// URL, a podman
 * connection name) or an object `{ "builder": …, "identity": … }` (identity: for an ssh:// URL,
 * the private key file; absent: ssh-agent). A wrong entry is reported and left out.
 */
export function parseMoreBuilders(value: unknown): MoreBuildersSetting {
  if (value === undefined || value === null) {
    return { builders: [], errors: [] };
  }
  if (!Array.isArray(value)) {
    return { builders: [], errors: ['coreos.moreBuilders must be a list of builders'] };
  }
  const builders: ExtraBuilderChoice[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  value.forEach((entry: unknown, i) => {
    const where = `coreos.moreBuilders[${i}]`;
    let builder: unknown;
    let identity: unknown;
    if (typeof entry === 'string') {
      builder = entry;
    } else if (entry && typeof entry === 'object' && !Array.isArray(entry)) {
      const o = entry as Record<string, unknown>;
      const unknownKeys = Object.keys(o).filter((k) => k !== 'builder' && k !== 'identity');
      if (unknownKeys.length) {
        errors.push(`${where}: unknown key ${unknownKeys.map((k) => JSON.stringify(k)).join(', ')} (a builder is "builder" with an optional "identity")`);
        return;
      }
      ({ builder, identity } = o);
    }
    if (typeof builder !== 'string' || builder.trim() === '') {
      errors.push(`${where}: a builder is a string (local, ssh://user@host[:port]/path/to/podman.sock or a podman connection name) or { "builder": …, "identity": … }`);
      return;
    }
    if (identity !== undefined && typeof identity !== 'string') {
      errors.push(`${where}: "identity" is the path of a private key file`);
      return;
    }
    let choice: BuilderChoice;
    try {
      choice = parseBuilderSetting(builder, identity);
    } catch (e) {
      if (!(e instanceof RemoteBuilderError)) {
        throw e;
      }
      errors.push(`${where}: ${e.message.replace(/^coreos\.builder /, '')}`);
      return;
    }
    if (choice.kind === 'kube') {
      errors.push(`${where}: "${builder.trim()}" is a pod; coreos.moreBuilders takes local and podman builders (ssh:// or a connection name)`);
      return;
    }
    if (typeof identity === 'string' && identity.trim() !== '' && choice.kind !== 'url') {
      errors.push(`${where}: "identity" applies to an ssh:// builder only (a connection has its own, local needs none)`);
      return;
    }
    const key = builderKey(choice);
    if (seen.has(key)) {
      errors.push(`${where}: "${builder.trim()}" is listed twice`);
      return;
    }
    seen.add(key);
    builders.push(choice);
  });
  return { builders, errors };
}

/** The setting in effect: honoured only in a trusted workspace (it makes the extension reach other machines); the selected builder itself is left out. */
export function effectiveMoreBuilders(setting: MoreBuildersSetting, trusted: boolean, selected: BuilderChoice): MoreBuildersSetting {
  if (!trusted) {
    return setting.builders.length || setting.errors.length ? { builders: [], errors: [], ignored: UNTRUSTED_MORE_BUILDERS_REASON } : { builders: [], errors: [] };
  }
  const selectedKey = builderKey(selected);
  return { builders: setting.builders.filter((b) => builderKey(b) !== selectedKey), errors: setting.errors };
}

/**
 * Where a podman builder is: user, host, port and socket. A connection name and the ssh:// URL it
 * stands for (or two spellings of one URL) are one builder, with one session of the workspace there.
 */
export function builderAddressKey(url: string): string | undefined {
  try {
    const a = parseBuilderUrl(url);
    return `${a.user}@${a.host.toLowerCase()}:${a.port}${a.socketPath.replace(/\/+$/, '')}`;
  } catch {
    return undefined;
  }
}

/** A builder as far as it could be resolved: its label, and its address (builderAddressKey) when it has one. */
export interface ResolvedBuilder {
  readonly label: string;
  readonly address?: string | undefined;
}

/**
 * For each entry of coreos.moreBuilders, the label of the builder it is the same as (the selected
 * one, or an earlier entry at the same address), else undefined: its builds are shown once.
 */
export function sameBuilderAs(selected: ResolvedBuilder, entries: readonly ResolvedBuilder[]): (string | undefined)[] {
  const seen = new Map<string, string>();
  if (selected.address !== undefined) {
    seen.set(selected.address, selected.label);
  }
  return entries.map((e) => {
    if (e.address === undefined) {
      return undefined;
    }
    const first = seen.get(e.address);
    if (first === undefined) {
      seen.set(e.address, e.label);
    }
    return first;
  });
}

/** The builds one builder holds, as its builds.json lists them (newest first). */
export interface BuilderBuilds {
  /** builderKey of the builder. */
  readonly key: string;
  readonly label: string;
  /** Its build directory is not this machine's. */
  readonly remote: boolean;
  readonly builds: readonly { readonly id: string; readonly arches: readonly string[] }[];
}

/** A build's arches on one builder. */
export interface BuilderArches {
  readonly key: string;
  readonly label: string;
  readonly remote: boolean;
  readonly arches: readonly string[];
}

/** One build id across the builders: its arches grouped by the builder that made them, in the order the builders were given. */
export interface MergedBuild {
  readonly id: string;
  readonly groups: readonly BuilderArches[];
}

/**
 * Compares build ids newest first as cosa numbers them (`42.20260101.3.0`, `38.20231010.dev.1`):
 * runs of digits by value, everything else by code unit.
 */
export function compareBuildIdsNewestFirst(a: string, b: string): number {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) {
      continue;
    }
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      const nx = x.replace(/^0+(?=\d)/, '');
      const ny = y.replace(/^0+(?=\d)/, '');
      if (nx.length !== ny.length) {
        return ny.length - nx.length;
      }
      if (nx !== ny) {
        return nx < ny ? 1 : -1;
      }
      continue;
    }
    return x < y ? 1 : -1;
  }
  return pb.length - pa.length;
}

/**
 * The builds of several builders as one list, newest first: each builder's own order is kept
 * (a merge of the lists, the newer head first), a build id made on several builders is one entry
 * with a group per builder. A builder listing an id twice counts once (its first entry).
 */
export function mergeBuilderBuilds(sources: readonly BuilderBuilds[]): MergedBuild[] {
  const heads = sources.map(() => 0);
  const groups = new Map<string, BuilderArches[]>();
  const order: string[] = [];
  const seenPer = sources.map(() => new Set<string>());
  for (;;) {
    let pick = -1;
    for (let s = 0; s < sources.length; s++) {
      const head = sources[s]!.builds[heads[s]!];
      if (head && (pick < 0 || compareBuildIdsNewestFirst(head.id, sources[pick]!.builds[heads[pick]!]!.id) < 0)) {
        pick = s;
      }
    }
    if (pick < 0) {
      break;
    }
    const source = sources[pick]!;
    const build = source.builds[heads[pick]!]!;
    heads[pick]!++;
    if (seenPer[pick]!.has(build.id)) {
      continue;
    }
    seenPer[pick]!.add(build.id);
    let list = groups.get(build.id);
    if (!list) {
      list = [];
      groups.set(build.id, list);
      order.push(build.id);
    }
    list.push({ key: source.key, label: source.label, remote: source.remote, arches: build.arches });
  }
  const rank = new Map(sources.map((s, i) => [s.key, i]));
  return order.map((id) => ({ id, groups: groups.get(id)!.sort((x, y) => rank.get(x.key)! - rank.get(y.key)!) }));
}

/** How a builder is written in coreos.moreBuilders: a string, or with its identity an object. */
export function moreBuildersEntry(choice: ExtraBuilderChoice): string | { readonly builder: string; readonly identity: string } {
  return choice.kind === 'url' && choice.identity ? { builder: choice.url, identity: choice.identity } : builderSettingValue(choice);
}

/**
 * coreos.moreBuilders after "Use This Builder" on `chosen` (one of its builders): the builder selected
 * until now takes the chosen one's place, so its builds stay in the tree; a pod, which the list cannot
 * hold, is just left out. The other entries are kept as written.
 */
export function swapSelectedBuilder(raw: unknown, chosen: ExtraBuilderChoice, previous: BuilderChoice): unknown[] {
  const entries: unknown[] = Array.isArray(raw) ? [...raw] : [];
  const chosenKey = builderKey(chosen);
  const replacement = previous.kind === 'kube' || builderKey(previous) === chosenKey ? [] : [moreBuildersEntry(previous)];
  const at = entries.findIndex((e) => {
    const one = parseMoreBuilders([e]).builders[0];
    return one !== undefined && builderKey(one) === chosenKey;
  });
  if (at < 0) {
    return [...entries, ...replacement];
  }
  entries.splice(at, 1, ...replacement);
  return entries;
}
