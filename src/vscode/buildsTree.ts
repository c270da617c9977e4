// The CoreOS Builds tree: build → arch → images and facts.
// Lazy: the first level reads builds/builds.json only; a meta.json is read when
// its build is expanded, hovered, or among the first rows on screen.
// Refreshes are targeted: a changed meta.json or marker repaints one build.

import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds';
import { BuildImage, ParsedBuildMeta, parseBuildMeta } from '../cosa/buildMeta';
import { BuildsIndex, parseBuildsIndex } from '../cosa/buildsIndex';
import {
  buildContextValue, buildDescription, buildTooltipMarkdown, BuildRowFacts, configGitText, imageContextValue, imageDescription,
} from '../cosa/buildPresentation';
import { pkgDiffText } from '../cosa/buildExtras';
import { buildDirSegments } from '../cosa/buildDirPaths';
import { BuildDirSource, localBuildDir } from '../engine/buildDirSource';
import { buildArchFor, FileProbe, ImageState, imageState, imageStateText } from '../cosa/imageState';
import { basearchOf } from '../cosa/qemuArgs';
import { BuilderArches, builderGroupLabel, builderKey, ExtraBuilderChoice, mergeBuilderBuilds } from '../cosa/moreBuilders';
import { RemoteSession } from '../engine/remoteSession';

/** cosa builds and boots this machine's arch; the tree reads a build's facts from it. */
export const HOST_ARCH = basearchOf(process.arch);

export type BuildsTreeNode =
  | BuildNode
  | BuilderGroupNode
  /** builder: the key of a coreos.moreBuilders builder the arch is on (absent: the selected builder's). */
  | { readonly kind: 'arch'; readonly buildId: string; readonly arch: string; readonly building: boolean; readonly builder?: string }
  | { readonly kind: 'image'; readonly buildId: string; readonly arch: string; readonly image: BuildImage; readonly state?: ImageState; readonly builder?: string }
  | { readonly kind: 'notice'; readonly id: string; readonly message: string }
  | { readonly kind: 'fact'; readonly id: string; readonly label: string; readonly value: string; readonly icon: string; readonly detail?: string }
  | { readonly kind: 'error'; readonly id: string; readonly message: string }
  | { readonly kind: 'more'; readonly shown: number; readonly total: number };

export interface BuildNode {
  readonly kind: 'build';
  readonly id: string;
  readonly arches: readonly string[];
  readonly latest: boolean;
  readonly tags: readonly string[];
  /**
   * With coreos.moreBuilders in effect: the build's arches grouped by the builder that made them (the
   * selected builder's group, if it has the build, first); `arches` are then the selected builder's only.
   */
  readonly groups?: readonly BuilderArches[];
}

/** Under a build, with more builders in effect: the arches one builder made. */
export interface BuilderGroupNode extends BuilderArches {
  readonly kind: 'builder';
  readonly buildId: string;
  /** The builder the workspace's commands run on (the tree's own source). */
  readonly selected: boolean;
}

/** A builder of coreos.moreBuilders whose builds the tree shows besides the selected builder's (src/vscode/moreBuilders.ts finds them). */
export interface ExtraBuildDir {
  readonly key: string;
  readonly label: string;
  readonly remote: boolean;
  readonly choice: ExtraBuilderChoice;
  /** Its build directory (absent: see problem). */
  readonly source?: BuildDirSource;
  /** Its session, which a Download from it goes through (absent: local). */
  readonly target?: RemoteSession;
  /** Why its builds cannot be shown (no session of this workspace there, the builder does not answer). */
  readonly problem?: string;
}

/** The selected builder as its group is labelled. */
export interface SelectedBuilder {
  readonly key: string;
  readonly label: string;
  readonly remote: boolean;
}

const LOCAL_SELECTED: SelectedBuilder = { key: builderKey({ kind: 'local' }), label: builderGroupLabel({ kind: 'local' }), remote: false };

/** Rows whose meta.json is read ahead so their time shows without a click. */
const PREFETCH_ROWS = 40;
/**
 * Builds listed before a "show more" row. VS Code resolves and sends every
 * child of a level at once; 10,000 rows cost seconds, 200 cost milliseconds.
 */
export const BUILDS_PAGE = 200;
const MARKER = /^\.(.+)\.building$/;

