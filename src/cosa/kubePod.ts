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

/** Where the cosa pod of a workspace lives: `coreos.builder` = `kubectl://CONTEXT/NAMESPACE/POD` (or `oc://`). */
export interface KubePodAddress {
  readonly tool: KubeTool;
  /** A kubeconfig context; undefined: the kubeconfig's current context. */
  readonly context?: string;
  readonly namespace: string;
  readonly pod: string;
}

const KUBE_SETTING = /^(kubectl|oc):\/\/([^/]*)\/([^/]*)\/([^/]*)$/;

/** Whether a `coreos.builder` value names a pod (kubectl:// or oc://). */
export function isKubeBuilderSetting(value: string): boolean {
  return /^(kubectl|oc):\/\//.test(value);
}

/** `kubectl://CONTEXT/NAMESPACE/POD` (CONTEXT percent-encoded, empty for the current context). Throws KubePodError. */
export function parseKubeBuilderSetting(value: string): KubePodAddress {
  const m = KUBE_SETTING.exec(value);
  if (!m) {
    throw new KubePodError(`coreos.builder "${value}": a pod is written ${value.startsWith('oc') ? 'oc' : 'kubectl'}://CONTEXT/NAMESPACE/POD (CONTEXT empty for the current context)`);
  }
  let context: string;
  try {
    context = decodeURIComponent(m[2]!);
  } catch {
    throw new KubePodError(`coreos.builder "${value}": the context "${m[2]}" is not percent-encoded correctly`);
  }
  if (!DNS_LABEL.test(m[3]!)) {
    throw new KubePodError(`coreos.builder "${value}": "${m[3]}" is not a valid namespace`);
  }
  if (!DNS_LABEL.test(m[4]!)) {
    throw new KubePodError(`coreos.builder "${value}": "${m[4]}" is not a valid pod name (lower-case letters, digits and '-', at most 63)`);
  }
  return { tool: m[1] as KubeTool, ...(context ? { context } : {}), namespace: m[3]!, pod: m[4]! };
}

export function kubeBuilderSettingValue(a: KubePodAddress): string {
  return `${a.tool}://${encodeURIComponent(a.context ?? '')}/${a.namespace}/${a.pod}`;
}

/** "pod cosa-1a2b in coreos-virt (context ci)" */
export function kubePodLabel(a: KubePodAddress): string {
  return `${a.namespace}/${a.pod}${a.context ? ` (${a.context})` : ''}`;
}

/** The pod a workspace gets by default: cosa-<workspace id>, the id the local containers carry too. */
export function defaultKubePodName(workspace: string): string {
  return `cosa-${workspaceId(workspace)}`;
}

export function isValidKubeName(name: string): boolean {
  return DNS_LABEL.test(name);
}

/** The manifest as the YAML the user reviews: cosaPodManifest plus comments that say where it comes from. */
export function cosaPodYaml(o: CosaPodOptions, stringify: (value: unknown) => string): string {
  return [
    '# The cosa pod of this workspace, as the Fedora CoreOS pipeline runs cosa (coreos-ci-lib',
    '# vars/pod.groovy, vars/cosaPod.groovy; coreos-assembler docs/working.md): unprivileged, sleeping,',
    '# /dev/kvm from the KVM device plugin, an emptyDir at /srv, requests = limits.',
    '# Edit it if your cluster needs more; its name and the container "cosa" must stay.',
    stringify(cosaPodManifest(o)),
  ].join('\n');
}

interface ReviewedPod {
  kind?: unknown;
  apiVersion?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
  spec?: { containers?: { name?: unknown }[] };
}

/**
 * The manifest as the user left it in the review editor (`parse` is a YAML parser): still one v1
 * Pod of the expected name and namespace with a container "cosa", since every command is
 * exec'd there. Throws KubePodError saying what changed.
 */
export function checkReviewedPod(text: string, expected: { name: string; namespace: string }, parse: (text: string) => unknown): void {
  let doc: ReviewedPod;
  try {
    doc = parse(text) as ReviewedPod;
  } catch (e) {
    throw new KubePodError(`the reviewed manifest is not YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (typeof doc !== 'object' || doc === null || doc.kind !== 'Pod' || doc.apiVersion !== 'v1') {
    throw new KubePodError('the reviewed manifest is not one v1 Pod');
  }
  if (doc.metadata?.name !== expected.name) {
    throw new KubePodError(`the reviewed pod is named "${String(doc.metadata?.name)}", not "${expected.name}" (Select Builder picks another name)`);
  }
  if (doc.metadata.namespace !== undefined && doc.metadata.namespace !== expected.namespace) {
    throw new KubePodError(`the reviewed pod is in namespace "${String(doc.metadata.namespace)}", not "${expected.namespace}" (Select Builder picks another namespace)`);
  }
  if (!Array.isArray(doc.spec?.containers) || !doc.spec.containers.some((c) => c?.name === COSA_POD_CONTAINER)) {
    throw new KubePodError(`the reviewed pod has no container named "${COSA_POD_CONTAINER}", which cosa's commands are exec'd into`);
  }
}

/** `kubectl get pod NAME --ignore-not-found -o jsonpath={.status.phase}`: empty output when there is none. */
export function kubePodPhaseArgv(pod: string, o: { namespace?: string; context?: string } = {}): string[] {
  return [...scope(o), 'get', 'pod', requirePod(pod), '--ignore-not-found', '--output=jsonpath={.status.phase}'];
}

/** `kubectl config get-contexts -o name`: one context a line. */
export const KUBE_CONTEXTS_ARGV: readonly string[] = ['config', 'get-contexts', '--output=name'];
/** `kubectl config current-context`. */
export const KUBE_CURRENT_CONTEXT_ARGV: readonly string[] = ['config', 'current-context'];

/** The namespace a context sets (empty output: none, i.e. "default"). */
export function kubeContextNamespaceArgv(context: string | undefined): string[] {
  return [...scope(context ? { context } : {}), 'config', 'view', '--minify', '--output=jsonpath={..namespace}'];
}

/** Lines of `kubectl config get-contexts -o name`. */
export function parseContextNames(stdout: string): string[] {
  return stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '');
}
