// kola tests in VS Code's Test Explorer: the config repo's external tests
// (src/config/tests/kola, named like kola names them, updated by a file
// watcher) and kola's built-in tests (`cosa kola list --json`, loaded when
// expanded, cached per build). Runs go through `cosa kola run` in the
// engine's container (the same launcher as tasks); results come from kola's
// live `--- PASS:` lines and then tmp/kola/reports/report.json
// (src/engine/kolaRunFollower.ts). The Debug profile runs kola with
// --ssh-on-test-failure in a real terminal: a failed test's VM stays up and
// that terminal is a shell in it (kola's platform.Manhole needs a TTY).

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { discoverExternalTests, externalTestPrefix, KolaDiscovery, KolaExternalTest } from '../cosa/kolaDiscovery';
import { kolaRunArgs, KolaTarget, parseKolaList, skipReason } from '../cosa/kolaRun';
import { scaffoldKolaTest } from '../cosa/kolaScaffold';
import { ContainerCli } from '../engine/containers';
import { CosaProcess } from '../engine/cosaProcess';
import { followKolaRun, KolaOutcomeFiles, KolaReportRead, readKolaReport } from '../engine/kolaRunFollower';
import { readKolaDir } from '../engine/kolaTree';
import { toTerminalText } from './cosaPseudoterminal';
import { CosaLauncher, LaunchedTerminal } from './cosaLauncher';
import { CosaRuns } from './tasks';

const TESTS_DIR = 'src/config/tests/kola';
/** Seconds between SIGTERM and SIGKILL when a debug run's terminal closes. */
const STOP_GRACE_SECONDS = 2;
const DEBUG_BANNER = vscode.l10n.t('kola --ssh-on-test-failure: when a test fails, its VM stays up and this terminal becomes a shell in it. Exit that shell to let kola finish; closing this terminal stops kola and its VM.');
const EXTERNAL_ROOT = 'kola:external';
const BUILTIN_ROOT = 'kola:builtin';

export interface KolaTestsDeps {
  readonly launcher: CosaLauncher;
  readonly runs: CosaRuns;
  readonly root: () => vscode.Uri | undefined;
}

