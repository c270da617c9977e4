// Each setting comes from VS Code first and falls back to the environment
// variable the shell alias reads, so users who export COREOS_ASSEMBLER_* get
// the same behaviour in the editor as in their shell.

import {
  CONTAINER_RUNTIMES, ContainerRuntime, CosaSettings, DEFAULT_IMAGE, SourcedSetting, USER_NAMESPACE_MODES, UserNamespaceMode, ValueSource,
} from './invocation';
import { imageReferenceProblem } from './imageReference';

export interface RawSettings {
  readonly containerRuntime?: string;
  readonly image?: string;
  readonly configGit?: string;
  readonly assemblerGit?: string;
  readonly runtimeArgs?: string;
  readonly userNamespace?: string;
  readonly hostNetwork?: boolean;
  readonly registryAuthFile?: string;
  /** null/undefined: not set, COREOS_ASSEMBLER_ADD_CERTS decides. */
  readonly addCerts?: boolean | null;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** How the resolver looks at the host file system (injected: this module stays pure). */
export interface PathChecks {
  isDirectory(path: string): boolean;
  isFile?(path: string): boolean;
}

export class SettingsError extends Error {}

const nonEmpty = (v: string | undefined): string | undefined => (v !== undefined && v.trim() !== '' ? v.trim() : undefined);

function pick(setting: string | undefined, env: string | undefined): [string | undefined, ValueSource | undefined] {
  const s = nonEmpty(setting);
  if (s !== undefined) {
    return [s, 'setting'];
  }
  const e = nonEmpty(env);
  return e !== undefined ? [e, 'environment'] : [undefined, undefined];
}

/**
 * Words of a value the way bash splits an unquoted expansion with the default
 * IFS, as the alias does with ${COREOS_ASSEMBLER_CONTAINER_RUNTIME_ARGS}: on
 * runs of space, tab and newline only (a no-break space is part of a word),
 * quotes and backslashes are ordinary characters (no quote removal, a
 * backslash-newline is a backslash and a separator). Unlike bash there is no
 * globbing: a word with *, ? or [ stays as written.
 */
export function splitLikeUnquotedExpansion(value: string): string[] {
  return value.split(/[ \t\n]+/).filter((w) => w !== '');
}

/**
 * Settings + environment -> the effective CosaSettings, or a SettingsError
 * that names the setting (and the variable it fell back to) and what is wrong.
 * With `paths`, the mounted checkouts must exist.
 */
export function resolveCosaSettings(raw: RawSettings, env: Environment, paths?: PathChecks): CosaSettings {
  const runtime = nonEmpty(raw.containerRuntime) ?? 'podman';
  if (!(CONTAINER_RUNTIMES as readonly string[]).includes(runtime)) {
    throw new SettingsError(`coreos.containerRuntime must be "podman" or "docker", not "${runtime}"`);
  }
  const userNamespace = nonEmpty(raw.userNamespace) ?? 'auto';
  if (!(USER_NAMESPACE_MODES as readonly string[]).includes(userNamespace)) {
    throw new SettingsError(`coreos.userNamespace must be "auto", "uidmap" or "keep-id", not "${userNamespace}"`);
  }
  const [image, imageSource] = pick(raw.image, env.COREOS_ASSEMBLER_CONTAINER);
  const imageProblem = image === undefined ? undefined : imageReferenceProblem(image);
  if (imageProblem) {
    throw new SettingsError(`${imageSource === 'setting' ? 'coreos.image' : 'COREOS_ASSEMBLER_CONTAINER (the fallback of coreos.image)'} is not a container image reference (${imageProblem}): "${image}"`);
  }
  const [configGit, configGitSource] = pick(raw.configGit, env.COREOS_ASSEMBLER_CONFIG_GIT);
  const [assemblerGit, assemblerGitSource] = pick(raw.assemblerGit, env.COREOS_ASSEMBLER_GIT);
  const checkouts = [
    ['coreos.configGit', 'COREOS_ASSEMBLER_CONFIG_GIT', configGit, configGitSource, ''],
    ['coreos.assemblerGit', 'COREOS_ASSEMBLER_GIT', assemblerGit, assemblerGitSource, '/src'],
  ] as const;
  for (const [setting, variable, value, source, sub] of checkouts) {
    if (value === undefined) {
      continue;
    }
    const name = source === 'setting' ? setting : `${variable} (the fallback of ${setting})`;
    if (!value.startsWith('/')) {
      throw new SettingsError(`${name} must be an absolute path (it is mounted into the container), not "${value}"`);
    }
    if (value.includes(':')) {
      throw new SettingsError(`${name} cannot contain ":" (it is part of a -v host:container mount): "${value}"`);
    }
    if (paths) {
      const dir = `${value.replace(/\/+$/, '')}${sub}`;
      if (!paths.isDirectory(dir)) {
        throw new SettingsError(sub
          ? `${name} is "${value}", but ${dir} is not a directory: it must be a coreos-assembler checkout (its src/ is mounted over /usr/lib/coreos-assembler/)`
          : `${name} is "${value}", which does not exist or is not a directory`);
      }
    }
  }
  const [registryAuthFile, registryAuthFileSource] = pick(raw.registryAuthFile, env.REGISTRY_AUTH_FILE);
  if (registryAuthFile !== undefined) {
    const name = registryAuthFileSource === 'setting' ? 'coreos.registryAuthFile' : 'REGISTRY_AUTH_FILE (the fallback of coreos.registryAuthFile)';
    if (!registryAuthFile.startsWith('/')) {
      throw new SettingsError(`${name} must be an absolute path (it is mounted into the container at the same path), not "${registryAuthFile}"`);
    }
    if (registryAuthFile.includes(':')) {
      throw new SettingsError(`${name} cannot contain ":" (it is part of a -v host:container mount): "${registryAuthFile}"`);
    }
    if (paths?.isFile && !paths.isFile(registryAuthFile)) {
      throw new SettingsError(`${name} is "${registryAuthFile}", which does not exist or is not a file`);
    }
  }
  // the alias tests ${COREOS_ASSEMBLER_ADD_CERTS:+...}: any non-empty value turns it on
  const addCertsFromSetting = typeof raw.addCerts === 'boolean';
  const addCerts = addCertsFromSetting ? raw.addCerts === true : nonEmpty(env.COREOS_ASSEMBLER_ADD_CERTS) !== undefined;
  const fromSetting = raw.runtimeArgs !== undefined && splitLikeUnquotedExpansion(raw.runtimeArgs).length > 0;
  const runtimeArgs = splitLikeUnquotedExpansion(fromSetting ? raw.runtimeArgs! : env.COREOS_ASSEMBLER_CONTAINER_RUNTIME_ARGS ?? '');
  const sources: Partial<Record<SourcedSetting, ValueSource>> = {
    runtime: nonEmpty(raw.containerRuntime) ? 'setting' : 'default',
    image: imageSource ?? 'default',
  };
  if (configGitSource) {
    sources.configGit = configGitSource;
  }
  if (assemblerGitSource) {
    sources.assemblerGit = assemblerGitSource;
  }
  if (runtimeArgs.length) {
    sources.runtimeArgs = fromSetting ? 'setting' : 'environment';
  }
  if (registryAuthFileSource) {
    sources.registryAuthFile = registryAuthFileSource;
  }
  if (addCerts) {
    sources.addCerts = addCertsFromSetting ? 'setting' : 'environment';
  }
  return {
    runtime: runtime as ContainerRuntime,
    image: image ?? DEFAULT_IMAGE,
    ...(configGit !== undefined ? { configGit } : {}),
    ...(assemblerGit !== undefined ? { assemblerGit } : {}),
    runtimeArgs,
    userNamespace: userNamespace as UserNamespaceMode,
    hostNetwork: raw.hostNetwork === true,
    ...(registryAuthFile !== undefined ? { registryAuthFile } : {}),
    ...(addCerts ? { addCerts } : {}),
    sources,
  };
}
