/**
 * Builds a jsonc-parser-shaped syntax tree (type, offset, length, value,
 * children; properties hold [key, value]) from text that goCheckValid has
 * already accepted. A single recursive-descent pass, several times faster
 * than jsonc-parser's parseTree on megabyte configs, which matters for
 * validating on every keystroke. Offsets are UTF-16 indices.
 */

import type { Node } from 'jsonc-parser';

/** jsonc-parser's Node with writable fields while building. */
type JNode = { -readonly [K in keyof Node]: Node[K] } & { children?: JNode[]; parent?: JNode };

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
        const prop: JNode = { type: 'property', offset: i, length: 0, children: [] };
        const key = parseString();
        skipWs();
        prop.colonOffset = i;
        i++; // colon
        const value = parseValue();
        prop.children!.push(key, value);
        prop.length = value.offset + value.length - prop.offset;
        node.children!.push(prop);
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
