// "Run in QEMU": `cosa run --qemu-image /srv/...` in a real integrated
// terminal (the runtime with an argv array, -ti: kola's devshell refuses a
// non-TTY stdin), one container per VM (unique names, so several run at
// once), from a build in the tree, a *.qcow2 in the explorer, or the palette
// (a quick pick of builds). A build without a qemu image can be given one
// first (`cosa osbuild --build <id> qemu` as a cosa task, like every other
// step: locked, cancellable). /dev/kvm is checked first. Closing the terminal stops the VM
// and removes its container; deactivation stops the rest (engine.adopt). With a remote
// builder, builds are read through its session and the VM boots there (`exec -it`, its
// /dev/kvm checked, the Ignition config sent through exec's stdin); closing the terminal stops
// the command there (CosaEngine.terminalCommand's stopInTarget).

import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BuildImage, parseBuildMeta } from '../cosa/buildMeta';
import { parseBuildsIndex } from '../cosa/buildsIndex';
import {
  archToBoot, buildQemuImageArgs, cosaRunArgs, ignitionQuitHint, ignitionTerminalName, imagePathInContainer,
  bypassesKvm, kolaIgnitionArgs, kvmAdvice, KvmProbe, NO_KVM_ENV, QemuCpus, QemuOptions, QemuOptionsError, quitHint, terminalName,
} from '../cosa/qemuArgs';
import { KVM_PROBE_ARGV, parseKvmProbe } from '../cosa/builderFacts';
import { bootCheck, imageState, sourceUrlOf, withEmulatedArch } from '../cosa/imageState';
import { CosaRunResult } from '../engine/cosaProcess';
import { locateInBuildDir, realPaths } from '../engine/buildDirFiles';
import { BuildDirSource, CapturingTarget, localBuildDir, sessionBuildDir } from '../engine/buildDirSource';
import { putTextFile } from '../engine/execTerminal';
import { SCRATCH_DIR } from '../engine/scratchFile';
import { Builders } from './builders';
import { BuildsTreeNode, HOST_ARCH, probeFile } from './buildsTree';
import { COMMANDS } from '../commandIds';
import { CosaLauncher } from './cosaLauncher';
import { warmUpCosa } from './cosaReadiness';
import { readCosaSettings } from './settings';

export interface QemuConsoleDeps {
  readonly launcher: CosaLauncher;
  /** Runs a cosa command as a task (the build flow) and resolves when it ends; undefined: it did not start. */
  readonly runTask: (root: vscode.Uri, args: readonly string[]) => Promise<{ readonly result: CosaRunResult } | undefined>;
  /** The workspace's builder (src/vscode/builders.ts): a remote one boots there. */
  readonly builders: Pick<Builders, 'current' | 'currentTarget'>;
}

/** Where a VM boots: the local build directory, or a remote session's (read through exec, booted there). */
interface BootPlace {
  readonly source: BuildDirSource;
  /** The remote session or pod the VM boots in. */
  readonly session?: CapturingTarget;
}

/** Seconds between SIGTERM and SIGKILL when a VM's terminal closes. */
const STOP_GRACE_SECONDS = 2;

/** The `coreos.qemu.*` settings. */
export function readQemuOptions(): QemuOptions {
  const c = vscode.workspace.getConfiguration('coreos.qemu');
  const cpus = c.get<string>('cpus') ?? 'default';
  return {
    memoryMiB: c.get<number>('memory') ?? 0,
    // Checked (with a message naming the setting) by qemuexecFlags.
    cpus: cpus as QemuCpus,
    console: c.get<boolean>('console') ?? false,
    userNetworking: c.get<boolean>('userNetworking') ?? false,
    extraArgs: c.get<string>('extraArgs') ?? '',
  };
}

/** Open /dev/kvm read-write, as qemu does. */
export async function probeKvm(device = '/dev/kvm'): Promise<KvmProbe> {
  try {
    const h = await fsp.open(device, 'r+');
    await h.close();
    return { ok: true };
  } catch (e) {
    return { ok: false, code: (e as NodeJS.ErrnoException).code ?? 'EUNKNOWN' };
  }
}

