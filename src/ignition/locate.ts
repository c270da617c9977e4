/**
 * Finds the node of a report path in JSON text by scanning it, without
 * building a syntax tree: what report.Correlate's getDeepestNode gives over
 * the tree (validate.ts, Tree.deepest), for text that is valid JSON with no
 * key repeated within an object (the plain documents of directDecode.ts; the
 * tree takes a repeated key's last occurrence, this scan its first). Costs
 * one scan of the text up to the node, so it suits a few report entries.
 */

import type { PathElem } from './rules';

export interface LocatedNode {
  /** UTF-16 offset and length of the value's text (of the key's, for a key path element). */
  offset: number;
  length: number;
  /** An object or an array (go-json marks these just after the opening bracket). */
  container: boolean;
  /** Every element of the path was found (the node is the path's own, not an ancestor). */
  complete: boolean;
}

function skipWs(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++; else return i;
  }
}

/** Index just after the string token starting at i. */
function stringEnd(text: string, i: number): number {
  let q = i;
  for (;;) {
    q = text.indexOf('"', q + 1);
    if (q < 0) return text.length;
    // the quote ends the string unless an odd number of backslashes precede it
    let b = q - 1;
    while (text.charCodeAt(b) === 0x5c) b--;
    if ((q - b) % 2 === 1) return q + 1;
  }
}

/** Index just after the value starting at i. */
function valueEnd(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 0x22) return stringEnd(text, i);
  if (c !== 0x7b && c !== 0x5b) {
    let j = i;
    for (;;) {
      const d = text.charCodeAt(j);
      if (Number.isNaN(d) || d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) return j;
      j++;
    }
  }
  let depth = 0;
  let j = i;
  while (j < text.length) {
    const d = text.charCodeAt(j);
    if (d === 0x22) { j = stringEnd(text, j); continue; }
    if (d === 0x7b || d === 0x5b) depth++;
    else if (d === 0x7d || d === 0x5d) {
      depth--;
      if (depth === 0) return j + 1;
    }
    j++;
  }
  return j;
}

/** The key's string value (keys are short; only escaped ones need decoding). */
function keyText(text: string, start: number, end: number): string | undefined {
  const raw = text.slice(start + 1, end - 1);
  if (!raw.includes('\\')) return raw;
  // a broken escape: validatePlainIgnition scans text not checked yet (and then leaves the fast path)
  try { return JSON.parse(text.slice(start, end)) as string; } catch { return undefined; }
}

/** Where member `key` of the object at i starts: [key offset, value offset], or undefined. */
function member(text: string, i: number, key: string): [number, number] | undefined {
  let j = skipWs(text, i + 1);
  while (text.charCodeAt(j) === 0x22) {
    const keyEnd = stringEnd(text, j);
    const value = skipWs(text, skipWs(text, keyEnd) + 1);
    if (keyText(text, j, keyEnd) === key) return [j, value];
    j = skipWs(text, valueEnd(text, value));
    if (text.charCodeAt(j) !== 0x2c) return undefined;
    j = skipWs(text, j + 1);
  }
  return undefined;
}

/** Where element `index` of the array at i starts, or undefined. */
function element(text: string, i: number, index: number): number | undefined {
  let j = skipWs(text, i + 1);
  if (text.charCodeAt(j) === 0x5d) return undefined;
  for (let k = 0; ; k++) {
    if (k === index) return j;
    j = skipWs(text, valueEnd(text, j));
    if (text.charCodeAt(j) !== 0x2c) return undefined;
    j = skipWs(text, j + 1);
  }
}

/** The deepest node along `path` that exists (the whole document for []). */
export function locate(text: string, path: readonly PathElem[]): LocatedNode {
  let at = skipWs(text, 0);
  let isKey = false;
  let steps = 0;
  for (const p of path) {
    const c = text.charCodeAt(at);
    let next: number | undefined;
    if (typeof p === 'number') {
      if (c === 0x5b && Number.isInteger(p) && p >= 0) next = element(text, at, p);
    } else if (c === 0x7b) {
      const m = member(text, at, typeof p === 'string' ? p : p.key);
      if (m) {
        next = typeof p === 'string' ? m[1] : m[0];
        isKey = typeof p !== 'string';
      }
    }
    if (next === undefined) break;
    at = next;
    steps++;
    // a key is a string node: nothing is below it
    if (isKey) break;
  }
  const c = text.charCodeAt(at);
  return { offset: at, length: valueEnd(text, at) - at, container: !isKey && (c === 0x7b || c === 0x5b), complete: steps === path.length };
}
