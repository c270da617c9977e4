// A VM on a terminal (Run in QEMU, Test in VM: CosaEngine.terminalCommand with bootsVm) ended the way
// VS Code ends it: the terminal closes (SIGHUP to its process), then the extension stops the container
// (src/vscode/qemuConsole.ts onClosed -> ContainerCli.stopAndRemove). kola keeps the guest's disk
// overlay in /var/tmp/mantle-qemu*, the host's /var/tmp under the alias: it must go with the VM. A
// signal to the container (the client passing on its SIGHUP, or podman stop's SIGTERM) ends cosa's
// entrypoint and dumb-init at once, and the kernel kills kola before it removes the dir.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NO_KVM_ENV } from '../../src/cosa/qemuArgs';
import { CosaEngine } from '../../src/engine/cosaProcess';
import { ContainerCli } from '../../src/engine/containers';
import type { RuntimeInfo } from '../../src/engine/runtime';
import { HOST_HAS_KVM } from '../support/hostKvm';
import { containerExists, makeWorkspace, standinSettings, within } from './helpers';
import { onPty } from './pty';

const mantleDirs = (): string[] => fs.readdirSync('/var/tmp').filter((e) => e.startsWith('mantle-qemu'));

describe('a VM on a terminal, closed: its container and kola\'s overlay dir in /var/tmp both go', function () {
  this.timeout(300_000);
  let engine: CosaEngine;
  let runtime: RuntimeInfo;

  before(async function () {
    engine = new CosaEngine({ stopGraceSeconds: 2 });
    runtime = await engine.runtime('podman');
  });
  after(async function () {
    await engine.dispose();
  });

  it('closing the terminal does not end the container; the extension\'s stop ends the guest first, so kola removes its overlay', async function () {
    const ws = makeWorkspace('vm-terminal');
    // cosa run (kola's devshell) boots a disk image: an empty one will do, the stand-in's VM boots its own kernel
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', path.join(ws, 'disk.qcow2'), '1G']);
    fs.chmodSync(path.join(ws, 'disk.qcow2'), 0o666);
    const before = mantleDirs();
    const cmd = engine.terminalCommand({
      workspace: ws, args: ['run', '--qemu-image', '/srv/disk.qcow2'], purpose: 'run', settings: standinSettings(), runtime, bootsVm: true,
      ...(HOST_HAS_KVM ? {} : { containerEnv: NO_KVM_ENV, kvmDevice: false }),
    });
    assert.ok(cmd.argv.includes('--sig-proxy=false'), cmd.argv.join(' '));
    const t = onPty(cmd);
    await t.waitFor(/\[core@cosa-devsh ~\]\$ /, 240_000);
    const overlay = mantleDirs().filter((d) => !before.includes(d));
    assert.equal(overlay.length, 1, `kola's overlay dir while the VM runs: ${overlay.join(', ')}`);
    // VS Code closes the terminal: SIGHUP to its process (the runtime's client)
    t.child.kill('SIGHUP');
    await t.exited;
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok(containerExists(cmd.containerName), 'the hang-up was not passed to the container: the VM is left to the extension\'s stop');
    const gone = await within('the extension\'s stop', 60_000, new ContainerCli(runtime.path).stopAndRemove(cmd.containerName, 2));
    assert.ok(gone && !containerExists(cmd.containerName), 'the container is gone');
    assert.deepEqual(mantleDirs().filter((d) => !before.includes(d)), [], 'kola\'s overlay dir is left in /var/tmp');
  });
});
