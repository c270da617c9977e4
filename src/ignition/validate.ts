/**
 * validateIgnition(): parse an Ignition config the way Ignition's
 * config.Parse does (version sniffing, json.Unmarshal, validation passes,
 * report correlation) and return entries with the same paths, messages,
 * levels and line/column as `ignition-validate` prints, plus UTF-16
 * offsets/lengths for an editor. Pure: no I/O, no 'vscode'.
 */

import { GoDecoder, type GoStruct, type GoValue } from './decode';
import { decodeDirectly, decodeValueDirectly } from './directDecode';
import { locate, type LocatedNode } from './locate';
import { goCheckValid } from './go/jsonScan';
import { parseJsonTree, type JsonNode as JNode } from './go/jsonTree';
import { utf8Length } from './go/strings';
import { goSemver, semverString, type SemVer } from './go/stdlib';
import { modelFor, SPEC_VERSIONS, versionStubModel, type Field, type GoType, type SpecVersion, type StructType } from './model';
import { dupKey, ignoredDupFields, mergedDupLists, RuleContext, validateNamedString, validateStruct, type PathElem, type RawEntry } from './rules';

export type { PathElem } from './rules';

export interface IgnitionEntry {
  level: 'error' | 'warning';
  /** Logical location, e.g. ['storage', 'files', 0, 'path']; [] for whole-document errors. */
  path: (string | number)[];
  /** True when the last path element names a key (unused-key warnings), not a value. */
  atKey?: boolean;
  /** 1-based line as ignition-validate prints it (0 when Ignition has no position). */
  line: number;
  /** 1-based column in UTF-8 bytes, as ignition-validate prints it (0 when none). */
  column: number;
  /** UTF-16 offset of the marked text in the input (for editors). */
  offset: number;
  /** UTF-16 length of the marked text. */
  length: number;
  message: string;
}

export interface IgnitionResult {
  /** The config's ignition.version as written, when it could be read. */
  version?: string;
  entries: IgnitionEntry[];
  /**
   * Set when Ignition gives up without a report entry (ignition-validate prints
   * "couldn't parse config: <fatal>" on stderr). A config is invalid when this
   * is set or when any entry has level 'error'.
   */
  fatal?: string;
}

export const ERR_EMPTY = 'not a config (empty)';
export const ERR_INVALID_VERSION = "invalid config version (couldn't parse)";
export const ERR_UNKNOWN_VERSION = 'unsupported config version';
export const ERR_INVALID = 'config is not valid';

/** Spec versions this validator accepts (what current Ignition accepts). */
export const SUPPORTED_VERSIONS: readonly SpecVersion[] = SPEC_VERSIONS;

/** UTF-8 byte counts of the text before every CHECKPOINT-th UTF-16 index, so a column costs O(CHECKPOINT), not O(line). */
const CHECKPOINT = 32;

/** Positions asked for before Positions builds its tables (line starts, UTF-8 checkpoints) of the whole text. */
const FEW_POSITIONS = 8;
// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/g;

