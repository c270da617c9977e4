/**
 * YAML the `yaml` package cannot handle the same way every time, found before it parses.
 *
 * The package composes nested collections recursively: at ~900 levels (block sequences `- - - …`,
 * mappings indented one more space per line, flow collections) it runs out of stack, reports
 * "Maximum call stack size exceeded" at a place that depends on the caller's stack and the JIT, and a
 * little deeper the process dies in V8's RegExp compiler (out of memory). Its error recovery of a flow
 * collection left open reads thousands of lines into it. butane's parser (go-yaml v3) stops at 10,000
 * levels ("exceeded max depth of 10000"); this one stops at MAX_YAML_DEPTH, counting what go-yaml
 * counts: open block collections (its indentation stack) plus open flow collections.
 *
 * Pure: no I/O, no 'vscode'.
 */

import { Lexer } from 'yaml';

/** Nesting (block and flow collections together) refused before parsing; go-yaml v3's limit is 10,000. */
export const MAX_YAML_DEPTH = 500;
/** Lines an unclosed flow collection may span before it is refused instead of parsed. */
export const MAX_UNCLOSED_FLOW_LINES = 200;
/**
 * Collections (maps and sequences) a document may have: COLLECTIONS_FREE plus one per COLLECTION_BYTES
 * of text. The package keeps ~270-1,000 bytes of heap per collection; ordinary configs have one per 40-50
 * bytes, `- - - …` one per 2 (1 MB of it: 520,000 collections, 130 MB of heap; 10 MB ran Node out of
 * its 4 GB heap). bench/RESULTS.md, "Bound on collections".
 */
export const COLLECTIONS_FREE = 100_000;
export const COLLECTION_BYTES = 16;

export const maxCollections = (textLength: number): number => COLLECTIONS_FREE + Math.floor(textLength / COLLECTION_BYTES);

export interface NestingProblem {
  /** UTF-16 offset of the collection that is too deep or never closed. */
  readonly offset: number;
  readonly message: string;
}

// The lexer's control tokens: they stand for no source text.
const DOCUMENT = '\u0002';
const FLOW_ERROR_END = '\u0018';
const SCALAR = '\u001f';
const BOM = '\ufeff';

/** Only spaces and tabs (a separator or a line's indentation). */
const isBlank = (token: string): boolean => /^[ \t]+$/.test(token);

/**
 * True when `text` surely neither nests as deep as MAX_YAML_DEPTH nor has more than `max` collections, no
 * lexing needed (most documents are not lexed twice). Depth: without a bracket and without a line as long as
 * MAX_YAML_DEPTH the nesting stays under it, since go-yaml's indentation stack holds strictly increasing
 * columns, so it is never deeper than the longest line is long. Count: every collection is introduced by one
 * of `- ? : [ { !` (a block entry, a key, a flow bracket, a tag such as `!!map`), so their count bounds the
 * collections from above. One pass over the characters for both (two passes and a RegExp were ~110 ms of a
 * 10 MB config's validation, bench/RESULTS.md).
 */
function simpleForSure(text: string, max: number): boolean {
  let n = 0;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x3f) {
      if (c === 0x5b || c === 0x7b) return false; // [ {
    } else if (c === 0x0a) {
      if (i - lineStart + 1 >= MAX_YAML_DEPTH) return false;
      lineStart = i + 1;
    } else if ((c === 0x2d || c === 0x3f || c === 0x3a || c === 0x21) && ++n > max) {
      return false;
    }
  }
  return text.length - lineStart + 1 < MAX_YAML_DEPTH;
}

/**
 * The first place where `text` nests too deep, has more collections than maxCollections allows, or
 * leaves a flow collection open over too many lines.
 */
