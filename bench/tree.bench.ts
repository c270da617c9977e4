// Builds tree with 10,000 builds, in a real editor (code-server + chromium,
// the packaged .vsix) against floors measured in the same run:
//   view:       click CoreOS Builds -> first row, vs the same click on a
//               trivial extension's one-row tree (bench/floor-extension),
//               each in a fresh window on the same folder (issue 18.5);
//   activation: "Developer: Show Running Extensions" (code loading + the call
//               of activate()), both extensions, and every process the
//               extension hosts start while the window opens and the view
//               is shown (issue 18.4);
//   new build:  builds.json rewritten (temp file + rename, as cosa does) ->
//               the new build's row visible, while another process keeps
//               writing files under cache/, tmp/ and the newest build
//               (a build in progress), once right after the first row and
//               twice once the window settled; split into the editor's file watcher
//               (the floor extension logs when VS Code reports the change),
//               inotify (fs.watch in this process) and the rest (issue 18.2).
// Run: npm run bench:tree   (packages the .vsix first; BENCH_RUNS, default 5;
//      BENCH_COMPARE_VSIX=<other .vsix> measures that build too, interleaved, in the same run;
//      BENCH_COMPARE_LABEL names it)

import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseBuildsIndex } from '../src/cosa/buildsIndex';
import { buildDescription } from '../src/cosa/buildPresentation';
import { closeBrowser, CodeServer, REPO_ROOT, Workbench } from '../test/e2e/harness';
import { TEST_SETTINGS, VSIX } from '../test/e2e/servers';
import { FIXTURES } from '../test/e2e/workspaces';

const N = 10_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** builds.json rewrites per window once it has settled (RUNS windows: 2 x 5 = 10 samples), after one right after the first row. */
const REWRITES = 2;
/** A window has settled: its deferred startup work (src/engine/afterFirstView.ts: 0.5 s after the first row, then the runtime's spawns) is done. */
const SETTLE_MS = 5000;

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => {
  const s = sorted(xs);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const p90 = (xs: number[]) => sorted(xs)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.9) - 1)]!;
const stats = (all: number[]) => {
  const xs = all.filter((x) => !Number.isNaN(x));
  return `median ${median(xs).toFixed(0)} ms, p90 ${p90(xs).toFixed(0)} ms (min ${sorted(xs)[0]!.toFixed(0)}, max ${sorted(xs).at(-1)!.toFixed(0)}; n=${xs.length})`;
};

function makeBigWorkspace(): { dir: string; ids: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-bench-tree-'));
  fs.cpSync(path.join(FIXTURES, 'builds'), dir, { recursive: true, verbatimSymlinks: true });
  const template = fs.readFileSync(path.join(dir, 'builds', '42.20260101.3.0', 'x86_64', 'meta.json'), 'utf8');
  const ids = Array.from({ length: N }, (_, i) => `42.${20260101 + Math.floor(i / 100)}.${i % 100}.0`).reverse();
  // meta.json for the rows on screen; the rest exist only in builds.json (as after `cosa buildfetch`).
  for (const id of ids.slice(0, 60)) {
    fs.mkdirSync(path.join(dir, 'builds', id, 'x86_64'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'builds', id, 'x86_64', 'meta.json'), template.replaceAll('42.20260101.3.0', id));
  }
  fs.rmSync(path.join(dir, 'builds', 'latest'));
  fs.symlinkSync(ids[0]!, path.join(dir, 'builds', 'latest'));
  writeIndex(dir, ids);
  return { dir, ids };
}

function writeIndex(dir: string, ids: string[]): void {
  const file = path.join(dir, 'builds', 'builds.json');
  fs.writeFileSync(`${file}.tmp`, JSON.stringify({ 'schema-version': '1.0.0', builds: ids.map((id) => ({ id, arches: ['x86_64'] })), timestamp: new Date().toISOString() }, null, 4));
  fs.renameSync(`${file}.tmp`, file);
}

