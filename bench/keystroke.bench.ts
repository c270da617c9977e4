// Typing in a large .ign (issue 18.3), in a real editor: code-server + Debian
// chromium, the packaged .vsix. A 1 MB Ignition config is open in the text
// editor; a keystroke turns `"mode": 420` into 4200 (Ignition: illegal file
// mode) and Backspace turns it back. Measured in the page: from the keydown
// event to the error squiggle appearing / disappearing on that line (the
// diagnostics updated on screen, the debounce included). A probe extension
// in the same extension host (bench/fixtures/loop-probe) measures the longest
// time the host's main thread was blocked while typing.
//
// Run: npm run package && npm run bench:keystroke
//   BENCH_RUNS=10 (keystroke pairs), BENCH_COMPARE_VSIX=<other .vsix> measures that build too, in the same run,
//   BENCH_SETTINGS='{"json.validate.enable": false}' adds user settings (to see what another part of the editor costs);
//   BENCH_SETTINGS='{"loopProbe.profile": true}' keeps a CPU profile of the host's main thread while typing in test-results/.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { closeBrowser, CodeServer, REPO_ROOT, Workbench } from '../test/e2e/harness';
import { VSIX } from '../test/e2e/servers';
import { bigIgnitionConfig } from '../test/support/bigIgnitionConfig';
import { ValidationWorker } from '../src/engine/validationWorker';
import { findingsOf } from '../src/ignition/findings';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const CONFIG_BYTES = 1024 * 1024;

/** The host's stamps of one validation (src/vscode/ignitionDiagnostics.ts, COREOS_VALIDATION_TRACE), epoch ms. */
interface Trace { scheduledAt: number; firedAt: number; readAt: number; sentAt: number; answerAt: number; setAt: number; errors: number }
interface Keystroke { keyAt: number; squiggleAt: number; errors: boolean }
const STEPS = ['keydown -> host change event', 'debounce', 'waiting for the worker', 'getText()', 'to the worker, validated, back', 'diagnostics built and set', 'set -> squiggle drawn'] as const;

interface Result {
  label: string; add: number[]; remove: number[]; blockedMax: number; blockedP99: number; samples: number;
  /** Per step (STEPS), the keystrokes' times (ms). */
  steps: number[][];
}

/** Splits each keystroke at the host's stamps (epoch ms on both sides: the page and the host run on this machine). */
function split(keys: Keystroke[], traces: Trace[]): number[][] {
  const steps: number[][] = STEPS.map(() => []);
  for (const k of keys) {
    const t = traces.find((x) => x.scheduledAt >= k.keyAt - 1 && (x.errors > 0) === k.errors);
    if (!t) continue;
    [t.scheduledAt - k.keyAt, t.firedAt - t.scheduledAt, t.readAt - t.firedAt, t.sentAt - t.readAt, t.answerAt - t.sentAt, t.setAt - t.answerAt, k.squiggleAt - t.setAt]
      .forEach((ms, i) => steps[i]!.push(ms));
  }
  return steps;
}