/** What to boot: a build (its qemu image is looked up) or an image file. */
type Target =
  | { readonly kind: 'build'; readonly buildId: string; readonly arches: readonly string[]; readonly read?: BuildQemu }
  | { readonly kind: 'file'; readonly uri: vscode.Uri };
type BuildTarget = Extract<Target, { kind: 'build' }>;

interface BuildQemu {
  readonly arch: string;
  readonly image?: BuildImage;
  readonly error?: string;
}

/** What a VM terminal shows and runs. */
interface VmTerminal {
  readonly name: string;
  readonly hint: string;
  /** The cosa args (after the image name in the container). */
  readonly args: string[];
  readonly kvm: boolean;
}

export const RUN_TITLE = vscode.l10n.t('Run in QEMU');

/** A remote builder's /dev/kvm as its session sees it (the local one does not matter there); unknown counts as usable: cosa checks it again. */
async function probeSessionKvm(session: CapturingTarget): Promise<KvmProbe> {
  const r = await session.capture(KVM_PROBE_ARGV).catch(() => undefined);
  const kvm = r?.exitCode === 0 ? parseKvmProbe(r.stdout) : undefined;
  return kvm === 'missing' ? { ok: false, code: 'ENOENT' } : kvm === 'read-only' ? { ok: false, code: 'EACCES' } : { ok: true };
}
export const TEST_TITLE = vscode.l10n.t('Test in VM');

interface RunningVm {
  readonly containerName: string;
  stop(graceSeconds: number): Promise<boolean>;
  /** Run once the VM is stopped. */
  readonly afterVm?: () => Promise<void>;
}

