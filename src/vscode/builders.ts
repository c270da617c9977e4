// Where the workspace's cosa commands run: the local runtime or a remote podman builder
// (`coreos.builder`, src/cosa/builderChoice.ts). Select Builder picks one; the first command
// afterwards opens the workspace's cosa remote session on it (src/engine/builderSessions.ts)
// and makes it the engine's target; a status bar item names the builder with its facts (arch,
// podman version, KVM, free disk), read from the builder itself. A Kubernetes pod builder
// (`kubectl://…`) is src/vscode/kubeBuilder.ts, which these methods hand it to.

import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds';
import {
  BuilderChoice, builderChoiceLabel, builderSettingValue, resolveBuilderChoice,
} from '../cosa/builderChoice';
import { BuilderFacts, describeBuilder } from '../cosa/builderFacts';
import { parseBuilderUrl, RemoteBuilder, RemoteBuilderError } from '../cosa/remoteSession';
import { collectBuilderFacts } from '../engine/builderFacts';
import { findWorkspaceSession, listConnections, openWorkspaceSession } from '../engine/builderSessions';
import { sessionBuildDir } from '../engine/buildDirSource';
import { CosaEngine } from '../engine/cosaProcess';
import { CosaPod, PodToBeMade } from '../engine/cosaPod';
import { findOnPath } from '../engine/executables';
import { KubeCancelled } from '../engine/kubePods';
import { RemoteSession } from '../engine/remoteSession';
import { KubePodAddress } from '../cosa/kubePod';
import { KUBE_PICK, KubePods } from './kubeBuilder';
import { CurrentBuilder, readBuilderChoice, writeBuilderSetting } from './settings';
import { ContextBuildDir, NO_SESSION } from './workspaceContext';

export const SELECT_BUILDER_TITLE = vscode.l10n.t('Select Builder');
export const DESTROY_SESSION_TITLE = vscode.l10n.t('Destroy Remote Session');
/** A session ends by itself after this (sleep's argument), so a forgotten one does not hold the builder's disk forever. */
export const SESSION_EXPIRATION = '12h';
/** A session older than this since its last look is looked at again before a command (it may have expired). */
const RECHECK_MS = 60_000;

export const LOCAL_PICK = vscode.l10n.t('Local');
export const URL_PICK = vscode.l10n.t('Enter an ssh:// URL…');

interface ActiveSession {
  /** The builder's URL and identity: another builder needs another session. */
  readonly key: string;
  readonly builder: RemoteBuilder;
  readonly session: Promise<RemoteSession>;
  /** The session once open (undefined while it opens: creating one can take minutes, an image pull on the builder). */
  opened?: RemoteSession;
  checkedAt: number;
}

const keyOf = (b: RemoteBuilder) => `${b.url}\n${b.identity ?? ''}`;

