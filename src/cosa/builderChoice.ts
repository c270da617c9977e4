// Which builder a workspace's cosa commands run on: the `coreos.builder` setting
// ("local", a podman ssh address, or a `podman system connection` name) with
// `coreos.builderIdentity`, resolved against the connections podman knows. A remote
// builder is honoured only in a trusted workspace. Pure: no process, no vscode.

import { isKubeBuilderSetting, KubePodAddress, KubePodError, kubeBuilderSettingValue, kubePodLabel, parseKubeBuilderSetting } from './kubePod';
import { parseBuilderUrl, RemoteBuilder, RemoteBuilderError } from './remoteSession';

export const LOCAL_BUILDER = 'local';

export type BuilderChoice =
  | { readonly kind: 'local' }
  | { readonly kind: 'url'; readonly url: string; readonly identity?: string }
  | { readonly kind: 'connection'; readonly name: string }
  /** cosa in a Kubernetes/OpenShift pod (src/cosa/kubePod.ts), every command `kubectl exec`'d there. */
  | { readonly kind: 'kube'; readonly pod: KubePodAddress };

/** `coreos.builder` (+ `coreos.builderIdentity`); throws RemoteBuilderError for an ssh:// value podman would not take. */
export function parseBuilderSetting(value: string | undefined, identity?: string): BuilderChoice {
  const v = value?.trim() ?? '';
  if (v === '' || v === LOCAL_BUILDER) {
    return { kind: 'local' };
  }
  if (isKubeBuilderSetting(v)) {
    try {
      return { kind: 'kube', pod: parseKubeBuilderSetting(v) };
    } catch (e) {
      throw e instanceof KubePodError ? new RemoteBuilderError(e.message) : e;
    }
  }
  if (v.includes('://')) {
    if (!v.startsWith('ssh://')) {
      throw new RemoteBuilderError(`coreos.builder "${v}": only ssh:// podman builders are supported (ssh://user@host[:port]/path/to/podman.sock), besides pods (kubectl://CONTEXT/NAMESPACE/POD, oc://…)`);
    }
    parseBuilderUrl(v);
    const id = identity?.trim();
    return { kind: 'url', url: v, ...(id ? { identity: id } : {}) };
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_.@-]*$/.test(v)) {
    throw new RemoteBuilderError(`coreos.builder "${v}" is neither "local", an ssh:// address, nor a podman connection name`);
  }
  return { kind: 'connection', name: v };
}

/** The setting's value for a choice (what Select Builder writes). */
export function builderSettingValue(choice: BuilderChoice): string {
  switch (choice.kind) {
    case 'local': return LOCAL_BUILDER;
    case 'url': return choice.url;
    case 'connection': return choice.name;
    case 'kube': return kubeBuilderSettingValue(choice.pod);
  }
}

/**
 * The podman builder a remote choice means; `connections` is `podman system connection list`
 * (parseConnectionList). A name podman does not know is an error that says where to look.
 * undefined: local, or a pod (no podman builder).
 */
export function resolveBuilderChoice(choice: BuilderChoice, connections: readonly RemoteBuilder[]): RemoteBuilder | undefined {
  switch (choice.kind) {
    case 'local':
    case 'kube':
      return undefined;
    case 'url': {
      const a = parseBuilderUrl(choice.url);
      return { url: choice.url, ...(choice.identity ? { identity: choice.identity } : {}), name: `${a.user}@${a.host}${a.port === 22 ? '' : `:${a.port}`}` };
    }
    case 'connection': {
      const found = connections.find((c) => c.name === choice.name);
      if (!found) {
        const known = connections.map((c) => c.name).filter(Boolean);
        throw new RemoteBuilderError(`coreos.builder names the podman connection "${choice.name}", which \`podman system connection list\` does not list`
          + `${known.length ? ` (it lists ${known.join(', ')})` : ' (it lists no ssh connection)'}: add it with \`podman system connection add\`, or Select Builder again`);
      }
      return found;
    }
  }
}

/** What a choice is called in the status bar and messages. */
export function builderChoiceLabel(choice: BuilderChoice): string {
  switch (choice.kind) {
    case 'local': return 'local';
    case 'url': return choice.url.replace(/^ssh:\/\//, '').replace(/\/.*$/, '');
    case 'connection': return choice.name;
    case 'kube': return `pod ${kubePodLabel(choice.pod)}`;
  }
}

export const UNTRUSTED_BUILDER_REASON = 'this workspace is not trusted, so its coreos.builder setting is ignored and cosa runs on the local machine';

/** The choice in effect: a remote builder only in a trusted workspace (it decides where a privileged container runs). */
export function effectiveBuilderChoice(choice: BuilderChoice, trusted: boolean): { readonly choice: BuilderChoice; readonly ignored?: string } {
  return choice.kind !== 'local' && !trusted ? { choice: { kind: 'local' }, ignored: UNTRUSTED_BUILDER_REASON } : { choice };
}

/** `podman system connection list --format json` (parseConnectionList reads it). */
export const CONNECTION_LIST_ARGV: readonly string[] = ['system', 'connection', 'list', '--format', 'json'];
