// QEMU console benchmark: `npm run bench:qemu` (packages the .vsix; needs
// podman, the stand-in image and the e2e harness; on a shared machine run it under its lock for heavy runs).
// Boot time to the VM's marker line, in one run of this script, interleaved:
//   terminal: Run in QEMU from the palette in code-server (the packaged
//             extension), from accepting the build in the quick pick until the
//             marker shows in the integrated terminal (read from the DOM every
//             50 ms), and when its terminal tab appears (the extension's part
//             is done: VS Code asked its pty host to spawn the runtime);
//   shell:    the same podman argv (cosaRunArgv, same settings and flags) under
//             util-linux `script` (a pty), from spawn until the marker is in its output.
// Both use the serial console (-c) and quit with Ctrl-a x. BENCH_RUNS (default 5).

import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cosaRunArgv, CosaSettings, RuntimeHost } from '../src/cosa/invocation';
import { closeBrowser, REPO_ROOT, Workbench } from '../test/e2e/harness';
import { closeWorkbench, openWorkbench, stopServers, TEST_SETTINGS } from '../test/e2e/servers';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const IMAGE = TEST_SETTINGS['coreos.image'];
const MARKER = /COSA-VM-MARKER: booted/;

function host(): RuntimeHost {
  const [rootless, version] = execFileSync('podman', ['info', '--format', '{{.Host.Security.Rootless}} {{.Version.Version}}'], { encoding: 'utf8' }).trim().split(' ');
  return { kind: 'podman', rootless: rootless === 'true', ...(version ? { version } : {}), uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
}

const settings: CosaSettings = { runtime: 'podman', image: IMAGE, runtimeArgs: [] };

function prepare(): { ws: string; build: string; image: string } {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-bench-qemu-'));
  execFileSync('bash', [path.join(REPO_ROOT, 'test', 'fixtures', 'config-repo', 'make-config-repo.sh'), path.join(ws, '.cfg')], { stdio: 'ignore' });
  const argv = cosaRunArgv({ ...settings, runtimeArgs: ['-e', 'COSA_STANDIN_BUILD_SECONDS=1'] }, {
    workspace: ws, args: ['shell', 'bash', '-ec', 'cosa init file:///srv/.cfg; cosa build; cosa osbuild qemu'], tty: false, purpose: 'bench-setup',
  }, host());
  execFileSync('podman', argv, { stdio: 'ignore' });
  const build = (JSON.parse(fs.readFileSync(path.join(ws, 'builds', 'builds.json'), 'utf8')) as { builds: { id: string }[] }).builds[0]!.id;
  const meta = JSON.parse(fs.readFileSync(path.join(ws, 'builds', build, 'x86_64', 'meta.json'), 'utf8')) as { images: { qemu: { path: string } } };
  fs.mkdirSync(path.join(ws, '.vscode'));
  fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'coreos.qemu.console': true, 'terminal.integrated.tabs.hideCondition': 'never' }));
  return { ws, build, image: `/srv/builds/${build}/x86_64/${meta.images.qemu.path}` };
}

const sh = (w: string): string => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);

/** The plain-shell run: returns ms to the marker, then quits with Ctrl-a x. */
function shellRun(ws: string, image: string, n: number, created: number[]): Promise<number> {
  const argv = cosaRunArgv(settings, { workspace: ws, args: ['run', '--qemu-image', image, '-c'], tty: true, purpose: `bench-shell-${n}` }, host());
  const started = performance.now();
  const wall0 = Date.now();
  const child = spawn('script', ['-qec', ['podman', ...argv].map(sh).join(' '), '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    let marked: number | undefined;
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`shell run ${n} timed out:\n${out}`)); }, 300_000);
    const onData = (d: Buffer): void => {
      out += d.toString('latin1');
      if (marked === undefined && MARKER.test(out)) {
        marked = performance.now() - started;
        created.push(createdAt('io.github.coreos-vscode.purpose', new RegExp(`^bench-shell-${n}$`)) - wall0);
      }
      if (marked !== undefined && /\[core@cosa-devsh ~\]\$ /.test(out) && !out.includes('\u0001')) {
        out += '\u0001'; // once
        child.stdin.write('\u0001x');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', () => {
      clearTimeout(timer);
      if (marked !== undefined) {
        resolve(marked);
      } else {
        reject(new Error(`no marker:\n${out}`));
      }
    });
  });
}

