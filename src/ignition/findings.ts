/**
 * A validation's findings in editor terms (UTF-16 offset and length, a JSON
 * path, a message): the same for the Problems panel, the config editor and
 * the validation worker (src/engine/validationWorker.ts), so the worker's
 * answer is plain data that crosses threads as it is. Pure.
 */

import { validateButane, type ButaneEntry } from './butane';
import type { ConfigKind, ValidationFinding } from './findingTypes';
import { validateIgnition, type IgnitionEntry, type IgnitionResult } from './validate';

// The types alone live in ./findingTypes.ts: the webviews (webview-ui/src/messages.ts) take them from there
// without the validators (and their Node-only loading) in their typecheck.
export type { ConfigKind, ValidationFinding } from './findingTypes';

const jsonPath = (p: readonly (string | number)[]): string => (p.length ? '$.' + p.map(String).join('.') : '');

function ignitionFindings(text: string, r: IgnitionResult): ValidationFinding[] {
  const out: ValidationFinding[] = r.entries.map((e: IgnitionEntry) => ({
    severity: e.level, message: e.message, path: jsonPath(e.path), line: e.line, column: e.column, offset: e.offset, length: e.length,
  }));
  if (r.fatal !== undefined) {
    // no position from Ignition: mark the version value when there is one
    const m = /"version"\s*:\s*("(?:[^"\\]|\\.)*"|[^,}\s]+)/.exec(text);
    const offset = m ? m.index + m[0].length - m[1].length : 0;
    out.push({ severity: 'error', message: `couldn't parse config: ${r.fatal}`, path: m ? '$.ignition.version' : '', line: 0, column: 0, offset, length: m ? m[1].length : 0 });
  }
  return out;
}

function butaneFindings(entries: ButaneEntry[]): ValidationFinding[] {
  return entries.map((e) => ({ severity: e.level, message: e.message, path: jsonPath(e.path), line: e.line, column: e.column, offset: e.offset, length: e.length }));
}

/** Validates `text` of the given kind; a validator bug becomes an error finding, never a throw (old findings must not stay). */
export function findingsOf(kind: ConfigKind, text: string): ValidationFinding[] {
  try {
    if (kind === 'ignition') return ignitionFindings(text, validateIgnition(text));
    // the files directory is the document's folder when translating, so local files are fine
    return butaneFindings(validateButane(text, { filesDir: true }).entries);
  } catch (e) {
    return [validatorFailure(kind, e)];
  }
}

/** The finding that replaces a document's findings when its validation failed (a validator bug, a crashed worker). */
export function validatorFailure(kind: ConfigKind, e: unknown): ValidationFinding {
  const message = `the ${kind === 'ignition' ? 'Ignition' : 'Butane'} validator failed on this document: ${e instanceof Error ? e.message : String(e)}`;
  return { severity: 'error', message, path: '', line: 0, column: 0, offset: 0, length: 0 };
}
