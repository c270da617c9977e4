// cosa run / cosa kola qemuexec / cosa shell kola qemuexec (contract 2.11, 5, 6):
// a real qemu boots the stand-in's tiny VM.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cosa, cosaPty, preparedWorkspace, sha256File } from './helpers';

const POWEROFF = ['-e', 'COSA_STANDIN_VM_MODE=poweroff'];
const strip = (s: string): string => s.replace(/\r/g, '');

describe('VM: kola qemuexec and cosa run', () => {
  let ws = '';
  before(async () => {
    ({ ws } = await preparedWorkspace(1));
  });

  it('cosa run needs a disk image: No disk image provided', async () => {
    const r = await cosa(ws, ['run']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: No disk image provided\n\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ cli: No disk image provided\nfailed to execute cmd-run: exit status 1\n$/);
  });

  it('rejects bad flag combinations and unknown flags like kola', async () => {
    const cases: [string[], RegExp][] = [
      [['run', '--ignition-direct', '--qemu-image', 'x.qcow2'], /^Error: Cannot use devshell with --ignition-direct$/m],
      [['shell', 'kola', 'qemuexec', '--ignition-direct'], /^Error: Cannot use --ignition-direct without --ignition or --butane$/m],
      [['shell', 'kola', 'qemuexec', '-i', 'a.ign', '-B', 'b.bu'], /^Error: Cannot use both --ignition and --butane$/m],
      [['run', '--frobnicate'], /^Error: unknown flag: --frobnicate\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} C \| cli: unknown flag: --frobnicate$/m],
    ];
    for (const [args, re] of cases) {
      const r = await cosa(ws, args);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.stderr, re);
    }
  });

  it('cosa kola goes through the cmd-kola wrapper (-p qemu, --output-dir)', async () => {
    const r = await cosa(ws, ['kola', 'qemuexec', '--ignition-direct']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^kola -p qemu qemuexec --ignition-direct --output-dir tmp\/kola\nError: Cannot use --ignition-direct without --ignition or --butane\n/);
    assert.match(r.stderr, /failed to execute cmd-kola: exit status 1\n$/);
  });

  it('builds the qemu image, then refuses cosa run without a terminal', async () => {
    assert.equal((await cosa(ws, ['osbuild', 'qemu'])).code, 0);
    const r = await cosa(ws, ['run']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: stdin is not a tty$/m);
    assert.match(r.stderr, /failed to execute cmd-run: exit status 1\n$/);
  });

  it('boots the latest build\'s qemu image with an Ignition config passed through fw_cfg', async () => {
    const ign = path.join(ws, 'test.ign');
    fs.writeFileSync(ign, JSON.stringify({
      ignition: { version: '3.4.0' },
      passwd: { users: [{ name: 'tester', sshAuthorizedKeys: ['ssh-ed25519 AAAAC3Nza test@example'] }] },
    }, null, 2));
    const r = await cosa(ws, ['kola', 'qemuexec', '--ignition', 'test.ign', '--ignition-direct'], { runtimeArgs: POWEROFF });
    assert.equal(r.code, 0, r.stderr);
    const out = strip(r.stdout);
    assert.match(out, new RegExp(`ignition: config sha256 ${sha256File(ign)}\n`));
    assert.match(out, /ignition: first user tester\n/);
    assert.match(out, /disk: \/dev\/vda 10737418240 bytes serial=primary-disk\n/);
    assert.match(out, /COSA-VM-MARKER: booted kernel \S+ cpus=1 mem=\d+kB/);
  });

  it('boots without an Ignition config (cosa shell kola qemuexec, --qemu-image, -m)', async () => {
    const img = fs.readdirSync(path.join(ws, 'builds', 'latest', 'x86_64')).find((f) => f.endsWith('.qcow2'))!;
    const r = await cosa(ws, ['shell', 'kola', 'qemuexec', '--qemu-image', `builds/latest/x86_64/${img}`, '-m', '512'], { runtimeArgs: POWEROFF });
    assert.equal(r.code, 0, r.stderr);
    const out = strip(r.stdout);
    assert.match(out, /ignition: no config provided\n/);
    assert.match(out, /COSA-VM-MARKER: booted kernel \S+ cpus=1 mem=(4\d\d|5\d\d)\d{3}kB/);
  });

  it('cosa run -x runs a command in the devshell VM without a terminal', async () => {
    const r = await cosa(ws, ['run', '-x', 'echo guest-says-$((6*7)); cat /proc/sys/kernel/hostname']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(strip(r.stdout), /^guest-says-42\ncosa-devsh\n/m);
  });

  it('a console VM on a terminal answers commands and quits on Ctrl-a x', async function () {
    const s = cosaPty(ws, ['run', '-c']);
    await s.waitFor(/COSA-VM-MARKER: booted/, 60_000);
    await s.waitFor(/\[core@cosa-devsh ~\]\$ /, 30_000);
    s.write('echo answer-$((6*7))\r');
    await s.waitFor(/answer-42/, 30_000);
    s.write('\x01x');
    assert.equal(await s.exit(30_000), 0);
    assert.match(s.output(), /QEMU: Terminated/);
  });

  it('devshell on a terminal shows kola\'s status lines and ends cleanly on exit', async function () {
    const s = cosaPty(ws, ['run']);
    await s.waitFor(/\[EVENT \| QEMU guest is ready for SSH\]/, 60_000);
    assert.ok(s.output().includes('\u001b[2K\r[STARTUP] '), 'kola-style status line');
    await s.waitFor(/\[core@cosa-devsh ~\]\$ /, 30_000);
    s.write('exit\r');
    assert.equal(await s.exit(30_000), 0);
    assert.match(s.output(), /\[SESSION\] Clean exit from SSH, terminating instance/);
  });
});