class Positions {
  private calls = 0;
  private lineStarts: number[] | undefined;
  private asciiOnly: boolean | undefined;
  private bytesBefore: Float64Array | undefined;
  constructor(private readonly text: string) {}
  private get ascii(): boolean {
    // eslint-disable-next-line no-control-regex
    this.asciiOnly ??= !/[^\x00-\x7f]/.test(this.text);
    return this.asciiOnly;
  }
  private starts(): number[] {
    if (!this.lineStarts) {
      const s = [0];
      const t = this.text;
      let i = t.indexOf('\n');
      while (i >= 0) { s.push(i + 1); i = t.indexOf('\n', i + 1); }
      this.lineStarts = s;
    }
    return this.lineStarts;
  }
  /**
   * UTF-8 length of text[0, idx) for a character boundary idx. A surrogate
   * pair counts 4 at its high half and 0 at its low half, a lone surrogate 3
   * (U+FFFD), as utf8Length counts them.
   */
  private utf8Before(idx: number): number {
    const t = this.text;
    if (!this.bytesBefore) {
      const marks = new Float64Array(Math.floor(t.length / CHECKPOINT) + 1);
      let bytes = 0;
      for (let i = 0; i < t.length; i++) {
        if (i % CHECKPOINT === 0) marks[i / CHECKPOINT] = bytes;
        bytes += this.unitBytes(i);
      }
      if (t.length % CHECKPOINT === 0) marks[t.length / CHECKPOINT] = bytes;
      this.bytesBefore = marks;
    }
    const k = Math.floor(idx / CHECKPOINT);
    let bytes = this.bytesBefore[k];
    for (let i = k * CHECKPOINT; i < idx; i++) bytes += this.unitBytes(i);
    return bytes;
  }
  private unitBytes(i: number): number {
    const t = this.text;
    const c = t.charCodeAt(i);
    if (c < 0x80) return 1;
    if (c < 0x800) return 2;
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = t.charCodeAt(i + 1);
      return d >= 0xdc00 && d <= 0xdfff ? 4 : 3;
    }
    if (c >= 0xdc00 && c <= 0xdfff) {
      const h = i > 0 ? t.charCodeAt(i - 1) : 0;
      return h >= 0xd800 && h <= 0xdbff ? 0 : 3;
    }
    return 3;
  }
  /** Go's tree.FixLineColumn for a marker at UTF-16 index `idx` (a char boundary). */
  lineCol(idx: number): [number, number] {
    if (idx >= this.text.length || idx < 0) return [0, 0];
    if (this.calls++ < FEW_POSITIONS) return this.lineColByScan(idx);
    const starts = this.starts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= idx) lo = mid; else hi = mid - 1;
    }
    const ls = starts[lo];
    const col = this.ascii ? idx - ls + 1 : this.utf8Before(idx) - this.utf8Before(ls) + 1;
    return [lo + 1, col];
  }
  /** lineCol without the whole text's tables: a scan up to idx, for the first few positions. */
  private lineColByScan(idx: number): [number, number] {
    const t = this.text;
    let line = 1;
    let ls = 0;
    for (let i = t.indexOf('\n'); i >= 0 && i < idx; i = t.indexOf('\n', i + 1)) { line++; ls = i + 1; }
    NON_ASCII.lastIndex = ls;
    const m = NON_ASCII.exec(t);
    if (m === null || m.index >= idx) return [line, idx - ls + 1];
    // what utf8Before(idx) - utf8Before(ls) adds up
    let bytes = 0;
    for (let i = ls; i < idx; i++) bytes += this.unitBytes(i);
    return [line, bytes + 1];
  }
}

/** Objects with more members than this get an index (key -> last key position); smaller ones are scanned. */
const INDEX_FROM = 16;
const keyIndexes = new WeakMap<JNode, Map<string, number>>();

/** Position in `node.children` of the last key `key` (go-json keeps the last of repeated keys), or -1. */
function lastKeyAt(node: JNode, key: string): number {
  const kv = node.children ?? [];
  if (kv.length <= 2 * INDEX_FROM) {
    for (let i = kv.length - 2; i >= 0; i -= 2) {
      if (kv[i].value === key) return i;
    }
    return -1;
  }
  let index = keyIndexes.get(node);
  if (!index) {
    index = new Map();
    for (let i = 0; i < kv.length; i += 2) index.set(kv[i].value as string, i);
    keyIndexes.set(node, index);
  }
  return index.get(key) ?? -1;
}

/** Value node of `key` in an object node (last occurrence). */
function childValue(node: JNode, key: string): JNode | undefined {
  const i = lastKeyAt(node, key);
  return i < 0 ? undefined : node.children![i + 1];
}

