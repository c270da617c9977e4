/**
 * A linear reader of the YAML that Butane configs are written in: block mappings and sequences, plain
 * and single-line quoted scalars, one-line flow sequences of scalars, literal and folded block scalars,
 * comments. It gives the JavaScript value the `yaml` package's `parseDocument(text, options).toJS()`
 * gives, plain scalars resolved by that package's own schema (the same options: go-yaml's octal
 * `0644`), or `undefined` for anything outside the subset or anything the package would report
 * (duplicate keys, keys that are not strings, tabs as indentation, multi-line plain or quoted
 * scalars, anchors, tags, document markers but a leading `---`, `\r`, …): the caller parses those
 * with the package. So the validator's YAML semantics stay the package's with go-yaml's octal, as
 * before; this reader adds none of its own.
 *
 * Why: the package composes a node tree with positions, 1–1.5 s of CPU per MB of Butane (10 MB:
 * 10–20 s, bench/RESULTS.md). Positions are needed only for findings, which most configs have none
 * of; this reader is ~20× faster (10 MB: 0.5 s against the package's 10.4 s). Exactness is tested
 * against the package over seeded generated configs (test/unit/ignition/yamlSubset.test.ts).
 *
 * Pure: no I/O, no 'vscode'.
 */

import { parseDocument, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';

export type YamlSubsetOptions = ParseOptions & DocumentOptions & SchemaOptions;

/** Thrown (and caught in readYamlSubset) where the text leaves the subset. */
class Outside extends Error {}
const OUTSIDE = new Outside('outside the YAML subset');
const outside = (): never => {
  throw OUTSIDE;
};

/**
 * First characters of the plain scalars the core schema (and go-yaml's octal tag) may resolve to
 * something other than a string: null `~ null Null NULL`, booleans `true … FALSE`, numbers `0-9 + - .`.
 * Any other plain scalar is a string without testing every tag (test/unit/ignition/yamlSubset.test.ts
 * fails if the schema's default tags change).
 */
const MAY_RESOLVE = new Uint8Array(128);
for (const c of '-+.~0123456789nNtTfF') MAY_RESOLVE[c.charCodeAt(0)] = 1;

/** Flow indicators, which an implicit key may not hold: `[ ] { } ,`. */
const FLOW_INDICATOR = new Uint8Array(128);
for (const c of '[]{},') FLOW_INDICATOR[c.charCodeAt(0)] = 1;

/** Characters a plain scalar may not start with (YAML's indicators). */
const INDICATOR = new Set([...'-?:,[]{}#&*!|>\'"%@`']);

/** Characters outside the subset anywhere in the text: `\r`, other C0/C1 controls but tab and newline, BOM, Unicode line breaks. */
// eslint-disable-next-line no-control-regex -- control characters are what is looked for
const FORBIDDEN = /[\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\u2028\u2029]/;

/** Keys compared in place (SubsetReader.keysByLength): at most this many of each length, up to this length. */
const KEYS_IN_PLACE = 8;
const KEY_IN_PLACE_LENGTH = 64;

/** An implicit key longer than this is an error in the package (1024) and left to it. */
const MAX_KEY = 1000;

const SPACE = 0x20;
const TAB = 0x09;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;

const ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029', ' ': ' ', '"': '"', '/': '/', '\\': '\\', '\t': '\t',
};

type Resolve = (source: string, atKey: boolean) => unknown;

