/**
 * Builds a compact syntax tree (type, offset, length, value, children) in a
 * single pass. Like jsonc-parser's tree, but an object's children are its keys
 * and values in turn ([key0, value0, key1, value1, …], keys as string nodes)
 * instead of property nodes: two allocations fewer per member. Offsets are UTF-16
 * indices. Several times faster than jsonc-parser's parseTree on megabyte
 * configs, which matters for validating on every keystroke.
 *
 * parseJsonTree is strict: it accepts exactly the JSON that Go's
 * encoding/json scanner accepts (go/jsonScan.ts: RFC 8259 grammar, nesting
 * depth at most 10000) and returns undefined for anything else, so a valid
 * document is checked and built in one pass; only an invalid one is scanned
 * again by goCheckValid for Go's exact message and offset.
 * test/unit/ignition/jsonTree.test.ts holds the two to the same verdicts.
 */

export interface JsonNode {
  type: 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';
  /** UTF-16 offset and length of the value's text. */
  offset: number;
  length: number;
  value?: string | number | boolean | null;
  /** Arrays: the elements. Objects: key, value, key, value, … */
  children?: JsonNode[];
}
type JNode = JsonNode;
type Node = JsonNode;

const MAX_DEPTH = 10000;

class Fail {}
const FAIL = new Fail();

/** A run of string characters that need no check: not `"`, not `\\`, not a control character. */
// eslint-disable-next-line no-control-regex
const PLAIN_STRING_CHARS = /[^"\\\u0000-\u001f]*/y;

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/** The length of the valid escape sequence at the backslash at i (2, or 6 for \uXXXX), 0 when it is not one. */
function escapeLength(text: string, i: number): number {
  const e = text.charCodeAt(i + 1);
  if (e === 0x75) return isHex(text.charCodeAt(i + 2)) && isHex(text.charCodeAt(i + 3)) && isHex(text.charCodeAt(i + 4)) && isHex(text.charCodeAt(i + 5)) ? 6 : 0;
  return e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74 ? 2 : 0;
}

/** Index just after the closing quote of the string token at `start` (Go's grammar), or -1 when it is not a valid one. */
export function stringTokenEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    // the plain characters in one native scan (strings are most of a big config's bytes)
    PLAIN_STRING_CHARS.lastIndex = i;
    PLAIN_STRING_CHARS.test(text);
    i = PLAIN_STRING_CHARS.lastIndex;
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    // a control character, or the end of the text (NaN)
    if (c !== 0x5c) return -1;
    const k = escapeLength(text, i);
    if (k === 0) return -1;
    i += k;
  }
}

/** The value of the valid string token text[start, end). */
export function stringTokenValue(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end - 1);
  return raw.includes('\\') ? (JSON.parse(text.slice(start, end)) as string) : raw;
}

