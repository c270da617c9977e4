// The stand-in's side of the VM e2e tests: a workspace made by the stand-in
// itself, the VM's boot marker, and the extension's containers of a workspace.

import { execFileSync, spawn } from 'node:child_process';
import { cosaRunArgv, CosaSettings, LABEL, LABEL_PURPOSE, LABEL_WORKSPACE, RuntimeHost, workspaceId } from '../../src/cosa/invocation';
import { NO_KVM_ARGS } from '../support/hostKvm';
import { TEST_SETTINGS } from './servers';

export const IMAGE = TEST_SETTINGS['coreos.image'];
export const MARKER = /COSA-VM-MARKER: booted kernel \S+ cpus=\d+/;
/** TCG boots in ~4 s on an idle machine; colleagues' tests can make it 20 s or more. */
export const BOOT_MS = 150_000;

export function podmanHost(): RuntimeHost {
  const [rootless, version] = execFileSync('podman', ['info', '--format', '{{.Host.Security.Rootless}} {{.Version.Version}}'], { encoding: 'utf8' }).trim().split(' ');
  return { kind: 'podman', rootless: rootless === 'true', ...(version ? { version } : {}), uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
}

/** Runs a bash script in the stand-in with the alias' flags (no terminal), the workspace at /srv; COSA_NO_KVM=1 on a machine without /dev/kvm (test/support/hostKvm.ts). */
export function standIn(ws: string, script: string): Promise<string> {
  const settings: CosaSettings = { runtime: 'podman', image: IMAGE, runtimeArgs: ['-e', 'COSA_STANDIN_BUILD_SECONDS=1', '-e', 'COSA_STANDIN_LOG_LINES=20', ...NO_KVM_ARGS] };
  const argv = cosaRunArgv(settings, { workspace: ws, args: ['shell', 'bash', '-ec', script], tty: false, purpose: `e2e-setup-${process.pid}` }, podmanHost());
  return new Promise((resolve, reject) => {
    const child = spawn('podman', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`stand-in set-up failed (${code}):\n${out}`))));
  });
}

export interface Container {
  readonly name: string;
  readonly state: string;
  readonly purpose: string;
}

/** The extension's containers of this workspace (`podman ps -a --filter label=io.github.coreos-vscode=1`). */
export function containers(ws: string): Container[] {
  const out = execFileSync('podman', ['ps', '-a', '--filter', `label=${LABEL}=1`, '--filter', `label=${LABEL_WORKSPACE}=${workspaceId(ws)}`, '--format', 'json'], { encoding: 'utf8' });
  const rows = JSON.parse(out || '[]') as { Names: string[]; State: string; Labels: Record<string, string> }[];
  return rows.map((r) => ({ name: r.Names[0]!, state: r.State, purpose: r.Labels[LABEL_PURPOSE] ?? '' }));
}

/** Host pids of the qemu processes in container `name`. */
export function qemuPids(name: string): number[] {
  let out: string;
  try {
    out = execFileSync('podman', ['top', name, 'hpid', 'args'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return [];
  }
  return out.split('\n').slice(1).filter((l) => /qemu-system-x86_64/.test(l)).map((l) => Number(l.trim().split(/\s+/)[0])).filter((n) => n > 0);
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `probe` every 250 ms until it returns a value, or fails after `timeout`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeout: number): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = probe();
    if (v) {
      return v;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out (${timeout} ms) waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
