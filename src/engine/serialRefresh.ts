// An async refresh that runs one at a time. A call while one runs asks for
// exactly one more run after it, which reads the disk after the latest change:
// two overlapping refreshes could otherwise finish out of order and an older,
// slower read (a workspace search behind a stale meta.json read) would land
// last and stay, as the walkthrough's "Build a QEMU image" step once did.

export class SerialRefresh {
  private current: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(private readonly refresh: () => Promise<void>) {}

  /** Resolves once a run that started after this call has finished. */
  run(): Promise<void> {
    if (this.queued) {
      return this.queued;
    }
    if (this.current) {
      this.queued = this.current.catch(() => undefined).then(() => {
        this.queued = undefined;
        return this.begin();
      });
      return this.queued;
    }
    return this.begin();
  }

  private begin(): Promise<void> {
    const run: Promise<void> = this.refresh().finally(() => {
      if (this.current === run) {
        this.current = undefined;
      }
    });
    this.current = run;
    return run;
  }
}