/** Plain scalars resolved by the schema `parseDocument` uses with these options. */
function resolverFor(options: YamlSubsetOptions): Resolve {
  const doc = parseDocument('', options);
  const tags = doc.schema.tags;
  // What scalars that may resolve resolved to, as keys and as values (a config repeats `mode: 0644`, `true`, …
  // and finding their tag tests each tag's RegExp); bounded, and only resolutions that succeeded.
  const knownKeys = new Map<string, unknown>();
  const knownValues = new Map<string, unknown>();
  const resolveTagged = (source: string, atKey: boolean): unknown => {
    const tag = tags.find((t) => (t.default === true || (atKey && t.default === 'key')) && t.test?.test(source) === true);
    if (!tag?.resolve) return source;
    let failed = false;
    // the package's resolvers take the scalar's source text (its types also admit a collection's)
    const resolveScalar = tag.resolve as (value: string, onError: (message: string) => void, options: typeof doc.options) => unknown;
    const res = resolveScalar(source, () => { failed = true; }, doc.options);
    const value = typeof res === 'object' && res !== null && 'value' in res ? (res as { value: unknown }).value : res;
    if (failed || !(value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) return outside();
    return value;
  };
  return (source, atKey) => {
    // a table, not a RegExp: one test per plain scalar (the RegExp calls were ~3 % of the reader's time)
    if (source !== '' && MAY_RESOLVE[source.charCodeAt(0)] !== 1) return source;
    const known = atKey ? knownKeys : knownValues;
    const hit = known.get(source); // never undefined when kept: null, a string, a number or a boolean
    if (hit !== undefined) return hit;
    const value = resolveTagged(source, atKey);
    if (known.size < KNOWN_MAX && source.length <= KNOWN_LENGTH_MAX) known.set(source, value);
    return value;
  };
}

/** Bounds of the resolver's cache: entries, and the length of a scalar worth keeping. */
const KNOWN_MAX = 10_000;
const KNOWN_LENGTH_MAX = 64;

const resolvers = new WeakMap<YamlSubsetOptions, Resolve>();

/** The value of `text` as `parseDocument(text, options).toJS()`, or undefined when the text is outside the subset. */
/** YAML ends a plain scalar at spaces and tabs only; String.trimEnd would also take U+00A0, U+3000, … (the package keeps them). */
function trimSpaces(s: string): string {
  let end = s.length;
  while (end > 0 && (s.charCodeAt(end - 1) === SPACE || s.charCodeAt(end - 1) === TAB)) end--;
  return end === s.length ? s : s.slice(0, end);
}

export function readYamlSubset(text: string, options: YamlSubsetOptions): Record<string, unknown> | undefined {
  if (FORBIDDEN.test(text)) return undefined;
  let resolve = resolvers.get(options);
  if (!resolve) {
    resolve = resolverFor(options);
    resolvers.set(options, resolve);
  }
  try {
    return new SubsetReader(text, resolve).document();
  } catch (e) {
    if (e === OUTSIDE) return undefined;
    throw e;
  }
}

/** Sets `key` as the package's toJS does: an own property, also for `__proto__` and inherited names (`toString`, …). */
function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  // one lookup for the common case: a key neither set yet nor inherited
  if (!(key in obj)) {
    obj[key] = value;
    return;
  }
  if (Object.prototype.hasOwnProperty.call(obj, key)) outside(); // a duplicate key: the package reports it
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

class SubsetReader {
  /** Start of the next line not read yet. */
  private next = 0;
  /** The current content line (neither blank nor a comment): its start, indentation and end (its `\n` or the text's end). */
  private start = 0;
  private indent = 0;
  private end = 0;
  /** The `next` the current line was found from (peek is asked again and again about one line). */
  private peekedFrom = -1;
  /**
   * Plain keys read so far and what they are: a config repeats a few dozen keys, and the string a Map
   * hands back is one V8 has already made a property name (each freshly sliced key had to be looked up
   * in its string table at every `in` and store).
   */
  private readonly keys = new Map<string, string>();
  /**
   * Some of those keys by length, as [source, key, source, key, …]: compared in place with the text, a key
   * is found without slicing and hashing a new string (~3 % of a valid 10 MB config's time).
   */
  private readonly keysByLength: string[][] = [];

  constructor(private readonly text: string, private readonly resolve: Resolve) {}

  document(): Record<string, unknown> {
    const t = this.text;
    // a document start marker alone on its line may come first
    if (this.peek() && t.startsWith('---', this.start) && this.indent === 0) {
      this.lineRest(this.start + 3);
      this.consume();
    }
    if (!this.peek() || this.indent !== 0) return outside();
    if (t.startsWith('---', this.start) || t.startsWith('...', this.start)) outside();
    const root = this.mapping(0, undefined);
    if (this.peek()) outside(); // content that closes no block: an error or something else
    return root;
  }

  /** Moves to the next content line from `next` (skipping blank and comment lines); false at the end. */
  private peek(): boolean {
    if (this.peekedFrom === this.next) return this.start < this.text.length;
    this.peekedFrom = this.next;
    const t = this.text;
    let at = this.next;
    while (at < t.length) {
      let nl = t.indexOf('\n', at);
      if (nl < 0) nl = t.length;
      let i = at;
      while (i < nl && t.charCodeAt(i) === SPACE) i++;
      const c = t.charCodeAt(i);
      if (c === TAB) outside();
      if (i < nl && c !== HASH) {
        this.start = at;
        this.indent = i - at;
        this.end = nl;
        return true;
      }
      at = nl + 1;
    }
    this.start = t.length;
    return false;
  }

  /** Done with the current line. */
  private consume(): void {
    this.next = this.end + 1;
  }

  private isEntry(at: number): boolean {
    return this.text.charCodeAt(at) === DASH && (at + 1 === this.end || this.text.charCodeAt(at + 1) === SPACE);
  }

  private skipSpaces(at: number): number {
    while (at < this.end && this.text.charCodeAt(at) === SPACE) at++;
    return at;
  }

  /** A comment or the line's end at `at` (after a value): else outside. */
  private lineRest(at: number): void {
    const p = this.skipSpaces(at);
    if (p === this.end) return;
    if (this.text.charCodeAt(p) === HASH && p > at) return;
    outside();
  }

  /** A block mapping at `indent`; `first`: where its first key starts on the current line (after `- `). */
  private mapping(indent: number, first: number | undefined): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    for (let at = first; ; at = undefined) {
      if (at === undefined) {
        if (!this.peek() || this.indent < indent) break;
        if (this.indent > indent) outside();
        at = this.start + this.indent;
        if (this.isEntry(at)) break;
      }
      const colon = this.keyEnd(at);
      if (colon < 0) outside();
      const key = this.key(at, colon);
      setKey(obj, key, this.valueAfterKey(colon + 1, indent));
    }
    return obj;
  }

  /** Where the `:` of a key starting at `at` is, -1 when the line holds no key there. */
  private keyEnd(at: number): number {
    const t = this.text;
    const c = t.charCodeAt(at);
    let i: number;
    if (c === 0x22 || c === 0x27) {
      i = this.quotedEnd(at);
      i = this.skipSpaces(i);
      return i < this.end && t.charCodeAt(i) === COLON && (i + 1 === this.end || t.charCodeAt(i + 1) === SPACE) ? i : -1;
    }
    if (INDICATOR.has(t[at]!)) return -1;
    for (i = at; i < this.end; i++) {
      const ch = t.charCodeAt(i);
      if (ch === COLON && (i + 1 === this.end || t.charCodeAt(i + 1) === SPACE)) return i - at > MAX_KEY ? outside() : i;
      if (ch === HASH && t.charCodeAt(i - 1) === SPACE) return -1;
      if (ch === TAB) outside();
    }
    return -1;
  }

  private key(at: number, colon: number): string {
    const t = this.text;
    const c = t.charCodeAt(at);
    if (c === 0x22 || c === 0x27) return this.quoted(at)[0];
    // ending in a printable ASCII character, the key's source is the text up to the colon (trimSpaces keeps it)
    const last = t.charCodeAt(colon - 1);
    const inPlace = last > SPACE && last < 0x7f && colon - at <= KEY_IN_PLACE_LENGTH;
    const sameLength = inPlace ? this.keysByLength[colon - at] : undefined;
    if (sameLength !== undefined) {
      for (let i = 0; i < sameLength.length; i += 2) if (t.startsWith(sameLength[i]!, at)) return sameLength[i + 1]!;
    }
    const source = trimSpaces(t.slice(at, colon));
    let key = this.keys.get(source);
    if (key === undefined) {
      for (let i = 0; i < source.length; i++) if (FLOW_INDICATOR[source.charCodeAt(i)] === 1) outside();
      const resolved = this.resolve(source, true);
      if (typeof resolved !== 'string') return outside();
      key = resolved;
      if (this.keys.size < KNOWN_MAX) this.keys.set(source, key);
    }
    if (inPlace) {
      const list = (this.keysByLength[colon - at] ??= []);
      if (list.length < 2 * KEYS_IN_PLACE) list.push(source, key);
    }
    return key;
  }

  private valueAfterKey(at: number, indent: number): unknown {
    const p = this.skipSpaces(at);
    if (p === this.end || this.text.charCodeAt(p) === HASH) {
      this.consume();
      return this.blockValue(indent, true);
    }
    return this.inline(p, indent);
  }

  /** A value on the lines after a key or a `-` owned at `indent` (a sequence may sit at the key's own indent). */
  private blockValue(indent: number, sequenceAtIndent: boolean): unknown {
    if (!this.peek()) return null;
    const at = this.start + this.indent;
    if (this.indent > indent) {
      if (this.isEntry(at)) return this.sequence(this.indent);
      if (this.keyEnd(at) >= 0) return this.mapping(this.indent, undefined);
      if (this.text[at] === '|' || this.text[at] === '>') outside();
      return this.inline(at, indent); // a scalar on a line of its own
    }
    if (this.indent === indent && sequenceAtIndent && this.isEntry(at)) return this.sequence(indent);
    return null;
  }

  private sequence(indent: number): unknown[] {
    const items: unknown[] = [];
    while (this.peek() && this.indent >= indent) {
      if (this.indent > indent) outside();
      const dash = this.start + this.indent;
      if (!this.isEntry(dash)) break;
      const p = this.skipSpaces(dash + 1);
      if (p === this.end || this.text.charCodeAt(p) === HASH) {
        this.consume();
        items.push(this.blockValue(indent, false));
      } else if (this.isEntry(p)) {
        outside(); // `- - x`
      } else if (this.keyEnd(p) >= 0) {
        items.push(this.mapping(p - this.start, p));
      } else {
        items.push(this.inline(p, indent));
      }
    }
    return items;
  }

  /** A value that starts on the current line at `at`, owned by a key or `-` at `indent`. */
  private inline(at: number, indent: number): unknown {
    const t = this.text;
    const c = t[at]!;
    let value: unknown;
    if (c === '|' || c === '>') {
      value = this.blockScalar(at, indent);
    } else {
      if (c === '"' || c === "'") {
        const [v, end] = this.quoted(at);
        this.lineRest(end);
        value = v;
      } else if (c === '[') {
        value = this.flowSequence(at);
      } else {
        value = this.plain(at);
      }
      this.consume();
    }
    // a more indented line would continue the scalar (or be an error)
    if (this.peek() && this.indent > indent) outside();
    return value;
  }

  private plain(at: number): unknown {
    const t = this.text;
    const c = t.charCodeAt(at);
    if (INDICATOR.has(t[at]!) && !((c === DASH || c === 0x3f || c === COLON) && at + 1 < this.end && t.charCodeAt(at + 1) !== SPACE)) outside();
    let i = at;
    for (; i < this.end; i++) {
      const ch = t.charCodeAt(i);
      if (ch === TAB) outside();
      if (ch === HASH && t.charCodeAt(i - 1) === SPACE) break;
      if (ch === COLON && (i + 1 === this.end || t.charCodeAt(i + 1) === SPACE)) outside();
    }
    return this.resolve(trimSpaces(t.slice(at, i)), false);
  }

  /** The end (after the closing quote) of a quoted scalar at `at` on this line; outside if it continues on the next. */
  private quotedEnd(at: number): number {
    const t = this.text;
    const q = t.charCodeAt(at);
    for (let i = at + 1; i < this.end; i++) {
      const ch = t.charCodeAt(i);
      if (q === 0x27 && ch === 0x27) {
        if (t.charCodeAt(i + 1) === 0x27 && i + 1 < this.end) i++;
        else return i + 1;
      } else if (q === 0x22 && ch === 0x5c) {
        i++;
      } else if (q === 0x22 && ch === 0x22) {
        return i + 1;
      }
    }
    return outside();
  }

  /** A quoted scalar on one line: its value and end. */
  private quoted(at: number): [string, number] {
    const t = this.text;
    const end = this.quotedEnd(at);
    const body = t.slice(at + 1, end - 1);
    if (t[at] === "'") return [body.replaceAll("''", "'"), end];
    if (!body.includes('\\')) return [body, end];
    let out = '';
    for (let i = 0; i < body.length; i++) {
      const ch = body[i]!;
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const e = body[++i];
      if (e === undefined) return outside();
      const simple = ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
      } else if (e === 'x' || e === 'u' || e === 'U') {
        const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = body.slice(i + 1, i + 1 + n);
        if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex)) outside();
        const code = parseInt(hex, 16);
        if (code > 0x10ffff) outside();
        out += String.fromCodePoint(code);
        i += n;
      } else {
        outside();
      }
    }
    return [out, end];
  }

  /** `[a, "b", 1]` on one line, scalars only. */
  private flowSequence(at: number): unknown[] {
    const t = this.text;
    const items: unknown[] = [];
    let p = this.skipSpaces(at + 1);
    if (t[p] === ']') {
      this.lineRest(p + 1);
      return items;
    }
    for (;;) {
      const c = t[p];
      if (c === '"' || c === "'") {
        const [v, end] = this.quoted(p);
        items.push(v);
        p = end;
      } else {
        let i = p;
        while (i < this.end && !/[,\][{}#:\t"']/.test(t[i]!)) i++;
        const source = trimSpaces(t.slice(p, i));
        if (source === '' || (INDICATOR.has(source[0]!) && !(source[0] === '-' && source.length > 1 && source[1] !== ' '))) outside();
        items.push(this.resolve(source, false));
        p = i;
      }
      p = this.skipSpaces(p);
      if (t[p] === ']') break;
      if (t[p] !== ',') outside();
      p = this.skipSpaces(p + 1);
      if (p >= this.end || t[p] === ']' || t[p] === ',') outside();
    }
    this.lineRest(p + 1);
    return items;
  }

  /**
   * A literal (`|`) or folded (`>`) block scalar whose header is at `at`, owned at `indent`. Its content
   * is indented as its first non-blank line (more than `indent`); blank lines are part of it and
   * keep what lies beyond that indentation. Chomping: clip (one final newline), strip `-`, keep `+`.
   */
  private blockScalar(at: number, indent: number): string {
    const t = this.text;
    const folded = t[at] === '>';
    let p = at + 1;
    const chomp = t[p] === '-' || t[p] === '+' ? t[p++] : '';
    if (p < this.end && t.charCodeAt(p) !== SPACE) outside(); // an indentation indicator, or anything else
    this.lineRest(p);
    // the lines after the header: [start, spaces, end]
    let lineAt = this.end + 1;
    let contentIndent = -1;
    let leadingBlank = 0;
    const lines: number[] = []; // triples, from the first content line to the last non-blank one
    let trailing = 0; // blank lines after the last non-blank one
    while (lineAt < t.length) {
      let nl = t.indexOf('\n', lineAt);
      if (nl < 0) nl = t.length;
      let i = lineAt;
      while (i < nl && t.charCodeAt(i) === SPACE) i++;
      const spaces = i - lineAt;
      const blank = i === nl;
      if (t.charCodeAt(i) === TAB && (contentIndent < 0 || spaces < contentIndent)) outside();
      if (contentIndent < 0) {
        if (blank) {
          leadingBlank++;
          if (spaces > indent) outside(); // a more indented leading blank line (an error) or its indentation
        } else {
          if (spaces <= indent) outside(); // an empty block scalar
          contentIndent = spaces;
          lines.push(lineAt, spaces, nl);
        }
      } else if (blank) {
        if (spaces > contentIndent) outside(); // (trailing ones would be content: not worth the rules)
        trailing++;
      } else if (spaces >= contentIndent) {
        for (; trailing > 0; trailing--) lines.push(-1, 0, -1);
        lines.push(lineAt, spaces, nl);
      } else {
        break;
      }
      lineAt = nl + 1;
    }
    if (contentIndent < 0) return outside();
    if (chomp === '+' && lineAt >= t.length) outside(); // what the final newlines are at the text's end is not worth the rules
    let value = '\n'.repeat(leadingBlank);
    let sep = '';
    let moreIndented = false;
    for (let k = 0; k < lines.length; k += 3) {
      const start = lines[k]!;
      const spaces = lines[k + 1]!;
      const content = start < 0 ? '' : t.slice(start + Math.min(spaces, contentIndent), lines[k + 2]);
      if (!folded) {
        value += sep + content;
        sep = '\n';
      } else if (content === '') {
        if (sep === '\n') value += '\n';
        else sep = '\n';
      } else if (spaces > contentIndent || content.charCodeAt(0) === TAB) {
        if (sep === ' ') sep = '\n';
        else if (!moreIndented && sep === '\n') sep = '\n\n';
        value += sep + content;
        sep = '\n';
        moreIndented = true;
      } else {
        value += sep + content;
        sep = ' ';
        moreIndented = false;
      }
    }
    if (chomp === '') value += '\n';
    else if (chomp === '+') value += '\n'.repeat(trailing + 1);
    this.next = lineAt;
    return value;
  }
}
