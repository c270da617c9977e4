// cosa in a Kubernetes / OpenShift pod, the way the Fedora CoreOS pipeline runs it
// (coreos-ci-lib vars/pod.groovy + vars/cosaPod.groovy + resources/.../pod.json, and
// coreos-assembler docs/working.md "Running CoreOS Assembler in OpenShift"): an unprivileged
// pod that sleeps, /dev/kvm from the KVM device plugin (devices.kubevirt.io/kvm), an emptyDir
// at /srv, CPU (and memory) requests equal to limits, NCPUS in the environment. Every cosa
// command is then `kubectl exec` (or `oc exec`) into it. Pure: objects and argv only.

import { LABEL, LABEL_PURPOSE, LABEL_WORKSPACE, workspaceId } from './invocation';

export type KubeTool = 'kubectl' | 'oc';

export interface CosaPodOptions {
  /** metadata.name (DNS-1123 label). */
  readonly name: string;
  /** Upstream's cosaPod default: quay.io/coreos-assembler/coreos-assembler:main. */
  readonly image: string;
  /** requests = limits; pod.groovy defaults to "2". */
  readonly cpu?: string;
  /** requests = limits, e.g. "3Gi" (docs/working.md: cosa's VMs take 2 GiB). */
  readonly memory?: string;
  /** devices.kubevirt.io/kvm: "1" (cosaPod's default: true). */
  readonly kvm?: boolean;
  readonly env?: Readonly<Record<string, string>>;
  readonly namespace?: string;
  /** The local workspace this pod builds for (a label). */
  readonly workspace?: string;
  /** Upstream: Always. */
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
}

export const COSA_POD_CONTAINER = 'cosa';
export const COSA_POD_PURPOSE = 'kube-pod';

export class KubePodError extends Error {}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const QUANTITY = /^\d+(\.\d+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/;

/** The Pod object (serialise with any YAML or JSON writer; kubectl takes both). */
export function cosaPodManifest(o: CosaPodOptions): Record<string, unknown> {
  if (!DNS_LABEL.test(o.name)) {
    throw new KubePodError(`"${o.name}" is not a valid pod name (lower-case letters, digits and '-', at most 63)`);
  }
  if (o.namespace !== undefined && !DNS_LABEL.test(o.namespace)) {
    throw new KubePodError(`"${o.namespace}" is not a valid namespace`);
  }
  if (o.image === '' || /\s/.test(o.image) || o.image.startsWith('-')) {
    throw new KubePodError(`"${o.image}" is not an image reference`);
  }
  const cpu = o.cpu ?? '2';
  for (const [what, q] of [['cpu', cpu], ['memory', o.memory]] as const) {
    if (q !== undefined && !QUANTITY.test(q)) {
      throw new KubePodError(`${what} "${q}" is not a Kubernetes quantity`);
    }
  }
  const resources: Record<string, string> = { cpu };
  if (o.memory) {
    resources.memory = o.memory;
  }
  if (o.kvm ?? true) {
    resources['devices.kubevirt.io/kvm'] = '1';
  }
  const env = [
    ...Object.entries(o.env ?? {}).map(([name, value]) => ({ name, value })),
    // pod.groovy: "it can be hard in a Kubernetes environment to determine how much CPU one should really use"
    { name: 'NCPUS', value: cpu },
  ];
  const labels: Record<string, string> = { [LABEL]: '1', [LABEL_PURPOSE]: COSA_POD_PURPOSE };
  if (o.workspace) {
    labels[LABEL_WORKSPACE] = workspaceId(o.workspace);
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: o.name, ...(o.namespace ? { namespace: o.namespace } : {}), labels },
    spec: {
      restartPolicy: 'Never',
      containers: [{
        name: COSA_POD_CONTAINER,
        image: o.image,
        imagePullPolicy: o.imagePullPolicy ?? 'Always',
        // cosaPod.groovy: "we don't like zombies"
        command: ['/usr/bin/dumb-init', '/usr/bin/sleep', 'infinity'],
        env,
        resources: { requests: { ...resources }, limits: { ...resources } },
        volumeMounts: [{ name: 'srv', mountPath: '/srv/' }],
        workingDir: '/srv',
      }],
      volumes: [{ name: 'srv', emptyDir: {} }],
    },
  };
}

function scope(o: { namespace?: string; context?: string }): string[] {
  return [...(o.context ? ['--context', o.context] : []), ...(o.namespace ? ['--namespace', o.namespace] : [])];
}

function requirePod(pod: string): string {
  if (!DNS_LABEL.test(pod)) {
    throw new KubePodError(`"${pod}" is not a pod name`);
  }
  return pod;
}

/** `kubectl apply -f -` (the manifest on stdin). */
export function kubeApplyArgv(o: { namespace?: string; context?: string } = {}): string[] {
  return [...scope(o), 'apply', '-f', '-'];
}

/** `kubectl wait --for=condition=Ready pod/NAME`. */
export function kubeWaitReadyArgv(pod: string, timeoutSeconds: number, o: { namespace?: string; context?: string } = {}): string[] {
  return [...scope(o), 'wait', '--for=condition=Ready', `--timeout=${Math.max(1, Math.round(timeoutSeconds))}s`, `pod/${requirePod(pod)}`];
}

/** `kubectl exec -i [-t] POD -c cosa -- cosa ARGS` (the cosa image's entry point is not used by exec). */
export function kubeExecArgv(pod: string, cosaArgs: readonly string[], o: { namespace?: string; context?: string; tty?: boolean } = {}): string[] {
  return [...scope(o), 'exec', '-i', ...(o.tty ? ['-t'] : []), requirePod(pod), '-c', COSA_POD_CONTAINER, '--', 'cosa', ...cosaArgs];
}

/** A plain command in the pod (reading builds.json, ps). */
export function kubeRawExecArgv(pod: string, argv: readonly string[], o: { namespace?: string; context?: string; stdin?: boolean; tty?: boolean } = {}): string[] {
  return [...scope(o), 'exec', ...(o.stdin ? ['-i'] : []), ...(o.tty ? ['-t'] : []), requirePod(pod), '-c', COSA_POD_CONTAINER, '--', ...argv];
}

/** `kubectl delete pod NAME --wait=false` (the emptyDir goes with it). */
export function kubeDeleteArgv(pod: string, o: { namespace?: string; context?: string } = {}): string[] {
  return [...scope(o), 'delete', 'pod', requirePod(pod), '--ignore-not-found', '--wait=false'];
}

/**
 * The same exec into a pod that `podman kube play` ran from this manifest (podman names the
 * container POD-CONTAINER): a pod on a podman host, and how the tests prove the pod without a cluster.
 */
export function podmanPodExecArgv(pod: string, argv: readonly string[], o: { stdin?: boolean; tty?: boolean } = {}): string[] {
  return ['exec', ...(o.stdin ? ['-i'] : []), ...(o.tty ? ['-t'] : []), `${requirePod(pod)}-${COSA_POD_CONTAINER}`, ...argv];
}
