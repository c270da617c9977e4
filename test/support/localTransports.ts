// Exec transports whose "container" is this machine, for unit tests of what runs by exec
// (src/engine/groupedExec.ts, src/engine/execTerminal.ts) with real processes.

import { ExecCommand, ExecTransport } from '../../src/engine/execTransport';

export function localTransport(wrap: (argv: readonly string[]) => ExecCommand): ExecTransport {
  return { kind: 'remote-session', description: 'this machine', workdir: '/', execCommand: wrap };
}

/** The command itself, as a local process. */
export const direct = localTransport((argv) => ({ file: argv[0]!, argv: argv.slice(1), env: process.env }));

/** A client that passes the marker line on, then reads nothing more and never ends (podman --remote after its ssh connection dropped). */
export const hung = localTransport((argv) => ({
  file: 'bash',
  argv: ['-c', 'exec 3< <("$@" 2>&1); IFS= read -r l <&3; printf "%s\\n" "$l"; exec sleep 1000', 'bash', ...argv],
  env: process.env,
}));