export class QemuConsole implements vscode.Disposable {
  private readonly vms = new Map<vscode.Terminal, RunningVm>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly deps: QemuConsoleDeps) {
    this.disposables.push(vscode.window.onDidCloseTerminal((t) => void this.onClosed(t)));
  }

  dispose(): void {
    for (const d of this.disposables) {
      d.dispose();
    }
  }

  /** The terminal is gone (closed by the user, or its process ended): make sure its VM and container are too. */
  private async onClosed(terminal: vscode.Terminal): Promise<void> {
    const vm = this.vms.get(terminal);
    if (!vm) {
      return;
    }
    this.vms.delete(terminal);
    const gone = await vm.stop(STOP_GRACE_SECONDS);
    await vm.afterVm?.();
    if (!gone) {
      void vscode.window.showWarningMessage(vscode.l10n.t('The VM container {0} could not be removed; remove it with "podman rm -f {0}".', vm.containerName));
    }
  }

  /**
   * Run in QEMU (the command table checked folder and trust first): `arg` is
   * a tree node, an image file, or nothing (a quick pick). Throws
   * QemuOptionsError for settings kola cannot take.
   */
  async run(root: vscode.Uri, arg: unknown, askOptions: boolean): Promise<vscode.Terminal | undefined> {
    // While the user picks: what the spawn waits for (runtime, image, /dev/kvm).
    warmUpCosa(this.deps.launcher.engine);
    const place = await this.bootPlace(root, RUN_TITLE);
    if (!place) {
      return undefined;
    }
    const kvmProbe = place.session ? probeSessionKvm(place.session) : probeKvm();
    const target = await this.targetOf(arg, RUN_TITLE, place);
    if (!target) {
      return undefined;
    }
    let imagePath: string;
    let label: string;
    let arch = HOST_ARCH;
    if (target.kind === 'build') {
      const found = await this.buildImagePath(root, target, RUN_TITLE, place);
      if (!found) {
        return undefined;
      }
      ({ path: imagePath, arch } = found);
      label = target.buildId;
    } else {
      if (place.session) {
        void vscode.window.showErrorMessage(vscode.l10n.t('{0}: {1} is a local file, and this workspace builds on {2}: boot a build of the builder from the CoreOS Builds view, or select the local builder.',
          RUN_TITLE, target.uri.fsPath, place.session.description));
        return undefined;
      }
      const inContainer = imagePathInContainer(root.fsPath, target.uri.fsPath, await realPaths(root.fsPath, target.uri.fsPath));
      if ('error' in inContainer) {
        void vscode.window.showErrorMessage(vscode.l10n.t('{0}: {1}', RUN_TITLE, inContainer.error));
        return undefined;
      }
      imagePath = inContainer.path;
      label = target.uri.path.split('/').pop() ?? target.uri.fsPath;
    }
    let options = readQemuOptions();
    if (askOptions) {
      const picked = await pickOptions(options);
      if (!picked) {
        return undefined;
      }
      options = picked;
    }
    const args = emulated(cosaRunArgs(imagePath, options), arch);
    const kvm = arch === HOST_ARCH ? await this.checkKvm(kvmTitle(RUN_TITLE, place), kvmProbe, place) : false;
    if (kvm === undefined) {
      return undefined;
    }
    return this.openTerminal(root, {
      name: terminalName(label, vscode.window.terminals.map((t) => t.name)), hint: quitHint(options), args, kvm,
    }, RUN_TITLE);
  }

  /**
   * Test in VM: boot `configUri` (an Ignition config inside the workspace)
   * with `kola qemuexec --ignition <it> --ignition-direct --qemu-image <image>`
   * on a build picked from the builds with a qemu image (offering to build
   * one), in a terminal like Run in QEMU's: one container per VM, stopped and
   * removed when the terminal closes. Throws QemuOptionsError.
   */
  async bootIgnition(root: vscode.Uri, configUri: vscode.Uri): Promise<vscode.Terminal | undefined> {
    const file = configUri.path.split('/').pop() ?? configUri.fsPath;
    const config = imagePathInContainer(root.fsPath, configUri.fsPath, await realPaths(root.fsPath, configUri.fsPath));
    if ('error' in config) {
      void vscode.window.showErrorMessage(vscode.l10n.t('{0}: {1}', TEST_TITLE, config.error.replace('the image', 'the config')));
      return undefined;
    }
    warmUpCosa(this.deps.launcher.engine);
    const place = await this.bootPlace(root, TEST_TITLE);
    if (!place) {
      return undefined;
    }
    const kvmProbe = place.session ? probeSessionKvm(place.session) : probeKvm();
    const target = await this.pickBuild(TEST_TITLE, vscode.l10n.t('Build to boot with {0}', file), place);
    if (!target) {
      return undefined;
    }
    const found = await this.buildImagePath(root, target, TEST_TITLE, place);
    if (!found) {
      return undefined;
    }
    const { path: imagePath, arch } = found;
    const kvm = arch === HOST_ARCH ? await this.checkKvm(kvmTitle(TEST_TITLE, place), kvmProbe, place) : false;
    if (kvm === undefined) {
      return undefined;
    }
    let configPath = config.path;
    let removeCopy: (() => Promise<void>) | undefined;
    if (place.session) {
      // The builder sees none of the local disk: the config goes there through exec's stdin, into
      // the session's tmp, and is removed when the VM ends (or does not start).
      const session = place.session;
      configPath = path.posix.join(session.workdir, ...SCRATCH_DIR, `${randomBytes(4).toString('hex')}-${file.replace(/[^A-Za-z0-9._-]/g, '_')}`);
      try {
        await putTextFile(session, configPath, new TextDecoder().decode(await vscode.workspace.fs.readFile(configUri)));
      } catch (e) {
        void vscode.window.showErrorMessage(vscode.l10n.t('{0}: {1}', TEST_TITLE, (e as Error).message));
        return undefined;
      }
      const copy = configPath;
      removeCopy = () => removeInTarget(session, copy);
    }
    const args = emulated(kolaIgnitionArgs(configPath, imagePath, readQemuOptions()), arch);
    let terminal: vscode.Terminal | undefined;
    try {
      terminal = await this.openTerminal(root, {
        name: ignitionTerminalName(file, target.buildId, vscode.window.terminals.map((t) => t.name)), hint: ignitionQuitHint(), args, kvm,
      }, TEST_TITLE, removeCopy);
    } finally {
      if (!terminal) {
        await removeCopy?.();
      }
    }
    return terminal;
  }

  /**
   * The qemu image of a build and its arch, ready for kola: built first when
   * missing (host arch only) and the user agrees; a foreign arch only after
   * the user accepts full emulation; decompressed or fetched first when it is
   * compressed or absent (never handed to kola as it is).
   */
  private async buildImagePath(root: vscode.Uri, target: BuildTarget, title: string, place: BootPlace): Promise<{ path: string; arch: string } | undefined> {
    const found = target.read ?? await this.qemuImageOf(place.source, target.buildId, target.arches);
    if (found.error) {
      void vscode.window.showErrorMessage(vscode.l10n.t('{0}: build {1}: {2}', title, target.buildId, found.error));
      return undefined;
    }
    if (found.arch !== HOST_ARCH && !(await confirmEmulation(target.buildId, found.arch, title))) {
      return undefined;
    }
    let image = found.image;
    if (!image) {
      if (found.arch !== HOST_ARCH) {
        void vscode.window.showErrorMessage(vscode.l10n.t(
          "{0}: build {1} has no qemu image for {2}, and cosa osbuild builds images of this machine's arch ({3}) only. Fetch a published one with Build Fetch (--arch {2} --artifact qemu).",
          title, target.buildId, found.arch, HOST_ARCH,
        ));
        return undefined;
      }
      image = await this.offerQemuImage(root, target.buildId, found.arch, title, place);
      if (!image) {
        return undefined;
      }
    }
    const ready = await this.readyToBoot(root, target.buildId, found.arch, image, title, place);
    if (!ready) {
      return undefined;
    }
    try {
      const entry = { buildId: target.buildId, arch: found.arch, file: ready.path };
      if (place.source.pathInTarget) {
        // The builder's own path: the session's build directory.
        return { path: place.source.pathInTarget(entry), arch: found.arch };
      }
      // The image must really be in builds/ (no symlink out of it): the container writes that directory.
      const file = await locateInBuildDir(root.fsPath, entry);
      const inContainer = imagePathInContainer(root.fsPath, file, await realPaths(root.fsPath, file));
      if ('error' in inContainer) {
        void vscode.window.showErrorMessage(vscode.l10n.t('{0}: {1}', title, inContainer.error));
        return undefined;
      }
      return { path: inContainer.path, arch: found.arch };
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('{0}: build {1}: {2}', title, target.buildId, (e as Error).message));
      return undefined;
    }
  }

  /** Stat the image; decompress a compressed one, fetch an absent one (when the user agrees), then look again. */
  private async readyToBoot(root: vscode.Uri, buildId: string, arch: string, first: BuildImage, title: string, place: BootPlace): Promise<BuildImage | undefined> {
    let image = first;
    // decompress, fetch, then decompress what was fetched: at most three rounds
    for (let round = 0; round < 3; round++) {
      const probe = place.source.probe
        ? await place.source.probe({ buildId, arch, file: image.path })
        : await probeFile(vscode.Uri.joinPath(root, 'builds', buildId, arch, image.path));
      const state = imageState(image, probe);
      // Where the build was fetched from matters only for an absent image (the offer to fetch it); a builder's is not read here.
      const sourceUrl = state.kind !== 'absent' || place.session ? undefined : await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, 'tmp', 'builds-source.txt'))
        .then((b) => sourceUrlOf(new TextDecoder().decode(b)), () => undefined);
      const check = bootCheck({ buildId, arch, image, state, ...(sourceUrl ? { sourceUrl } : {}) });
      if (check.kind === 'boot') {
        return image;
      }
      if (check.kind === 'refuse' || (check.kind === 'absent' && !check.fetchArgs)) {
        void vscode.window.showErrorMessage(vscode.l10n.t('{0}: {1}', title, check.message));
        return undefined;
      }
      const action = check.kind === 'decompress' ? vscode.l10n.t('Decompress and Boot') : vscode.l10n.t('Fetch and Boot');
      const choice = await vscode.window.showWarningMessage(vscode.l10n.t('{0}: {1}', title, check.message), action);
      if (choice !== action) {
        return undefined;
      }
      const ok = check.kind === 'decompress'
        ? await vscode.commands.executeCommand<boolean>(COMMANDS.decompressBuild, { buildId })
        : await vscode.commands.executeCommand<boolean>(COMMANDS.buildFetch, { args: check.fetchArgs });
      if (!ok) {
        return undefined;
      }
      const again = await this.qemuImageOf(place.source, buildId, [arch]);
      if (!again.image) {
        void vscode.window.showErrorMessage(vscode.l10n.t('{0}: {1}/meta.json of {2} no longer lists a qemu image.', title, arch, buildId));
        return undefined;
      }
      image = again.image;
    }
    void vscode.window.showErrorMessage(vscode.l10n.t('{0}: the qemu image of {1} is still not ready to boot ({2}).', title, buildId, image.path));
    return undefined;
  }

  /** true: use KVM; false: continue without (COSA_NO_KVM=1); undefined: the user gave up. `probe`: started when the gesture began. */
  private async checkKvm(title: string, probe: Promise<KvmProbe>, place: BootPlace): Promise<boolean | undefined> {
    // The local alias' runtimeArgs already pass COSA_NO_KVM (what cosa's own message says to do): the user answered.
    if (!place.session && bypassesKvm(localRuntimeArgs())) {
      return false;
    }
    const advice = kvmAdvice(await probe);
    if (!advice) {
      return true;
    }
    const go = vscode.l10n.t('Continue without KVM (slow)');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0}: {1}', title, advice.problem),
      { modal: true, detail: vscode.l10n.t('Fix: {0}\n\nWithout KVM, cosa runs qemu with software emulation (COSA_NO_KVM=1, TCG): it works, many times slower.', advice.fix) },
      go,
    );
    return choice === go ? false : undefined;
  }

  /** `afterVm`: what the VM leaves to remove once it is stopped (Test in VM's config copy on a builder). */
  private async openTerminal(root: vscode.Uri, vm: VmTerminal, title: string, afterVm?: () => Promise<void>): Promise<vscode.Terminal | undefined> {
    const launched = await this.deps.launcher.openTerminal({
      root, args: vm.args, purpose: this.deps.launcher.uniquePurpose('run'), name: vm.name, icon: 'vm',
      banner: [`\x1b[1m${vm.hint}\x1b[0m`, ...(vm.kvm ? [] : [`\x1b[33m${vscode.l10n.t('Without KVM (COSA_NO_KVM=1): software emulation, slow.')}\x1b[0m`])],
      ...(vm.kvm ? {} : { containerEnv: NO_KVM_ENV, kvmDevice: false }),
      // A reload must not start this VM again under the same container name.
      transient: true,
    }, title);
    if (launched) {
      this.vms.set(launched.terminal, { containerName: launched.containerName, stop: launched.stop, ...(afterVm ? { afterVm } : {}) });
    }
    return launched?.terminal;
  }

  /** The build or file to boot, from a tree node, an explorer URI, or (palette) a quick pick. */
  private async targetOf(arg: unknown, title: string, place: BootPlace): Promise<Target | undefined> {
    if (arg instanceof vscode.Uri) {
      return { kind: 'file', uri: arg };
    }
    const node = arg as BuildsTreeNode | undefined;
    if (node?.kind === 'build') {
      return { kind: 'build', buildId: node.id, arches: node.arches };
    }
    if (node?.kind === 'image' || node?.kind === 'arch') {
      return { kind: 'build', buildId: node.buildId, arches: [node.arch] };
    }
    return this.pickBuild(title, vscode.l10n.t('Build to boot with cosa run'), place);
  }

  /**
   * The workspace's builder: local, or its remote session (opened on first use, like every
   * cosa command; the user is told when it cannot be). undefined: it cannot be used.
   */
  private async bootPlace(root: vscode.Uri, title: string): Promise<BootPlace | undefined> {
    const current = this.deps.builders.current();
    if (!('error' in current) && current.choice.kind === 'local') {
      return { source: localBuildDir(root.fsPath) };
    }
    const prepared = await this.deps.launcher.prepare(title, root);
    if ('reason' in prepared) {
      return undefined;
    }
    const session = await this.deps.builders.currentTarget(root);
    return session ? { source: sessionBuildDir(session), session } : { source: localBuildDir(root.fsPath) };
  }

  private async pickBuild(title: string, placeHolder: string, place: BootPlace): Promise<BuildTarget | undefined> {
    let text: string;
    try {
      text = new TextDecoder().decode(await place.source.read('builds.json'));
    } catch {
      void vscode.window.showErrorMessage(vscode.l10n.t('{0}: this folder has no builds yet (builds/builds.json). Build first (CoreOS: Build).', title));
      return undefined;
    }
    const index = parseBuildsIndex(text);
    const builds = [...new Map(index.builds.map((b) => [b.id, b])).values()];
    if (!builds.length) {
      void vscode.window.showErrorMessage(index.error
        ? vscode.l10n.t('{0}: no builds in builds/builds.json ({1}).', title, index.error)
        : vscode.l10n.t('{0}: no builds in builds/builds.json.', title));
      return undefined;
    }
    type Item = vscode.QuickPickItem & { target?: BuildTarget };
    const rows = await Promise.all(builds.map(async (b) => ({ b, q: await this.qemuImageOf(place.source, b.id, b.arches) })));
    const withImage: Item[] = [];
    const without: Item[] = [];
    for (const { b, q } of rows) {
      // What the pick read is what the user picked: not read again after the click.
      const target: BuildTarget = { kind: 'build', buildId: b.id, arches: b.arches, read: q };
      if (q.image) {
        withImage.push({ label: b.id, description: `${q.arch} · ${q.image.path}`, target });
      } else if (!q.error) {
        without.push({ label: b.id, description: vscode.l10n.t('{0} · no qemu image: build it first (cosa osbuild qemu)', q.arch), target });
      }
    }
    const items: Item[] = [
      ...withImage,
      ...(without.length ? [{ label: vscode.l10n.t('without a qemu image'), kind: vscode.QuickPickItemKind.Separator } as Item, ...without] : []),
    ];
    if (!items.length) {
      void vscode.window.showErrorMessage(vscode.l10n.t('{0}: no build has a readable meta.json.', title));
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('{0}: pick a build (newest first)', title),
      placeHolder,
      matchOnDescription: true,
    });
    return picked?.target;
  }

  /** The qemu image of a build's arch (host arch when the build has it), from its meta.json. */
  private async qemuImageOf(source: BuildDirSource, buildId: string, arches: readonly string[]): Promise<BuildQemu> {
    const arch = archToBoot(arches, HOST_ARCH);
    if (!arch) {
      return { arch: HOST_ARCH, error: vscode.l10n.t('builds.json lists no architecture for it') };
    }
    let text: string;
    try {
      text = new TextDecoder().decode(await source.read({ buildId, arch, file: 'meta.json' }));
    } catch (e) {
      return { arch, error: vscode.l10n.t('{0}/meta.json could not be read ({1})', arch, (e as Error).message) };
    }
    const image = parseBuildMeta(text).meta.images.find((i) => i.kind === 'qemu');
    return { arch, ...(image ? { image } : {}) };
  }

  /** No qemu image: offer `cosa osbuild --build <id> qemu`, then return the new image. */
  private async offerQemuImage(root: vscode.Uri, buildId: string, arch: string, title: string, place: BootPlace): Promise<BuildImage | undefined> {
    const build = vscode.l10n.t('Build QEMU Image and Boot');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('Build {0} has no qemu image (cosa build no longer makes one). Build it with "cosa osbuild --build {0} qemu", then boot it?', buildId),
      build,
    );
    if (choice !== build) {
      return undefined;
    }
    // A cosa task like every other step: its terminal, progress, status item,
    // and on failure the build flow's notification with Show Output.
    const end = await this.deps.runTask(root, buildQemuImageArgs(buildId));
    if (!end || end.result.cancelled || end.result.exitCode !== 0) {
      return undefined;
    }
    const again = await this.qemuImageOf(place.source, buildId, [arch]);
    if (!again.image) {
      void vscode.window.showErrorMessage(vscode.l10n.t('{0}: cosa osbuild qemu finished, but {1}/meta.json of {2} still has no qemu image.', title, arch, buildId));
      return undefined;
    }
    return again.image;
  }
}