/** Key node of `key` in an object node (last occurrence). */
function childKey(node: JNode, key: string): JNode | undefined {
  const i = lastKeyAt(node, key);
  return i < 0 ? undefined : node.children![i];
}

/** Distinct keys of an object node, in document order. */
function objectKeys(node: JNode): string[] {
  const keys = new Set<string>();
  const kv = node.children ?? [];
  for (let i = 0; i < kv.length; i += 2) keys.add(kv[i].value as string);
  return [...keys];
}

class Tree {
  constructor(readonly root: JNode) {}
  /** vcontext tree.Get: undefined when the path does not exist. */
  get(path: PathElem[]): JNode | undefined {
    let n: JNode | undefined = this.root;
    for (const p of path) {
      if (!n) return undefined;
      n = this.step(n, p);
    }
    return n;
  }
  private step(n: JNode, p: PathElem): JNode | undefined {
    if (typeof p === 'number') return n.type === 'array' ? n.children?.[p] : undefined;
    if (n.type !== 'object') return undefined;
    return typeof p === 'string' ? childValue(n, p) : childKey(n, p.key);
  }
  /** deepest() as placeEntries wants it. */
  located(path: PathElem[]): LocatedNode {
    const node = this.deepest(path);
    return { offset: node.offset, length: node.length, container: node.type === 'object' || node.type === 'array', complete: true };
  }
  /** report.Correlate's getDeepestNode. */
  deepest(path: PathElem[]): JNode {
    let n: JNode = this.root;
    for (const p of path) {
      const next = this.step(n, p);
      if (!next) break;
      n = next;
    }
    return n;
  }
}

const EMPTY: GoStruct = Object.freeze({}) as GoStruct;

function elemTypeName(t: GoType): string {
  let e = t;
  while (e.k === 'ptr') e = e.elem;
  return e.name;
}

function pathString(path: PathElem[]): string {
  let s = '$';
  for (const p of path) s += '.' + (typeof p === 'object' ? p.key : String(p));
  return s;
}

interface DupList { json: string; list: string; elem: string }
interface WalkPlan {
  /** The slice fields the duplicate check looks at, with their (merged) list names. */
  dups: DupList[];
  /** The fields that can hold something to check below them (structs, slices, pointers, Devices): scalars are not visited. */
  walked: Field[];
}
const walkPlans = new WeakMap<StructType, WalkPlan>();

/** Whether a value of this type can hold something the walk checks: a struct or a Device (not a plain scalar, nor a pointer to or slice of one). */
function holdsChecks(t: GoType): boolean {
  let e = t;
  while (e.k === 'ptr' || e.k === 'slice') e = e.elem;
  return e.k === 'struct' || (e.k === 'string' && e.name === 'types.Device');
}

/** What the walk does with a struct type, computed once per type. */
function walkPlan(t: StructType): WalkPlan {
  let plan = walkPlans.get(t);
  if (!plan) {
    const ignored = ignoredDupFields(t.name);
    const merged = mergedDupLists(t.name);
    plan = { dups: [], walked: [] };
    for (const f of t.fields) {
      const ft = f.type;
      if (ft.k === 'slice' && !ignored.includes(f.go)) plan.dups.push({ json: f.json, list: merged[f.go] ?? f.go, elem: elemTypeName(ft.elem) });
      if (!holdsChecks(ft)) continue;
      plan.walked.push(f);
    }
    walkPlans.set(t, plan);
  }
  return plan;
}

/**
 * Ignition's three validation passes (Validate methods, duplicates, unused
 * keys) in one walk over the decoded value and the syntax tree side by side;
 * each pass keeps its own entry list, so the report order is that of three
 * separate walks. Missing structs are walked as the zero value (a shared
 * frozen empty object), nil pointers are not walked, like Go's reflection.
 * Without a syntax tree (a plain document, directDecode.ts) the unused-key
 * pass is skipped: it has nothing to report there.
 */
