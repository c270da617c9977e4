// dockerode, for what an API does better than a CLI: pulling the cosa image
// with its JSON progress stream (src/vscode/imagePull.ts) and inspecting it
// (src/engine/hostFacts.ts). Through the podman or docker socket when one
// answers; callers fall back to the CLI when none does. Process level, no vscode.

import type Docker from 'dockerode';
import { requireBundle } from '../bundleLoader';

type DockerCtor = new (options: Docker.DockerOptions) => Docker;
let dockerCtor: DockerCtor | null | undefined;
/**
 * dockerode, loaded on first use: from its own bundle beside the extension
 * bundle (dist/dockerode.js, see scripts/build.mjs), so activation does not
 * pay for it; from node_modules when running from source (tests). Where
 * neither loads, callers fall back to the CLI.
 */
export function loadDockerode(): DockerCtor | undefined {
  if (dockerCtor === undefined) {
    try {
      const mod = requireBundle<DockerCtor | { default: DockerCtor }>('dockerode.js', 'dockerode');
      dockerCtor = 'default' in mod ? mod.default : mod;
    } catch {
      dockerCtor = null;
    }
  }
  return dockerCtor ?? undefined;
}

/** A client for the socket, or undefined when nothing answers a ping within timeoutMs. */
export async function connectApi(socketPath: string | undefined, timeoutMs = 3000): Promise<Docker | undefined> {
  const Ctor = loadDockerode();
  if (!socketPath || !Ctor) {
    return undefined;
  }
  const api = new Ctor({ socketPath, timeout: timeoutMs });
  try {
    await api.ping();
    // later calls (pull, events, exec streams) must not time out
    return new Ctor({ socketPath });
  } catch {
    return undefined;
  }
}
