// A cosa command on a real terminal in a long-lived cosa container (a remote session, a pod):
// `podman --remote exec -it` (or kubectl exec -it) through the workspace's exec transport, the
// client spawned by the terminal itself (Run in QEMU, Test in VM, the Assembler Shell). Ending
// the local client does not end the command in the container, so the command leaves the id of
// its session (the terminal's) in a file there (src/cosa/processGroup.ts), and stop() signals
// every process of that session when the terminal closes. Files the command needs (an Ignition config) go
// to the container through the same exec (stdin). Process level, no vscode.

import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { sessionToFileArgv, stopFiledSessionArgv, watchFiledSessionArgv } from '../cosa/processGroup';
import { ExecTransport } from './execTransport';
import { GroupedExec } from './groupedExec';
import { runCaptured } from './processRunner';
import { withoutKnownHostsNoise } from './remoteSession';

export interface ExecTerminalCommand {
  readonly executable: string;
  readonly argv: readonly string[];
  /** The exec client's environment (the builder's CONTAINER_HOST/CONTAINER_SSHKEY). */
  readonly env: NodeJS.ProcessEnv;
  /** Stops the command (its whole session) in the container; true when the container answered. */
  stop(graceSeconds: number): Promise<boolean>;
  /**
   * Watches the connection to the container while the terminal is open: a terminal's output is the
   * user's, so it carries no heartbeat, and its client can hang after the connection drops (as
   * src/engine/groupedExec.ts says of exec without a terminal). A second exec, without a terminal,
   * waits there as long as the terminal's command runs (watchFiledSessionArgv), with the
   * heartbeat; `onLost` is called once if it goes silent for the silence limit. dispose() ends
   * it (stop() does too), and it ends by itself with the command.
   */
  watchContact(onLost: () => void, options?: { heartbeatSeconds?: number; silenceLimitMs?: number }): { dispose(): void };
}

/** Where the session ids of terminal commands are kept in the container (cleared by stop()). */
const SID_DIR = '/tmp';

/** `cosa <args>` on a terminal in the target, with `containerEnv` set for cosa (COSA_NO_KVM=1). */
export function execTerminalCommand(transport: ExecTransport, args: readonly string[], containerEnv: Readonly<Record<string, string>> = {}): ExecTerminalCommand {
  const sidFile = path.posix.join(SID_DIR, `coreos-vscode-${randomBytes(8).toString('hex')}.sid`);
  const env = Object.entries(containerEnv).map(([k, v]) => `${k}=${v}`);
  const cosa = [...(env.length ? ['env', ...env] : []), 'cosa', ...args];
  const cmd = transport.execCommand(sessionToFileArgv(cosa, sidFile), { stdin: true, tty: true, workdir: transport.workdir });
  const watches = new Set<GroupedExec>();
  return {
    executable: cmd.file,
    argv: cmd.argv,
    env: cmd.env,
    stop: async (graceSeconds) => {
      for (const w of watches) void w.cancel();
      watches.clear();
      const stop = transport.execCommand(stopFiledSessionArgv(sidFile, graceSeconds));
      const r = await runCaptured(stop.file, stop.argv, { env: stop.env, timeoutMs: (graceSeconds + 40) * 1000 });
      return r.exitCode === 0;
    },
    watchContact: (onLost, options = {}) => {
      const watch = new GroupedExec(transport, watchFiledSessionArgv(sidFile), { killGraceMs: 1000, ...options });
      watches.add(watch);
      void watch.exit.then((exit) => {
        if (watches.delete(watch) && exit.contactLost) {
          onLost();
        }
      });
      return {
        dispose: () => {
          if (watches.delete(watch)) void watch.cancel();
        },
      };
    },
  };
}

/** Puts `text` at `file` in the container (its directory made first) through exec's stdin: nothing is bind-mounted. */
export async function putTextFile(transport: ExecTransport, file: string, text: string): Promise<void> {
  if (!path.posix.isAbsolute(file) || file.split('/').includes('..')) {
    throw new Error(`not an absolute path inside the container: ${file}`);
  }
  const cmd = transport.execCommand(['sh', '-c', 'mkdir -p -- "$(dirname -- "$1")" && cat > "$1"', 'sh', file], { stdin: true });
  const r = await runCaptured(cmd.file, cmd.argv, { env: cmd.env, input: text, timeoutMs: 60_000 });
  if (r.exitCode !== 0) {
    throw new Error(`copying to ${file} in ${transport.description} failed: ${withoutKnownHostsNoise(r.stderr).trim() || `exit status ${r.exitCode}`}`);
  }
}