function runPasses(config: StructType, value: GoStruct, version: SpecVersion, root: JNode | undefined): RawEntry[] {
  const validity = new RuleContext(version);
  const dups = new RuleContext(version);
  const unused = new RuleContext(version);
  const path: PathElem[] = [];

  const visitStruct = (t: StructType, dupLists: DupList[], o: GoStruct, node: JNode | undefined): void => {
    validateStruct(validity, t.name, o, path);
    // duplicates
    if (dupLists.length > 0) {
      let lists: Map<string, Set<string>> | undefined;
      for (const d of dupLists) {
        const arr = o[d.json] as GoValue[] | undefined;
        if (!arr || arr.length === 0) continue;
        lists ??= new Map();
        let seen = lists.get(d.list);
        if (!seen) { seen = new Set(); lists.set(d.list, seen); }
        for (let i = 0; i < arr.length; i++) {
          // one hash lookup, not has() then add(): a seen key leaves the size as it was
          const size = seen.size;
          seen.add(dupKey(d.elem, arr[i]));
          if (seen.size === size) dups.err([...path, d.json, i], 'duplicate entry defined');
        }
      }
    }
    // unused keys
    if (!node) return;
    if (node.type !== 'object') {
      const p = pathString(path);
      unused.warn(path, unused.legacy
        ? `context tree does not match content tree at ${p}. Line and column reporting may be inconsistent. Unused keys may not be reported.`
        : `context tree does not match content tree at ${p}. Line and column reporting may be inconsistent. Unused keys may not be reported`);
      return;
    }
    for (const key of objectKeys(node)) {
      if (!t.byJson.has(key)) unused.warn([...path, { key }], (unused.legacy ? 'Unused key ' : 'unused key ') + key);
    }
  };

  const walk = (t: GoType, v: GoValue, node: JNode | undefined): void => {
    switch (t.k) {
      case 'struct': {
        const o = (v as GoStruct | undefined) ?? EMPTY;
        const plan = walkPlan(t);
        visitStruct(t, plan.dups, o, node);
        const isObject = node !== undefined && node.type === 'object';
        for (const f of plan.walked) {
          const ft = f.type;
          const fv = o[f.json];
          // nil pointers and slices have nothing below them to visit
          if ((ft.k === 'ptr' || ft.k === 'slice') && fv === undefined) continue;
          path.push(f.json);
          walk(ft, fv, isObject ? childValue(node, f.json) : undefined);
          path.pop();
        }
        return;
      }
      case 'slice': {
        const arr = (v as GoValue[] | undefined) ?? [];
        const items = node !== undefined && node.type === 'array' ? node.children : undefined;
        const et = t.elem;
        if (et.k === 'int' || et.k === 'bool' || (et.k === 'string' && et.name !== 'types.Device')) return;
        for (let i = 0; i < arr.length; i++) {
          path.push(i);
          walk(et, arr[i], items?.[i]);
          path.pop();
        }
        return;
      }
      case 'ptr':
        if (v !== undefined) walk(t.elem, v, node);
        return;
      case 'string':
        if (t.name === 'types.Device') validateNamedString(validity, t.name, (v as string | undefined) ?? '', path);
        return;
      default:
        return;
    }
  };
  walk(config, value, root);
  return [...validity.entries, ...dups.entries, ...unused.entries];
}

function versionOf(v: SemVer): SpecVersion | undefined {
  for (const s of SPEC_VERSIONS) {
    const sv = goSemver(s);
    if (sv && sv.major === v.major && sv.minor === v.minor && sv.patch === v.patch && sv.preRelease === v.preRelease && sv.metadata === v.metadata) return s;
  }
  return undefined;
}

/** Validate Ignition config text. Fast enough to run on every keystroke. */
export function validateIgnition(text: string): IgnitionResult {
  return validatePlainIgnition(text) ?? validateIgnitionGenerally(text);
}

// eslint-disable-next-line no-control-regex
const PLAIN_STRING_TOKEN = /^"[^"\\\u0000-\u001f]*"$/;