/** A build in progress: another process writing 64 KiB files under cache/, tmp/ and the newest build, every 20 ms. */
function startBusyBuild(dir: string, buildId: string): ChildProcess {
  const script = `
    const fs = require('node:fs'); const path = require('node:path');
    const dirs = ${JSON.stringify(['cache', 'tmp/build', `builds/${buildId}/x86_64/.work`].map((d) => path.join(dir, d)))};
    dirs.forEach((d) => fs.mkdirSync(d, { recursive: true }));
    const chunk = Buffer.alloc(65536, 120); let n = 0;
    setInterval(() => { const d = dirs[n % dirs.length]; fs.writeFileSync(path.join(d, 'part-' + (n % 50)), chunk); n++; }, 20);`;
  return spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
}

/** Floor extension: a .vsix of bench/floor-extension, packed with vsce. */
function packFloor(scratch: string): string {
  const out = path.join(scratch, 'floor-tree.vsix');
  execFileSync(path.join(REPO_ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', out],
    { cwd: path.join(REPO_ROOT, 'bench', 'floor-extension'), stdio: 'pipe' });
  return out;
}

/** ms from a click on the activity icon `title` to a row with `rowText` in pane `pane`, in a fresh window. */
async function clickToRow(server: CodeServer, dir: string, title: string, pane: string, rowText: string): Promise<{ ms: number; wb: Workbench }> {
  const wb = await Workbench.open(server, dir);
  const icon = wb.activityIcon(title);
  await icon.waitFor({ timeout: 60_000 });
  const t0 = performance.now();
  await icon.click();
  await wb.waitForTreeRow(pane, rowText, 60_000);
  return { ms: performance.now() - t0, wb };
}

/** "Developer: Show Running Extensions": extension display name -> activation ms (code loading + activate call). */
async function activationTimes(wb: Workbench): Promise<Map<string, number>> {
  await wb.runCommand('Developer: Show Running Extensions');
  const rows = wb.page.locator('.runtime-extensions-editor .monaco-list-row');
  await rows.first().waitFor({ timeout: 30_000 });
  const out = new Map<string, number>();
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && out.size < 2) {
    for (const row of await rows.all()) {
      const name = (await row.locator('.name').first().textContent())?.trim() ?? '';
      const m = /(\d+)ms/.exec((await row.locator('.activation-time').first().textContent()) ?? '');
      if (m && (name === 'CoreOS Assembler' || name === 'Floor Tree (bench)')) {
        out.set(name, Number(m[1]));
      }
    }
    await wb.page.waitForTimeout(200);
  }
  return out;
}

/** Processes (pid -> command line) below every extension host of this code-server, read from /proc. */
function extensionHostChildren(): Map<number, string> {
  const procs = new Map<number, { ppid: number; cmd: string }>();
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) {
      continue;
    }
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      procs.set(Number(p), { ppid, cmd: fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ').trim() });
    } catch {
      // gone
    }
  }
  const hosts = [...procs].filter(([, v]) => v.cmd.includes('extensionHost')).map(([pid]) => pid);
  const out = new Map<number, string>();
  for (const [pid, v] of procs) {
    for (let up = v.ppid, hops = 0; up > 1 && hops < 10; up = procs.get(up)?.ppid ?? 0, hops++) {
      if (hosts.includes(up)) {
        out.set(pid, v.cmd.slice(0, 100));
        break;
      }
    }
  }
  return out;
}

