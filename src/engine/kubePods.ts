// The cluster side of a Kubernetes builder (src/cosa/kubePod.ts has the argv): the kubeconfig's
// contexts and their namespace, whether the workspace's pod exists and runs, and creating it
// from the manifest the user reviewed (`kubectl apply -f -`, then `kubectl wait` until Ready).
// Process level, no vscode.

import {
  KUBE_CONTEXTS_ARGV, KUBE_CURRENT_CONTEXT_ARGV, kubeApplyArgv, kubeContextNamespaceArgv, kubeDeleteArgv, KubePodAddress, kubePodPhaseArgv,
  kubeWaitReadyArgv, parseContextNames,
} from '../cosa/kubePod';
import { RemoteBuilderError } from '../cosa/remoteSession';
import { CosaPod, KubeCommandError } from './cosaPod';

export { KubeCommandError, kubectlMessage } from './cosaPod';
import { runCaptured } from './processRunner';

/** The user cancelled creating the pod or waiting for it: its kubectl was ended. */
export class KubeCancelled extends RemoteBuilderError {}

export interface KubeContexts {
  readonly contexts: string[];
  /** undefined: the kubeconfig names no current context. */
  readonly current?: string;
}

/** The contexts of the kubeconfig kubectl reads (KUBECONFIG, ~/.kube/config); no cluster is asked. */
export async function listKubeContexts(tool: string, env: NodeJS.ProcessEnv = process.env): Promise<KubeContexts> {
  const [all, current] = await Promise.all([
    runCaptured(tool, KUBE_CONTEXTS_ARGV, { env, timeoutMs: 30_000 }),
    runCaptured(tool, KUBE_CURRENT_CONTEXT_ARGV, { env, timeoutMs: 30_000 }),
  ]);
  if (all.exitCode !== 0) {
    throw new KubeCommandError('Listing the kubeconfig\'s contexts', all);
  }
  const name = current.exitCode === 0 ? current.stdout.trim() : '';
  return { contexts: parseContextNames(all.stdout), ...(name ? { current: name } : {}) };
}

/** The namespace a context sets, else "default" (what kubectl then uses). */
export async function contextNamespace(tool: string, context: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const r = await runCaptured(tool, kubeContextNamespaceArgv(context), { env, timeoutMs: 30_000 });
  return (r.exitCode === 0 ? r.stdout.trim().split(/\s+/)[0] : '') || 'default';
}

const scopeOf = (a: KubePodAddress) => ({ namespace: a.namespace, ...(a.context ? { context: a.context } : {}) });

/** The pod's phase (Pending, Running, Succeeded, Failed, Unknown); undefined when there is no such pod. */
export async function podPhase(tool: string, a: KubePodAddress, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const r = await runCaptured(tool, kubePodPhaseArgv(a.pod, scopeOf(a)), { env, timeoutMs: 60_000 });
  if (r.exitCode !== 0) {
    throw new KubeCommandError(`Looking for pod ${a.pod} in ${a.namespace}`, r);
  }
  return r.stdout.trim() || undefined;
}

/** `kubectl wait` until the pod is Ready (its image pulled, sleep running). `signal` ends the wait at once (KubeCancelled). */
export async function waitPodReady(
  tool: string, a: KubePodAddress, timeoutSeconds: number, env: NodeJS.ProcessEnv = process.env, signal?: AbortSignal,
): Promise<void> {
  const r = await runCaptured(tool, kubeWaitReadyArgv(a.pod, timeoutSeconds, scopeOf(a)), { env, timeoutMs: (timeoutSeconds + 30) * 1000, ...(signal ? { signal } : {}) });
  if (r.cancelled) {
    throw new KubeCancelled(`waiting for pod ${a.pod} was cancelled`);
  }
  if (r.exitCode !== 0) {
    throw new KubeCommandError(`Waiting for pod ${a.pod} to be ready`, r);
  }
}

/** `kubectl delete pod --wait=false` (not cancellable: it is what a cancel does). */
export async function deletePod(tool: string, a: KubePodAddress, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const r = await runCaptured(tool, kubeDeleteArgv(a.pod, scopeOf(a)), { env, timeoutMs: 60_000 });
  if (r.exitCode !== 0) {
    throw new KubeCommandError(`Deleting pod ${a.pod} in ${a.namespace}`, r);
  }
}

/**
 * Creates the pod from the reviewed manifest text and waits until it is Ready. Aborting
 * `signal` ends the kubectl running (apply or wait) at once and deletes the pod, which the
 * apply may have made: a cancelled creation leaves no pod (KubeCancelled; a KubeCommandError
 * naming the pod when the deletion failed too).
 */
export async function createPod(
  tool: string, a: KubePodAddress, manifest: string, readySeconds: number, env: NodeJS.ProcessEnv = process.env, signal?: AbortSignal,
): Promise<void> {
  try {
    const r = await runCaptured(tool, kubeApplyArgv(scopeOf(a)), { env, input: manifest, timeoutMs: 120_000, ...(signal ? { signal } : {}) });
    if (r.cancelled) {
      throw new KubeCancelled(`creating pod ${a.pod} was cancelled`);
    }
    if (r.exitCode !== 0) {
      throw new KubeCommandError(`Creating pod ${a.pod} in ${a.namespace}`, r);
    }
    await waitPodReady(tool, a, readySeconds, env, signal);
  } catch (e) {
    if (e instanceof KubeCancelled) {
      await deletePod(tool, a, env);
    }
    throw e;
  }
}

/** The exec transport into the pod (every cosa command, the builds tree's reads). */
export function podTransport(toolPath: string, a: KubePodAddress, env?: NodeJS.ProcessEnv): CosaPod {
  return new CosaPod({ pod: a.pod, tool: a.tool, toolPath, namespace: a.namespace, ...(a.context ? { context: a.context } : {}), ...(env ? { env } : {}) });
}
