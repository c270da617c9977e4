import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  bypassesKvm,
  archToBoot, basearchOf, buildQemuImageArgs, cosaRunArgs, ignitionQuitHint, ignitionTerminalName, imagePathInContainer, kolaIgnitionArgs,
  kvmAdvice, qemuexecFlags, QemuOptionsError, quitHint, terminalName,
} from '../../src/cosa/qemuArgs';
import { referenceFixtures } from './referenceFixtures';

/** Long and short flag names of kola qemuexec, from the reconstructed help (local and global flags). */
function helpFlags(): Set<string> {
  const text = fs.readFileSync(path.join(referenceFixtures, 'cosa', 'kola-qemuexec-help.RECONSTRUCTED.txt'), 'utf8');
  const flags = new Set<string>();
  for (const m of text.matchAll(/^\s+(?:(-\w), )?(--[\w-]+)/gm)) {
    if (m[1]) {
      flags.add(m[1]);
    }
    flags.add(m[2]!);
  }
  return flags;
}

describe('qemuexecFlags (options -> kola qemuexec flags)', () => {
  it('maps nothing to nothing: kola\'s defaults', () => {
    assert.deepEqual(qemuexecFlags({}), []);
    assert.deepEqual(qemuexecFlags({ memoryMiB: 0, cpus: 'default', console: false, userNetworking: false, extraArgs: '  ' }), []);
  });

  it('maps each option to its flag, in a fixed order', () => {
    assert.deepEqual(qemuexecFlags({ memoryMiB: 2048 }), ['-m', '2048']);
    assert.deepEqual(qemuexecFlags({ cpus: 'host' }), ['--auto-cpus']);
    assert.deepEqual(qemuexecFlags({ console: true }), ['-c']);
    assert.deepEqual(qemuexecFlags({ userNetworking: true }), ['-U']);
    assert.deepEqual(qemuexecFlags({ extraArgs: '--kargs \'console=ttyS0 quiet\' -D 5G' }), ['--kargs', 'console=ttyS0 quiet', '-D', '5G']);
    assert.deepEqual(qemuexecFlags({ memoryMiB: 4096, cpus: 'host', console: true, userNetworking: true, extraArgs: '--add-ignition noautoupdate' }),
      ['-m', '4096', '--auto-cpus', '-c', '-U', '--add-ignition', 'noautoupdate']);
  });

  it('uses only flags that kola qemuexec has (reconstructed help)', () => {
    const known = helpFlags();
    assert.ok(known.has('--memory') && known.has('-m') && known.has('--auto-cpus') && known.has('-c') && known.has('-U') && known.has('--qemu-image'));
    // No CPU-count flag exists (only --auto-cpus), no port forwarding flag.
    assert.ok(![...known].some((f) => /^--(cpus|smp|processors)$/.test(f)));
    const all = cosaRunArgs('/srv/x.qcow2', { memoryMiB: 1536, cpus: 'host', console: true, userNetworking: true });
    for (const a of all.slice(1).filter((x) => x.startsWith('-'))) {
      assert.ok(known.has(a), `${a} is not a kola qemuexec flag`);
    }
  });

  it('refuses memory that kola or qemu cannot use', () => {
    for (const bad of [-1, 1.5, 64, Number.NaN]) {
      assert.throws(() => qemuexecFlags({ memoryMiB: bad }), QemuOptionsError, String(bad));
    }
  });

  it('refuses an unknown cpus value', () => {
    assert.throws(() => qemuexecFlags({ cpus: '4' as never }), /coreos.qemu.cpus must be one of default, host/);
  });

  it('refuses extra args that pick another disk, but passes qemu args after --', () => {
    assert.throws(() => qemuexecFlags({ extraArgs: '--qemu-image /srv/other.qcow2' }), /must not choose the disk/);
    assert.throws(() => qemuexecFlags({ extraArgs: '--qemu-iso=/srv/x.iso' }), /must not choose the disk/);
    assert.throws(() => qemuexecFlags({ extraArgs: 'other.qcow2' }), /must not choose the disk/);
    assert.deepEqual(qemuexecFlags({ extraArgs: '-- -drive file=a.qcow2' }), ['--', '-drive', 'file=a.qcow2']);
  });

  it('reports unbalanced quotes in extra args', () => {
    assert.throws(() => qemuexecFlags({ extraArgs: '--kargs "x' }), /coreos.qemu.extraArgs: unterminated/);
  });
});

