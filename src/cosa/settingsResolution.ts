// Each setting comes from VS Code first and falls back to the environment
// variable the shell alias reads, so users who export COREOS_ASSEMBLER_* get
// the same behaviour in the editor as in their shell.

import { CosaSettings, ContainerRuntime, DEFAULT_IMAGE } from './invocation';
import { splitShellWords } from './shellWords';

export interface RawSettings {
  readonly containerRuntime?: string;
  readonly image?: string;
  readonly configGit?: string;
  readonly assemblerGit?: string;
  readonly runtimeArgs?: string;
}

export type Environment = Readonly<Record<string, string | undefined>>;

export class SettingsError extends Error {}

const nonEmpty = (v: string | undefined): string | undefined => (v !== undefined && v.trim() !== '' ? v.trim() : undefined);

export function resolveCosaSettings(raw: RawSettings, env: Environment): CosaSettings {
  const runtime = nonEmpty(raw.containerRuntime) ?? 'podman';
  if (runtime !== 'podman' && runtime !== 'docker') {
    throw new SettingsError(`coreos.containerRuntime must be "podman" or "docker", not "${runtime}"`);
  }
  const configGit = nonEmpty(raw.configGit) ?? nonEmpty(env.COREOS_ASSEMBLER_CONFIG_GIT);
  const assemblerGit = nonEmpty(raw.assemblerGit) ?? nonEmpty(env.COREOS_ASSEMBLER_GIT);
  for (const [name, value] of [['coreos.configGit', configGit], ['coreos.assemblerGit', assemblerGit]] as const) {
    if (value !== undefined && !value.startsWith('/')) {
      throw new SettingsError(`${name} must be an absolute path (it is mounted into the container), not "${value}"`);
    }
  }
  const argsText = raw.runtimeArgs !== undefined && raw.runtimeArgs.trim() !== ''
    ? raw.runtimeArgs
    : env.COREOS_ASSEMBLER_CONTAINER_RUNTIME_ARGS ?? '';
  return {
    runtime: runtime as ContainerRuntime,
    image: nonEmpty(raw.image) ?? nonEmpty(env.COREOS_ASSEMBLER_CONTAINER) ?? DEFAULT_IMAGE,
    ...(configGit !== undefined ? { configGit } : {}),
    ...(assemblerGit !== undefined ? { assemblerGit } : {}),
    runtimeArgs: splitShellWords(argsText),
  };
}
