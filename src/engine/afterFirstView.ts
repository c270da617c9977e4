// Work that activation does not need for the first view (the walkthrough's
// facts, the leftover-container check, which spawns the runtime) starts once
// the view's first level has been delivered and the editor had a moment to
// paint it, or after a fallback delay when no view is shown: never inside
// activate(), never competing with the first rows.

export interface AfterFirstViewTiming {
  /** After the first level is delivered. */
  readonly settleMs: number;
  /** When it never is (the view is not open). */
  readonly fallbackMs: number;
}

export const AFTER_FIRST_VIEW: AfterFirstViewTiming = { settleMs: 500, fallbackMs: 3000 };

/** Runs `work` once, `settleMs` after `firstView` settles or `fallbackMs` from now, whichever is first; dispose cancels. */
export function afterFirstView(firstView: Promise<unknown> | undefined, work: () => void, timing: AfterFirstViewTiming = AFTER_FIRST_VIEW): { dispose(): void } {
  let done = false;
  const timers: ReturnType<typeof setTimeout>[] = [];
  const runIn = (ms: number) => {
    if (!done) {
      timers.push(setTimeout(() => {
        if (!done) {
          done = true;
          timers.forEach((t) => clearTimeout(t));
          work();
        }
      }, ms));
    }
  };
  runIn(timing.fallbackMs);
  void firstView?.then(() => runIn(timing.settleMs), () => runIn(timing.settleMs));
  return {
    dispose: () => {
      done = true;
      timers.forEach((t) => clearTimeout(t));
    },
  };
}
