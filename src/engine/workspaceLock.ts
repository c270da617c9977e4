// cosa takes no workdir lock of its own: two builds in one directory
// clobber tmp/build and cache2.qcow2. The engine serialises the commands
// that change the build directory, per workspace, within this process (a
// clear refusal before anything starts); across windows and processes the
// runtime does, atomically: all of them run under one container name
// (buildDirLockName in src/cosa/invocation.ts).

export interface LockHolder {
  readonly args: readonly string[];
  readonly containerName: string;
  readonly since: number;
}

export interface WorkspaceLease {
  release(): void;
}

export class WorkspaceLocks {
  private readonly held = new Map<string, LockHolder>();

  /** A lease, or the holder that prevents one. */
  tryAcquire(workspace: string, holder: LockHolder): WorkspaceLease | { readonly heldBy: LockHolder } {
    const current = this.held.get(workspace);
    if (current) {
      return { heldBy: current };
    }
    this.held.set(workspace, holder);
    let released = false;
    return {
      release: () => {
        if (!released && this.held.get(workspace) === holder) {
          this.held.delete(workspace);
        }
        released = true;
      },
    };
  }

  holder(workspace: string): LockHolder | undefined {
    return this.held.get(workspace);
  }
}

export function busyMessage(args: readonly string[], holder: { args: readonly string[]; containerName: string }, elsewhere = false): string {
  const want = `cosa ${args[0] ?? ''}`.trim();
  const running = `cosa ${holder.args.join(' ')}`.trim();
  return `${want} was not started: ${running} is already running in this workspace${elsewhere ? ' (started by another window or process)' : ''} ` +
    `(container ${holder.containerName}). cosa has no lock of its own and two commands that change the build directory would corrupt it; ` +
    'wait for it to finish or cancel it.';
}
