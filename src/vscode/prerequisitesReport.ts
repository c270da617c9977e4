// `CoreOS: Check Prerequisites`: collect host facts (engine), judge them
// (pure, src/cosa/prerequisites.ts), and show one row per check in a webview
// (webview-ui/src/prerequisitesPage.ts, in the page of src/vscode/webviewHtml.ts:
// strict CSP, no remote content). Every row has the anchor
// `check-<id>`: show(root, id) opens the report scrolled to that row and
// highlights it (notifications about known problems link there).

import * as vscode from 'vscode';
import { DEFAULT_IMAGE } from '../cosa/invocation';
import {
  BUILDER_CHECK_IDS, CHECK_IDS, CheckId, CheckResult, checkAnchor, checkPrerequisitesWith, RemoteBuilderCheckFacts,
} from '../cosa/prerequisites';
import { RemoteBuilderError } from '../cosa/remoteSession';
import { Builders } from './builders';
import { SettingsError } from '../cosa/settingsResolution';
import { CosaEngine } from '../engine/cosaProcess';
import { collectHostFacts } from '../engine/hostFacts';
import { ContainerRuntime } from '../cosa/invocation';
import { checkReportToHost } from '../../webview-ui/src/reportMessages';
import { renderReportBody } from '../../webview-ui/src/prerequisitesPage';
import { webviewHtml, webviewOptions } from './webviewHtml';
import { readCosaSettings, readRawSettings } from './settings';

export class PrerequisitesReport implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private results: readonly CheckResult[] | undefined;
  private root: vscode.Uri | undefined;
  private running: Promise<readonly CheckResult[]> | undefined;

  /**
   * `log`: the extension's log channel (malformed webview messages are reported there);
   * `extensionUri`: where dist/ (the report's script, styles and the codicon font) is shipped;
   * `engine`: detects the runtime (and keeps its cache current); `builders`: the selected builder,
   * whose rows replace this machine's build prerequisites when it is remote.
   */
  constructor(
    private readonly log: vscode.LogOutputChannel, private readonly extensionUri: vscode.Uri, private readonly engine: CosaEngine,
    private readonly builders?: Builders,
  ) {}

  /** The results of the last check (undefined before the first). */
  get lastResults(): readonly CheckResult[] | undefined {
    return this.results;
  }

  dispose(): void {
    this.panel?.dispose();
  }

  /**
   * Checks again and shows the report; `focus` scrolls to and highlights that
   * row. `summary`: also a notification naming the failed checks (not when
   * the report opens from a notification's Show Fix: one failure, one notification).
   */
  async show(root: vscode.Uri | undefined, focus?: CheckId, summary = true): Promise<readonly CheckResult[]> {
    if (this.running) {
      // One check at a time, rendered once: a second click while it runs waits
      // for the same results. (Rendering again would reveal the report again,
      // taking the editor back from wherever the user went meanwhile.)
      return this.running;
    }
    this.root = root;
    this.running = Promise.resolve(vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('CoreOS: checking prerequisites…') },
      () => this.collect(root),
    )).finally(() => (this.running = undefined));
    const results: readonly CheckResult[] = await this.running;
    this.results = results;
    this.render(focus, Date.now());
    const failed = results.filter((r) => r.status === 'fail');
    if (failed.length && summary) {
      void vscode.window.showWarningMessage(failed.length === 1
        ? vscode.l10n.t('CoreOS prerequisites: {0} needs attention.', failed[0]!.title)
        : vscode.l10n.t('CoreOS prerequisites: {0} need attention.', failed.map((r) => r.title).join(', ')));
    }
    return results;
  }

  /**
   * Opens the report at a row (Show Fix). Always checks again first: the
   * last results may be stale (another image configured, a fix applied).
   */
  async reveal(focus: CheckId, root: vscode.Uri | undefined): Promise<void> {
    await this.show(root, focus, false);
    await this.panel?.webview.postMessage({ type: 'reveal', anchor: checkAnchor(focus) });
  }

  /** The internal command's handler: the report at row `id` when it names a check, else the whole report. */
  async showRow(id: unknown, root: vscode.Uri | undefined): Promise<void> {
    const check = ([...CHECK_IDS, ...BUILDER_CHECK_IDS] as readonly unknown[]).includes(id) ? id as CheckId : undefined;
    if (check) {
      await this.reveal(check, root);
    } else {
      await this.show(root);
    }
  }

  private async collect(root: vscode.Uri | undefined): Promise<readonly CheckResult[]> {
    const raw = readRawSettings();
    let runtime: string = raw.containerRuntime || 'podman';
    let image: string = raw.image?.trim() || process.env.COREOS_ASSEMBLER_CONTAINER?.trim() || DEFAULT_IMAGE;
    let userNamespace: string = raw.userNamespace || 'auto';
    let settingsError: string | undefined;
    try {
      const s = readCosaSettings();
      runtime = s.runtime;
      image = s.image;
      userNamespace = s.userNamespace ?? 'auto';
    } catch (e) {
      if (!(e instanceof SettingsError)) {
        throw e;
      }
      settingsError = e.message;
    }
    const engine = this.engine;
    const facts = await collectHostFacts({
      runtime,
      ...(root ? { workspace: root.fsPath } : {}),
      image,
      userNamespace,
      ...(settingsError ? { settingsError } : {}),
      // Detect afresh (the user may have fixed something) and keep the engine's cache current.
      detect: (kind: ContainerRuntime) => {
        engine.runtimes.refresh(kind);
        return engine.runtime(kind);
      },
    });
    return checkPrerequisitesWith(facts, await this.remoteBuilderFacts(root));
  }

  /** The selected remote builder's facts (undefined: the local builder), asked of the builder now. */
  private async remoteBuilderFacts(root: vscode.Uri | undefined): Promise<RemoteBuilderCheckFacts | undefined> {
    if (!this.builders) {
      return undefined;
    }
    let builder;
    try {
      builder = await this.builders.remoteBuilder();
    } catch (e) {
      if (e instanceof RemoteBuilderError) {
        return { name: '(coreos.builder)', facts: { error: e.message } };
      }
      throw e;
    }
    if (!builder) {
      return undefined;
    }
    const session = root ? await this.builders.existingSession(root, builder) : undefined;
    return { name: builder.name ?? builder.url, facts: await this.builders.refreshFacts(builder, session) };
  }

  private render(focus: CheckId | undefined, collectedAt: number): void {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('coreos.prerequisites', vscode.l10n.t('CoreOS Prerequisites'), vscode.ViewColumn.Active, webviewOptions(this.extensionUri));
      this.panel.onDidDispose(() => (this.panel = undefined));
      this.panel.webview.onDidReceiveMessage((raw: unknown) => {
        const checked = checkReportToHost(raw);
        if (!checked.ok) {
          this.log.warn(`Prerequisites report: dropped a malformed message from the webview: ${checked.reason}`);
          return;
        }
        void vscode.commands.executeCommand(checked.message.command);
      });
    } else {
      this.panel.reveal();
    }
    this.panel.webview.html = webviewHtml(this.panel.webview, this.extensionUri, {
      title: vscode.l10n.t('CoreOS Assembler: prerequisites'),
      scripts: ['prerequisites'],
      styles: ['prerequisites'],
      codicons: true,
      body: renderReportBody({ results: this.results ?? [], ...(focus ? { focus } : {}), collectedAt }),
      ...(focus ? { data: { focus: checkAnchor(focus) } } : {}),
    });
  }

  /** The folder the last report was made for. */
  get folder(): vscode.Uri | undefined {
    return this.root;
  }
}
