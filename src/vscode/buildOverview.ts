// "Open Build Overview" (builds tree, palette): one panel per build showing
// where it stands (src/cosa/buildOverview.ts) in the page of
// src/vscode/webviewHtml.ts. Files are read as the tree reads them (its source:
// the local builds/ through src/engine/buildDirFiles.ts, or a remote session's
// through exec), images by stat; the kola report where the kola tests write it (src/cosa/kolaRun.ts).
// The panel follows the build directory (the tree's change events) and VM
// terminals opening and closing. Its buttons run a command for this build
// after the message is checked (webview-ui/src/reportMessages.ts).

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type BuildMeta, type ParsedBuildMeta, parseBuildMeta } from '../cosa/buildMeta';
import { parseBuildsIndex } from '../cosa/buildsIndex';
import { buildOverview, type KolaEvidence, OVERVIEW_COMMANDS, vmTerminalBuildId } from '../cosa/buildOverview';
import { buildArchFor, type ImageState, imageState } from '../cosa/imageState';
import { parseKolaReport } from '../cosa/kolaReport';
import { KOLA_REPORT_PATH } from '../cosa/kolaRun';
import type { BuildDirSource } from '../engine/buildDirSource';
import { renderOverviewBody } from '../../webview-ui/src/overviewPage';
import { escapeHtml } from '../../webview-ui/src/page';
import { checkCommandMessage } from '../../webview-ui/src/reportMessages';
import { type BuildNode, type BuildsTreeNode, type BuildsTreeProvider, HOST_ARCH } from './buildsTree';
import type { CosaRuns } from './tasks';
import { webviewHtml, webviewOptions } from './webviewHtml';

/** Builds in the size chart. */
const CHART_BUILDS = 10;
/** workspaceState: how long each `cosa build` that made a build took (ms), newest last; meta.json records no duration. */
const DURATIONS_KEY = 'coreos.buildDurations';
const KEPT_DURATIONS = 100;

function durations(state: vscode.Memento): Map<string, number> {
  const raw = state.get<unknown>(DURATIONS_KEY);
  const out = new Map<string, number>();
  if (Array.isArray(raw)) {
    for (const e of raw) {
      if (Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'number' && Number.isFinite(e[1])) out.set(e[0], e[1]);
    }
  }
  return out;
}

async function readMeta(files: BuildDirSource, buildId: string, arch: string): Promise<ParsedBuildMeta | { missing: string }> {
  try {
    return parseBuildMeta(new TextDecoder().decode(await files.read({ buildId, arch, file: 'meta.json' })));
  } catch (e) {
    return { missing: `meta.json: ${(e as Error).message}` };
  }
}

async function readKola(root: string): Promise<KolaEvidence | undefined> {
  const file = path.join(root, KOLA_REPORT_PATH);
  try {
    const [text, stat] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
    return { report: parseKolaReport(text, KOLA_REPORT_PATH), writtenAt: stat.mtimeMs };
  } catch {
    return undefined; // no report (or not one kola wrote): the step says "no kola report"
  }
}

const timeOf = (meta: BuildMeta | undefined): number | undefined => {
  const t = meta?.timestamp !== undefined ? Date.parse(meta.timestamp) : NaN;
  return Number.isNaN(t) ? undefined : t;
};

class OverviewPanel {
  private readonly subs: vscode.Disposable[] = [];
  private rendering = Promise.resolve();
  /** A render is waiting to start: further events need no other. */
  private queued = false;
  /** What the page shows: set again only when it changed (a new page loses scroll position and focus). */
  private shown: string | undefined;

