// The test machine's remote builder (test/remote-builder/setup.sh) as the tests reach it: its
// CONTAINER_HOST/CONTAINER_SSHKEY, podman over ssh, and a look at a local folder that must not
// change. Also a TCP relay in front of its sshd whose connections a test can cut, as a network
// that drops would.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { RemoteBuilder } from '../../src/cosa/remoteSession';
import * as assert from 'node:assert/strict';
import { parseBuildMeta } from '../../src/cosa/buildMeta';
import { parseBuildsIndex } from '../../src/cosa/buildsIndex';
import { remoteProcessEnv, RemoteSession } from '../../src/engine/remoteSession';
import { HOST_HAS_KVM } from '../support/hostKvm';

const CLIENT_DIR = '/var/lib/coreos-vscode-test/builder-client';

export function testBuilder(): RemoteBuilder {
  const envFile = path.join(CLIENT_DIR, 'builder.env');
  if (!fs.existsSync(envFile)) {
    throw new Error(`no test builder (${envFile} is missing): run \`sudo bash test/setup-machine.sh\` (it runs test/remote-builder/setup.sh)`);
  }
  const vars = Object.fromEntries(fs.readFileSync(envFile, 'utf8').split('\n').filter((l) => l.includes('='))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return { url: vars.CONTAINER_HOST!, identity: vars.CONTAINER_SSHKEY!, name: 'test builder' };
}

export function remotePodman(builder: RemoteBuilder, args: string[]): string {
  return execFileSync('podman', args, { env: remoteProcessEnv(builder), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Every file under dir with its size, mtime and content hash: the local workspace must not change. */
export function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const st = fs.lstatSync(p);
      const hash = st.isFile() ? createHash('sha256').update(fs.readFileSync(p)).digest('hex') : st.isSymbolicLink() ? fs.readlinkSync(p) : '';
      out.push(`${path.relative(dir, p)} ${e.isDirectory() ? 'd' : st.size} ${st.mtimeMs} ${hash}`);
      if (e.isDirectory()) {
        walk(p);
      }
    }
  };
  walk(dir);
  return out.sort();
}

/** A relay on 127.0.0.1 to the builder's sshd; cut() drops every connection open through it. */
export interface SshRelay {
  /** The builder, reached through the relay. */
  readonly builder: RemoteBuilder;
  /** How many connections are open through it now. */
  open(): number;
  cut(): void;
  /** Connections open now stop carrying data both ways but stay open (a network that went away without a reset); new ones work. */
  freeze(): void;
  close(): Promise<void>;
}

export async function sshRelay(builder: RemoteBuilder): Promise<SshRelay> {
  const m = /^ssh:\/\/([^@]+)@([^:/]+):(\d+)(\/.*)$/.exec(builder.url);
  if (!m) {
    throw new Error(`the test builder's URL has no port: ${builder.url}`);
  }
  const [, user, host, port, socket] = m;
  const sockets = new Set<net.Socket>();
  const frozen = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), host);
    for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
      sockets.add(a);
      a.on('close', () => { sockets.delete(a); b.destroy(); });
      a.on('error', () => b.destroy());
      a.pipe(b);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const relayPort = (server.address() as net.AddressInfo).port;
  return {
    builder: { ...builder, url: `ssh://${user}@127.0.0.1:${relayPort}${socket}`, name: 'test builder (relayed)' },
    open: () => sockets.size / 2,
    cut: () => {
      for (const s of sockets) {
        s.resetAndDestroy();
      }
    },
    freeze: () => {
      for (const s of [...sockets]) {
        s.unpipe();
        s.pause();
        sockets.delete(s);
        frozen.add(s);
      }
    },
    close: async () => {
      for (const s of [...sockets, ...frozen]) {
        s.destroy();
      }
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** COSA_NO_KVM=1 for a session on a builder without /dev/kvm (the test builder is this machine: test/support/hostKvm.ts). */
export function noKvmEnv(): string[] {
  return HOST_HAS_KVM ? [] : ['COSA_NO_KVM=1'];
}

/** A session on the builder with one build that has a qemu image (init, build, osbuild qemu there); `workspace`: the local folder it is labelled for. */
export async function sessionWithQemuBuild(builder: RemoteBuilder, image: string, configRepo: string, workspace?: string): Promise<{ session: RemoteSession; buildId: string; arch: string; qemuImage: string }> {
  const session = await RemoteSession.create('podman', builder, {
    image, expiration: '30m', pull: 'never', ...(workspace ? { workspace } : {}), env: ['COSA_STANDIN_BUILD_SECONDS=0.2', 'COSA_STANDIN_LOG_LINES=10', 'COSA_STANDIN_DISK_SIZE=1G', ...noKvmEnv()],
  });
  try {
    await session.sync(`${configRepo}/`, ':/srv/.coreos-vscode/config-repo/');
    for (const args of [['init', 'file:///srv/.coreos-vscode/config-repo'], ['build']]) {
      const r = await session.run(args);
      assert.equal(r.exitCode, 0, `cosa ${args.join(' ')}:\n${r.stdout}\n${r.stderr}`);
    }
    const first = parseBuildsIndex((await session.readFile('/srv/builds/builds.json'))!).builds[0]!;
    const arch = first.arches[0]!;
    const osbuild = await session.run(['osbuild', '--build', first.id, 'qemu']);
    assert.equal(osbuild.exitCode, 0, `cosa osbuild qemu:\n${osbuild.stdout}\n${osbuild.stderr}`);
    const meta = parseBuildMeta((await session.readFile(`/srv/builds/${first.id}/${arch}/meta.json`))!).meta;
    const qemu = meta.images.find((i) => i.kind === 'qemu');
    assert.ok(qemu, 'osbuild qemu made a qemu image');
    return { session, buildId: first.id, arch, qemuImage: qemu.path };
  } catch (e) {
    await session.destroy();
    throw e;
  }
}