/** Report entries that locate() finds faster than building the whole tree. */
const LOCATE_AT_MOST = 8;

/**
 * The fast path, for a plain document (directDecode.ts): decoded straight
 * from the text, no tree unless there are many entries to place. undefined
 * for any other document.
 */
export function validatePlainIgnition(text: string): IgnitionResult | undefined {
  // the version stub's value, read first to choose the types; the decoded value must agree
  const versionNode = locate(text, ['ignition', 'version']);
  const versionToken = versionNode.complete ? text.slice(versionNode.offset, versionNode.offset + versionNode.length) : '';
  // the text is not checked yet: a version with escapes (or a broken one) takes the general path
  if (!PLAIN_STRING_TOKEN.test(versionToken)) return undefined;
  const versionText = versionToken.slice(1, -1);
  const sv = goSemver(versionText);
  const version = sv && versionOf(sv);
  if (!version) return undefined;
  const { config } = modelFor(version);
  const value = decodeDirectly(text, config);
  if (value === undefined || (value['ignition'] as GoStruct | undefined)?.['version'] !== versionText) return undefined;
  const raw = runPasses(config, value, version, undefined);
  if (raw.length === 0) return { version: versionText, entries: [] };
  let nodeAt: (path: PathElem[]) => LocatedNode = (path) => locate(text, path);
  if (raw.length > LOCATE_AT_MOST) {
    const tree = new Tree(parseJsonTree(text)!);
    nodeAt = (path) => tree.located(path);
  }
  return { version: versionText, entries: placeEntries(raw, new Positions(text), nodeAt) };
}

/** An entry of validateIgnitionValue: what validateIgnition gives, without positions. */
export interface IgnitionValueEntry {
  level: 'error' | 'warning';
  path: (string | number)[];
  message: string;
}

/**
 * The entries validateIgnition(JSON.stringify(value)) gives, without positions, checked from
 * the value itself (the translated config of a Butane one: butane.ts, which maps paths back
 * and needs no text); undefined when that text would not be a plain document (directDecode.ts)
 * or its version is not one Ignition knows: the caller then validates the text.
 */
export function validateIgnitionValue(value: Record<string, unknown>): IgnitionValueEntry[] | undefined {
  const stub = value['ignition'];
  const versionText = typeof stub === 'object' && stub !== null ? (stub as Record<string, unknown>)['version'] : undefined;
  if (typeof versionText !== 'string') return undefined;
  const sv = goSemver(versionText);
  const version = sv && versionOf(sv);
  if (!version) return undefined;
  const { config } = modelFor(version);
  const decoded = decodeValueDirectly(value, config);
  if (decoded === undefined) return undefined;
  return runPasses(config, decoded, version, undefined)
    .map((e) => ({ level: e.level, path: e.path.map((p) => (typeof p === 'object' ? p.key : p)), message: e.message }));
}

/** Report entries with positions, as report.Correlate places them. */
function placeEntries(raw: RawEntry[], pos: Positions, nodeAt: (path: PathElem[]) => LocatedNode): IgnitionEntry[] {
  return raw.map((e) => {
    const node = nodeAt(e.path);
    // go-json marks objects and arrays just after their opening bracket
    const [line, column] = pos.lineCol(node.container ? node.offset + 1 : node.offset);
    const last = e.path[e.path.length - 1];
    const entry: IgnitionEntry = {
      level: e.level,
      path: e.path.map((p) => (typeof p === 'object' ? p.key : p)),
      line, column, offset: node.offset, length: node.length, message: e.message,
    };
    if (typeof last === 'object') entry.atKey = true;
    return entry;
  });
}

/**
 * Any document: the syntax tree, GoDecoder, and Go's scanner for syntax
 * errors. Exported for the test that holds the fast path to it.
 */
