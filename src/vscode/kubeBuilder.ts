// A Kubernetes / OpenShift builder: cosa in the pod fedora-coreos-pipeline runs it in
// (src/cosa/kubePod.ts), every command `kubectl exec`'d (or `oc exec`'d) there through the
// engine's exec seam. Select Builder picks the tool, a kubeconfig context and a namespace; the
// first command afterwards shows the pod's YAML in an editor for review and creates the pod
// from what the user left there (src/engine/kubePods.ts), or uses the pod when it runs already.

import * as vscode from 'vscode';
import type * as Yaml from 'yaml';
import { BuilderChoice } from '../cosa/builderChoice';
import {
  checkReviewedPod, cosaPodYaml, defaultKubePodName, isValidKubeName, KubePodAddress, KubePodError, kubeBuilderSettingValue, kubeDeleteArgv, KubeTool,
} from '../cosa/kubePod';
import { RemoteBuilderError } from '../cosa/remoteSession';
import { CosaEngine } from '../engine/cosaProcess';
import { CosaPod, PodToBeMade } from '../engine/cosaPod';
import { findOnPath } from '../engine/executables';
import { contextNamespace, createPod, listKubeContexts, podPhase, podTransport, waitPodReady } from '../engine/kubePods';

/** A notification with Cancel; Cancel aborts the signal `task` gets. */
function withCancel<R>(title: string, task: (signal: AbortSignal) => Promise<R>): Thenable<R> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (_progress, token) => {
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    try {
      return await task(abort.signal);
    } finally {
      sub.dispose();
    }
  });
}

export const KUBE_PICK = vscode.l10n.t('Kubernetes pod…');
export const CREATE_POD = vscode.l10n.t('Create Pod');
/** The kubeconfig's current context in the context pick. */
export const CURRENT_CONTEXT_PICK = vscode.l10n.t('(current context)');

/** fedora-coreos-pipeline's build pod (jobs/build.Jenkinsfile: 10.5 GiB, (10752 - 512) / 1536 = 6 CPUs); the review may lower them. */
export const POD_CPU = '6';
export const POD_MEMORY = '10752Mi';
/** Pulling a several-GB image on a fresh node takes a while. */
const READY_SECONDS = 600;
/** A pod looked at longer ago than this is looked at again before a command (it may have been deleted). */
const RECHECK_MS = 60_000;

interface ActivePod {
  readonly key: string;
  readonly pod: CosaPod;
  checkedAt: number;
}

export class KubePods {
  private readonly active = new Map<string, ActivePod>();
  /** A look-up or creation in progress per workspace: a second command waits for it (one review, one pod). */
  private readonly inFlight = new Map<string, Promise<CosaPod>>();

