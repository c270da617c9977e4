// Streamed text -> lines, in linear time and bounded memory. `\n`, `\r\n` and
// a lone `\r` each end a line: progress bars (podman pull, rpm-ostree, curl)
// redraw with `\r` and may never print a newline, so `\r` must not let one
// line grow with the whole output. A line longer than `maxLine` characters is
// delivered in pieces of at most `maxLine`, each but the last flagged as
// cut (`continues`): no text is lost (butane's stdout is one long JSON line
// that its reader joins again), and no consumer ever holds more than a piece.

/** Longest line (UTF-16 units) a consumer receives in one piece. */
export const MAX_LINE = 64 * 1024;

export type LineSink = (line: string, continues: boolean) => void;

export class LineSplitter {
  /** The unfinished line so far; never longer than maxLine. */
  private partial = '';
  /** The previous text ended with `\r`: a `\n` first in the next one belongs to it. */
  private afterCr = false;

  constructor(private readonly sink: LineSink, private readonly maxLine = MAX_LINE) {
    if (!(maxLine >= 1)) throw new RangeError(`maxLine must be at least 1 (got ${maxLine})`);
  }

  push(text: string): void {
    const n = text.length;
    if (n === 0) return;
    let i = 0;
    if (this.afterCr) {
      this.afterCr = false;
      if (text.charCodeAt(0) === 0x0a) i = 1;
    }
    let nl = text.indexOf('\n', i);
    let cr = text.indexOf('\r', i);
    while (i < n) {
      if (nl >= 0 && nl < i) nl = text.indexOf('\n', i);
      if (cr >= 0 && cr < i) cr = text.indexOf('\r', i);
      const end = nl < 0 ? cr : cr < 0 ? nl : Math.min(nl, cr);
      if (end < 0) {
        this.append(text, i, n, false);
        return;
      }
      this.append(text, i, end, true);
      i = end + 1;
      if (end === cr && i < n && text.charCodeAt(i) === 0x0a) i++;
    }
    // Set after the loop, not in it: a store to this.afterCr inside the loop made V8's optimised
    // code 20-30x slower on \r-only output (bench/RESULTS.md, "Build log throughput").
    this.afterCr = text.charCodeAt(n - 1) === 0x0d;
  }

  /** The input ended: an unfinished line is a line. */
  end(): void {
    if (this.partial) {
      const line = this.partial;
      this.partial = '';
      this.sink(line, false);
    }
    this.afterCr = false;
  }

  private append(text: string, from: number, to: number, complete: boolean): void {
    let line = this.partial;
    while (line.length + (to - from) > this.maxLine) {
      const take = this.maxLine - line.length;
      this.sink(line + text.slice(from, from + take), true);
      from += take;
      line = '';
    }
    line += text.slice(from, to);
    if (complete) {
      this.partial = '';
      this.sink(line, false);
    } else {
      this.partial = line;
    }
  }
}
