// Builds tree with 10,000 builds: (1) the pure first-level work (parse
// builds.json, one description per row) in-process; (2) in a real editor
// (code-server + chromium, the packaged .vsix): click CoreOS Builds -> first
// row on screen, and builds.json rewritten -> the new build's row on screen.
// Run: npm run package && npx tsx bench/tree.bench.ts   (prints a markdown table)

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseBuildsIndex } from '../src/cosa/buildsIndex';
import { buildDescription } from '../src/cosa/buildPresentation';
import { closeBrowser, CodeServer, Workbench } from '../test/e2e/harness';
import { VSIX } from '../test/e2e/servers';
import { FIXTURES } from '../test/e2e/workspaces';

const N = 10_000;
const RUNS = 5;

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const median = s[Math.floor(s.length / 2)]!;
  return `median ${median.toFixed(1)} ms (min ${s[0]!.toFixed(1)}, max ${s[s.length - 1]!.toFixed(1)})`;
}

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

async function main(): Promise<void> {
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

  const small = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-bench-small-'));
  fs.cpSync(path.join(FIXTURES, 'builds'), small, { recursive: true, verbatimSymlinks: true });
  const server = await CodeServer.start({ vsix: VSIX });
  const firstRowSmall: number[] = [];
  const firstRow: number[] = [];
  const newBuild: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      // Baseline in the same run: the same gesture on a 2-build directory.
      const base = await Workbench.open(server, small);
      const baseIcon = base.activityIcon('CoreOS Builds');
      await baseIcon.waitFor({ timeout: 60_000 });
      const b0 = performance.now();
      await baseIcon.click();
      await base.waitForTreeRow('Builds', '42.20260101.3.0', 60_000);
      firstRowSmall.push(performance.now() - b0);
      await base.close();

      const wb = await Workbench.open(server, dir);
      const icon = wb.activityIcon('CoreOS Builds');
      await icon.waitFor({ timeout: 60_000 });
      const t0 = performance.now();
      await icon.click();
      await wb.waitForTreeRow('Builds', ids[0]!, 60_000);
      firstRow.push(performance.now() - t0);
      const fresh = `43.20270101.${run}.0`;
      const t1 = performance.now();
      writeIndex(dir, [fresh, ...ids]);
      await wb.waitForTreeRow('Builds', fresh, 30_000);
      newBuild.push(performance.now() - t1);
      writeIndex(dir, ids);
      await wb.close();
    }
  } finally {
    await closeBrowser();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(small, { recursive: true, force: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`| Builds tree, ${N} builds | result |\n|---|---|`);
  console.log(`| pure first level (parse builds.json ${Math.round(text.length / 1024)} KiB + ${N} row descriptions), 20 runs | ${stats(pure)} |`);
  console.log(`| real editor, 2 builds: click CoreOS Builds -> first row visible (a new window each run: includes activation), ${RUNS} runs | ${stats(firstRowSmall)} |`);
  console.log(`| real editor, ${N} builds: the same gesture, ${RUNS} runs | ${stats(firstRow)} |`);
  console.log(`| cost of ${N} builds over 2 builds (ratio of medians, same run) | ${(median(firstRow) / median(firstRowSmall)).toFixed(2)}x (+${(median(firstRow) - median(firstRowSmall)).toFixed(0)} ms) |`);
  console.log(`| real editor: builds.json rewritten -> new build's row visible, ${RUNS} runs | ${stats(newBuild)} |`);
}

void main();