  constructor(
    private readonly engine: CosaEngine,
    private readonly findTool: (tool: KubeTool) => string | undefined = (tool) => findOnPath(tool),
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  private tool(tool: KubeTool): string {
    const found = this.findTool(tool);
    if (!found) {
      throw new RemoteBuilderError(vscode.l10n.t('a Kubernetes builder is reached with {0}, which is not on PATH here', tool));
    }
    return found;
  }

  /** Select Builder's "Kubernetes pod…": kubectl or oc, a context of the kubeconfig, a namespace, the pod's name. */
  async pick(root: vscode.Uri): Promise<BuilderChoice | undefined> {
    const tools = (['kubectl', 'oc'] as const).filter((t) => this.findTool(t));
    if (tools.length === 0) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Neither kubectl nor oc is on PATH here: install one to build in a Kubernetes or OpenShift pod.'));
      return undefined;
    }
    const tool = tools.length === 1 ? tools[0]! : (await vscode.window.showQuickPick(
      // not localised: the programs' names
      tools.map((t) => ({ label: t, tool: t })), { title: KUBE_PICK, placeHolder: vscode.l10n.t('The client that reaches the cluster') }))?.tool;
    if (!tool) {
      return undefined;
    }
    let contexts;
    try {
      contexts = await listKubeContexts(this.tool(tool), this.env);
    } catch (e) {
      if (!(e instanceof RemoteBuilderError)) {
        throw e;
      }
      void vscode.window.showErrorMessage(e.message);
      return undefined;
    }
    if (contexts.contexts.length === 0) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The kubeconfig {0} reads has no context: log in to the cluster first (e.g. oc login, or KUBECONFIG).', tool));
      return undefined;
    }
    type ContextPick = vscode.QuickPickItem & { readonly context?: string };
    const items: ContextPick[] = [
      ...(contexts.current ? [{ label: CURRENT_CONTEXT_PICK, description: contexts.current }] : []),
      ...contexts.contexts.filter((c) => c !== contexts.current).map((c): ContextPick => ({ label: c, context: c })),
    ];
    const picked = await vscode.window.showQuickPick(items, { title: KUBE_PICK, placeHolder: vscode.l10n.t('The kubeconfig context of the cluster') });
    if (!picked) {
      return undefined;
    }
    const namespace = await vscode.window.showInputBox({
      title: KUBE_PICK,
      prompt: vscode.l10n.t('The namespace (project) the cosa pod runs in'),
      value: await contextNamespace(this.tool(tool), picked.context, this.env),
      validateInput: (v) => (isValidKubeName(v.trim()) ? undefined : vscode.l10n.t('lower-case letters, digits and \'-\', at most 63')),
    });
    if (namespace === undefined) {
      return undefined;
    }
    const pod = await vscode.window.showInputBox({
      title: KUBE_PICK,
      prompt: vscode.l10n.t('The pod\'s name: this workspace\'s commands run in it, created on first use when it does not exist'),
      value: defaultKubePodName(root.fsPath),
      validateInput: (v) => (isValidKubeName(v.trim()) ? undefined : vscode.l10n.t('lower-case letters, digits and \'-\', at most 63')),
    });
    if (pod === undefined) {
      return undefined;
    }
    return { kind: 'kube', pod: { tool, ...(picked.context ? { context: picked.context } : {}), namespace: namespace.trim(), pod: pod.trim() } };
  }

  /** The pod the workspace's commands run in now (the tree reads through it), when one is in use. */
  current(root: vscode.Uri, address: KubePodAddress): CosaPod | undefined {
    const active = this.active.get(root.fsPath);
    return active && active.key === kubeBuilderSettingValue(address) ? active.pod : undefined;
  }

  /** A window opening with a pod builder set: the pod is used at once when it runs. Never creates one; false when it did nothing. */
  async adopt(root: vscode.Uri, address: KubePodAddress): Promise<boolean> {
    if (this.current(root, address)) {
      return false;
    }
    try {
      if (await podPhase(this.tool(address.tool), address, this.env) !== 'Running') {
        return false;
      }
    } catch (e) {
      if (e instanceof RemoteBuilderError) {
        return false; // unreachable now: the first command says why
      }
      throw e;
    }
    this.use(root, address, podTransport(this.tool(address.tool), address, this.env));
    return true;
  }

  /**
   * Where `root`'s build directory is, without making the pod (src/vscode/cosaLauncher.ts
   * lookAtBuildDir): the pod when it runs (then in use), else an empty one to be made by the
   * first command. Throws RemoteBuilderError (unreachable, or an ended pod: the command says why).
   */
  async buildDirOf(root: vscode.Uri, address: KubePodAddress): Promise<CosaPod | PodToBeMade> {
    const active = this.active.get(root.fsPath);
    if (active && active.key === kubeBuilderSettingValue(address) && Date.now() - active.checkedAt <= RECHECK_MS) {
      return active.pod;
    }
    const tool = this.tool(address.tool);
    const phase = await podPhase(tool, address, this.env);
    const pod = podTransport(tool, address, this.env);
    if (phase === 'Running') {
      this.use(root, address, pod);
      return pod;
    }
    if (phase === undefined || phase === 'Pending') {
      return new PodToBeMade(pod.description);
    }
    throw new RemoteBuilderError(vscode.l10n.t('pod {0} in {1} has ended ({2})', address.pod, address.namespace, phase));
  }

  private use(root: vscode.Uri, address: KubePodAddress, pod: CosaPod): void {
    this.active.set(root.fsPath, { key: kubeBuilderSettingValue(address), pod, checkedAt: Date.now() });
    this.engine.setTarget(root.fsPath, pod);
  }

  /** The workspace no longer uses its pod (another builder, or it failed); true when it did. */
  forget(root: vscode.Uri): boolean {
    return this.active.delete(root.fsPath);
  }

  /**
   * Before a cosa command of `root`: the engine's target is the pod, created (after the user
   * reviewed its manifest) when it does not exist. Throws RemoteBuilderError saying why not.
   */
  async useFor(root: vscode.Uri, address: KubePodAddress, image: string): Promise<CosaPod> {
    const running = this.inFlight.get(root.fsPath);
    if (running) {
      await running;
      return this.useFor(root, address, image);
    }
    const p = this.ensure(root, address, image).finally(() => this.inFlight.delete(root.fsPath));
    this.inFlight.set(root.fsPath, p);
    return p;
  }

  private async ensure(root: vscode.Uri, address: KubePodAddress, image: string): Promise<CosaPod> {
    const active = this.active.get(root.fsPath);
    if (active && active.key === kubeBuilderSettingValue(address) && Date.now() - active.checkedAt <= RECHECK_MS) {
      this.engine.setTarget(root.fsPath, active.pod);
      return active.pod;
    }
    const tool = this.tool(address.tool);
    const phase = await podPhase(tool, address, this.env);
    if (phase === undefined) {
      await this.reviewAndCreate(root, address, image, tool);
    } else if (phase === 'Pending') {
      // Cancel stops waiting; the pod was there before this command, so it stays (the next command waits again).
      await withCancel(vscode.l10n.t('Waiting for pod {0} to be ready…', address.pod), (signal) => waitPodReady(tool, address, READY_SECONDS, this.env, signal));
    } else if (phase !== 'Running') {
      const deletion = [address.tool, ...kubeDeleteArgv(address.pod, { namespace: address.namespace, ...(address.context ? { context: address.context } : {}) })].join(' ');
      throw new RemoteBuilderError(vscode.l10n.t('pod {0} in {1} has ended ({2}): delete it (`{3}`) and run the command again to create a new one',
        address.pod, address.namespace, phase, deletion));
    }
    const pod = podTransport(tool, address, this.env);
    this.use(root, address, pod);
    return pod;
  }

  private async reviewAndCreate(root: vscode.Uri, address: KubePodAddress, image: string, tool: string): Promise<void> {
    const reviewed = await reviewPodManifest(root, address, image);
    // Cancel ends kubectl and deletes the pod this command created (src/engine/kubePods.ts createPod).
    await withCancel(vscode.l10n.t('Creating pod {0} in {1}…', address.pod, address.namespace), (signal) => createPod(tool, address, reviewed, READY_SECONDS, this.env, signal));
  }
}