/** kola's --arch for this host (the stand-in and local builds are native). */
function hostArch(): string {
  return ({ x64: 'x86_64', arm64: 'aarch64', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[process.arch] ?? process.arch;
}

/** A glob that matches exactly this name (filepath.Match escapes). */
function exactPattern(name: string): string {
  return name.replace(/[*?[\\]/g, (c) => `\\${c}`);
}

function describe(t: KolaExternalTest): string {
  const m = t.meta;
  const facts = [
    ...t.tags.filter((x) => x !== 'external'),
    m.platforms && vscode.l10n.t('platforms: {0}', m.platforms),
    m.architectures && vscode.l10n.t('arch: {0}', m.architectures),
    m.distros && vscode.l10n.t('distros: {0}', m.distros),
    m.timeoutMin ? vscode.l10n.t('timeout {0}m', m.timeoutMin) : '',
    m.exclusive ? '' : vscode.l10n.t('non-exclusive'),
    m.additionalDisks.length ? vscode.l10n.t('disks: {0}', m.additionalDisks.join(' ')) : '',
    m.minMemory ? vscode.l10n.t('{0} MB', m.minMemory) : '',
    m.requiredTag && vscode.l10n.t('requires --tag {0}', m.requiredTag),
  ].filter(Boolean);
  return facts.join(' · ');
}

export class KolaTestController implements vscode.Disposable {
  readonly controller: vscode.TestController;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly external = new Map<string, KolaExternalTest>();
  private builtinsFor: string | undefined;
  private running: CosaProcess | undefined;
  private debugging: LaunchedTerminal | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: KolaTestsDeps) {
    this.controller = vscode.tests.createTestController('coreos-kola', 'kola'); // not localised: kola's name
    this.controller.resolveHandler = async (item) => {
      if (!item) {
        await this.refreshExternal();
        this.ensureBuiltinRoot();
      } else if (item.id === BUILTIN_ROOT) {
        await this.loadBuiltins(item);
      }
    };
    this.controller.refreshHandler = async () => {
      this.builtinsFor = undefined;
      await this.refreshExternal();
    };
    this.controller.createRunProfile(vscode.l10n.t('Run'), vscode.TestRunProfileKind.Run, (req, token) => this.run(req, token), true);
    this.controller.createRunProfile(vscode.l10n.t('Debug (keep the VM of a failed test)'), vscode.TestRunProfileKind.Debug, (req, token) => this.run(req, token, true), true);
    const rootUri = deps.root();
    if (rootUri) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(rootUri, `${TESTS_DIR}/**`));
      const later = () => this.scheduleRefresh();
      this.disposables.push(watcher, watcher.onDidCreate(later), watcher.onDidDelete(later), watcher.onDidChange(later));
    }
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refreshExternal(), 150);
  }

  /** Re-reads tests/kola and rebuilds the external tree (directories as folders). */
  async refreshExternal(): Promise<void> {
    const rootUri = this.deps.root();
    if (!rootUri) {
      return;
    }
    const testsDir = path.join(rootUri.fsPath, TESTS_DIR);
    let d: KolaDiscovery;
    try {
      d = discoverExternalTests(await readKolaDir(testsDir), externalTestPrefix('src/config'));
    } catch (e) {
      d = { tests: [], warnings: [], error: (e as Error).message };
    }
    this.external.clear();
    const top = this.controller.createTestItem(EXTERNAL_ROOT, vscode.l10n.t('Config tests (tests/kola)'), vscode.Uri.file(testsDir));
    top.error = d.error ? vscode.l10n.t('kola would refuse to start: {0}', d.error) : undefined;
    top.description = d.warnings.length ? d.warnings.join(' · ') : undefined;
    const folders = new Map<string, vscode.TestItem>([['', top]]);
    const folder = (dir: string): vscode.TestItem => {
      const have = folders.get(dir);
      if (have) {
        return have;
      }
      const parentDir = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '';
      const item = this.controller.createTestItem(`kola:dir:${dir}`, dir.slice(dir.lastIndexOf('/') + 1), vscode.Uri.file(path.join(testsDir, dir)));
      folder(parentDir).children.add(item);
      folders.set(dir, item);
      return item;
    };
    for (const t of d.tests) {
      this.external.set(t.name, t);
      const item = this.controller.createTestItem(t.name, t.name, vscode.Uri.file(path.join(testsDir, t.executable)));
      item.range = new vscode.Range(Math.max(0, (t.metaLine ?? 1) - 1), 0, Math.max(0, (t.metaLine ?? 1) - 1), 0);
      item.tags = t.tags.map((x) => new vscode.TestTag(x));
      item.description = describe(t);
      const reason = skipReason(t, this.target());
      if (reason || t.kolaJsonIgnored) {
        item.description = [item.description, reason && vscode.l10n.t('skipped here: {0}', reason), t.kolaJsonIgnored && vscode.l10n.t('kola.json not applied by kola')].filter(Boolean).join(' · ');
      }
      folder(t.dir).children.add(item);
    }
    const items: vscode.TestItem[] = [top];
    const builtin = this.controller.items.get(BUILTIN_ROOT);
    if (builtin) {
      items.push(builtin);
    }
    this.controller.items.replace(items);
  }

  private ensureBuiltinRoot(): void {
    if (!this.controller.items.get(BUILTIN_ROOT)) {
      const item = this.controller.createTestItem(BUILTIN_ROOT, vscode.l10n.t('Built-in kola tests'));
      item.canResolveChildren = true;
      this.controller.items.add(item);
    }
  }

  private target(): KolaTarget {
    return { platform: 'qemu', arch: hostArch(), distro: 'fcos' };
  }

  /** The latest build's id (builds.json, newest first): the built-in list is cached per build. */
  private async latestBuild(rootUri: vscode.Uri): Promise<string> {
    try {
      const j = JSON.parse(await fs.readFile(path.join(rootUri.fsPath, 'builds', 'builds.json'), 'utf8')) as { builds?: { id?: unknown }[] };
      return typeof j.builds?.[0]?.id === 'string' ? j.builds[0].id : '';
    } catch {
      return '';
    }
  }

  private async loadBuiltins(item: vscode.TestItem): Promise<void> {
    const rootUri = this.deps.root();
    if (!rootUri) {
      return;
    }
    const build = await this.latestBuild(rootUri);
    if (this.builtinsFor === build && item.children.size > 0) {
      return;
    }
    item.busy = true;
    try {
      const prepared = await this.deps.launcher.prepare('cosa kola list', rootUri);
      if ('reason' in prepared) {
        item.error = vscode.l10n.t('cosa could not start: {0}', prepared.reason);
        return;
      }
      const p = this.deps.launcher.start({ root: rootUri, args: ['kola', 'list', '--json'], purpose: 'kola-list' }, prepared);
      let stdout = '';
      const sub = p.onLine((line, stream) => {
        if (stream === 'stdout') {
          stdout += `${line}\n`;
        }
      });
      const result = await p.result;
      sub.dispose();
      if (result.exitCode !== 0) {
        item.error = vscode.l10n.t('cosa kola list --json failed (exit code {0})', result.exitCode);
        return;
      }
      const list = parseKolaList(stdout.slice(stdout.indexOf('[') >= 0 ? stdout.indexOf('[') : 0));
      item.children.replace(list.filter((t) => !t.Name.startsWith('ext.')).map((t) => {
        const child = this.controller.createTestItem(t.Name, t.Name);
        child.description = [...(t.Tags ?? []), t.Description].filter(Boolean).join(' · ');
        child.tags = (t.Tags ?? []).map((x) => new vscode.TestTag(x));
        return child;
      }));
      item.error = undefined;
      this.builtinsFor = build;
    } catch (e) {
      item.error = (e as Error).message;
    } finally {
      item.busy = false;
    }
  }

  /** The kola tests (leaves) of a request. */
  private leaves(req: vscode.TestRunRequest): vscode.TestItem[] {
    const out = new Map<string, vscode.TestItem>();
    const excluded = new Set((req.exclude ?? []).map((i) => i.id));
    const walk = (i: vscode.TestItem): void => {
      if (excluded.has(i.id)) {
        return;
      }
      if (i.id.startsWith('kola:')) {
        i.children.forEach(walk);
      } else {
        out.set(i.id, i);
      }
    };
    if (req.include) {
      req.include.forEach(walk);
    } else {
      // "Run all": the config repo's tests; built-in tests run when chosen
      const ext = this.controller.items.get(EXTERNAL_ROOT);
      if (ext) {
        walk(ext);
      }
    }
    return [...out.values()];
  }

  async run(req: vscode.TestRunRequest, token: vscode.CancellationToken, debug = false): Promise<void> {
    const rootUri = this.deps.root();
    const run = this.controller.createTestRun(req, debug ? vscode.l10n.t('kola (debug)') : 'kola', true);
    try {
      if (!rootUri) {
        return;
      }
      if (this.running || this.debugging) {
        run.appendOutput(`${vscode.l10n.t('A kola run is already in progress in this workspace.')}\r\n`);
        return;
      }
      const items = this.leaves(req);
      const runnable: vscode.TestItem[] = [];
      for (const item of items) {
        const ext = this.external.get(item.id);
        const reason = ext && skipReason(ext, this.target());
        if (reason) {
          // kola drops these without a word; say why here
          run.skipped(item);
          run.appendOutput(`${vscode.l10n.t('{0}: not run by kola on {1}/{2}: {3}', item.id, this.target().platform, this.target().arch, reason)}\r\n`, undefined, item);
        } else {
          runnable.push(item);
        }
      }
      if (runnable.length === 0) {
        return;
      }
      const all = !req.include && (req.exclude ?? []).length === 0;
      const args = kolaRunArgs({ patterns: all ? ['ext.config.*'] : runnable.map((i) => exactPattern(i.id)), sshOnTestFailure: debug });
      if ('error' in args) {
        runnable.forEach((i) => run.errored(i, new vscode.TestMessage(args.error)));
        return;
      }
      await (debug ? this.debugKola(rootUri, args.args, runnable, run, token) : this.runKola(rootUri, args.args, runnable, run, token));
    } finally {
      run.end();
    }
  }

  private async runKola(rootUri: vscode.Uri, args: string[], items: vscode.TestItem[], run: vscode.TestRun, token: vscode.CancellationToken): Promise<void> {
    const byName = new Map(items.map((i) => [i.id, i]));
    const prepared = await this.deps.launcher.prepare('cosa kola run', rootUri);
    if ('reason' in prepared) {
      items.forEach((i) => run.errored(i, new vscode.TestMessage(vscode.l10n.t('cosa could not start: {0}.', prepared.reason))));
      return;
    }
    items.forEach((i) => run.enqueued(i));
    const started = Date.now();
    const p = this.deps.launcher.start({ root: rootUri, args, purpose: 'kola-run' }, prepared);
    this.running = p;
    this.deps.runs.track(rootUri, args.join(' '), p);
    const cancel = token.onCancellationRequested(() => void p.cancel());
    const done = new Set<string>();
    const output = p.onData((chunk) => run.appendOutput(toTerminalText(chunk)));
    const result = await followKolaRun(p, rootUri.fsPath, started, {
      started: (name) => {
        const item = byName.get(name);
        if (item) {
          run.started(item);
        }
      },
      live: (name, r, seconds) => {
        const item = byName.get(name);
        if (item && !done.has(name)) {
          done.add(name);
          if (r === 'PASS') {
            run.passed(item, seconds * 1000);
          } else if (r === 'SKIP') {
            run.skipped(item);
          }
          // failures wait for report.json (the message comes from there)
        }
      },
      report: (read, ended) => {
        if ('outcomes' in read) {
          this.reportAll(run, byName, read);
        } else {
          const msg = !ended || ended.exitCode === 0 ? read.error : `cosa kola run failed (exit code ${ended.exitCode}) before writing its report: ${read.error}`;
          items.filter((i) => !done.has(i.id)).forEach((i) => run.errored(i, new vscode.TestMessage(msg)));
        }
      },
    }).finally(() => {
      output.dispose();
      cancel.dispose();
      this.running = undefined;
    });
    if (result.cancelled) {
      run.appendOutput(`\r\n${vscode.l10n.t('kola run cancelled; its container was stopped.')}\r\n`);
    }
  }

  /**
   * The Debug profile: `cosa kola run --ssh-on-test-failure` in a real
   * terminal (-ti), where kola turns a failed test's VM into a shell. The run
   * ends when that terminal closes (kola done, or closed by the user);
   * cancelling the run closes it; its container (and qemu in it) is removed
   * either way. Results come from report.json.
   */
  private async debugKola(rootUri: vscode.Uri, args: string[], items: vscode.TestItem[], run: vscode.TestRun, token: vscode.CancellationToken): Promise<void> {
    const started = Date.now();
    const label = items.length === 1 ? items[0].id : vscode.l10n.t('{0} tests', items.length);
    const launched = await this.deps.launcher.openTerminal({
      root: rootUri, args, purpose: this.deps.launcher.uniquePurpose('kola-debug'), name: vscode.l10n.t('kola debug: {0}', label), icon: 'debug',
      banner: [`\x1b[1m${DEBUG_BANNER}\x1b[0m`], transient: true,
    }, vscode.l10n.t('Debug kola test'));
    if (!launched) {
      items.forEach((i) => run.errored(i, new vscode.TestMessage(vscode.l10n.t('cosa could not start (the notification says why).'))));
      return;
    }
    this.debugging = launched;
    items.forEach((i) => run.started(i));
    run.appendOutput(`${vscode.l10n.t('{0}: in the terminal "{1}".', `cosa ${args.join(' ')}`, launched.terminal.name)}\r\n${DEBUG_BANNER}\r\n`);
    try {
      await new Promise<void>((resolve) => {
        const subs = [
          vscode.window.onDidCloseTerminal((t) => {
            if (t === launched.terminal) {
              subs.forEach((d) => d.dispose());
              resolve();
            }
          }),
          token.onCancellationRequested(() => launched.terminal.dispose()),
        ];
      });
      // kola ended by itself, the user closed the terminal, or the run was cancelled: nothing may stay
      const gone = await new ContainerCli(launched.runtimePath).stopAndRemove(launched.containerName, STOP_GRACE_SECONDS).catch(() => false);
      if (!gone) {
        // not localised: the value is a command line
        void vscode.window.showWarningMessage(vscode.l10n.t('The kola container {0} could not be removed; remove it with "{1}".', launched.containerName, `podman rm -f ${launched.containerName}`));
      }
    } finally {
      this.debugging = undefined;
    }
    if (token.isCancellationRequested) {
      run.appendOutput(`${vscode.l10n.t('kola debug run cancelled; its container and VM were stopped.')}\r\n`);
      return;
    }
    const read = await readKolaReport(rootUri.fsPath, started);
    if ('outcomes' in read) {
      this.reportAll(run, new Map(items.map((i) => [i.id, i])), read);
    } else {
      const msg = vscode.l10n.t('kola ended without a report (was its terminal closed before it finished?): {0}', read.error);
      items.forEach((i) => run.errored(i, new vscode.TestMessage(msg)));
    }
  }

  private reportAll(run: vscode.TestRun, byName: ReadonlyMap<string, vscode.TestItem>, read: Extract<KolaReportRead, { outcomes: unknown }>): void {
    for (const o of read.outcomes) {
      const item = byName.get(o.name);
      if (item) {
        this.report(run, item, o);
      }
    }
  }

  private report(run: vscode.TestRun, item: vscode.TestItem, o: KolaOutcomeFiles): void {
    const files = o.files.map((f) => vscode.Uri.file(f));
    const links = files.map((u) => `[${path.basename(u.fsPath)}](${u.toString()})`).join(' · ');
    if (o.output) {
      run.appendOutput(toTerminalText(`${o.name}:\n${o.output}\n`), undefined, item);
    }
    if (files.length) {
      run.appendOutput(toTerminalText(`${o.files.join('\n')}\n`), undefined, item);
    }
    if (o.result === 'PASS') {
      run.passed(item, o.durationMs);
    } else if (o.result === 'SKIP') {
      run.skipped(item);
    } else {
      const md = new vscode.MarkdownString(undefined, true);
      md.appendText(o.message ?? `kola: ${o.result}`);
      if (o.output && o.output !== o.message) {
        md.appendCodeblock(o.output, 'text');
      }
      if (links) {
        md.appendMarkdown(`\n\n${links}`);
      }
      const msg = new vscode.TestMessage(md);
      if (item.uri && item.range) {
        msg.location = new vscode.Location(item.uri, item.range);
      }
      run.failed(item, msg, o.durationMs);
    }
  }

  /** "New Kola Test": a test directory that passes on the next run. */
  async newTest(rootUri: vscode.Uri, dirArg?: string, withButane?: boolean): Promise<vscode.Uri | undefined> {
    const dir = dirArg ?? await vscode.window.showInputBox({
      title: vscode.l10n.t('New Kola Test'),
      prompt: vscode.l10n.t('Directory under src/config/tests/kola (e.g. "basic" or "network/dns")'),
      validateInput: (v) => {
        const r = scaffoldKolaTest(v);
        return 'error' in r ? r.error : this.external.has(r.testName) ? vscode.l10n.t('{0} exists already', r.testName) : undefined;
      },
    });
    if (dir === undefined) {
      return undefined;
    }
    const r = scaffoldKolaTest(dir, { withButane });
    if ('error' in r) {
      void vscode.window.showErrorMessage(r.error);
      return undefined;
    }
    const base = path.join(rootUri.fsPath, TESTS_DIR);
    for (const f of r.files) {
      const target = path.join(base, f.path);
      await fs.mkdir(path.dirname(target), { recursive: true });
      // never overwrite: 'wx'
      await fs.writeFile(target, f.content, { mode: f.mode, flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
        throw new Error(e.code === 'EEXIST' ? vscode.l10n.t('{0} exists already', path.join(TESTS_DIR, f.path)) : e.message);
      });
      await fs.chmod(target, f.mode);
    }
    await this.refreshExternal();
    const uri = vscode.Uri.file(path.join(base, r.files[0].path));
    await vscode.window.showTextDocument(uri);
    return uri;
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    void this.running?.cancel();
    this.disposables.forEach((d) => d.dispose());
    this.controller.dispose();
  }
}