function packageProbe(dir: string): string {
  const src = path.join(dir, 'loop-probe');
  fs.cpSync(path.join(REPO_ROOT, 'bench', 'fixtures', 'loop-probe'), src, { recursive: true });
  fs.writeFileSync(path.join(src, 'README.md'), 'Bench probe.\n');
  const out = path.join(dir, 'loop-probe.vsix');
  execFileSync(path.join(REPO_ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', out], { cwd: src, stdio: 'pipe' });
  return out;
}

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return `median ${q(0.5).toFixed(0)} ms (min ${s[0]!.toFixed(0)}, p90 ${q(0.9).toFixed(0)}, max ${s[s.length - 1]!.toFixed(0)})`;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(label: string, vsix: string, probe: string, folder: string, scratch: string): Promise<Result> {
  const report = path.join(scratch, `probe-${label.replace(/\W+/g, '-')}.json`);
  const traceFile = path.join(scratch, `trace-${label.replace(/\W+/g, '-')}.jsonl`);
  process.env.COREOS_VALIDATION_TRACE = traceFile; // inherited by code-server's extension host
  const server = await CodeServer.start({ vsix: [vsix, probe], settings: { 'loopProbe.out': report, ...JSON.parse(process.env.BENCH_SETTINGS ?? '{}') as object } });
  try {
    const wb = await Workbench.open(server, folder);
    await wb.openFile('big.ign');
    const page = wb.page;
    const modeLine = page.locator('.editor-group-container.active .view-line', { hasText: '"mode": 420,' }).first();
    await modeLine.waitFor({ timeout: 60_000 });
    // the first validation (on open) has run when the extension is active: wait until a squiggle-free
    // state is stable, then put the cursor after 420
    await page.waitForTimeout(3000);
    await modeLine.click();
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    // in the page (strings: this project's TypeScript has no DOM types)
    await page.evaluate(`(() => {
      const editor = document.querySelector('.editor-group-container.active .monaco-editor');
      window.squiggles = () => editor.querySelectorAll('.squiggly-error').length;
      let last = window.squiggles();
      window.addEventListener('keydown', () => { window.keyAt = performance.now(); }, true);
      new MutationObserver(() => {
        const n = window.squiggles();
        if ((n > 0) !== (last > 0)) window.squiggleAt = performance.now();
        last = n;
      }).observe(editor, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
    })()`);
    const keys: Keystroke[] = [];
    const type = async (key: string, squiggle: boolean): Promise<number> => {
      await page.evaluate('window.squiggleAt = 0');
      await page.keyboard.press(key);
      try {
        await page.waitForFunction(`window.squiggleAt > 0 && (window.squiggles() > 0) === ${squiggle}`, undefined, { timeout: 30_000, polling: 50 });
      } catch (e) {
        // what the editor shows, to see why (the cursor's line, squiggles, the Problems count)
        console.log('timed out:', await page.evaluate(`JSON.stringify({ squiggles: window.squiggles(), anySquiggle: document.querySelectorAll('.squiggly-error').length,
          line: document.querySelector('.editor-group-container.active .view-line .mtk1') && [...document.querySelectorAll('.editor-group-container.active .view-line')].map((l) => l.textContent).filter((t) => t.includes('mode')).slice(0, 2),
          problems: (document.querySelector('[id="status.problems"]') || {}).textContent })`));
        await wb.screenshot(`keystroke-timeout-${label.replace(/\W+/g, '-')}`);
        throw e;
      }
      const [keyAt, squiggleAt] = await page.evaluate('[performance.timeOrigin + window.keyAt, performance.timeOrigin + window.squiggleAt]') as [number, number];
      keys.push({ keyAt, squiggleAt, errors: squiggle });
      return squiggleAt - keyAt;
    };
    // one pair to warm up (the worker starts, the JIT warms)
    await type('0', true);
    await type('Backspace', false);
    await wb.runCommand('Loop Probe: Reset');
    keys.length = 0;
    await modeLine.click();
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    const add: number[] = [];
    const remove: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      add.push(await type('0', true));
      remove.push(await type('Backspace', false));
      await page.waitForTimeout(200);
    }
    await wb.runCommand('Loop Probe: Report');
    for (let i = 0; i < 50 && !fs.existsSync(report); i++) await page.waitForTimeout(100);
    const probe = JSON.parse(fs.readFileSync(report, 'utf8')) as { max: number; p99: number; samples: number };
    if (fs.existsSync(`${report}.cpuprofile`)) {
      const kept = path.join(REPO_ROOT, 'test-results', `keystroke-host-${label.replace(/\W+/g, '-')}.cpuprofile`);
      fs.mkdirSync(path.dirname(kept), { recursive: true });
      fs.copyFileSync(`${report}.cpuprofile`, kept);
      console.log(`the host's CPU profile while typing: ${kept}`);
    }
    await wb.close();
    const traces = fs.existsSync(traceFile) ? fs.readFileSync(traceFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Trace) : [];
    return { label, add, remove, blockedMax: probe.max, blockedP99: probe.p99, samples: probe.samples, steps: split(keys, traces) };
  } finally {
    await server.stop();
  }
}

/**
 * The floor, in this process after the editor runs: validating the config with the error the keystroke
 * makes, in-process (validateIgnition) and through the packaged worker (dist/validationWorker.js, as the
 * extension drives it: the text cloned to the thread, the findings back).
 */
async function floors(text: string): Promise<{ inProcess: number[]; worker: number[] }> {
  const bad = text.replace('"mode": 420,', '"mode": 4200,');
  const inProcess: number[] = [];
  for (let k = 0; k < 5; k++) findingsOf('ignition', k % 2 ? text : bad);
  for (let k = 0; k < 2 * RUNS; k++) {
    const t = performance.now();
    findingsOf('ignition', k % 2 ? text : bad);
    inProcess.push(performance.now() - t);
  }
  const validator = new ValidationWorker(path.join(REPO_ROOT, 'dist', 'validationWorker.js'));
  const worker: number[] = [];
  try {
    for (let k = 0; k < 5 + 2 * RUNS; k++) {
      const t = performance.now();
      await validator.validate('big.ign', 'ignition', () => (k % 2 ? text : bad));
      if (k >= 5) worker.push(performance.now() - t);
    }
  } finally {
    validator.dispose();
  }
  return { inProcess, worker };
}

async function main(): Promise<void> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-bench-keystroke-'));
  const folder = path.join(scratch, 'ws');
  fs.mkdirSync(folder);
  const text = bigIgnitionConfig(CONFIG_BYTES);
  fs.writeFileSync(path.join(folder, 'big.ign'), text);
  const results: Result[] = [];
  let floor: { inProcess: number[]; worker: number[] } | undefined;
  try {
    const probe = packageProbe(scratch);
    console.log(`machine: ${os.cpus().length} cores, load average at start ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; config ${(text.length / 1024).toFixed(0)} KiB, ${text.split('\n').length} lines`);
    results.push(await measure('this build', VSIX, probe, folder, scratch));
    console.log('this build:', JSON.stringify(results[0]));
    if (process.env.BENCH_COMPARE_VSIX) results.push(await measure(`compared: ${path.basename(process.env.BENCH_COMPARE_VSIX)}`, process.env.BENCH_COMPARE_VSIX, probe, folder, scratch));
    floor = await floors(text);
  } finally {
    await closeBrowser();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  console.log('| build | keystroke -> error squiggle shown | keystroke -> squiggle gone | both, median | host main thread blocked: max (p99) |\n|---|---|---|---|---|');
  for (const r of results) {
    console.log(`| ${r.label} | ${stats(r.add)} | ${stats(r.remove)} | ${median([...r.add, ...r.remove]).toFixed(0)} ms | ${r.blockedMax.toFixed(0)} ms (${r.blockedP99.toFixed(0)} ms), ${r.samples} samples |`);
  }
  for (const r of results) {
    console.log(`\n${r.label}, where a keystroke's time goes (the host's stamps; a build without them has none):\n| step | time |\n|---|---|`);
    STEPS.forEach((name, i) => { if (r.steps[i]!.length) console.log(`| ${name} | ${stats(r.steps[i]!)} |`); });
  }
  if (floor) {
    console.log(`\nfloor, same run, this process: validate in-process ${stats(floor.inProcess)}; through the packaged worker ${stats(floor.worker)}`);
    for (const r of results) console.log(`${r.label}: keystroke -> squiggle median / in-process validation median = ${(median([...r.add, ...r.remove]) / median(floor.inProcess)).toFixed(2)}`);
  }
  if (results.length === 2) console.log(`\nratio of medians (this build / compared): ${(median([...results[0]!.add, ...results[0]!.remove]) / median([...results[1]!.add, ...results[1]!.remove])).toFixed(2)}`);
}

void main();
