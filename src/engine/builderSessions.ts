// The remote builders of the product: the ssh connections podman knows, and one cosa
// remote session per workspace and builder, found again on the builder by its labels
// (a reload reuses it) or created on first use like `cosa remote-session create`.
// Process level, no vscode.

import { CONNECTION_LIST_ARGV } from '../cosa/builderChoice';
import { parseConnectionList, parseSessionPs, RemoteBuilder, sessionListArgv } from '../cosa/remoteSession';
import { runCaptured } from './processRunner';
import { RemoteCommandError, remoteProcessEnv, RemoteSession } from './remoteSession';

/** `podman system connection list`: the ssh builders podman knows on this machine. */
export async function listConnections(podman: string): Promise<RemoteBuilder[]> {
  const r = await runCaptured(podman, CONNECTION_LIST_ARGV, { timeoutMs: 30_000 });
  if (r.exitCode !== 0) {
    throw new RemoteCommandError('Listing podman\'s connections', r);
  }
  return parseConnectionList(r.stdout);
}

export interface WorkspaceSessionOptions {
  /** The cosa image the session runs (the workspace's coreos.image). */
  readonly image: string;
  /** sleep's duration: the session ends by itself after it. */
  readonly expiration: string;
}

/** The running session of `workspace` on `builder` (labels of sessionCreateArgv), or undefined. */
export async function findWorkspaceSession(podman: string, builder: RemoteBuilder, workspace: string): Promise<RemoteSession | undefined> {
  const r = await runCaptured(podman, sessionListArgv(workspace), { env: remoteProcessEnv(builder), timeoutMs: 60_000 });
  if (r.exitCode !== 0) {
    throw new RemoteCommandError(`Looking for this workspace's session on ${builder.name ?? builder.url}`, r);
  }
  const running = parseSessionPs(r.stdout).find((s) => s.running);
  return running ? new RemoteSession(podman, builder, running.id) : undefined;
}

/**
 * The running session of `workspace` on `builder`, else a new one.
 * The image is pulled on the builder only when missing there (upstream pulls always; a reload
 * must not wait for gigabytes).
 */
export async function openWorkspaceSession(podman: string, builder: RemoteBuilder, workspace: string, options: WorkspaceSessionOptions): Promise<RemoteSession> {
  return await findWorkspaceSession(podman, builder, workspace) ?? RemoteSession.create(podman, builder, { image: options.image, expiration: options.expiration, pull: 'missing', workspace });
}