export function validateIgnitionGenerally(text: string): IgnitionResult {
  if (text.length === 0) return { entries: [], fatal: ERR_EMPTY };
  const pos = new Positions(text);
  // one strict pass checks and builds the tree; Go's scanner only runs again for the exact error
  const root = parseJsonTree(text);
  const syntax = root ? undefined : goCheckValid(text);
  if (syntax) {
    // Go marks the byte after the offending one (SyntaxError.Offset)
    let line = 0;
    let column = 0;
    const totalBytes = utf8Length(text);
    if (syntax.byteOffset < totalBytes) {
      const bad = text.charCodeAt(syntax.index);
      if (bad === 0x0a) {
        [line] = pos.lineCol(syntax.index);
        line += 1; column = 1;
      } else {
        [line, column] = pos.lineCol(syntax.index);
        column += 1;
      }
    }
    return {
      entries: [{ level: 'error', path: [], line, column, offset: syntax.index, length: syntax.index < text.length ? 1 : 0, message: syntax.message }],
    };
  }
  // the builder accepts exactly what Go's scanner accepts (test/unit/ignition/jsonTree.test.ts)
  if (!root) return { entries: [], fatal: ERR_INVALID };
  const tree = new Tree(root);
  const typeErrorResult = (dec: GoDecoder, node: JNode | undefined, version?: string): IgnitionResult => {
    const te = dec.firstError!;
    const [line, column] = pos.lineCol(te.index);
    const result: IgnitionResult = {
      entries: [{ level: 'error', path: [], line, column, offset: node?.offset ?? te.index, length: node?.length ?? 0, message: te.message }],
    };
    if (version !== undefined) result.version = version;
    return result;
  };

  // util.GetConfigVersion: decode the version stub first
  const stubDec = new GoDecoder(text);
  const stub = stubDec.decode(root, versionStubModel(), {}) as GoStruct | undefined;
  if (stubDec.firstError) return typeErrorResult(stubDec, nodeAtIndex(root, stubDec.firstError.index));
  const versionText = ((stub?.['Ignition'] as GoStruct | undefined)?.['Version'] as string | undefined) ?? '';
  const sv = goSemver(versionText);
  if (!sv) return { entries: [], fatal: ERR_INVALID_VERSION };
  const version = versionOf(sv);
  if (!version) return { version: versionText, entries: [], fatal: ERR_UNKNOWN_VERSION };

  const { config } = modelFor(version);
  const dec = new GoDecoder(text);
  const value = (dec.decode(root, config, {}) as GoStruct | undefined) ?? {};
  if (dec.firstError) return typeErrorResult(dec, nodeAtIndex(root, dec.firstError.index), semverString(sv));

  const raw = runPasses(config, value, version, root);
  const entries = placeEntries(raw, pos, (path) => tree.located(path));
  return { version: versionText, entries };
}

/** The innermost value node ending at or containing `index` (to give editors a range for type errors). */
function nodeAtIndex(root: JNode, index: number): JNode | undefined {
  // a loop, not recursion: documents nest up to 10,000 levels
  let best: JNode | undefined;
  const todo: JNode[] = [root];
  for (let n = todo.pop(); n !== undefined; n = todo.pop()) {
    if (n.offset <= index && index <= n.offset + n.length) {
      best = n;
      const kids = n.children ?? [];
      for (let i = kids.length - 1; i >= 0; i--) todo.push(kids[i]);
    }
  }
  return best;
}

/** ignition-validate's rendering of one entry (before its printf quirk; see formatReport). */
export function entryToString(e: IgnitionEntry): string {
  let at = '';
  const p = e.path.length ? '$.' + e.path.map(String).join('.') : '';
  // Go: a marker exists for every entry we produce; "line 0 col 0" when Ignition had no position
  if (p) at = ` at ${p}, line ${e.line} col ${e.column}`;
  else at = ` at line ${e.line} col ${e.column}`;
  return `${e.level}${at}: ${e.message}`;
}
