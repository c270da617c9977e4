// Download throughput of a remote build's image (src/engine/imageDownload.ts) both ways it takes:
// rsync over OpenSSH to the builder's podman (its host key known) and rsync over `podman --remote
// exec -i` (as `cosa remote-session sync`; unknown host key), and the pod's way (exec's stdout), vs
// plain rsync over the same ssh (OpenSSH's client into the same builder account, `podman exec -i`
// there), same file, same run, interleaved. Target: ≥ 0.9×. Needs the test builder
// (test/setup-machine.sh); run it under the machine-wide heavy lock.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { downloadBuildFiles, DownloadWay } from '../src/engine/imageDownload';
import { ExecTransport } from '../src/engine/execTransport';
import { RemoteSession } from '../src/engine/remoteSession';
import { STAND_IN_IMAGE } from '../test/support/standInPrerequisites';
import { testBuilder } from '../test/integration/remoteBuilder';
import { builderKnownHosts, sshWithKnownHosts } from '../test/support/sshWithKnownHosts';

const MIB = 1024 * 1024;
const SIZE_MIB = Number(process.env.BENCH_DOWNLOAD_MIB ?? 256);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function main(): Promise<void> {
  const builder = testBuilder();
  const m = /^ssh:\/\/([^@]+)@([^:/]+):(\d+)\//.exec(builder.url)!;
  const [, user, host, port] = m;
  const session = await RemoteSession.create('podman', builder, { image: STAND_IN_IMAGE, expiration: '30m', pull: 'never' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-download-'));
  const known = sshWithKnownHosts(builderKnownHosts(builder.identity!));
  const unknown = sshWithKnownHosts('/dev/null');
  try {
    const buildId = '43.20261201.0.0';
    const arch = 'x86_64';
    const file = 'bench.qcow2';
    const inSession = `/srv/builds/${buildId}/${arch}/${file}`;
    // Random bytes: neither side can compress them away.
    const mk = await session.capture(['sh', '-c', `mkdir -p "$(dirname "$1")" && head -c ${SIZE_MIB}M /dev/urandom > "$1"`, 'sh', inSession], 300_000);
    if (mk.exitCode !== 0) throw new Error(mk.stderr);
    const ssh = ['ssh', '-i', builder.identity!, '-p', port!, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', `${user}@${host}`, 'podman', 'exec', '-i'].join(' ');
    const ours: number[] = [];
    const podmanWay: number[] = [];
    const plain: number[] = [];
    const timed = async (ws: string, ssh: string, expected: DownloadWay): Promise<number> => {
      fs.mkdirSync(ws);
      const t = process.hrtime.bigint();
      await downloadBuildFiles(session, ws, { buildId, arch, files: [file] }, { ssh, onWay: (w) => { if (w !== expected) throw new Error(`went ${w}, not ${expected}`); } });
      const s = Number(process.hrtime.bigint() - t) / 1e9;
      fs.rmSync(ws, { recursive: true });
      return s;
    };
    const streamed: number[] = [];
    // The same session seen as a plain exec target: the pod's way (exec's stdout).
    const asExecTarget: ExecTransport = { kind: 'pod', description: session.description, workdir: session.workdir, execCommand: (a, o) => session.execCommand(a, o) };
    for (let i = 0; i < ROUNDS; i++) {
      ours.push(await timed(path.join(dir, `ws${i}`), known.ssh, 'openssh'));
      podmanWay.push(await timed(path.join(dir, `podman${i}`), unknown.ssh, 'podman'));
      const ws2 = path.join(dir, `stream${i}`);
      fs.mkdirSync(ws2);
      let t = process.hrtime.bigint();
      await downloadBuildFiles(asExecTarget, ws2, { buildId, arch, files: [file] });
      streamed.push(Number(process.hrtime.bigint() - t) / 1e9);
      fs.rmSync(ws2, { recursive: true });
      const out = path.join(dir, `plain${i}.qcow2`);
      t = process.hrtime.bigint();
      const r = spawnSync('rsync', ['-a', '--rsh', ssh, `${session.id}:${inSession}`, out], { encoding: 'utf8' });
      plain.push(Number(process.hrtime.bigint() - t) / 1e9);
      if (r.status !== 0) throw new Error(`plain rsync: ${r.stderr}`);
      fs.rmSync(out);
    }
    const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
    const mbps = (s: number) => (SIZE_MIB * MIB) / s / 1e6;
    console.log(`file ${SIZE_MIB} MiB random, ${ROUNDS} rounds interleaved, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    const row = (what: string, a: number[]) => console.log(`${what.padEnd(50)} median ${median(a).toFixed(2)} s = ${mbps(median(a)).toFixed(1)} MB/s  [${a.map((s) => s.toFixed(2)).join(', ')}]`);
    row('Download, host key known (rsync over OpenSSH):', ours);
    row('Download, host key unknown (over podman --remote):', podmanWay);
    console.log(`exec's stdout (podman --remote exec cat):     median ${median(streamed).toFixed(2)} s = ${mbps(median(streamed)).toFixed(1)} MB/s  [${streamed.map((s) => s.toFixed(2)).join(', ')}]`);
    console.log(`plain rsync over OpenSSH:                      median ${median(plain).toFixed(2)} s = ${mbps(median(plain)).toFixed(1)} MB/s  [${plain.map((s) => s.toFixed(2)).join(', ')}]`);
    console.log(`throughput ratio to plain: Download over OpenSSH ${(median(plain) / median(ours)).toFixed(2)}× (target ≥ 0.9×); over podman ${(median(plain) / median(podmanWay)).toFixed(2)}×; exec's stdout ${(median(plain) / median(streamed)).toFixed(2)}×`);
  } finally {
    known.dispose();
    unknown.dispose();
    await session.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
