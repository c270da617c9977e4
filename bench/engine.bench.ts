// Engine benchmark: `npx tsx bench/engine.bench.ts` (needs podman and the
// stand-in image: sudo bash test/setup-machine.sh).
//   1. the bare shell alias (a bash function copied from docs/building-fcos.md,
//      with the same flags the engine uses here, run through `bash -c`) vs the
//      engine's runner (CosaEngine.start), one-shot `cosa shell true`;
//   2. exec in the persistent helper container (API socket and CLI) vs a
//      fresh `run` through the runner.
// 10 runs each, interleaved, in the same run of the script; median, p90, ratios.

import { spawn, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveCosaSettings } from '../src/cosa/settingsResolution';
import { CosaEngine } from '../src/engine/cosaProcess';
import { HelperContainer } from './helperContainer';

const IMAGE = process.env.COSA_STANDIN_IMAGE ?? 'localhost/coreos-assembler:test';
const RUNS = Number(process.env.BENCH_RUNS ?? 10);

// docs/building-fcos.md's function, with the flags this host needs (rootful
// podman: the --uidmap triple; the engine passes the same) and the same labels
// the engine adds, so both start identical containers.
const ALIAS = `
cosa() {
   env | grep COREOS_ASSEMBLER
   local -r COREOS_ASSEMBLER_CONTAINER_LATEST="quay.io/coreos-assembler/coreos-assembler:latest"
   if [[ -z \${COREOS_ASSEMBLER_CONTAINER} ]] && $(podman image exists \${COREOS_ASSEMBLER_CONTAINER_LATEST}); then
       :
   fi
   set -x
   podman run --rm -i --security-opt=label=disable --privileged \\
              --uidmap=1000:0:1 --uidmap=0:1:1000 --uidmap 1001:1001:64536 \\
              -v=\${PWD}:/srv/ --device=/dev/kvm --device=/dev/fuse \\
              --tmpfs=/tmp -v=/var/tmp:/var/tmp --name=cosa-bench-alias \\
              --label io.github.coreos-vscode=1 --label io.github.coreos-vscode.purpose=bench-alias \\
              \${COREOS_ASSEMBLER_CONFIG_GIT:+-v=$COREOS_ASSEMBLER_CONFIG_GIT:/srv/src/config/:ro} \\
              \${COREOS_ASSEMBLER_GIT:+-v=$COREOS_ASSEMBLER_GIT/src/:/usr/lib/coreos-assembler/:ro} \\
              \${COREOS_ASSEMBLER_CONTAINER_RUNTIME_ARGS} \\
              \${COREOS_ASSEMBLER_CONTAINER:-$COREOS_ASSEMBLER_CONTAINER_LATEST} "$@"
   rc=$?; set +x; return $rc
}
cosa "$@"
`;

function time<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t0 = process.hrtime.bigint();
  return f().then((v) => [Number(process.hrtime.bigint() - t0) / 1e6, v]);
}

function runAlias(ws: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', ALIAS, 'cosa', ...args], {
      cwd: ws, stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, COREOS_ASSEMBLER_CONTAINER: IMAGE, COREOS_ASSEMBLER_CONTAINER_RUNTIME_ARGS: '--pull=never' },
    });
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

const median = (xs: number[]) => quantile(xs, 0.5);
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

