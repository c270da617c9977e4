// A document's edits, so the validation worker (src/engine/validationWorker.ts)
// can be sent what changed instead of the whole text on every keystroke: the
// host records each change event's edits per version (EditLog), and the
// worker, which keeps the text it was sent last, applies them (applyEdits).
// Anything the log cannot vouch for (a skipped version, a worker that lost its
// copy, a length that does not match) falls back to sending the whole text.

/** `deleteCount` UTF-16 units at `offset` replaced by `text` (VS Code's contentChanges: rangeOffset, rangeLength, text). */
export interface TextEdit {
  readonly offset: number;
  readonly deleteCount: number;
  readonly text: string;
}

/**
 * The text after the edits, applied in order, each to the text the previous
 * ones left (as VS Code applies a change event's contentChanges); undefined
 * when an edit does not fit the text.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string | undefined {
  let t = text;
  for (const e of edits) {
    if (!Number.isInteger(e.offset) || !Number.isInteger(e.deleteCount) || e.offset < 0 || e.deleteCount < 0 || e.offset + e.deleteCount > t.length) return undefined;
    t = t.slice(0, e.offset) + e.text + t.slice(e.offset + e.deleteCount);
  }
  return t;
}

/** Beyond this many UTF-16 units of inserted text the log gives up (the whole text is cheaper to send again). */
const MAX_LOGGED_UNITS = 1_000_000;

/** The edits that made each version of one document, from the oldest version a reader may still hold. */
export class EditLog {
  /** The version the first step applies to (undefined: nothing known yet). */
  private base: number | undefined;
  private steps: { version: number; edits: readonly TextEdit[] }[] = [];
  private units = 0;

  /** The document is at `version`, and nobody needs the edits that led there (opened, reloaded, or sent). */
  restart(version: number): void {
    this.base = version;
    this.steps = [];
    this.units = 0;
  }

  /** One change event: `edits` made `version` from the version before it. */
  record(version: number, edits: readonly TextEdit[]): void {
    const last = this.steps.length > 0 ? this.steps[this.steps.length - 1].version : this.base;
    for (const e of edits) this.units += e.text.length;
    if (last === undefined || version !== last + 1 || this.units > MAX_LOGGED_UNITS) {
      this.restart(version);
      return;
    }
    this.steps.push({ version, edits });
  }

  /** The edits that turn version `from` into version `to`, or undefined when the log does not hold them all. */
  between(from: number, to: number): TextEdit[] | undefined {
    if (this.base === undefined || from < this.base || to < from) return undefined;
    const out: TextEdit[] = [];
    let at = from;
    for (const s of this.steps) {
      if (s.version <= from) continue;
      if (s.version > to) break;
      if (s.version !== at + 1) return undefined;
      for (const e of s.edits) out.push(e);
      at = s.version;
    }
    return at === to ? out : undefined;
  }
}

/** What a reader sends for a document: its whole text, or the edits from the version the worker keeps. */
export type TextUpdate =
  | { readonly text: string; readonly version?: number }
  | { readonly version: number; readonly base: number; readonly edits: readonly TextEdit[]; readonly length: number };

/** The worker's side: the last text of each document it was sent with a version, brought up to date by edits. */
export class KeptTexts {
  private readonly texts = new Map<string, { version: number; text: string }>();

  /**
   * The text `update` makes for `key`, kept for the edits to come when it has a version; undefined when
   * the edits do not apply to what is kept (another version, nothing kept, a length that does not match):
   * the whole text is needed.
   */
  apply(key: string, update: TextUpdate): string | undefined {
    if ('text' in update) {
      if (update.version === undefined) this.texts.delete(key);
      else this.texts.set(key, { version: update.version, text: update.text });
      return update.text;
    }
    const kept = this.texts.get(key);
    const text = kept && kept.version === update.base ? applyEdits(kept.text, update.edits) : undefined;
    if (text === undefined || text.length !== update.length) {
      this.texts.delete(key);
      return undefined;
    }
    this.texts.set(key, { version: update.version, text });
    return text;
  }

  forget(key: string): void {
    this.texts.delete(key);
  }
}
