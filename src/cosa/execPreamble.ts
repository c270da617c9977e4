// What the terminal shows before a cosa command that runs by exec in a long-lived cosa
// container (a remote session, a pod) instead of the alias' `podman run`: where it runs, the
// settings that do not reach it, then the command line. Pure.
//
// Which settings reach such a container follows upstream's coreos-assembler
// cmd/remote-session.go: `remote-session create` starts the container with its own fixed flags
// (plus --env), and `remote-session exec` is `podman --remote exec -i [-t] SESSION cosa ARGS`,
// which takes no flags of the user's. So COREOS_ASSEMBLER_CONTAINER_RUNTIME_ARGS
// (coreos.runtimeArgs), which only the alias' `podman run` takes, reaches neither; nor do
// settings naming local paths, except the config checkout, which a remote session is sent.

import { CosaSettings } from './invocation';

export interface SettingNotUsed {
  /** The setting's id: coreos.runtimeArgs. */
  readonly id: string;
  /** Why, for the terminal (English, like the rest of the preamble). */
  readonly why: string;
}

const LOCAL_ONLY: readonly [keyof CosaSettings, string, string][] = [
  ['configGit', 'coreos.configGit', 'a local path: sync the config repo to the builder instead'],
  ['assemblerGit', 'coreos.assemblerGit', 'a local path'],
  ['registryAuthFile', 'coreos.registryAuthFile', 'a local path'],
  ['addCerts', 'coreos.addCerts', 'the local CA store'],
  ['runtimeArgs', 'coreos.runtimeArgs', 'flags of a local podman run: the session was created with cosa remote-session create\'s flags and commands run in it by exec'],
  ['hostNetwork', 'coreos.hostNetwork', 'flags of a local podman run'],
];

/**
 * The settings in effect that do not reach a command run by exec in a long-lived container.
 * `sendsInputs`: the transport sends the config checkout before a command (a remote session does).
 */
export function settingsNotUsedByExec(settings: CosaSettings, transport: { readonly sendsInputs: boolean }): SettingNotUsed[] {
  return LOCAL_ONLY.filter(([key]) => {
    if (key === 'configGit' && transport.sendsInputs) {
      return false;
    }
    const v = settings[key];
    return Array.isArray(v) ? v.length > 0 : v !== undefined && v !== false && v !== '';
  }).map(([, id, why]) => ({ id, why }));
}

export function execPreamble(where: string, settings: CosaSettings, commandLine: string, transport = { sendsInputs: false }): string[] {
  const unused = settingsNotUsedByExec(settings, transport).map((s) => `${s.id} (${s.why})`);
  return [
    `# cosa runs in the ${where}`,
    ...(unused.length ? [`# not used there: ${unused.join('; ')}`] : []),
    `+ ${commandLine}`,
  ];
}
