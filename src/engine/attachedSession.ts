// A session made with the cosa CLI (`cosa remote-session create`, then
// `export COREOS_ASSEMBLER_REMOTE_SESSION=...`): cosa's own entry point (coreos-assembler
// cmd/coreos-assembler.go) then runs every command as `podman --remote exec` in it, with
// podman's CONTAINER_HOST/CONTAINER_SSHKEY. The extension attaches to it the same way.
// Process level, no vscode.

import { RemoteBuilderError } from '../cosa/remoteSession';
import { RemoteSession } from './remoteSession';

/** The session named by the environment, or undefined when none is. */
export function attachedSession(env: NodeJS.ProcessEnv, podman: string): RemoteSession | undefined {
  const id = env.COREOS_ASSEMBLER_REMOTE_SESSION?.trim();
  if (!id) {
    return undefined;
  }
  const url = env.CONTAINER_HOST?.trim();
  if (!url) {
    throw new RemoteBuilderError(
      `COREOS_ASSEMBLER_REMOTE_SESSION=${id} is set, but CONTAINER_HOST is not: set it to the builder's ssh://user@host[:port]/path/to/podman.sock (as for \`cosa remote-session create\`), or unset COREOS_ASSEMBLER_REMOTE_SESSION to build locally`,
    );
  }
  const identity = env.CONTAINER_SSHKEY?.trim();
  return new RemoteSession(podman, { url, ...(identity ? { identity } : {}), name: 'COREOS_ASSEMBLER_REMOTE_SESSION' }, id);
}