describe('cosaRunArgs / buildQemuImageArgs', () => {
  it('runs cosa run with the image under /srv, then the option flags', () => {
    assert.deepEqual(cosaRunArgs('/srv/builds/1/x86_64/a b.qcow2', { console: true }), ['run', '--qemu-image', '/srv/builds/1/x86_64/a b.qcow2', '-c']);
  });

  it('builds the qemu image of one build with cosa osbuild', () => {
    assert.deepEqual(buildQemuImageArgs('42.20260101.dev.0'), ['osbuild', '--build', '42.20260101.dev.0', 'qemu']);
  });
});

describe('imagePathInContainer (host path -> /srv path)', () => {
  it('maps a file inside the workspace under /srv', () => {
    assert.deepEqual(imagePathInContainer('/home/u/fcos', '/home/u/fcos/builds/42.1/x86_64/fedora-coreos-42.1-qemu.x86_64.qcow2'),
      { path: '/srv/builds/42.1/x86_64/fedora-coreos-42.1-qemu.x86_64.qcow2' });
    assert.deepEqual(imagePathInContainer('/home/u/fcos/', '/home/u/fcos/x.qcow2'), { path: '/srv/x.qcow2' });
  });

  it('keeps spaces and shell characters literally (argv, never a shell)', () => {
    assert.deepEqual(imagePathInContainer('/home/u/my builds', '/home/u/my builds/images/a b $(x) \'q\'.qcow2'),
      { path: '/srv/images/a b $(x) \'q\'.qcow2' });
  });

  it('refuses files outside the workspace, also through .. or a sibling with the same prefix', () => {
    for (const outside of ['/home/u/other/x.qcow2', '/home/u/fcos/../x.qcow2', '/home/u/fcos-old/x.qcow2', '/x.qcow2']) {
      const r = imagePathInContainer('/home/u/fcos', outside);
      assert.ok('error' in r, outside);
      assert.match(r.error, /is outside the workspace \(\/home\/u\/fcos\)\. Only the workspace is mounted into the cosa container \(at \/srv\)/);
    }
  });

  it('refuses a symlink inside the workspace whose real path is outside', () => {
    const r = imagePathInContainer('/w', '/w/link.qcow2', { workspace: '/w', image: '/elsewhere/disk.qcow2' });
    assert.ok('error' in r);
    const ok = imagePathInContainer('/w', '/w/builds/latest/x86_64/a.qcow2', { workspace: '/w', image: '/w/builds/42.1/x86_64/a.qcow2' });
    assert.deepEqual(ok, { path: '/srv/builds/latest/x86_64/a.qcow2' });
  });

  it('refuses relative paths and the workspace itself', () => {
    assert.ok('error' in imagePathInContainer('/w', 'x.qcow2'));
    assert.ok('error' in imagePathInContainer('w', '/w/x.qcow2'));
    assert.ok('error' in imagePathInContainer('/w', '/w'));
  });
});

describe('kvmAdvice', () => {
  it('says nothing when /dev/kvm opens', () => {
    assert.equal(kvmAdvice({ ok: true }), undefined);
  });

  it('tells a missing device (load the module, nested virtualisation) from a permission problem (kvm group)', () => {
    const missing = kvmAdvice({ ok: false, code: 'ENOENT' })!;
    assert.match(missing.problem, /does not exist/);
    assert.match(missing.fix, /modprobe kvm_intel/);
    assert.match(missing.fix, /nested virtualisation/);
    const denied = kvmAdvice({ ok: false, code: 'EACCES' })!;
    assert.match(denied.fix, /usermod -aG kvm/);
    assert.match(kvmAdvice({ ok: false, code: 'EIO' })!.problem, /cannot be opened \(EIO\)/);
  });
});

describe('quitHint, terminalName, arch', () => {
  it('explains Ctrl-a x for the serial console and exit for the devshell', () => {
    assert.match(quitHint({ console: true }), /^Serial console: press Ctrl-a x to quit/);
    assert.match(quitHint({ console: false }), /^Devshell: `exit` or Ctrl-d/);
    assert.match(quitHint({}), /Ctrl-a x/);
  });

  it('names terminals by build id, numbered when taken', () => {
    assert.equal(terminalName('42.1', []), 'cosa run 42.1');
    assert.equal(terminalName('42.1', ['cosa run 42.1']), 'cosa run 42.1 (2)');
    assert.equal(terminalName('42.1', ['cosa run 42.1', 'cosa run 42.1 (2)']), 'cosa run 42.1 (3)');
  });

  it('boots the host arch of a build when it has it', () => {
    assert.equal(basearchOf('x64'), 'x86_64');
    assert.equal(basearchOf('arm64'), 'aarch64');
    assert.equal(archToBoot(['aarch64', 'x86_64'], 'x86_64'), 'x86_64');
    assert.equal(archToBoot(['aarch64'], 'x86_64'), 'aarch64');
    assert.equal(archToBoot([], 'x86_64'), undefined);
  });
});