export function nestingProblem(text: string): NestingProblem | undefined {
  const max = maxCollections(text.length);
  if (simpleForSure(text, max)) return undefined;
  /** Block and flow collections started so far, tags counted as one each (`!!map` alone makes one). */
  let collections = 0;
  /** Columns of the open block collections (go-yaml's indents). */
  const indents: number[] = [];
  /** Offsets of the open flow collections. */
  const flows: number[] = [];
  let offset = 0;
  let lineStart = 0;
  let atLineStart = true;
  /** Column where an implicit key on this line may start (-1: none yet). */
  let keyColumn = -1;
  /** A block scalar header (| or >) was read: its content token comes next. */
  let blockScalar = false;
  for (const token of new Lexer().lex(text)) {
    if (token === DOCUMENT) {
      indents.length = 0;
      flows.length = 0;
      continue;
    }
    if (token === FLOW_ERROR_END) {
      flows.length = 0; // the lexer ended the flow collections (the parser reports why)
      continue;
    }
    if (token === SCALAR || token === BOM) continue;
    const column = offset - lineStart;
    const first = token.charCodeAt(0);
    if (token === '\n' || token === '\r\n') {
      atLineStart = true;
      keyColumn = -1;
    } else if (token === '' || isBlank(token) || first === 0x23 /* # */) {
      // no content: indentation, a separator, a comment, an empty block scalar
      if (token === '') blockScalar = false;
    } else if (blockScalar) {
      blockScalar = false; // its lines are text, not structure
    } else {
      if (atLineStart && flows.length === 0) {
        if (token === '---' || token === '...') indents.length = 0;
        while (indents.length > 0 && indents[indents.length - 1]! > column) indents.pop();
      }
      atLineStart = false;
      /** Where the collection that may be one too many starts. */
      let at = offset;
      const roll = (col: number): void => {
        if (indents.length === 0 || indents[indents.length - 1]! < col) {
          indents.push(col);
          collections++;
        }
        at = lineStart + col;
      };
      if (first === 0x21 /* ! */) {
        collections++;
      }
      if (token === '[' || token === '{') {
        if (flows.length === 0 && keyColumn < 0) keyColumn = column;
        flows.push(offset);
        collections++;
      } else if (token === ']' || token === '}') {
        flows.pop();
      } else if (flows.length === 0) {
        if (token === '-' || token === '?') {
          roll(column);
          keyColumn = -1;
        } else if (token === ':') {
          roll(keyColumn >= 0 ? keyColumn : column);
          keyColumn = -1;
        } else if (first === 0x7c /* | */ || first === 0x3e /* > */) {
          blockScalar = true;
        } else if (keyColumn < 0) {
          keyColumn = column;
        }
      }
      if (collections > max) {
        return {
          offset: at,
          message: `more than ${max} maps and sequences (at most ${COLLECTIONS_FREE} plus one per ${COLLECTION_BYTES} bytes): not checked (this validator's YAML parser would need hundreds of bytes of memory for each)`,
        };
      }
      if (indents.length + flows.length > MAX_YAML_DEPTH) {
        return {
          offset: at,
          message: `exceeded max depth of ${MAX_YAML_DEPTH}: not checked (collections nested this deep would overflow this validator's YAML parser; butane allows 10000)`,
        };
      }
    }
    const nl = token.lastIndexOf('\n');
    if (nl >= 0 && token.length > 1) {
      lineStart = offset + nl + 1;
      atLineStart = nl === token.length - 1;
      keyColumn = -1;
    } else if (nl === 0) {
      lineStart = offset + 1;
    }
    offset += token.length;
  }
  const first = flows[0];
  if (first !== undefined) {
    let lines = 0;
    for (let i = text.indexOf('\n', first); i >= 0 && lines <= MAX_UNCLOSED_FLOW_LINES; i = text.indexOf('\n', i + 1)) lines++;
    if (lines > MAX_UNCLOSED_FLOW_LINES) return { offset: first, message: `this flow collection is never closed (the YAML parser would read the over ${MAX_UNCLOSED_FLOW_LINES} lines after it as part of it)` };
  }
  return undefined;
}