async function main(): Promise<void> {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'cosa-bench-'));
  const sockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cosa-bench-sock-'));
  const socketPath = path.join(sockDir, 'podman.sock');
  const service: ChildProcess = spawn('podman', ['system', 'service', '--time=0', `unix://${socketPath}`], { stdio: 'ignore' });
  const engine = new CosaEngine();
  const helpers: HelperContainer[] = [];
  try {
    for (let i = 0; i < 300 && !fs.existsSync(socketPath); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const settings = resolveCosaSettings({ image: IMAGE, runtimeArgs: '--pull=never' }, {});
    const detected = await engine.runtime('podman');
    const cliRuntime = { ...detected };
    delete (cliRuntime as { socketPath?: string }).socketPath;
    const apiRuntime = { ...detected, socketPath };
    const runner = async (args: string[]) => {
      const p = engine.start({ workspace: ws, args, purpose: 'bench-runner', tty: false, settings, runtime: cliRuntime });
      const r = await p.result;
      if (r.exitCode !== 0) {
        throw new Error(`runner: exit ${r.exitCode} ${r.failure?.message ?? ''}`);
      }
    };
    const helperApi = new HelperContainer({ workspace: ws, settings, runtime: apiRuntime, ownerPid: engine.ownerPid });
    const helperCliWs = fs.mkdtempSync(path.join(os.tmpdir(), 'cosa-bench-cli-'));
    const helperCli = new HelperContainer({ workspace: helperCliWs, settings, runtime: cliRuntime, ownerPid: engine.ownerPid });
    helpers.push(helperApi, helperCli);
    const exec = (h: typeof helperApi) => async () => {
      const r = await h.exec(['shell', 'true']);
      if (r.exitCode !== 0) {
        throw new Error(`exec: ${r.stderr}`);
      }
    };
    // warm-up: image layers in the page cache, helpers started
    await runAlias(ws, ['shell', 'true']);
    await runner(['shell', 'true']);
    await exec(helperApi)();
    await exec(helperCli)();

    const t: Record<string, number[]> = { alias: [], runner: [], execApi: [], execCli: [] };
    for (let i = 0; i < RUNS; i++) {
      const [a, code] = await time(() => runAlias(ws, ['shell', 'true']));
      if (code !== 0) {
        throw new Error(`alias exit ${code}`);
      }
      t.alias!.push(a);
      t.runner!.push((await time(() => runner(['shell', 'true'])))[0]);
      t.execApi!.push((await time(exec(helperApi)))[0]);
      t.execCli!.push((await time(exec(helperCli)))[0]);
    }
    const row = (name: string, xs: number[]) => `| ${name} | ${median(xs).toFixed(0)} | ${quantile(xs, 0.9).toFixed(0)} | ${Math.min(...xs).toFixed(0)} | ${Math.max(...xs).toFixed(0)} |`;
    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    console.log(`Machine: ${os.cpus().length} vCPU (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, node ${process.version}, podman ${detected.version} (${detected.rootless ? 'rootless' : 'rootful'}), ${RUNS} runs each, interleaved\n`);
    console.log('| `cosa shell true` via | median ms | p90 ms | min ms | max ms |\n|---|---|---|---|---|');
    console.log(row('bare alias (`bash -c` + the docs\' function)', t.alias!));
    console.log(row('engine runner (`CosaEngine.start`, execa)', t.runner!));
    console.log(row('helper exec, API socket (dockerode)', t.execApi!));
    console.log(row('helper exec, CLI (`podman exec`)', t.execCli!));
    const m = (k: string) => median(t[k]!);
    const p = (k: string) => quantile(t[k]!, 0.9);
    console.log(`\nrunner / alias: median ${(m('runner') / m('alias')).toFixed(3)}, p90 ${(p('runner') / p('alias')).toFixed(3)} (target <= 1.05)`);
    console.log(`exec API / fresh run (runner): median ${(m('execApi') / m('runner')).toFixed(3)}, p90 ${(p('execApi') / p('runner')).toFixed(3)} (target <= 0.3)`);
    console.log(`exec CLI / fresh run (runner): median ${(m('execCli') / m('runner')).toFixed(3)}, p90 ${(p('execCli') / p('runner')).toFixed(3)}`);
  } finally {
    await Promise.all(helpers.map((h) => h.stop().catch(() => undefined)));
    await engine.dispose();
    service.kill('SIGTERM');
    fs.rmSync(ws, { recursive: true, force: true });
    fs.rmSync(sockDir, { recursive: true, force: true });
    for (const d of fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('cosa-bench-cli-'))) {
      fs.rmSync(path.join(os.tmpdir(), d), { recursive: true, force: true });
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
