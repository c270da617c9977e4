// Remote builder benchmark: `npm run bench:remote` (needs the test builder, test/remote-builder/setup.sh).
//   1. a cosa command's start through the session (CosaEngine.start with the session as target:
//      grouped exec, marker, output parsing) vs the same `podman --remote exec -i SESSION cosa list`
//      typed by hand; wall time until it has exited; runs interleaved, medians and their ratio
//      (target <= 1.1x). `cosa list` changes nothing, so no inputs are synced.
//   2. the first level of a remote builds tree with 1,000 builds: what the tree's readIndex
//      (src/vscode/buildsTree.ts) does through sessionBuildDir (builds/latest, builds.json read
//      through exec, parsed) (target <= 1 s).
// Prints load averages before and after.

import { spawn } from 'node:child_process';
import * as os from 'node:os';
import { parseBuildsIndex } from '../src/cosa/buildsIndex';
import { resolveCosaSettings } from '../src/cosa/settingsResolution';
import { sessionBuildDir } from '../src/engine/buildDirSource';
import { CosaEngine } from '../src/engine/cosaProcess';
import { remoteProcessEnv, RemoteSession } from '../src/engine/remoteSession';
import { makeWorkspace, removeScratch } from '../test/integration/helpers';
import { testBuilder } from '../test/integration/remoteBuilder';

const IMAGE = process.env.COSA_STANDIN_IMAGE ?? 'localhost/coreos-assembler:test';
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const BUILDS = 1000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

function byHand(session: RemoteSession): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const p = spawn('podman', ['--remote', 'exec', '-i', session.id, 'cosa', 'list'], { env: remoteProcessEnv(session.builder), stdio: ['pipe', 'pipe', 'pipe'] });
    p.stdin.end();
    p.stdout.resume();
    p.stderr.resume();
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`by hand: exit ${code}`))));
  });
}

async function main(): Promise<void> {
  console.log(`load average before: ${load()}`);
  const builder = testBuilder();
  const session = await RemoteSession.create('podman', builder, { image: IMAGE, expiration: '30m', pull: 'never' });
  const engine = new CosaEngine();
  try {
    const ws = makeWorkspace('bench-remote');
    engine.setTarget(ws, session);
    const settings = resolveCosaSettings({ image: IMAGE }, {});
    const runtime = await engine.runtime('podman');
    // 1,000 builds in the session's build directory (builds.json only: the first level reads nothing else).
    const index = { 'schema-version': '1.0.0', builds: Array.from({ length: BUILDS }, (_, i) => ({ id: `43.2026${String(i).padStart(4, '0')}.dev.0`, arches: ['x86_64'] })), timestamp: '2026-11-30T00:00:00Z' };
    const w = await session.capture(['sh', '-c', 'mkdir -p /srv/builds && printf %s "$1" > /srv/builds/builds.json && ln -sfn "$2" /srv/builds/latest', 'sh', JSON.stringify(index), index.builds[0]!.id]);
    if (w.exitCode !== 0) {
      throw new Error(w.stderr);
    }
    const engineStart = async (): Promise<number> => {
      const t0 = performance.now();
      const r = await engine.start({ workspace: ws, args: ['list'], purpose: 'list', tty: false, settings, runtime }).result;
      if (r.exitCode !== 0) {
        throw new Error(`engine: exit ${r.exitCode}`);
      }
      return performance.now() - t0;
    };
    await byHand(session); // warm the ssh path once
    const hand: number[] = [];
    const eng: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      hand.push(await byHand(session));
      eng.push(await engineStart());
    }
    console.log(`cosa list start-to-exit, ${RUNS} runs interleaved: by hand median ${median(hand).toFixed(0)} ms, through the session ${median(eng).toFixed(0)} ms, ratio ${(median(eng) / median(hand)).toFixed(3)}x (target <= 1.1x)`);

    const source = sessionBuildDir(session);
    const firstLevel: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await source.latest();
      const parsed = parseBuildsIndex(new TextDecoder().decode(await source.read('builds.json')));
      if (parsed.builds.length !== BUILDS) {
        throw new Error(`read ${parsed.builds.length} builds`);
      }
      firstLevel.push(performance.now() - t0);
    }
    console.log(`first level of a remote tree with ${BUILDS} builds: median ${median(firstLevel).toFixed(0)} ms, max ${Math.max(...firstLevel).toFixed(0)} ms (target <= 1000 ms)`);
  } finally {
    await engine.dispose();
    await session.destroy();
    removeScratch();
    console.log(`load average after: ${load()}`);
  }
}

void main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