/**
 * Removes a file the extension put into a session or pod (best effort: an unreachable builder keeps
 * it in the session's tmp, which goes with the session).
 */
async function removeInTarget(target: CapturingTarget, file: string): Promise<void> {
  await target.capture(['rm', '-f', '--', file]).catch(() => undefined);
}

/** coreos.runtimeArgs (or its env fallback) as words; none when the settings are invalid (the command's start says why). */
function localRuntimeArgs(): readonly string[] {
  try {
    return readCosaSettings().runtimeArgs;
  } catch {
    return [];
  }
}

/** A remote builder's KVM problem names the builder. */
function kvmTitle(title: string, place: BootPlace): string {
  return place.session ? vscode.l10n.t('{0} on {1}', title, place.session.description) : title;
}

/** A foreign-arch build boots under full emulation (kola qemuexec --arch, TCG): only when the user accepts. */
async function confirmEmulation(buildId: string, arch: string, title: string): Promise<boolean> {
  const go = vscode.l10n.t('Boot {0} with Emulation', arch);
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('{0}: build {1} has no {2} artifacts, only {3}.', title, buildId, HOST_ARCH, arch),
    { modal: true, detail: vscode.l10n.t('kola boots it with full emulation (qemuexec --arch {0}, TCG, no KVM): it works, many times slower than a native VM.', arch) },
    go,
  );
  return choice === go;
}

