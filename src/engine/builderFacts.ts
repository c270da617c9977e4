// Builder facts from the builder itself (never the local machine): `podman --remote info`, and
// /dev/kvm as its cosa session sees it. Process level, no vscode.

import { BuilderFacts, KVM_PROBE_ARGV, parseKvmProbe, parsePodmanInfo } from '../cosa/builderFacts';
import { RemoteBuilder } from '../cosa/remoteSession';
import { runCaptured } from './processRunner';
import { RemoteCommandError, remoteProcessEnv, RemoteSession } from './remoteSession';

export async function collectBuilderFacts(podman: string, builder: RemoteBuilder, session?: RemoteSession): Promise<BuilderFacts> {
  const env = remoteProcessEnv(builder);
  const info = await runCaptured(podman, ['--remote', 'info', '--format', 'json'], { env, timeoutMs: 60_000 });
  if (info.exitCode !== 0) {
    throw new RemoteCommandError(`Asking ${builder.name ?? builder.url} what it is`, info);
  }
  const facts = parsePodmanInfo(info.stdout);
  if (!session) {
    return facts;
  }
  const cmd = session.execCommand(KVM_PROBE_ARGV);
  const probe = await runCaptured(cmd.file, cmd.argv, { env: cmd.env, timeoutMs: 60_000 });
  if (probe.exitCode !== 0) {
    throw new RemoteCommandError('Looking at /dev/kvm in the remote session', probe);
  }
  const kvm = parseKvmProbe(probe.stdout);
  return { ...facts, ...(kvm ? { kvm } : {}) };
}
