// What the terminal shows before a cosa command that runs by exec in a long-lived cosa
// container (a remote session, a pod) instead of the alias' `podman run`: where it runs, the
// settings that do not reach it (they shape a local `podman run`: the image and mounts of a
// session are fixed when it is created, local paths do not exist on the builder), then the
// command line. Pure.

import { CosaSettings } from './invocation';

const LOCAL_ONLY: readonly [keyof CosaSettings, string][] = [
  ['configGit', 'coreos.configGit (a local path: sync the config repo to the builder instead)'],
  ['assemblerGit', 'coreos.assemblerGit (a local path)'],
  ['registryAuthFile', 'coreos.registryAuthFile (a local path)'],
  ['addCerts', 'coreos.addCerts (the local CA store)'],
  ['runtimeArgs', 'coreos.runtimeArgs (flags of a local podman run)'],
  ['hostNetwork', 'coreos.hostNetwork (flags of a local podman run)'],
];

export function execPreamble(where: string, settings: CosaSettings, commandLine: string): string[] {
  const unused = LOCAL_ONLY.filter(([key]) => {
    const v = settings[key];
    return Array.isArray(v) ? v.length > 0 : v !== undefined && v !== false && v !== '';
  }).map(([, say]) => say);
  return [
    `# cosa runs in the ${where}`,
    ...(unused.length ? [`# not used there: ${unused.join('; ')}`] : []),
    `+ ${commandLine}`,
  ];
}