/** yaml's module runs on the first review, not when the features load (as src/cosa/kolaTestMeta.ts does). */
function yamlModule(): typeof Yaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a top-level import would run yaml when the features load
  return require('yaml') as typeof Yaml;
}

function podError(e: unknown): unknown {
  return e instanceof KubePodError ? new RemoteBuilderError(e.message) : e;
}

/**
 * The workspace's pod manifest in an editor for review; Create Pod returns the text as the user
 * left it (still the pod the commands are exec'd into). Throws RemoteBuilderError when the
 * user does not confirm or the edited text is not that pod any more.
 */
export async function reviewPodManifest(root: vscode.Uri, address: KubePodAddress, image: string): Promise<string> {
  let yaml: string;
  try {
    yaml = cosaPodYaml({ name: address.pod, namespace: address.namespace, image, cpu: POD_CPU, memory: POD_MEMORY, workspace: root.fsPath }, (v) => yamlModule().stringify(v));
  } catch (e) {
    throw podError(e);
  }
  const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: yaml });
  await vscode.window.showTextDocument(doc, { preview: false });
  const answer = await vscode.window.showInformationMessage(
    vscode.l10n.t('Pod {0} does not exist in {1}. Review its manifest (you may edit it), then create it: cosa commands of this workspace run in it.', address.pod, address.namespace),
    CREATE_POD,
  );
  if (answer !== CREATE_POD) {
    throw new RemoteBuilderError(vscode.l10n.t('pod {0} was not created (the manifest was not confirmed)', address.pod));
  }
  const reviewed = doc.getText();
  try {
    checkReviewedPod(reviewed, { name: address.pod, namespace: address.namespace }, (t) => yamlModule().parse(t));
  } catch (e) {
    throw podError(e);
  }
  return reviewed;
}