  constructor(readonly node: BuildNode, readonly panel: vscode.WebviewPanel, private readonly tree: BuildsTreeProvider,
    private readonly extensionUri: vscode.Uri, private readonly log: vscode.LogOutputChannel, private readonly state: vscode.Memento, onDispose: () => void) {
    const refresh = (): void => void this.render();
    this.subs.push(
      tree.onDidChangeTreeData(refresh),
      vscode.window.onDidOpenTerminal(refresh),
      vscode.window.onDidCloseTerminal(refresh),
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const checked = checkCommandMessage(raw, OVERVIEW_COMMANDS);
        if (!checked.ok) {
          this.log.warn(`Build Overview (${node.id}): dropped a malformed message from the webview: ${checked.reason}`);
          return;
        }
        void vscode.commands.executeCommand(checked.message.command, this.node);
      }),
    );
    panel.onDidDispose(() => {
      for (const s of this.subs) s.dispose();
      onDispose();
    });
  }

  /** Renders one at a time, in order: a burst of file events ends with the newest state. */
  render(): Promise<void> {
    if (this.queued) return this.rendering;
    this.queued = true;
    this.rendering = this.rendering.then(() => {
      this.queued = false;
      return this.renderNow();
    }).catch((e: unknown) => {
      this.log.error(`Build Overview (${this.node.id}): ${(e as Error).message}`);
    });
    return this.rendering;
  }

  private async renderNow(): Promise<void> {
    const root = this.tree.root.fsPath;
    // A remote session's builds are read through it, as the tree reads them.
    const files = this.tree.files;
    const id = this.node.id;
    let index;
    try {
      index = parseBuildsIndex(new TextDecoder().decode(await files.read('builds.json')));
    } catch {
      index = undefined;
    }
    const entry = index?.builds.find((b) => b.id === id);
    const arches = entry?.arches ?? this.node.arches;
    const { arch, foreign } = buildArchFor(arches, HOST_ARCH);
    if (!arch) {
      const why = entry ? vscode.l10n.t('builds.json lists no architecture for this build.') : vscode.l10n.t('This build is no longer in builds/builds.json.');
      this.show(`<main><h1>${escapeHtml(vscode.l10n.t('Build {0}', id))}</h1><p class="sev-warning">${escapeHtml(why)}</p></main>`, []);
      return;
    }
    const meta = await readMeta(files, id, arch);
    const imageStates = new Map<string, ImageState>();
    if (!('missing' in meta)) {
      await Promise.all(meta.meta.images.map(async (image) => {
        imageStates.set(image.kind, imageState(image, await this.tree.probe({ buildId: id, arch, file: image.path })));
      }));
    }
    const listed = index?.builds ?? [];
    const at = listed.findIndex((b) => b.id === id);
    const window = (at >= 0 ? listed.slice(Math.max(0, at - Math.floor(CHART_BUILDS / 2))) : listed).slice(0, CHART_BUILDS);
    const history = await Promise.all(window.map(async (b) => {
      const a = buildArchFor(b.arches, HOST_ARCH).arch;
      const m = b.id === id ? meta : a ? await readMeta(files, b.id, a) : undefined;
      return { id: b.id, ...(m && !('missing' in m) ? { meta: m } : {}) };
    }));
    const newer = at > 0 ? history.find((h) => h.id === listed[at - 1]!.id)?.meta?.meta : undefined;
    const newerBuildAt = timeOf(newer);
    // The kola report is a local file: a remote session's is not read here.
    const kola = files.remote ? undefined : await readKola(root);
    const overview = buildOverview({
      buildId: id, arch, hostArch: !foreign, meta, imageStates,
      ...(kola ? { kola } : {}),
      ...(newerBuildAt !== undefined ? { newerBuildAt } : {}),
      vmTerminals: vscode.window.terminals.map((t) => t.name).filter((n) => vmTerminalBuildId(n) === id),
      history,
      buildDurations: durations(this.state),
    });
    this.show(renderOverviewBody(overview), ['overview']);
  }

  private show(body: string, scripts: readonly string[]): void {
    if (body === this.shown) return;
    this.shown = body;
    this.panel.webview.html = webviewHtml(this.panel.webview, this.extensionUri, {
      title: vscode.l10n.t('Build {0}', this.node.id), scripts, styles: ['overview'], codicons: true, body,
    });
  }
}

/** Open Build Overview (a row of src/vscode/commandTable.ts): one panel per build, revealed again when it is open; measures build times. */
export class BuildOverviews implements vscode.Disposable {
  private readonly panels = new Map<string, OverviewPanel>();
  private readonly measured: vscode.Disposable;

  constructor(
    private readonly tree: BuildsTreeProvider, private readonly extensionUri: vscode.Uri, private readonly log: vscode.LogOutputChannel,
    runs: CosaRuns, private readonly state: vscode.Memento,
  ) {
    // A build's time, measured where it is known: a cosa build that imported a new build.
    this.measured = runs.onDidEnd(({ run, outcome }) => {
      if (outcome?.kind !== 'imported' || run.root.toString() !== tree.root.toString()) return;
      const kept = [...durations(state)].filter(([id]) => id !== outcome.buildId).slice(-(KEPT_DURATIONS - 1));
      void state.update(DURATIONS_KEY, [...kept, [outcome.buildId, Date.now() - run.startedAt]]);
    });
  }

  async open(arg?: BuildsTreeNode): Promise<void> {
    const { tree, extensionUri, log, state, panels } = this;
    let node: BuildNode | undefined = arg?.kind === 'build' ? arg : undefined;
    if (!node) {
      let builds: readonly { id: string; arches: readonly string[] }[] = [];
      try {
        builds = parseBuildsIndex(new TextDecoder().decode(await tree.files.read('builds.json'))).builds;
      } catch (e) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Open Build Overview: no builds to show ({0}).', (e as Error).message));
        return;
      }
      const picked = builds.length === 1 ? builds[0] : await vscode.window.showQuickPick(builds.map((b, i) => ({ label: b.id, description: i === 0 ? vscode.l10n.t('latest') : '', build: b })), { title: vscode.l10n.t('Open Build Overview of which build?') }).then((p) => p?.build);
      if (!picked) {
        if (builds.length === 0) void vscode.window.showInformationMessage(vscode.l10n.t('Open Build Overview: there are no builds yet (builds/builds.json lists none).'));
        return;
      }
      node = { kind: 'build', id: picked.id, arches: picked.arches, latest: picked === builds[0], tags: [] };
    }
    const existing = panels.get(node.id);
    if (existing) {
      existing.panel.reveal();
      await existing.render();
      return;
    }
    const panel = vscode.window.createWebviewPanel('coreos.buildOverview', vscode.l10n.t('Build {0}', node.id), vscode.ViewColumn.Active, webviewOptions(extensionUri));
    const id = node.id;
    const view = new OverviewPanel(node, panel, tree, extensionUri, log, state, () => panels.delete(id));
    panels.set(id, view);
    await view.render();
  }

  dispose(): void {
    this.measured.dispose();
    for (const p of this.panels.values()) p.panel.dispose();
  }
}
