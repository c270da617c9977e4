// A terminal command (CosaEngine.terminalCommand) spawned on a real pseudo-terminal, as VS
// Code's integrated terminal spawns it: its output, waits for text on it, its exit.

import { ChildProcess, spawn } from 'node:child_process';
import { TerminalCommand } from '../../src/engine/cosaProcess';

/** A pseudo-terminal for a child (python's pty module): what VS Code's terminal gives the process it spawns. */
const PTY_SPAWN = 'import pty, sys\nsys.exit(pty.spawn(sys.argv[1:]) >> 8)';

export interface OnPty {
  readonly child: ChildProcess;
  output(): string;
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

export function onPty(cmd: TerminalCommand): OnPty {
  const child = spawn('python3', ['-c', PTY_SPAWN, cmd.executable, ...cmd.argv], { env: cmd.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const waiters = new Set<() => void>();
  const take = (b: Buffer) => {
    out += b.toString('utf8');
    waiters.forEach((w) => w());
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return {
    child,
    output: () => out,
    exited,
    waitFor: (re, timeoutMs = 120_000) => new Promise<void>((resolve, reject) => {
      const check = () => {
        if (re.test(out)) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${re} within ${timeoutMs} ms; the terminal shows:\n${out.slice(-3000)}`));
      }, timeoutMs);
      waiters.add(check);
      void exited.then(() => setTimeout(() => {
        if (waiters.has(check)) {
          waiters.delete(check);
          clearTimeout(timer);
          reject(new Error(`the terminal's process ended before ${re}; it showed:\n${out.slice(-3000)}`));
        }
      }, 200));
      check();
    }),
  };
}
