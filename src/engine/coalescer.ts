// Coalesces bursts of events per key, leading and trailing: the first event
// of a quiet key runs at once (a rewritten builds.json shows without waiting
// out a debounce), events during the following window collapse into one run
// at its end (a burst of writes still costs at most two re-reads).

export class Coalescer {
  private readonly windows = new Map<string, { timer: ReturnType<typeof setTimeout>; pending?: () => void }>();

  constructor(private readonly windowMs: number) {}

  trigger(key: string, run: () => void): void {
    const open = this.windows.get(key);
    if (open) {
      open.pending = run;
      return;
    }
    run();
    this.open(key);
  }

  private open(key: string): void {
    const window: { timer: ReturnType<typeof setTimeout>; pending?: () => void } = {
      timer: setTimeout(() => {
        this.windows.delete(key);
        if (window.pending) {
          window.pending();
          this.open(key);
        }
      }, this.windowMs),
    };
    this.windows.set(key, window);
  }

  dispose(): void {
    this.windows.forEach((w) => clearTimeout(w.timer));
    this.windows.clear();
  }
}