/** A stat of an image file, as imageState reads it. */
export async function probeFile(uri: vscode.Uri): Promise<FileProbe> {
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    return { exists: true, size: stat.size };
  } catch (e) {
    return e instanceof vscode.FileSystemError && e.code === 'FileNotFound' ? { exists: false } : { error: (e as Error).message };
  }
}

type MetaResult = ParsedBuildMeta | { readonly missing: string; readonly notLocal: boolean };

/** One string for a meta.json and its arch directory as BuildDirSource signatures gives them. */
const metaSignature = (file: string | undefined, dir: string | undefined): string => `${file ?? 'absent'} | ${dir ?? 'absent'}`;

export class BuildsTreeProvider implements vscode.TreeDataProvider<BuildsTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<BuildsTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private index: Promise<BuildsIndex | undefined> | undefined;
  private latestId: string | undefined;
  private buildNodes = new Map<string, BuildNode>();
  /** Row number of each build, for the prefetch window. */
  private positions = new Map<string, number>();
  private readonly meta = new Map<string, Promise<MetaResult>>();
  private readonly metaDone = new Map<string, MetaResult>();
  private readonly markers = new Map<string, readonly string[]>();
  /** "id/arch" → the signatures of its meta.json and arch directory when it was read, or at the last refreshAll (src/engine/buildDirSource.ts). */
  private readonly seen = new Map<string, string>();
  private limit = BUILDS_PAGE;
  private firstLevelDelivered: () => void = () => undefined;
  /** Settles when the first level has been handed to VS Code the first time (deferred startup work waits for it). */
  readonly firstLevel = new Promise<void>((resolve) => (this.firstLevelDelivered = resolve));
  /** VS Code has asked for the first level (the view is or was on screen). */
  private shown = false;
  /** Waiting for the first level after a refresh. */
  private levelWaiters: (() => void)[] = [];

  private source: BuildDirSource;
  /** coreos.moreBuilders in effect: their builds are shown too, a build's arches grouped by builder. */
  private extras: readonly ExtraBuildDir[] = [];
  private selected: SelectedBuilder = LOCAL_SELECTED;
  /** Rows above the builds saying why some builders are not shown (a wrong entry, an untrusted workspace). */
  private notices: readonly string[] = [];
  /** Each extra builder's builds.json, read when the first level is asked for after setExtras/refreshExtras (no polling). */
  private extraIndexes: Promise<(BuildsIndex | undefined)[]> | undefined;
  /** "key\nid/arch" → an extra builder's meta.json of that arch. */
  private readonly extraMeta = new Map<string, Promise<MetaResult>>();

  constructor(readonly root: vscode.Uri) {
    this.source = localBuildDir(root.fsPath);
  }

  /**
   * Show the builds of `extras` too (coreos.moreBuilders), each build's arches grouped by builder;
   * `selected` is how the tree's own source's group is labelled; `notices` say what is not shown and why.
   */
  setExtras(extras: readonly ExtraBuildDir[], selected: SelectedBuilder = LOCAL_SELECTED, notices: readonly string[] = []): Promise<void> {
    // Without more builders before and after, nothing shown changes (the selected builder's group
    // label shows only beside others). No refresh then: each one leaves VS Code's rows without
    // their elements for a round trip, and this runs as the first rows appear (extension.ts), when
    // a context-menu command on one of them would get no row.
    const unchanged = !extras.length && !this.extras.length && notices.join('\n') === this.notices.join('\n');
    this.selected = selected;
    if (unchanged) {
      return Promise.resolve();
    }
    this.extras = extras;
    this.notices = notices;
    this.extraIndexes = undefined;
    this.extraMeta.clear();
    this.buildNodes = new Map();
    return this.refresh();
  }

  /** The extra builders' builds are read again (Refresh); the selected builder's follow their own events. */
  refreshExtras(): Promise<void> {
    if (!this.extras.length) {
      return Promise.resolve();
    }
    this.extraIndexes = undefined;
    this.extraMeta.clear();
    return this.refresh();
  }

  /** The extra builder of that key (a row's `builder`), if it is still shown. */
  extra(key: string): ExtraBuildDir | undefined {
    return this.extras.find((e) => e.key === key);
  }

  /** What a row's builds/ is read through: the selected builder's source, or an extra builder's. */
  sourceOf(builder: string | undefined): BuildDirSource | undefined {
    return builder === undefined ? this.source : this.extra(builder)?.source;
  }

  /** Where builds/ is read from now: the local workspace, or a remote session's build directory. */
  get remote(): string | undefined {
    return this.source.remote;
  }

  /** What builds/ is read through now (the Build Overview and meta.json read the same). */
  get files(): BuildDirSource {
    return this.source;
  }

  /** One stat of a file of builds/: through the builder for a remote build directory (`builder`: a coreos.moreBuilders builder's). */
  probe(entry: { buildId: string; arch: string; file: string }, builder?: string): Promise<FileProbe> {
    return this.probeImage(entry.buildId, entry.arch, entry.file, builder);
  }

  /** Read builds/ from `source` from now on (the builder changed); everything is read again. */
  setSource(source: BuildDirSource): void {
    this.source = source;
    this.meta.clear();
    this.metaDone.clear();
    this.markers.clear();
    this.seen.clear();
    this.buildNodes = new Map();
    // The rows shown are another builder's: VS Code asks again now (it shows its progress bar while
    // the new builder's builds.json is read), they are not kept until then.
    this.index = undefined;
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.changed.dispose();
  }

  /** builds.json or builds/latest changed: re-read the first level. Settles once VS Code has it (never while the view is hidden). */
  refresh(): Promise<void> {
    const delivered = new Promise<void>((resolve) => this.levelWaiters.push(resolve));
    if (!this.shown) {
      this.index = undefined;
      this.changed.fire(undefined);
      return delivered;
    }
    // Once the view has shown rows, read first and tell VS Code after: when it asks for the first
    // level again it forgets every row's element until the answer comes, and a context-menu command
    // on a row in that gap gets no argument (Run in QEMU then asks which build). Answered from what
    // is already read, the gap is one round trip, not a read through a builder's exec.
    const index = this.readIndex();
    this.index = index;
    const fire = () => {
      // A newer refresh (or setSource) fires for itself.
      if (this.index === index) {
        this.changed.fire(undefined);
      }
    };
    void this.firstLevelReads().then(fire, fire);
    return delivered;
  }

  /**
   * A command ended on a remote build directory, where no file watcher says which builds it changed
   * (cosa osbuild adds images to one): builds.json again, and the meta.json and markers of each
   * build read so far whose meta.json or arch directory (markers come and go there) changed, told by
   * one stat of them all, compared with what they were when read. A source that cannot tell
   * (no signatures, or a stat that failed) is read again in full.
   */
  async refreshAll(): Promise<void> {
    await this.forgetChanged();
    return this.refresh();
  }

  private async forgetChanged(): Promise<void> {
    const source = this.source;
    const keys = [...this.meta.keys()];
    const now = source.signatures
      ? await source.signatures(keys.flatMap((key) => {
        const [buildId, arch] = key.split('/') as [string, string];
        return [{ buildId, arch, file: 'meta.json' }, { buildId, arch }];
      })).catch(() => undefined)
      : undefined;
    if (source !== this.source) {
      return; // setSource forgot everything meanwhile
    }
    if (!now) {
      this.meta.clear();
      this.metaDone.clear();
      this.markers.clear();
      this.seen.clear();
      return;
    }
    const kept = new Set<string>();
    keys.forEach((key, i) => {
      const signature = metaSignature(now[2 * i], now[2 * i + 1]);
      // A read still running may have begun before the change: it is read again too.
      if (this.seen.get(key) !== signature || !this.metaDone.has(key)) {
        this.forgetBuild(key.slice(0, key.indexOf('/')));
      }
      this.seen.set(key, signature);
      kept.add(key);
    });
    for (const key of [...this.seen.keys()].filter((k) => !kept.has(k))) {
      this.seen.delete(key);
    }
    for (const id of [...this.markers.keys()].filter((id) => !keys.some((k) => k.startsWith(`${id}/`)))) {
      this.markers.delete(id);
    }
  }

  /** Drops what was read of one build (its meta.json of every arch, its markers): read again when shown. */
  private forgetBuild(buildId: string): void {
    for (const key of [...this.meta.keys()].filter((k) => k.startsWith(`${buildId}/`))) {
      this.meta.delete(key);
      this.metaDone.delete(key);
    }
    this.markers.delete(buildId);
  }

  /** The "show more" row: list another page of older builds. */
  showMore(): void {
    this.limit += BUILDS_PAGE;
    this.changed.fire(undefined);
  }

  /** One build's meta.json or markers changed: repaint that build only. */
  refreshBuild(buildId: string): void {
    this.forgetBuild(buildId);
    const node = this.buildNodes.get(buildId);
    if (node) {
      this.changed.fire(node);
    }
  }

  /** `builds/<id>[/<arch>[/<file>]]`; the parts are checked again (they come from the build directory). */
  buildDir(buildId: string, arch?: string, file?: string): vscode.Uri {
    return vscode.Uri.joinPath(this.root, ...buildDirSegments({ buildId, ...(arch !== undefined ? { arch } : {}), ...(file !== undefined ? { file } : {}) }));
  }

  /** For TreeView.reveal (select a new build): builds are top-level, an arch's parent is its build. */
  getParent(node: BuildsTreeNode): BuildsTreeNode | undefined {
    if (node.kind === 'builder') {
      return this.buildNodes.get(node.buildId);
    }
    if (node.kind !== 'arch') {
      return undefined;
    }
    const build = this.buildNodes.get(node.buildId);
    if (!build?.groups) {
      return build;
    }
    const key = node.builder ?? this.selected.key;
    const group = build.groups.find((g) => g.key === key);
    return group ? this.groupNode(build, group) : build;
  }

  private groupNode(build: BuildNode, group: BuilderArches): BuilderGroupNode {
    return { kind: 'builder', buildId: build.id, ...group, selected: group.key === this.selected.key };
  }

  getTreeItem(node: BuildsTreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'build': {
        const facts = this.rowFacts(node);
        const item = new vscode.TreeItem(node.id, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `build:${node.id}`;
        item.description = buildDescription(facts, Date.now());
        item.iconPath = facts.building.length
          ? new vscode.ThemeIcon('loading~spin')
          : facts.notLocal
            ? new vscode.ThemeIcon('cloud')
            : facts.metaErrors?.length
              ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
              : new vscode.ThemeIcon(node.latest ? 'package' : 'archive');
        item.contextValue = buildContextValue(node.latest, this.hasQemuImage(node), buildArchFor(node.arches, HOST_ARCH).foreign);
        if (node.groups && !node.arches.length) {
          // Only on other builders: none of the commands that act on the selected builder's builds apply.
          item.iconPath = new vscode.ThemeIcon('remote');
          item.contextValue = 'elsewhere.build';
        }
        this.prefetch(node);
        return item;
      }
      case 'builder': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `builder:${node.buildId}:${encodeURIComponent(node.key)}`;
        item.iconPath = new vscode.ThemeIcon(node.remote ? 'remote' : 'vm');
        item.description = [node.arches.join(' '), node.selected ? vscode.l10n.t('selected builder') : undefined].filter(Boolean).join(' · ');
        item.tooltip = node.selected
          ? vscode.l10n.t('{0}: the arches of {1} made on {2}, the builder this workspace\'s cosa commands run on', node.arches.join(', '), node.buildId, node.label)
          : vscode.l10n.t('{0}: the arches of {1} made on {2} (coreos.moreBuilders). Use This Builder makes it the builder of this workspace.', node.arches.join(', '), node.buildId, node.label);
        item.contextValue = node.selected ? 'builderGroup.selected' : node.remote ? 'builderGroup.remote' : 'builderGroup';
        return item;
      }
      case 'arch': {
        const item = new vscode.TreeItem(node.arch, vscode.TreeItemCollapsibleState.Expanded);
        item.id = node.builder !== undefined ? `arch:${encodeURIComponent(node.builder)}:${node.buildId}/${node.arch}` : `arch:${node.buildId}/${node.arch}`;
        item.iconPath = new vscode.ThemeIcon(node.building ? 'loading~spin' : 'chip');
        const foreign = node.arch !== HOST_ARCH ? vscode.l10n.t("not this machine's arch ({0})", HOST_ARCH) : undefined;
        item.description = [node.building ? vscode.l10n.t('building…') : undefined, foreign].filter(Boolean).join(' · ') || undefined;
        item.contextValue = node.arch === HOST_ARCH ? 'arch' : 'arch.foreign';
        if (node.builder !== undefined) {
          // Another builder's arch: the commands of the selected builder's builds do not apply to it.
          item.contextValue = `elsewhere.${item.contextValue}${this.extra(node.builder)?.remote ? '.remote' : ''}`;
        } else {
          item.resourceUri = this.buildDir(node.buildId, node.arch);
        }
        return item;
      }
      case 'image': {
        const item = new vscode.TreeItem(node.image.kind, vscode.TreeItemCollapsibleState.None);
        item.id = node.builder !== undefined ? `image:${encodeURIComponent(node.builder)}:${node.buildId}/${node.arch}/${node.image.kind}` : `image:${node.buildId}/${node.arch}/${node.image.kind}`;
        const stateText = node.state ? imageStateText(node.state) : '';
        item.description = [imageDescription(node.image), stateText].filter(Boolean).join(' · ');
        item.iconPath = new vscode.ThemeIcon(node.state?.kind === 'absent' ? 'cloud' : node.state?.kind === 'compressed' ? 'file-zip'
          : node.image.kind === 'qemu' ? 'vm' : 'file-binary');
        item.tooltip = new vscode.MarkdownString([`**${node.image.kind}**${stateText ? ` (${stateText})` : ''}`, '', `- ${vscode.l10n.t('file: {0}', node.image.path)}`,
          node.image.size !== undefined ? `- ${vscode.l10n.t('size: {0} bytes', node.image.size)}` : '', node.image.sha256 ? `- sha256: \`${node.image.sha256}\`` : '',
          node.image.uncompressedSize !== undefined ? `- ${vscode.l10n.t('uncompressed: {0} bytes', node.image.uncompressedSize)}` : ''].filter(Boolean).join('\n'));
        item.contextValue = imageContextValue(node.image.kind, node.state);
        if (node.builder !== undefined) {
          // Download is offered on a remote one ('elsewhere.image.….remote'); nothing that runs cosa is.
          item.contextValue = `elsewhere.${item.contextValue}${this.extra(node.builder)?.remote ? '.remote' : ''}`;
        } else {
          item.resourceUri = this.buildDir(node.buildId, node.arch, node.image.path);
        }
        return item;
      }
      case 'notice': {
        const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('info');
        item.tooltip = node.message;
        item.contextValue = 'notice';
        return item;
      }
      case 'fact': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.description = node.value;
        item.tooltip = node.detail ?? `${node.label}: ${node.value}`;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.contextValue = 'fact';
        return item;
      }
      case 'more': {
        const rest = node.total - node.shown;
        const item = new vscode.TreeItem(vscode.l10n.t('Show {0} more…', Math.min(rest, BUILDS_PAGE)), vscode.TreeItemCollapsibleState.None);
        item.id = 'more';
        item.description = rest === 1 ? vscode.l10n.t('1 older build not shown') : vscode.l10n.t('{0} older builds not shown', rest);
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { command: COMMANDS.showMoreBuilds, title: vscode.l10n.t('Show more builds') };
        item.contextValue = 'more';
        return item;
      }
      case 'error': {
        const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
        item.tooltip = node.message;
        item.contextValue = 'error';
        return item;
      }
    }
  }

  async resolveTreeItem(item: vscode.TreeItem, node: BuildsTreeNode): Promise<vscode.TreeItem> {
    if (node.kind === 'build') {
      await this.loadBuild(node);
      item.tooltip = new vscode.MarkdownString(buildTooltipMarkdown(node.id, this.rowFacts(node)));
    }
    return item;
  }

  async getChildren(parent?: BuildsTreeNode): Promise<BuildsTreeNode[]> {
    if (!parent) {
      this.shown = true;
      return this.rootChildren().finally(() => {
        this.firstLevelDelivered();
        this.levelWaiters.splice(0).forEach((delivered) => delivered());
      });
    }
    if (parent.kind === 'build') {
      if (parent.groups) {
        return parent.groups.map((g) => this.groupNode(parent, g));
      }
      return this.selectedArches(parent);
    }
    if (parent.kind === 'builder') {
      const build = this.buildNodes.get(parent.buildId);
      if (parent.selected) {
        return build ? this.selectedArches(build) : [];
      }
      return parent.arches.map((arch) => ({ kind: 'arch', buildId: parent.buildId, arch, building: false, builder: parent.key }));
    }
    if (parent.kind === 'arch') {
      return this.archChildren(parent.buildId, parent.arch, parent.builder);
    }
    return [];
  }

  /** The selected builder's arches of a build, with its osbuild markers. */
  private async selectedArches(build: BuildNode): Promise<BuildsTreeNode[]> {
    await this.loadBuild(build);
    const building = this.markers.get(build.id) ?? [];
    return build.arches.map((arch) => ({ kind: 'arch', buildId: build.id, arch, building: building.some((b) => b.startsWith(`${arch}:`)) }));
  }

  /** builds.json of the selected builder and of the extra ones: read once, until a refresh. */
  private firstLevelReads(): Promise<[BuildsIndex | undefined, (BuildsIndex | undefined)[]]> {
    this.index ??= this.readIndex();
    if (this.extras.length) {
      this.extraIndexes ??= this.readExtraIndexes(this.extras);
    }
    return Promise.all([this.index, this.extras.length ? this.extraIndexes! : []]);
  }

  private async rootChildren(): Promise<BuildsTreeNode[]> {
    const extras = this.extras;
    const [index, extraIndexes] = await this.firstLevelReads();
    const notices: BuildsTreeNode[] = this.notices.map((message, i) => ({ kind: 'notice', id: `notice:${i}`, message }));
    extras.forEach((e, i) => {
      const problem = e.problem ?? extraIndexes[i]?.error;
      if (problem) {
        notices.push({ kind: 'error', id: `error:builder:${encodeURIComponent(e.key)}`, message: vscode.l10n.t('{0}: {1}', e.label, problem) });
      }
    });
    if (!index && !extras.length) {
      this.buildNodes = new Map();
      this.positions = new Map();
      return notices;
    }
    // With more builders, one list of every builder's builds; each build's arches grouped by builder.
    const entries: readonly { readonly id: string; readonly arches: readonly string[]; readonly groups?: readonly BuilderArches[] }[] = extras.length
      ? mergeBuilderBuilds([
        { ...this.selected, builds: index?.builds ?? [] },
        ...extras.map((e, i) => ({ key: e.key, label: e.label, remote: e.remote, builds: extraIndexes[i]?.builds ?? [] })),
      ]).map((m) => ({ id: m.id, arches: m.groups.find((g) => g.key === this.selected.key)?.arches ?? [], groups: m.groups }))
      : index?.builds ?? [];
    return [...notices, ...this.buildRows(index ?? { builds: [], tags: [] }, entries)];
  }

  private buildRows(index: BuildsIndex, builds: readonly { readonly id: string; readonly arches: readonly string[]; readonly groups?: readonly BuilderArches[] }[]): BuildsTreeNode[] {
    const tags = new Map<string, string[]>();
    for (const t of index.tags) {
      tags.set(t.target, [...(tags.get(t.target) ?? []), t.name]);
    }
    const latest = this.latestId ?? index.builds[0]?.id;
    const next = new Map<string, BuildNode>();
    const positions = new Map<string, number>();
    const nodes: BuildsTreeNode[] = index.error ? [{ kind: 'error', id: 'error:builds.json', message: index.error }] : [];
    for (const b of builds) {
      if (next.size >= this.limit) {
        nodes.push({ kind: 'more', shown: next.size, total: new Set(builds.map((x) => x.id)).size });
        break;
      }
      if (next.has(b.id)) {
        continue; // a duplicate id in builds.json: show it once
      }
      const node: BuildNode = { kind: 'build', id: b.id, arches: b.arches, latest: b.id === latest, tags: tags.get(b.id) ?? [], ...(b.groups ? { groups: b.groups } : {}) };
      const previous = this.buildNodes.get(b.id);
      // Keep the same object when nothing changed, so targeted refreshes find it.
      const same = previous && previous.latest === node.latest && previous.arches.join() === node.arches.join() && previous.tags.join() === node.tags.join()
        && JSON.stringify(previous.groups) === JSON.stringify(node.groups);
      if (previous && previous.arches.join() !== node.arches.join()) {
        this.forgetBuild(b.id); // its builds.json entry changed: what was read of it is read again
      }
      next.set(b.id, same ? previous : node);
      positions.set(b.id, positions.size);
      nodes.push(next.get(b.id)!);
    }
    this.buildNodes = next;
    this.positions = positions;
    return nodes;
  }

  private async archChildren(buildId: string, arch: string, builder?: string): Promise<BuildsTreeNode[]> {
    const result = builder !== undefined ? await this.readExtraMeta(builder, buildId, arch) : await this.readMeta(buildId, arch);
    const prefix = builder !== undefined ? `${encodeURIComponent(builder)}:${buildId}/${arch}` : `${buildId}/${arch}`;
    if ('missing' in result) {
      return [{ kind: 'error', id: `error:${prefix}`, message: result.missing }];
    }
    const nodes: BuildsTreeNode[] = result.errors.map((message, i) => ({ kind: 'error', id: `error:${prefix}:${i}`, message: vscode.l10n.t('meta.json: {0}', message) }));
    const states = await Promise.all(result.meta.images.map((image) => this.probeImage(buildId, arch, image.path, builder)));
    nodes.push(...result.meta.images.map((image, i): BuildsTreeNode => ({ kind: 'image', buildId, arch, image, state: imageState(image, states[i]!), ...(builder !== undefined ? { builder } : {}) })));
    const fact = (key: string, label: string, value: string | undefined, icon: string, detail?: string) => {
      if (value) {
        nodes.push({ kind: 'fact', id: `fact:${prefix}:${key}`, label, value, icon, ...(detail ? { detail } : {}) });
      }
    };
    fact('config', vscode.l10n.t('config'), configGitText(result.meta), 'git-commit');
    fact('ostree', vscode.l10n.t('ostree commit'), result.meta.ostreeCommit?.slice(0, 12), 'symbol-key');
    fact('version', vscode.l10n.t('version'), result.meta.version, 'tag');
    fact('summary', vscode.l10n.t('summary'), result.meta.summary, 'info');
    const diff = result.meta.pkgdiff;
    // not localised: pkgdiff names cosa's meta.json field and tool
    fact('pkgdiff', 'pkgdiff', diff ? pkgDiffText(diff) : undefined, 'diff', diff?.lines.join('\n'));
    for (const upload of result.meta.uploads ?? []) {
      fact(`upload:${upload.key}`, upload.label, upload.summary, 'cloud-upload', upload.details.join('\n'));
    }
    return nodes;
  }

  /** One stat per image, when its arch is expanded: present, compressed or absent. */
  private probeImage(buildId: string, arch: string, file: string, builder?: string): Promise<FileProbe> {
    const source = this.sourceOf(builder);
    if (!source) {
      return Promise.resolve({ error: vscode.l10n.t('the builder is no longer shown') });
    }
    return source.probe
      ? source.probe({ buildId, arch, file })
      : probeFile(vscode.Uri.joinPath(this.buildDir(buildId, arch), file));
  }

  /** Every extra builder's builds.json (undefined: none yet; an error says why it could not be read). */
  private readExtraIndexes(extras: readonly ExtraBuildDir[]): Promise<(BuildsIndex | undefined)[]> {
    return Promise.all(extras.map((e) => (e.source ? readBuildsIndex(e.source) : Promise.resolve(undefined))));
  }

  /** An extra builder's meta.json of one arch: read once until refreshExtras or setExtras. */
  private readExtraMeta(builder: string, buildId: string, arch: string): Promise<MetaResult> {
    const key = `${builder}\n${buildId}/${arch}`;
    let p = this.extraMeta.get(key);
    if (!p) {
      const extra = this.extra(builder);
      p = (async (): Promise<MetaResult> => {
        if (!extra?.source) {
          return { notLocal: false, missing: vscode.l10n.t('{0}/meta.json could not be read: {1}', arch, extra?.problem ?? vscode.l10n.t('the builder is no longer shown')) };
        }
        try {
          return parseBuildMeta(new TextDecoder().decode(await extra.source.read({ buildId, arch, file: 'meta.json' })));
        } catch (e) {
          const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
          return {
            notLocal: missing,
            missing: missing ? vscode.l10n.t('{0}/meta.json is missing on {1}', arch, extra.label) : vscode.l10n.t('{0}/meta.json could not be read: {1}', arch, (e as Error).message),
          };
        }
      })();
      this.extraMeta.set(key, p);
    }
    return p;
  }

  private rowFacts(node: BuildNode): BuildRowFacts {
    const first = buildArchFor(node.arches, HOST_ARCH).arch;
    const result = first ? this.metaDone.get(`${node.id}/${first}`) : undefined;
    const parsed = result && !('missing' in result) ? result : undefined;
    const errors = result ? ('missing' in result ? [result.missing] : result.errors) : undefined;
    const notLocal = !!result && 'missing' in result && result.notLocal;
    return {
      ...(notLocal ? { notLocal } : {}),
      arches: node.groups ? [...new Set(node.groups.flatMap((g) => g.arches))] : node.arches,
      latest: node.latest,
      tags: node.tags,
      building: (this.markers.get(node.id) ?? []).map((m) => m.split(':')[1]!),
      ...(parsed ? { meta: parsed.meta } : {}),
      ...(errors?.length ? { metaErrors: errors } : {}),
    };
  }

  private hasQemuImage(node: BuildNode): boolean {
    const first = buildArchFor(node.arches, HOST_ARCH).arch;
    const result = first ? this.metaDone.get(`${node.id}/${first}`) : undefined;
    return !!result && !('missing' in result) && result.meta.images.some((i) => i.kind === 'qemu');
  }

  private prefetch(node: BuildNode): void {
    const first = buildArchFor(node.arches, HOST_ARCH).arch;
    if (!first || this.meta.has(`${node.id}/${first}`)) {
      return;
    }
    const position = this.positions.get(node.id);
    if (position !== undefined && position < PREFETCH_ROWS) {
      void this.loadBuild(node).then(() => this.changed.fire(node));
    }
  }

  private async loadBuild(node: BuildNode): Promise<void> {
    await Promise.all([
      ...node.arches.map((arch) => this.readMeta(node.id, arch)),
      this.readMarkers(node),
    ]);
  }

  private readMeta(buildId: string, arch: string): Promise<MetaResult> {
    const key = `${buildId}/${arch}`;
    let p = this.meta.get(key);
    if (!p) {
      let signature: string | undefined;
      p = (async (): Promise<MetaResult> => {
        try {
          const file = { buildId, arch, file: 'meta.json' };
          let bytes: Uint8Array;
          if (this.source.readSigned) {
            const signed = await this.source.readSigned(file);
            ({ bytes } = signed);
            signature = metaSignature(...signed.signatures);
          } else {
            // Never through a symlink out of builds/ (the container writes it).
            bytes = await this.source.read(file);
          }
          return parseBuildMeta(new TextDecoder().decode(bytes));
        } catch (e) {
          const notLocal = (e as NodeJS.ErrnoException).code === 'ENOENT';
          return {
            notLocal,
            missing: notLocal
              ? this.source.remote
                ? vscode.l10n.t('{0}/meta.json is missing (build not present on the builder)', arch)
                : vscode.l10n.t('{0}/meta.json is missing (build not present locally)', arch)
              : vscode.l10n.t('{0}/meta.json could not be read: {1}', arch, (e as Error).message),
          };
        }
      })().then((r) => {
        // Not when the build was forgotten (or read again) while this read ran.
        if (this.meta.get(key) === p) {
          this.metaDone.set(key, r);
          if (signature !== undefined) {
            this.seen.set(key, signature);
          }
        }
        return r;
      });
      this.meta.set(key, p);
    }
    return p;
  }

  /** `.<platform>.building` semaphores of cosa osbuild, as "arch:platform". */
  private async readMarkers(node: BuildNode): Promise<void> {
    if (this.markers.has(node.id)) {
      return;
    }
    const found: string[] = [];
    await Promise.all(node.arches.map(async (arch) => {
      try {
        for (const name of await this.source.list({ buildId: node.id, arch })) {
          const m = MARKER.exec(name);
          if (m) {
            found.push(`${arch}:${m[1]}`);
          }
        }
      } catch {
        // no arch dir: reported by readMeta
      }
    }));
    this.markers.set(node.id, found);
  }

  private async readIndex(): Promise<BuildsIndex | undefined> {
    try {
      this.latestId = await this.source.latest();
    } catch {
      this.latestId = undefined;
    }
    return readBuildsIndex(this.source);
  }
}

/** builds.json of a build directory; undefined when there is none yet. */
async function readBuildsIndex(source: BuildDirSource): Promise<BuildsIndex | undefined> {
  try {
    const bytes = await source.read('builds.json');
    return parseBuildsIndex(new TextDecoder().decode(bytes));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    return { builds: [], tags: [], error: vscode.l10n.t('builds.json could not be read: {0}', (e as Error).message) };
  }
}