/** kola args for booting `arch` here (`--arch` for a foreign one). Throws QemuOptionsError when kola cannot emulate it. */
function emulated(args: string[], arch: string): string[] {
  const out = withEmulatedArch(args, arch, HOST_ARCH);
  if (!out) {
    throw new QemuOptionsError(vscode.l10n.t('kola cannot boot {0} images on {1} (qemuexec --arch emulates x86_64, aarch64, s390x and ppc64le)', arch, HOST_ARCH));
  }
  return out;
}

/** The options quick pick: toggles, then memory and extra args, prefilled from the settings. */
async function pickOptions(defaults: QemuOptions): Promise<QemuOptions | undefined> {
  type Toggle = vscode.QuickPickItem & { key: 'console' | 'userNetworking' | 'hostCpus' };
  const toggles: Toggle[] = [
    { key: 'console', label: vscode.l10n.t('Serial console (-c)'), description: vscode.l10n.t('instead of the SSH devshell; Ctrl-a x quits'), picked: !!defaults.console },
    { key: 'userNetworking', label: vscode.l10n.t('User-mode networking (-U)'), description: vscode.l10n.t('the devshell has it anyway'), picked: !!defaults.userNetworking },
    { key: 'hostCpus', label: vscode.l10n.t('All host CPUs (--auto-cpus)'), description: vscode.l10n.t('up to 16; the devshell does this anyway'), picked: defaults.cpus === 'host' },
  ];
  const picked = await vscode.window.showQuickPick(toggles, { title: vscode.l10n.t('Run in QEMU: options (1/3)'), canPickMany: true, ignoreFocusOut: true });
  if (!picked) {
    return undefined;
  }
  const on = new Set(picked.map((p) => p.key));
  const memory = await vscode.window.showInputBox({
    title: vscode.l10n.t('Run in QEMU: memory in MiB (2/3)'),
    prompt: vscode.l10n.t("-m N; empty or 0: kola's default (1024 MiB on x86_64)"),
    value: defaults.memoryMiB ? String(defaults.memoryMiB) : '',
    ignoreFocusOut: true,
    validateInput: (v) => (!v.trim() || /^\d+$/.test(v.trim()) ? undefined : vscode.l10n.t('A whole number of MiB')),
  });
  if (memory === undefined) {
    return undefined;
  }
  const extraArgs = await vscode.window.showInputBox({
    title: vscode.l10n.t('Run in QEMU: more kola qemuexec arguments (3/3)'),
    prompt: vscode.l10n.t("e.g. --kargs 'console=ttyS0' -D 5G; after -- they go to qemu. Split like shell words, never run through a shell."),
    value: defaults.extraArgs ?? '',
    ignoreFocusOut: true,
  });
  if (extraArgs === undefined) {
    return undefined;
  }
  return {
    memoryMiB: memory.trim() ? Number(memory.trim()) : 0,
    cpus: on.has('hostCpus') ? 'host' : 'default',
    console: on.has('console'),
    userNetworking: on.has('userNetworking'),
    extraArgs,
  };
}