/** Creation time (ms since epoch) of the running container whose label value matches. */
function createdAt(label: string, value: RegExp): number {
  const rows = JSON.parse(execFileSync('podman', ['ps', '--filter', 'label=io.github.coreos-vscode=1', '--format', 'json'], { encoding: 'utf8' }) || '[]') as
    { Created: number; Labels: Record<string, string> }[];
  const key = label.replace(/^label=/, '');
  const row = rows.find((r) => value.test(r.Labels[key] ?? ''));
  if (!row) {
    throw new Error('no VM container running');
  }
  // podman's Created is in seconds; the created-at string has sub-second precision
  const inspect = execFileSync('podman', ['ps', '--filter', `label=${key}=${row.Labels[key]}`, '--format', '{{.CreatedAt}}'], { encoding: 'utf8' }).trim();
  const parsed = Date.parse(inspect.replace(/ \+0000 UTC$/, 'Z').replace(' ', 'T').replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(parsed) ? row.Created * 1000 : parsed;
}

/** The marker in the terminal's DOM rows, looked for every 50 ms in the page (no round trip per look). */
async function waitForMarker(wb: Workbench): Promise<void> {
  // A page expression (this file is compiled without the DOM's types).
  const rows = "[...document.querySelectorAll('.terminal-wrapper .xterm-rows > div')].map((d) => d.textContent).join('\\n')";
  await wb.page.waitForFunction(`new RegExp(${JSON.stringify(MARKER.source)}).test(${rows})`, undefined, { polling: 50, timeout: 300_000 });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return `median ${(median / 1000).toFixed(2)} s, min ${(s[0]! / 1000).toFixed(2)} s, max ${(s[s.length - 1]! / 1000).toFixed(2)} s (n=${s.length}): ${ms.map((m) => (m / 1000).toFixed(2)).join(', ')}`;
}

async function main(): Promise<void> {
  const load0 = os.loadavg();
  const { ws, build, image } = prepare();
  const wb = await openWorkbench(ws);
  await wb.openActivity('CoreOS Builds');
  const terminal: number[] = [];
  const shell: number[] = [];
  const terminalCreated: number[] = [];
  const terminalTab: number[] = [];
  const shellCreated: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      // terminal
      await wb.runCommand('CoreOS: Run in QEMU');
      const input = wb.page.locator('.quick-input-widget input');
      await input.fill(build);
      await wb.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: build }).first().waitFor({ timeout: 30_000 });
      const tab = wb.page.waitForFunction("document.querySelectorAll('.terminal-tabs-entry').length > 0", undefined, { polling: 'raf', timeout: 60_000 });
      const t0 = performance.now();
      const wall0 = Date.now();
      await wb.page.keyboard.press('Enter');
      await tab;
      terminalTab.push(performance.now() - t0);
      await waitForMarker(wb);
      terminal.push(performance.now() - t0);
      terminalCreated.push(createdAt(`label=io.github.coreos-vscode.purpose`, /^run-/) - wall0);
      await wb.waitForActiveTerminalText(/\[core@cosa-devsh ~\]\$ /, 120_000);
      await wb.terminalKeys('Control+a', 'x');
      await wb.page.locator('.terminal-tabs-entry').first().waitFor({ state: 'detached', timeout: 60_000 });
      // shell
      shell.push(await shellRun(ws, image, i, shellCreated));
      console.log(`run ${i + 1}: terminal ${(terminal[i]! / 1000).toFixed(2)} s (container created after ${(terminalCreated[i]! / 1000).toFixed(2)} s), shell ${(shell[i]! / 1000).toFixed(2)} s (created after ${(shellCreated[i]! / 1000).toFixed(2)} s)`);
    }
  } finally {
    await closeWorkbench(wb);
    await stopServers();
    await closeBrowser();
    fs.rmSync(ws, { recursive: true, force: true });
  }
  const load1 = os.loadavg();
  console.log(`\nboot to marker, terminal (Run in QEMU, code-server): ${stats(terminal)}`);
  console.log(`terminal: from Enter to the container's creation time:    ${stats(terminalCreated)}`);
  console.log(`terminal: from Enter to its terminal tab in the DOM:        ${stats(terminalTab)}`);
  console.log(`boot to marker, plain shell (podman under script):   ${stats(shell)}`);
  console.log(`shell: from spawn to the container's creation time:       ${stats(shellCreated)}`);
  const startGap = median(terminalCreated) - median(shellCreated);
  const bootRatio = median(terminal) / median(shell);
  console.log(`container created: terminal - shell (medians) ${(startGap / 1000).toFixed(2)} s (target <= 0.10 s: ${startGap <= 100 ? 'met' : 'not met'})`);
  console.log(`boot to marker: terminal / shell (medians) ${bootRatio.toFixed(2)}x (target <= 1.05x: ${bootRatio <= 1.05 ? 'met' : 'not met'})`);
  console.log(`load average at start ${load0.map((l) => l.toFixed(2)).join(' ')}, at end ${load1.map((l) => l.toFixed(2)).join(' ')}; ${os.cpus().length} CPUs`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
