// Test in VM on a remote builder (src/vscode/qemuConsole.ts bootIgnition): the config goes into the
// session's tmp through exec's stdin, and that copy is removed when the VM ends, or when the VM does
// not start; a cancel before that copies nothing. With the typed vscode stand-in; the "session" is
// this machine (the argv it is given runs as it is) over a build directory of the test's, so the
// copy, its removal, and the builds.json/meta.json/stat reads are real files and processes. The
// launcher's terminal is a recorder; /dev/kvm's answer is the test's.

import '../../mocks/registerVscode';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { standIn, Uri } from '../../mocks/vscode';
import { KVM_PROBE_ARGV } from '../../../src/cosa/builderFacts';
import { CapturingTarget } from '../../../src/engine/buildDirSource';
import { runCaptured } from '../../../src/engine/processRunner';
import type { CosaLauncher, LaunchedTerminal, TerminalLaunch } from '../../../src/vscode/cosaLauncher';
import { QemuConsole, QemuConsoleDeps } from '../../../src/vscode/qemuConsole';

const BUILD = '42.20260101.3.0';
const QCOW2 = `fedora-coreos-${BUILD}-qemu.x86_64.qcow2`;
const CONFIG = '{"ignition": {"version": "3.4.0"}}';

describe('Test in VM\'s config copy on a builder (src/vscode/qemuConsole.ts)', () => {
  let ws: string;
  let srv: string;
  let kvm: string;
  let launches: TerminalLaunch[];
  let startTerminal: boolean;
  let stopped: number;
  let consoles: QemuConsole[];

  beforeEach(() => {
    standIn.reset();
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-vm-ws-'));
    srv = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-vm-srv-'));
    standIn.folders = [ws];
    fs.writeFileSync(path.join(ws, 'config.ign'), CONFIG);
    const arch = path.join(srv, 'builds', BUILD, 'x86_64');
    fs.mkdirSync(arch, { recursive: true });
    fs.writeFileSync(path.join(srv, 'builds', 'builds.json'), JSON.stringify({ 'schema-version': '1.0.0', builds: [{ id: BUILD, arches: ['x86_64'] }] }));
    const fixture = path.join(__dirname, '..', '..', 'fixtures', 'workspaces', 'builds', 'builds', BUILD, 'x86_64', 'meta.json');
    const meta = JSON.parse(fs.readFileSync(fixture, 'utf8')) as { images: Record<string, unknown> };
    fs.writeFileSync(path.join(arch, 'meta.json'), JSON.stringify({ ...meta, images: { ...meta.images, qemu: { path: QCOW2, sha256: '0'.repeat(64), size: 4 } } }));
    fs.writeFileSync(path.join(arch, QCOW2), 'qcow');
    standIn.quickPickAnswer = BUILD;
    kvm = 'usable';
    launches = [];
    startTerminal = true;
    stopped = 0;
    consoles = [];
  });
  afterEach(() => {
    consoles.forEach((c) => c.dispose());
    fs.rmSync(ws, { recursive: true, force: true });
    fs.rmSync(srv, { recursive: true, force: true });
  });

  function boot(local = false): Promise<vscode.Terminal | undefined> {
    const session: CapturingTarget = {
      kind: 'remote-session', description: 'remote session 4644a05b735e on builder1', workdir: srv,
      execCommand: (argv) => ({ file: argv[0]!, argv: argv.slice(1), env: process.env }),
      capture: async (argv) => (argv.join(' ') === KVM_PROBE_ARGV.join(' ')
        ? { exitCode: 0, stdout: `${kvm}\n`, stderr: '', timedOut: false }
        : runCaptured(argv[0]!, argv.slice(1), { timeoutMs: 30_000 })),
    };
    const launcher = {
      engine: { runtime: () => new Promise(() => undefined) },
      prepare: async () => ({ settings: {}, runtime: {} }),
      uniquePurpose: () => 'run-1',
      openTerminal: async (launch: TerminalLaunch): Promise<LaunchedTerminal | undefined> => {
        launches.push(launch);
        return startTerminal
          ? { terminal: { name: launch.name } as vscode.Terminal, containerName: 'c', runtimePath: 'podman', stop: async () => (stopped += 1, true) }
          : undefined;
      },
    } as unknown as CosaLauncher;
    const deps: QemuConsoleDeps = {
      launcher, runTask: async () => undefined,
      builders: local
        ? { current: () => ({ choice: { kind: 'local' } }), currentTarget: async () => undefined } as never
        : { current: () => ({ choice: { kind: 'url', url: 'ssh://core@builder1/run/user/1000/podman/podman.sock' } }), currentTarget: async () => session as never },
    };
    const qemu = new QemuConsole(deps);
    consoles.push(qemu);
    return qemu.bootIgnition(Uri.file(ws) as unknown as vscode.Uri, Uri.file(path.join(ws, 'config.ign')) as unknown as vscode.Uri);
  }

  const copies = () => {
    const tmp = path.join(srv, 'tmp', 'coreos-vscode');
    return fs.existsSync(tmp) ? fs.readdirSync(tmp) : [];
  };

  it('the VM boots the copy in the session\'s tmp; when its terminal closes, the VM is stopped and then the copy removed', async () => {
    const terminal = await boot();
    assert.ok(terminal, JSON.stringify(standIn.errors));
    const [copy] = copies();
    assert.match(copy ?? '', /^[0-9a-f]{8}-config\.ign$/);
    assert.equal(fs.readFileSync(path.join(srv, 'tmp', 'coreos-vscode', copy!), 'utf8'), CONFIG);
    assert.ok(launches[0]!.args.includes(path.posix.join(srv, 'tmp', 'coreos-vscode', copy!)), 'kola boots that copy');
    standIn.closeTerminal.fire(terminal);
    for (let turn = 0; copies().length; turn++) {
      assert.ok(turn < 500, 'the copy was never removed');
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(stopped, 1);
  });

  it('a VM that does not start (its terminal refused): the copy is removed before the command returns', async () => {
    startTerminal = false;
    assert.equal(await boot(), undefined);
    assert.equal(launches.length, 1);
    assert.deepEqual(copies(), []);
  });

  it('cancelled at the KVM question: nothing is copied to the builder', async () => {
    kvm = 'missing';
    assert.equal(await boot(), undefined);
    assert.equal(standIn.warnings.length, 1, 'the KVM question was asked (and dismissed)');
    assert.deepEqual(launches, []);
    assert.deepEqual(copies(), []);
  });

  it('runtimeArgs that already pass COSA_NO_KVM: no KVM question locally, and the VM runs without KVM; on a builder they do not apply, so it is asked', async () => {
    standIn.settings.set('coreos.runtimeArgs', '-e COSA_NO_KVM=1');
    fs.cpSync(path.join(srv, 'builds'), path.join(ws, 'builds'), { recursive: true });
    const local = await boot(true);
    assert.ok(local, JSON.stringify(standIn.errors));
    assert.deepEqual(standIn.warnings, [], 'no question: the user chose the bypass in the alias\' arguments');
    assert.deepEqual(launches[0]!.containerEnv, { COSA_NO_KVM: '1' });
    assert.equal(launches[0]!.kvmDevice, false);
    kvm = 'missing';
    assert.equal(await boot(), undefined);
    assert.equal(standIn.warnings.length, 1, 'the builder\'s missing /dev/kvm is asked about');
  });
});