/** The tree of `text`, or undefined when Go's json.Unmarshal would report a syntax error. */
export function parseJsonTree(text: string): Node | undefined {
  const n = text.length;
  let i = 0;
  const skipWs = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++; else break;
    }
  };
  const parseString = (): JNode => {
    const start = i;
    const end = stringTokenEnd(text, start);
    if (end < 0) throw FAIL;
    i = end;
    return { type: 'string', offset: start, length: end - start, value: stringTokenValue(text, start, end) };
  };
  const digits = (): number => {
    const s = i;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d >= 0x30 && d <= 0x39) i++; else break;
    }
    return i - s;
  };
  const parseNumber = (): JNode => {
    const start = i;
    if (text.charCodeAt(i) === 0x2d) i++;
    const first = text.charCodeAt(i);
    if (first === 0x30) i++;
    else if (first >= 0x31 && first <= 0x39) digits();
    else throw FAIL;
    if (text.charCodeAt(i) === 0x2e) {
      i++;
      if (digits() === 0) throw FAIL;
    }
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      i++;
      const s = text.charCodeAt(i);
      if (s === 0x2b || s === 0x2d) i++;
      if (digits() === 0) throw FAIL;
    }
    return { type: 'number', offset: start, length: i - start, value: Number(text.slice(start, i)) };
  };
  const literal = (word: string, node: JNode): JNode => {
    if (!text.startsWith(word, i)) throw FAIL;
    i += word.length;
    return node;
  };
  const scalar = (): JNode => {
    const start = i;
    const c = text.charCodeAt(i);
    if (c === 0x22) return parseString();
    if (c === 0x74) return literal('true', { type: 'boolean', offset: start, length: 4, value: true });
    if (c === 0x66) return literal('false', { type: 'boolean', offset: start, length: 5, value: false });
    if (c === 0x6e) return literal('null', { type: 'null', offset: start, length: 4, value: null });
    return parseNumber();
  };
  // Iterative, with an explicit stack of open containers: Go's 10,000 levels
  // must neither exhaust the JS call stack nor be refused.
  const open: JNode[] = [];
  /** After a value: closes finished containers; true when the document's top value is complete. */
  const afterValue = (): boolean => {
    for (;;) {
      const top = open[open.length - 1];
      if (top === undefined) return true;
      skipWs();
      const d = text.charCodeAt(i);
      if (d === 0x2c) { i++; return false; }
      if (d !== (top.type === 'object' ? 0x7d : 0x5d)) throw FAIL;
      i++;
      top.length = i - top.offset;
      open.pop();
    }
  };
  /** Reads an object key and its colon when the innermost container is an object. */
  const keyIfObject = (): void => {
    const top = open[open.length - 1];
    if (top?.type !== 'object') return;
    skipWs();
    if (text.charCodeAt(i) !== 0x22) throw FAIL;
    top.children!.push(parseString());
    skipWs();
    if (text.charCodeAt(i) !== 0x3a) throw FAIL;
    i++;
  };
  const parseDocument = (): JNode => {
    let root: JNode | undefined;
    for (;;) {
      skipWs();
      const start = i;
      const c = text.charCodeAt(i);
      let node: JNode;
      if (c === 0x7b || c === 0x5b) {
        if (open.length >= MAX_DEPTH) throw FAIL;
        node = { type: c === 0x7b ? 'object' : 'array', offset: start, length: 0, children: [] };
        open[open.length - 1]?.children!.push(node);
        root ??= node;
        i++;
        skipWs();
        if (text.charCodeAt(i) === (c === 0x7b ? 0x7d : 0x5d)) {
          i++;
          node.length = i - start;
          if (afterValue()) return root;
        } else {
          open.push(node);
        }
      } else {
        node = scalar();
        open[open.length - 1]?.children!.push(node);
        root ??= node;
        if (afterValue()) return root;
      }
      keyIfObject();
    }
  };
  try {
    const root = parseDocument();
    skipWs();
    return i === n ? root : undefined;
  } catch (e) {
    if (e === FAIL) return undefined;
    throw e;
  }
}

/**
 * The tree of text that goCheckValid has already accepted (no checks). Kept
 * as the fallback should parseJsonTree ever refuse what Go accepts.
 */
export function parseValidJsonTree(text: string): Node | undefined {
  let i = 0;
  const n = text.length;
  const skipWs = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++; else break;
    }
  };
  const parseString = (): JNode => {
    const start = i;
    i++; // opening quote
    let escaped = false;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c) { escaped = true; i += 2; continue; }
      i++;
    }
    i++; // closing quote
    const raw = text.slice(start + 1, i - 1);
    const value = escaped ? (JSON.parse(text.slice(start, i)) as string) : raw;
    return { type: 'string', offset: start, length: i - start, value };
  };
  const parseValue = (): JNode => {
    skipWs();
    const start = i;
    const c = text.charCodeAt(i);
    if (c === 0x7b) {
      const node: JNode = { type: 'object', offset: start, length: 0, children: [] };
      i++;
      skipWs();
      if (text.charCodeAt(i) === 0x7d) { i++; node.length = i - start; return node; }
      while (true) {
        skipWs();
        const key = parseString();
        skipWs();
        i++; // colon
        node.children!.push(key, parseValue());
        skipWs();
        if (text.charCodeAt(i) === 0x2c) { i++; continue; }
        i++; // closing brace
        break;
      }
      node.length = i - start;
      return node;
    }
    if (c === 0x5b) {
      const node: JNode = { type: 'array', offset: start, length: 0, children: [] };
      i++;
      skipWs();
      if (text.charCodeAt(i) === 0x5d) { i++; node.length = i - start; return node; }
      while (true) {
        node.children!.push(parseValue());
        skipWs();
        if (text.charCodeAt(i) === 0x2c) { i++; continue; }
        i++;
        break;
      }
      node.length = i - start;
      return node;
    }
    if (c === 0x22) return parseString();
    if (c === 0x74) { i += 4; return { type: 'boolean', offset: start, length: 4, value: true }; }
    if (c === 0x66) { i += 5; return { type: 'boolean', offset: start, length: 5, value: false }; }
    if (c === 0x6e) { i += 4; return { type: 'null', offset: start, length: 4, value: null }; }
    // number
    i++;
    while (i < n) {
      const d = text.charCodeAt(i);
      if ((d >= 0x30 && d <= 0x39) || d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === 0x2d) i++; else break;
    }
    return { type: 'number', offset: start, length: i - start, value: Number(text.slice(start, i)) };
  };
  if (n === 0) return undefined;
  return parseValue();
}