/** Every process an extension host starts while a window opens on `dir` and CoreOS Builds is clicked (`untilRow`), and in the 4 s after the first row (`after`). */
async function spawnedWhileOpening(server: CodeServer, dir: string, ids: string[]): Promise<{ untilRow: string[]; after: string[] }> {
  const before = new Set(extensionHostChildren().keys());
  const seen = new Map<number, { cmd: string; at: number }>();
  let watching = true;
  const poll = (async () => {
    while (watching) {
      for (const [pid, cmd] of extensionHostChildren()) {
        if (!before.has(pid) && !seen.has(pid)) {
          seen.set(pid, { cmd, at: performance.now() });
        }
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const { wb } = await clickToRow(server, dir, 'CoreOS Builds', 'Builds', ids[0]!);
  const row = performance.now();
  await new Promise((r) => setTimeout(r, 4000));
  watching = false;
  await poll;
  await wb.close();
  const all = [...seen.values()];
  return { untilRow: all.filter((p) => p.at <= row).map((p) => p.cmd), after: all.filter((p) => p.at > row).map((p) => p.cmd) };
}

/** One build of the extension (a .vsix) in its own code-server, with the floor extension beside it. */
interface Subject {
  readonly label: string;
  readonly server: CodeServer;
  readonly watchLog: string;
  readonly floorRow: number[];
  readonly coreosRow: number[];
  readonly activation: { coreos: number[]; floor: number[] };
  readonly newBuild: number[];
  /** The rewrite right after the first row, while the window's startup work runs. */
  readonly newBuildAtOpen: number[];
  readonly editorWatcher: number[];
  readonly inotify: number[];
  spawned: { untilRow: string[]; after: string[] };
}

async function main(): Promise<void> {
  const load0 = os.loadavg();
  const { dir, ids } = makeBigWorkspace();
  const text = fs.readFileSync(path.join(dir, 'builds', 'builds.json'), 'utf8');
  const pure: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    const index = parseBuildsIndex(text);
    const now = Date.now();
    for (const b of index.builds) {
      buildDescription({ arches: b.arches, latest: false, tags: [], building: [] }, now);
    }
    pure.push(performance.now() - t0);
  }

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-bench-floor-'));
  const floorVsix = packFloor(scratch);
  // BENCH_COMPARE_VSIX: another build (e.g. main's .vsix), in its own code-server, its windows
  // interleaved with this build's, so both meet the same machine.
  const builds = [...(process.env.BENCH_COMPARE_VSIX ? [{ label: `compared: ${process.env.BENCH_COMPARE_LABEL ?? path.basename(process.env.BENCH_COMPARE_VSIX)}`, vsix: process.env.BENCH_COMPARE_VSIX }] : []), { label: 'this build', vsix: VSIX }];
  const subjects: Subject[] = [];
  let inotifyAt: number | undefined;
  const inotifyWatch = fs.watch(path.join(dir, 'builds'), (_event, name) => {
    if (name === 'builds.json' && inotifyAt === undefined) {
      inotifyAt = Date.now();
    }
  });
  const busy = startBusyBuild(dir, ids[0]!);
  try {
    for (const [i, b] of builds.entries()) {
      const watchLog = path.join(scratch, `watcher-${i}.log`);
      // The floor extension's log: read from the environment when its extension host starts.
      process.env.FLOOR_WATCH_LOG = watchLog;
      // No port forwarding: its process scans (ps, ls /proc) would be counted as the extensions' processes.
      const server = await CodeServer.start({ vsix: b.vsix, extraVsix: [floorVsix], settings: { ...TEST_SETTINGS, 'remote.autoForwardPorts': false } });
      subjects.push({ label: b.label, server, watchLog, floorRow: [], coreosRow: [], activation: { coreos: [], floor: [] }, newBuild: [], newBuildAtOpen: [], editorWatcher: [], inotify: [], spawned: { untilRow: [], after: [] } });
    }
    for (let run = 0; run < RUNS; run++) {
      for (const [i, sub] of subjects.entries()) {
        // Alternate which goes first, so neither always meets a warmer machine.
        const floorFirst = (run + i) % 2 === 0;
        const floor = async () => {
          const f = await clickToRow(sub.server, dir, 'Floor Tree', 'Floor', 'floor-row');
          sub.floorRow.push(f.ms);
          await f.wb.close();
        };
        if (floorFirst) {
          await floor();
        }
        const { ms, wb } = await clickToRow(sub.server, dir, 'CoreOS Builds', 'Builds', ids[0]!);
        sub.coreosRow.push(ms);
        for (let k = 0; k <= REWRITES; k++) {
          if (k === 1) {
            await new Promise((r) => setTimeout(r, SETTLE_MS));
          }
          const fresh = `43.20270101.${run}.${i}${k}`;
          fs.writeFileSync(sub.watchLog, '');
          inotifyAt = undefined;
          const wall = Date.now();
          const t1 = performance.now();
          writeIndex(dir, [fresh, ...ids]);
          await wb.waitForTreeRow('Builds', fresh, 30_000);
          (k === 0 ? sub.newBuildAtOpen : sub.newBuild).push(performance.now() - t1);
          await new Promise((r) => setTimeout(r, 300)); // let the watcher log settle
          const reported = fs.readFileSync(sub.watchLog, 'utf8').split('\n').filter(Boolean).map(Number).filter((t) => t >= wall);
          if (reported.length && k > 0) {
            sub.editorWatcher.push(Math.min(...reported) - wall);
          }
          if (inotifyAt !== undefined && k > 0) {
            sub.inotify.push(inotifyAt - wall);
          }
        }
        writeIndex(dir, ids);
        const times = await activationTimes(wb);
        sub.activation.coreos.push(times.get('CoreOS Assembler') ?? NaN);
        sub.activation.floor.push(times.get('Floor Tree (bench)') ?? NaN);
        await wb.close();
        if (!floorFirst) {
          await floor();
        }
        console.error(`run ${run + 1}/${RUNS}, ${sub.label}: floor ${sub.floorRow.at(-1)!.toFixed(0)} ms, CoreOS ${sub.coreosRow.at(-1)!.toFixed(0)} ms, new build ${sub.newBuildAtOpen.at(-1)!.toFixed(0)} ms at open, then ${sub.newBuild.slice(-REWRITES).map((x) => x.toFixed(0)).join('/')} ms, activation ${sub.activation.coreos.at(-1)} ms`);
      }
    }
    for (const sub of subjects) {
      sub.spawned = await spawnedWhileOpening(sub.server, dir, ids);
    }
  } finally {
    busy.kill();
    inotifyWatch.close();
    await closeBrowser();
    for (const sub of subjects) {
      await sub.server.stop();
    }
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const load1 = os.loadavg();
  console.log(`Machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}; load average ${load0.map((l) => l.toFixed(2)).join(' ')} at the start, ${load1.map((l) => l.toFixed(2)).join(' ')} at the end.\n`);
  console.log(`pure first level (parse builds.json ${Math.round(text.length / 1024)} KiB + ${N} row descriptions), 20 runs: ${stats(pure)}\n`);
  const list = (xs: string[]) => (xs.length ? xs.map((x) => `\`${x || '(exited)'}\``).join(', ') : 'none');
  const rows: [string, (s: Subject) => string][] = [
    ['floor: click Floor Tree -> its one row (trivial extension, fresh window)', (s) => stats(s.floorRow)],
    ['click CoreOS Builds -> first row (fresh window)', (s) => stats(s.coreosRow)],
    ['**view: CoreOS / floor (ratio of medians)** (target <= 1.1x)', (s) => { const r = median(s.coreosRow) / median(s.floorRow); return `**${r.toFixed(2)}x** (${r <= 1.1 ? 'met' : 'not met'})`; }],
    ['activation (Running Extensions: code loading + activate()), CoreOS Assembler (target <= 50 ms)', (s) => { const a = s.activation.coreos.filter((x) => !Number.isNaN(x)); return `${stats(a)} (${a.length && median(a) <= 50 ? 'met' : 'not met'})`; }],
    ['activation, floor extension', (s) => stats(s.activation.floor)],
    ['processes the extension hosts started: window open -> first row of CoreOS Builds', (s) => list(s.spawned.untilRow)],
    ['processes the extension hosts started: 4 s after the first row (deferred work)', (s) => list(s.spawned.after)],
    ["builds.json rewritten -> new build's row visible, while a build writes other files, window settled (target median <= 500, p90 <= 1000)", (s) => `${stats(s.newBuild)} (${median(s.newBuild) <= 500 && p90(s.newBuild) <= 1000 ? 'met' : 'not met'})`],
    ['the same, right after the first row (the window\'s startup work still running)', (s) => stats(s.newBuildAtOpen)],
    ['of which: inotify (fs.watch in the bench process)', (s) => (s.inotify.length ? stats(s.inotify) : 'no event')],
    ["of which: the editor's file watcher (createFileSystemWatcher event in an extension host)", (s) => (s.editorWatcher.length ? stats(s.editorWatcher) : 'no event')],
  ];
  console.log(`| Builds tree, ${N} builds (${RUNS} windows each, same run) | ${subjects.map((s) => s.label).join(' | ')} |\n|---|${subjects.map(() => '---|').join('')}`);
  for (const [name, cell] of rows) {
    console.log(`| ${name} | ${subjects.map(cell).join(' | ')} |`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