export class Builders implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly sessions = new Map<string, ActiveSession>();
  private readonly facts = new Map<string, BuilderFacts | { readonly error: string }>();
  /** The remote builder resolved last (its facts are what the status bar shows). */
  private shown: RemoteBuilder | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** The builder changed, a session was opened, or its facts arrived. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly engine: CosaEngine,
    private readonly podmanPath: () => string | undefined = () => findOnPath('podman'),
    readonly pods: KubePods = new KubePods(engine),
  ) {
    this.item = vscode.window.createStatusBarItem('coreos.builder', vscode.StatusBarAlignment.Left, 49);
    this.item.name = vscode.l10n.t('CoreOS Assembler: builder');
    this.item.command = COMMANDS.selectBuilder;
    this.update();
  }

  dispose(): void {
    this.item.dispose();
    this.changed.dispose();
  }

  /** The choice in effect: the setting, a remote builder only in a trusted workspace. */
  current(): CurrentBuilder {
    return readBuilderChoice();
  }

  /** The remote builder in effect (a connection name looked up in podman's list); undefined: local. Throws RemoteBuilderError. */
  async remoteBuilder(): Promise<RemoteBuilder | undefined> {
    const c = this.current();
    if ('error' in c) {
      throw new RemoteBuilderError(c.error);
    }
    if (c.choice.kind === 'local') {
      return undefined;
    }
    this.shown = resolveBuilderChoice(c.choice, c.choice.kind === 'connection' ? await listConnections(this.podman()) : []);
    return this.shown;
  }

  /** The facts of a builder read last (undefined: not asked yet). */
  factsOf(builder: RemoteBuilder): BuilderFacts | { readonly error: string } | undefined {
    return this.facts.get(keyOf(builder));
  }

  /** The session of `root` on the builder in effect that this window uses, when one is open (undefined: local or none yet). */
  async currentSession(root: vscode.Uri): Promise<RemoteSession | undefined> {
    return this.activeOf(root)?.session.catch(() => undefined);
  }

  /** `root`'s session entry when it is on the builder in effect (undefined: local, none yet, another builder's). */
  private activeOf(root: vscode.Uri): ActiveSession | undefined {
    const c = this.current();
    const active = this.sessions.get(root.fsPath);
    return 'error' in c || c.choice.kind === 'local' || !active || (this.shown && keyOf(this.shown) !== active.key) ? undefined : active;
  }

  /** Where `root`'s commands run by exec now, for the builds tree: its remote session or its pod (undefined: local or none yet). */
  async currentTarget(root: vscode.Uri): Promise<RemoteSession | CosaPod | undefined> {
    const c = this.current();
    if (!('error' in c) && c.choice.kind === 'kube') {
      return this.pods.current(root, c.choice.pod);
    }
    return this.currentSession(root);
  }

  /**
   * Where the context keys read `root`'s build directory: undefined (local), the session or pod
   * this window already uses, else NO_SESSION. Never opens a session nor asks the builder.
   */
  async contextBuildDir(root: vscode.Uri): Promise<ContextBuildDir> {
    const c = this.current();
    if (!('error' in c) && c.choice.kind === 'local') {
      return undefined;
    }
    // A session still opening is not waited for (creating one can take minutes): the keys say what a
    // new session's /srv holds, NO_SESSION's empty one, and are read again once it is open (sessionFor
    // fires onDidChange then). A session found again on the builder is read at that moment too.
    const target = 'error' in c ? undefined : c.choice.kind === 'kube' ? this.pods.current(root, c.choice.pod) : this.activeOf(root)?.opened;
    return target ? sessionBuildDir(target) : NO_SESSION;
  }

  /** The setting changed (Settings editor, Select Builder, trust granted): show it and tell the listeners. */
  settingChanged(): void {
    this.update();
    this.changed.fire();
  }

  /**
   * A window opening with a remote builder set: the workspace's session already running there
   * (an earlier window's) is used at once, so its builds show without a command. Never creates one.
   */
  async adoptExisting(root: vscode.Uri): Promise<void> {
    const c = this.current();
    if (!('error' in c) && c.choice.kind === 'kube') {
      if (await this.pods.adopt(root, c.choice.pod)) {
        this.changed.fire();
      }
      return;
    }
    try {
      const builder = await this.remoteBuilder();
      if (!builder || this.sessions.has(root.fsPath)) {
        return;
      }
      const found = await findWorkspaceSession(this.podman(), builder, root.fsPath);
      if (found && !this.sessions.has(root.fsPath)) {
        this.sessions.set(root.fsPath, { key: keyOf(builder), builder, session: Promise.resolve(found), opened: found, checkedAt: Date.now() });
        this.engine.setTarget(root.fsPath, found);
        this.changed.fire();
        void this.refreshFacts(builder, found);
      }
    } catch (e) {
      if (!(e instanceof RemoteBuilderError)) {
        throw e;
      }
      // Unreachable now: the first command says why.
    }
  }

  /** The doctor's look: the workspace's session on `builder` if one runs there (this window's or another's); never creates one. */
  async existingSession(root: vscode.Uri, builder: RemoteBuilder): Promise<RemoteSession | undefined> {
    const active = this.sessions.get(root.fsPath);
    if (active && active.key === keyOf(builder)) {
      const mine = await active.session.catch(() => undefined);
      if (mine && (await mine.state().catch(() => undefined))?.running) {
        return mine;
      }
    }
    return findWorkspaceSession(this.podman(), builder, root.fsPath).catch(() => undefined);
  }

  private podman(): string {
    const p = this.podmanPath();
    if (!p) {
      throw new RemoteBuilderError(vscode.l10n.t('a remote builder is reached with the podman client, which is not on PATH here (install podman)'));
    }
    return p;
  }

  /**
   * Before a cosa command of `root`: the engine's target is the builder in effect, a session
   * opened on it on first use. Returns why it cannot run (the user has been told), else undefined.
   */
  async useFor(root: vscode.Uri, image: string): Promise<string | undefined> {
    try {
      const c = this.current();
      if (!('error' in c) && c.choice.kind === 'kube') {
        await this.podFor(root, c.choice.pod, image);
        return undefined;
      }
      this.pods.forget(root);
      const session = await this.sessionFor(root, image);
      this.engine.setTarget(root.fsPath, session);
      return undefined;
    } catch (e) {
      if (!(e instanceof RemoteBuilderError)) {
        throw e;
      }
      this.engine.setTarget(root.fsPath, undefined);
      this.sessions.delete(root.fsPath);
      if (this.pods.forget(root)) {
        this.changed.fire(); // the tree read through that pod
      }
      if (e instanceof KubeCancelled) {
        return vscode.l10n.t('the pod was not made ready: cancelled'); // the user's own Cancel: no error to show
      }
      const message = vscode.l10n.t('The builder cannot be used: {0}', e.message);
      void vscode.window.showErrorMessage(message, SELECT_BUILDER_TITLE).then((choice) =>
        choice === SELECT_BUILDER_TITLE ? vscode.commands.executeCommand(COMMANDS.selectBuilder) : undefined);
      return message;
    }
  }

  /** The workspace's pod, made on first use (after the review), the engine's target; the tree is told when it is another pod. */
  private async podFor(root: vscode.Uri, address: KubePodAddress, image: string): Promise<CosaPod> {
    const before = this.pods.current(root, address);
    this.sessions.delete(root.fsPath);
    const now = await this.pods.useFor(root, address, image);
    if (now !== before) {
      this.changed.fire();
    }
    return now;
  }

  /**
   * BuilderTarget (src/vscode/cosaLauncher.ts): the workspace's session (opened on first use) or
   * its pod (a pod not made yet is not made here: the command's start shows its review); undefined: local.
   */
  async buildDirTarget(root: vscode.Uri, image: string): Promise<RemoteSession | CosaPod | PodToBeMade | undefined> {
    const c = this.current();
    if (!('error' in c) && c.choice.kind === 'kube') {
      const before = this.pods.current(root, c.choice.pod);
      const dir = await this.pods.buildDirOf(root, c.choice.pod);
      if (dir instanceof CosaPod && dir !== before) {
        this.changed.fire(); // the tree reads through the pod now (buildDirOf made it the engine's target)
      }
      return dir;
    }
    return this.sessionFor(root, image);
  }

  /** The workspace's session on the builder in effect (undefined: local), opened or found again on first use. */
  async sessionFor(root: vscode.Uri, image: string): Promise<RemoteSession | undefined> {
    const builder = await this.remoteBuilder();
    if (!builder) {
      this.sessions.delete(root.fsPath);
      return undefined;
    }
    const podman = this.podman();
    let active = this.sessions.get(root.fsPath);
    if (active && active.key === keyOf(builder) && Date.now() - active.checkedAt > RECHECK_MS) {
      const session = await active.session;
      if ((await session.state())?.running) {
        active.checkedAt = Date.now();
      } else {
        active = undefined; // expired or destroyed on the builder: a new one
      }
    }
    if (!active || active.key !== keyOf(builder)) {
      const opening = Promise.resolve(vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Opening a cosa session on {0}…', builder.name ?? builder.url) },
        () => openWorkspaceSession(podman, builder, root.fsPath, { image, expiration: SESSION_EXPIRATION }),
      ));
      active = { key: keyOf(builder), builder, session: opening, checkedAt: Date.now() };
      this.sessions.set(root.fsPath, active);
      const opened = await opening;
      active.opened = opened;
      this.changed.fire();
      void this.refreshFacts(builder, opened);
      return opened;
    }
    return active.session;
  }

  /**
   * Destroy Session: the workspace's session on the remote builder in effect is removed with its
   * build directory (`cosa remote-session destroy`), after a confirmation. Refused while a cosa
   * command runs in it; the workspace lock is held meanwhile, so none starts. The next command opens a new one.
   */
  async destroySession(root: vscode.Uri): Promise<boolean> {
    let builder: RemoteBuilder | undefined;
    let session: RemoteSession | undefined;
    try {
      builder = await this.remoteBuilder();
      if (!builder) {
        void vscode.window.showInformationMessage(vscode.l10n.t('The local builder is selected: there is no remote session to destroy.'));
        return false;
      }
      session = await this.existingSession(root, builder);
    } catch (e) {
      if (!(e instanceof RemoteBuilderError)) {
        throw e;
      }
      void vscode.window.showErrorMessage(vscode.l10n.t('The builder cannot be used: {0}', e.message));
      return false;
    }
    if (!session) {
      void vscode.window.showInformationMessage(vscode.l10n.t('This workspace has no session on {0}.', builder.name ?? builder.url));
      return false;
    }
    if (this.refuseBusy(root, session)) {
      return false;
    }
    const destroy = vscode.l10n.t('Destroy');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Destroy {0}?', session.description),
      { modal: true, detail: vscode.l10n.t('Its container and its build directory (/srv: builds, cache, the synced config) are deleted on the builder, as `cosa remote-session destroy` does. Nothing local is touched; the next cosa command opens a new session.') },
      destroy,
    );
    // Looked at again after the dialog, in the tick that takes the lock.
    if (choice !== destroy || this.refuseBusy(root, session)) {
      return false;
    }
    const lease = this.engine.locks.tryAcquire(root.fsPath, { args: ['remote-session', 'destroy'], containerName: session.description, since: Date.now() });
    if ('heldBy' in lease) {
      return false;
    }
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Destroying {0}…', session.description) },
        () => session.destroy(),
      );
    } catch (e) {
      if (!(e instanceof RemoteBuilderError)) {
        throw e;
      }
      void vscode.window.showErrorMessage(e.message);
      return false;
    } finally {
      lease.release();
    }
    if (this.sessions.get(root.fsPath)) {
      this.sessions.delete(root.fsPath);
    }
    this.engine.setTarget(root.fsPath, undefined);
    this.changed.fire();
    vscode.window.setStatusBarMessage(`$(check) ${vscode.l10n.t('{0} destroyed', session.description)}`, 5000);
    return true;
  }

  /** True, with a message, when a cosa command of this window runs in `session` or holds the workspace. */
  private refuseBusy(root: vscode.Uri, session: RemoteSession): boolean {
    const holder = this.engine.locks.holder(root.fsPath);
    const running = this.engine.running().find((p) => p.runsIn === session.description);
    const what = running ? `cosa ${running.args.join(' ')}` : holder ? `cosa ${holder.args.join(' ')}` : undefined;
    if (what) {
      void vscode.window.showWarningMessage(vscode.l10n.t('{0} was not destroyed: {1} is running in it. Wait for it to finish or cancel it first.', session.description, what));
      return true;
    }
    return false;
  }

  /** Asks the builder what it is (and /dev/kvm in its session, when one is open); the status bar shows it. */
  async refreshFacts(builder: RemoteBuilder, session?: RemoteSession): Promise<BuilderFacts | { readonly error: string }> {
    let facts: BuilderFacts | { readonly error: string };
    try {
      facts = await collectBuilderFacts(this.podman(), builder, session);
    } catch (e) {
      if (!(e instanceof Error) || !(e instanceof RemoteBuilderError || 'result' in e)) {
        throw e;
      }
      facts = { error: e.message };
    }
    this.facts.set(keyOf(builder), facts);
    this.update();
    this.changed.fire();
    return facts;
  }

  /** The status bar item: hidden for the local builder unless a remote one is set but ignored. */
  update(): void {
    const c = this.current();
    // Destroy Session's palette entry and view menu item: podman builders over ssh (a pod is not a session).
    void vscode.commands.executeCommand('setContext', 'coreos.remoteBuilder', !('error' in c) && (c.choice.kind === 'url' || c.choice.kind === 'connection'));
    if ('error' in c) {
      this.item.text = `$(error) ${vscode.l10n.t('Builder: invalid')}`;
      this.item.tooltip = vscode.l10n.t('coreos.builder: {0}. Click to select a builder.', c.error);
      this.item.show();
      return;
    }
    if (c.choice.kind === 'local') {
      if (c.ignored) {
        this.item.text = `$(vm) ${vscode.l10n.t('Builder: local')}`;
        this.item.tooltip = vscode.l10n.t('CoreOS builder: local ({0}).', c.ignored);
        this.item.show();
      } else {
        this.item.hide();
      }
      return;
    }
    const label = builderChoiceLabel(c.choice);
    const shown = this.shown && (this.shown.url === builderSettingValue(c.choice) || this.shown.name === builderSettingValue(c.choice)) ? this.shown : undefined;
    const facts = shown ? this.facts.get(keyOf(shown)) : undefined;
    this.item.text = `$(remote) ${vscode.l10n.t('Builder: {0}', label)}`;
    this.item.tooltip = !facts ? vscode.l10n.t('CoreOS builder: {0}. Click to select another builder.', label)
      : 'error' in facts ? vscode.l10n.t('CoreOS builder: {0}, not reachable: {1}. Click to select another builder.', label, facts.error)
        : vscode.l10n.t('CoreOS builder: {0} ({1}). Click to select another builder.', label, describeBuilder(facts));
    this.item.show();
  }

  /** The Select Builder command: local, podman's ssh connections, an ssh:// URL with an identity, or a Kubernetes pod. */
  async select(root?: vscode.Uri): Promise<BuilderChoice | undefined> {
    const podman = this.podmanPath();
    let connections: RemoteBuilder[] = [];
    let listProblem: string | undefined;
    if (podman) {
      try {
        connections = await listConnections(podman);
      } catch (e) {
        listProblem = (e as Error).message;
      }
    } else {
      listProblem = vscode.l10n.t('podman is not on PATH, so no connection can be listed or used');
    }
    type BuilderPick = vscode.QuickPickItem & { readonly choice?: BuilderChoice };
    const named = connections.filter((b): b is RemoteBuilder & { name: string } => !!b.name);
    const items: BuilderPick[] = [
      { label: LOCAL_PICK, description: vscode.l10n.t('the container runtime on this machine'), choice: { kind: 'local' } },
      ...named.map((b): BuilderPick => ({ label: b.name, description: b.url, detail: b.identity ? vscode.l10n.t('identity {0}', b.identity) : vscode.l10n.t('ssh-agent'), choice: { kind: 'connection', name: b.name } })),
      { label: URL_PICK, description: 'ssh://user@host[:port]/path/to/podman.sock', ...(listProblem ? { detail: vscode.l10n.t('(podman connections: {0})', listProblem) } : {}) },
      ...(root ? [{ label: KUBE_PICK, description: vscode.l10n.t('kubectl or oc exec into a cosa pod (Kubernetes, OpenShift)') }] : []),
    ];
    const picked = await vscode.window.showQuickPick(items, { title: SELECT_BUILDER_TITLE, placeHolder: vscode.l10n.t('Where cosa runs for this workspace') });
    if (!picked) {
      return undefined;
    }
    const choice = picked.choice ?? (picked.label === KUBE_PICK && root ? await this.pods.pick(root) : await this.askForUrl());
    if (!choice) {
      return undefined;
    }
    await writeBuilderSetting(builderSettingValue(choice), choice.kind === 'url' ? choice.identity : undefined);
    this.settingChanged();
    if (choice.kind === 'kube') {
      void vscode.window.showInformationMessage(vscode.l10n.t('Builder {0}: the next cosa command of this workspace runs in that pod; when it does not exist, its manifest is shown for review first, then created.', builderChoiceLabel(choice)));
    } else if (choice.kind !== 'local') {
      const builder = resolveBuilderChoice(choice, connections);
      this.shown = builder;
      if (builder) {
        const facts = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Asking {0} what it is…', builder.name ?? builder.url) },
          () => this.refreshFacts(builder),
        );
        if ('error' in facts) {
          void vscode.window.showWarningMessage(vscode.l10n.t('Builder {0} is selected, but {1}', builderChoiceLabel(choice), facts.error));
        } else {
          void vscode.window.showInformationMessage(vscode.l10n.t('Builder {0}: {1}. cosa commands of this workspace now run there, in a session opened by the first one.', builderChoiceLabel(choice), describeBuilder(facts)));
        }
      }
    }
    return choice;
  }

  private async askForUrl(): Promise<BuilderChoice | undefined> {
    const url = await vscode.window.showInputBox({
      title: vscode.l10n.t('{0}: podman over ssh', SELECT_BUILDER_TITLE),
      prompt: vscode.l10n.t('The builder\'s podman socket, as CONTAINER_HOST takes it'),
      placeHolder: 'ssh://user@host[:port]/run/user/1000/podman/podman.sock',
      validateInput: (v) => {
        try {
          parseBuilderUrl(v);
          return undefined;
        } catch (e) {
          return (e as Error).message;
        }
      },
    });
    if (url === undefined) {
      return undefined;
    }
    const identity = await vscode.window.showInputBox({
      title: vscode.l10n.t('{0}: ssh identity', SELECT_BUILDER_TITLE),
      prompt: vscode.l10n.t('The private key file for that account (CONTAINER_SSHKEY); empty: ssh-agent'),
      validateInput: (v) => (v.trim() === '' || fs.existsSync(v.trim()) ? undefined : vscode.l10n.t('{0} does not exist', v.trim())),
    });
    if (identity === undefined) {
      return undefined;
    }
    return { kind: 'url', url: url.trim(), ...(identity.trim() ? { identity: identity.trim() } : {}) };
  }
}