describe('kolaIgnitionArgs (Test in VM: kola qemuexec --ignition-direct through shell)', () => {
  const cfg = '/srv/test.ign';
  const img = '/srv/builds/1/x86_64/fedora-coreos-1-qemu.x86_64.qcow2';

  it('runs kola through shell with the config passed as-is and the image', () => {
    assert.deepEqual(kolaIgnitionArgs(cfg, img, {}), ['shell', 'kola', 'qemuexec', '--ignition', cfg, '--ignition-direct', '--qemu-image', img]);
  });

  it('adds memory, user networking and --auto-cpus from the settings', () => {
    assert.deepEqual(kolaIgnitionArgs(cfg, img, { memoryMiB: 2048, cpus: 'host', userNetworking: true }).slice(8), ['-m', '2048', '--auto-cpus', '-U']);
    assert.deepEqual(kolaIgnitionArgs(cfg, img, { memoryMiB: 0, cpus: 'default', userNetworking: false }).slice(8), []);
  });

  it('never passes -c/--devshell (kola refuses them with --ignition-direct) nor the extra args', () => {
    const args = kolaIgnitionArgs(cfg, img, { console: true, extraArgs: '--devshell --bind-ro /srv,/mnt', memoryMiB: 512 });
    assert.deepEqual(args.slice(8), ['-m', '512']);
    for (const bad of ['-c', '--devshell', '--devshell-console', '--bind-ro', '--add-ignition']) {
      assert.ok(!args.includes(bad), bad);
    }
  });

  it('every flag it uses exists in kola qemuexec help', () => {
    const known = helpFlags();
    for (const f of kolaIgnitionArgs(cfg, img, { memoryMiB: 1024, cpus: 'host', userNetworking: true }).filter((a) => a.startsWith('-'))) {
      assert.ok(known.has(f), `${f} is a kola qemuexec flag`);
    }
  });

  it('keeps paths with spaces as one argument', () => {
    const args = kolaIgnitionArgs('/srv/my configs/a b.ign', img, {});
    assert.equal(args[4], '/srv/my configs/a b.ign');
  });

  it('refuses bad memory/cpus settings like Run in QEMU', () => {
    assert.throws(() => kolaIgnitionArgs(cfg, img, { memoryMiB: 12 }), QemuOptionsError);
    assert.throws(() => kolaIgnitionArgs(cfg, img, { cpus: 'all' as never }), QemuOptionsError);
  });

  it('a config file outside the workspace has no /srv path; one inside has', () => {
    assert.deepEqual(imagePathInContainer('/home/u/ws', '/home/u/ws/configs/x.ign'), { path: '/srv/configs/x.ign' });
    assert.ok('error' in imagePathInContainer('/home/u/ws', '/home/u/other/x.ign'));
  });

  it('names the terminal after the file and the build, and says Ctrl-a x first', () => {
    assert.equal(ignitionTerminalName('test.ign', '42.1', []), 'ignition test.ign on 42.1');
    assert.equal(ignitionTerminalName('test.ign', '42.1', ['ignition test.ign on 42.1']), 'ignition test.ign on 42.1 (2)');
    assert.match(ignitionQuitHint(), /^Ctrl-a x quits/);
  });

  it('bypassesKvm: runtimeArgs that already pass COSA_NO_KVM (the bypass cosa\'s message names)', () => {
    assert.ok(bypassesKvm(['-e', 'COSA_NO_KVM=1']));
    assert.ok(bypassesKvm(['--env=COSA_NO_KVM=1']));
    assert.ok(!bypassesKvm(['-e', 'X=COSA_NO_KVM', '--net=host']));
    assert.ok(!bypassesKvm(['-e', 'COSA_NO_KVM_X=1']));
    assert.ok(!bypassesKvm(['-e', 'COSA_NO_KVM=']), 'empty: cosa still runs its preflight');
    assert.ok(!bypassesKvm([]));
  });
});
