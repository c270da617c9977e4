/**
 * validateButane(): check a Butane config (YAML) in-process, with positions.
 *
 * 1. YAML syntax, parsed with the `yaml` package keeping offsets (go-yaml v3
 *    semantics where they matter to Butane: `0644` is octal, duplicate keys
 *    are errors, only the first document counts).
 * 2. `variant`/`version` pick the Butane spec: its Ignition version and the
 *    community JSON schema (media/schemas/, from Relativ-IT/Butane-Schemas)
 *    the document is validated against (src/ignition/butaneSchemas.ts; the
 *    checks compiled ahead of time by ajv, loaded from their own bundle on first use). Unknown keys are warnings
 *    ("unused key x", as Butane reports them); type/enum/required findings are
 *    errors. Where no schema exists for the exact variant/version the nearest
 *    one is used and the document says so; its unknown-key findings become
 *    hints, since newer specs add keys the older schema does not know.
 * 3. Butane's own resource rules (one of inline/local/source; local files
 *    need a files directory).
 * 4. Ignition's semantic rules: the config is desugared into the Ignition
 *    config Butane would produce (snake_case -> camelCase, inline -> data URL,
 *    Butane-only sugar left out) and run through validateIgnition (spec of the
 *    variant/version), and each finding is mapped back to the Butane node.
 *
 * Not a translation: `butane --strict` in the cosa container stays the
 * authority for the Ignition config that boots.
 *
 * Pure but for loading its compiled schema checks on first use (src/bundleLoader.ts); no 'vscode'.
 */

import type { ErrorObject, ValidateFunction } from 'ajv';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YNode, type Pair, type ScalarTag, type YAMLMap } from 'yaml';
import { validateIgnition, validateIgnitionValue } from './validate';
import { nestingProblem } from './yamlNesting';
import { readYamlSubset, type YamlSubsetOptions } from './yamlSubset';
import type { SpecVersion } from './model';
import { chooseSchema, type SchemaChoice } from './butaneSchemas';
import { requireBundle } from '../bundleLoader';
import type * as ChecksModule from './generated/butaneSchemaValidators';

export type ButaneLevel = 'error' | 'warning' | 'info';

export interface ButaneEntry {
  level: ButaneLevel;
  /** Where in the Butane document, e.g. ['storage', 'files', 0, 'path']. */
  path: (string | number)[];
  /** 1-based line and column (UTF-16 characters) of the marked text. */
  line: number;
  column: number;
  /** UTF-16 offset and length of the marked text. */
  offset: number;
  length: number;
  message: string;
  /** Which check found it. */
  source: 'yaml' | 'butane' | 'schema' | 'ignition';
}

export interface ButaneResult {
  variant?: string;
  version?: string;
  /** Ignition spec version the variant/version translates to, when known. */
  ignitionVersion?: SpecVersion;
  /** Community schema the document was checked against ('fcos 1.6.0'), if any. */
  schema?: string;
  entries: ButaneEntry[];
}

export interface ButaneOptions {
  /**
   * Whether a files directory (`butane -d DIR`) will be given at translation
   * time. Without one Butane rejects `local` contents; an editor translating
   * next to the document passes true. Default false, like the butane CLI.
   */
  filesDir?: boolean;
}

/** Butane specs this validator knows: variant -> version -> Ignition spec version. */
export const BUTANE_SPECS: Readonly<Record<string, Readonly<Record<string, SpecVersion>>>> = {
  fcos: {
    '1.0.0': '3.0.0', '1.1.0': '3.1.0', '1.2.0': '3.2.0', '1.3.0': '3.2.0', '1.4.0': '3.3.0', '1.5.0': '3.4.0', '1.6.0': '3.5.0', '1.7.0': '3.6.0',
    '1.8.0-experimental': '3.7.0-experimental',
  },
  flatcar: { '1.0.0': '3.3.0', '1.1.0': '3.4.0' },
  openshift: {
    '4.8.0': '3.2.0', '4.9.0': '3.2.0', '4.10.0': '3.2.0', '4.11.0': '3.2.0', '4.12.0': '3.2.0', '4.13.0': '3.2.0',
    '4.14.0': '3.4.0', '4.15.0': '3.4.0', '4.16.0': '3.4.0', '4.17.0': '3.4.0', '4.18.0': '3.4.0', '4.19.0': '3.5.0', '4.20.0': '3.5.0',
  },
  r4e: { '1.0.0': '3.3.0', '1.1.0': '3.4.0' },
};

let checks: typeof ChecksModule.CHECKS | undefined;

/**
 * The check of a schema choice, compiled ahead of time (scripts/butaneValidators.ts): the checks are a
 * bundle of their own (dist/butaneChecks.js, 0.7 MB), loaded with the first Butane document, so a
 * worker that validates only Ignition does not load them (bench/RESULTS.md, "a fresh worker").
 */
function validatorFor(choice: SchemaChoice): ValidateFunction {
  checks ??= requireBundle<typeof ChecksModule>('butaneChecks.js', './ignition/generated/butaneSchemaValidators').CHECKS;
  return checks[choice.key];
}

// go-yaml v3 reads a leading-zero integer as octal (mode: 0644), YAML 1.2's core schema would not
const goOctal: ScalarTag = {
  tag: 'tag:yaml.org,2002:int',
  default: true,
  test: /^[-+]?0[0-7]+$/,
  resolve: (s: string) => parseInt(s, 8),
};

/** How the document is parsed (the yaml package and the fast reader alike); the package's own duplicate-key check is off (see validateButane). */
const YAML_OPTIONS: YamlSubsetOptions = { customTags: (tags) => [goOctal, ...tags], uniqueKeys: false, prettyErrors: false };

type Path = (string | number)[];

/** The composed document: its nodes with positions and the line counter of their text. */
interface Composed { readonly lc: LineCounter; readonly root: YNode | null }

/** Maps with more pairs than this get an index (key -> first pair); smaller ones are scanned. */
const INDEX_FROM = 16;

class Located {
  private readonly pairIndexes = new WeakMap<YNode, Map<string, Pair>>();
  private composed: Composed | undefined;
  /** `compose`: asked once, on the first finding (a value read by yamlSubset.ts has no positions until then). */
  constructor(readonly text: string, private readonly compose: () => Composed) {}

  private get lc(): LineCounter {
    this.composed ??= this.compose();
    return this.composed.lc;
  }

  private get root(): YNode | null {
    this.composed ??= this.compose();
    return this.composed.root;
  }

  /** The first pair of `map` whose scalar key reads `key` (linear scans per finding were quadratic). */
  private pair(map: YAMLMap, key: string): Pair | undefined {
    if (map.items.length <= INDEX_FROM) return map.items.find((it) => isScalar(it.key) && String(it.key.value) === key);
    let index = this.pairIndexes.get(map);
    if (!index) {
      index = new Map();
      for (const it of map.items) {
        if (!isScalar(it.key)) continue;
        const k = String(it.key.value);
        if (!index.has(k)) index.set(k, it);
      }
      this.pairIndexes.set(map, index);
    }
    return index.get(key);
  }

  /** The deepest node along `path`, and the key node when the last element is a map key. */
  find(path: Path): { node: YNode | null; pair?: Pair; depth: number } {
    let node: YNode | null = this.root;
    let pair: Pair | undefined;
    let depth = 0;
    for (const p of path) {
      if (isMap(node) && typeof p === 'string') {
        const found = this.pair(node, p);
        if (!found) break;
        pair = found;
        node = (found.value as YNode | null) ?? null;
        if (!node) { depth++; break; }
      } else if (isSeq(node) && typeof p === 'number' && p < node.items.length) {
        pair = undefined;
        node = node.items[p] as YNode;
      } else break;
      depth++;
    }
    return { node, pair, depth };
  }

  /** End of the line holding `offset`, from the line counter (indexOf per finding scanned long lines again and again). */
  private lineEnd(offset: number): number {
    const { line } = this.lc.linePos(offset);
    const next = this.lc.lineStarts[line]; // linePos is 1-based: lineStarts[line] starts the next line
    return next === undefined ? this.text.length : next - 1;
  }

  entry(level: ButaneLevel, source: ButaneEntry['source'], path: Path, message: string, at: 'key' | 'value' = 'value'): ButaneEntry {
    const { node, pair, depth } = this.find(path);
    let range: [number, number] | undefined;
    const keyNode = pair && isScalar(pair.key) ? pair.key : undefined;
    if ((at === 'key' || !node) && depth === path.length && keyNode?.range) range = [keyNode.range[0], keyNode.range[1]];
    else if (node?.range) {
      // a collection is marked at its first line only, not as a whole block
      const end = isMap(node) || isSeq(node) ? Math.min(node.range[1], this.lineEnd(node.range[0])) : node.range[1];
      range = [node.range[0], end];
    } else if (keyNode?.range) range = [keyNode.range[0], keyNode.range[1]];
    const [offset, end] = range ?? [0, 0];
    const { line, col } = this.lc.linePos(offset);
    return { level, path, line, column: col, offset, length: Math.max(0, end - offset), message, source };
  }
}

function lineEnd(text: string, from: number): number {
  const i = text.indexOf('\n', from);
  return i < 0 ? text.length : i;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * How validateButane reads the YAML: 'subset' reads it with yamlSubset.ts where it can (the default),
 * 'composed' always with the yaml package (the fast reader's equivalence tests compare the two).
 */
export type YamlReading = 'subset' | 'composed';

/** Validate Butane config text. */
export function validateButane(text: string, options: ButaneOptions = {}, reading: YamlReading = 'subset'): ButaneResult {
  const flow = nestingProblem(text);
  if (flow) {
    const lineStart = text.lastIndexOf('\n', flow.offset - 1) + 1;
    const line = (text.slice(0, lineStart).match(/\n/g)?.length ?? 0) + 1;
    return { entries: [{ level: 'error', path: [], line, column: flow.offset - lineStart + 1, offset: flow.offset, length: 1, message: flow.message, source: 'yaml' }] };
  }
  const entries: ButaneEntry[] = [];
  const result: ButaneResult = { entries };
  // Most configs are in the subset of YAML yamlSubset.ts reads ~20x faster than the package composes it;
  // the package then composes the document only for the positions of findings, if there are any.
  const fast = reading === 'subset' ? readYamlSubset(text, YAML_OPTIONS) : undefined;
  const read = fast ? { value: fast, loc: new Located(text, () => composeForPositions(text)) } : composeValue(text, entries);
  if (!read) return result;
  const { value, loc } = read;

  // variant / version
  const variant = value['variant'];
  const version = value['version'];
  if (typeof variant !== 'string' || variant === '') {
    entries.push(loc.entry('error', 'butane', ['variant'], 'error parsing variant; must be specified'));
    return result;
  }
  result.variant = variant;
  if (typeof version !== 'string' || !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
    entries.push(loc.entry('error', 'butane', ['version'], 'error parsing version; must be a valid semver'));
    return result;
  }
  result.version = version;
  const specs = BUTANE_SPECS[variant];
  const ign = specs?.[version];
  if (!ign) {
    const known = specs ? Object.keys(specs).join(', ') : Object.keys(BUTANE_SPECS).join(', ');
    entries.push(specs
      ? loc.entry('error', 'butane', ['version'], `No translator exists for variant ${variant} with version ${version} (known to this extension: ${known})`)
      : loc.entry('error', 'butane', ['variant'], `No translator exists for variant ${variant} with version ${version} (variants known to this extension: ${known})`));
    return result;
  }
  result.ignitionVersion = ign;

  // schema
  const choice = chooseSchema(variant, version, ign);
  result.schema = choice.name;
  if (!choice.exact) {
    entries.push(loc.entry('info', 'schema', ['version'],
      `No community schema for ${variant} ${version}; checked against the one for ${choice.name} (nearest Ignition spec), so keys added later are only hinted at`));
  }
  const validate = validatorFor(choice);
  // a loop, not push(...): 100,000 findings exceed the arguments a call may take
  if (!validate(value)) for (const e of schemaEntries(loc, validate.errors ?? [], choice.exact)) entries.push(e);

  // Butane's resource rules
  butaneRules(loc, value, [], options, entries);

  // Ignition's rules on the desugared config, as butane applies them to its output. Where the
  // schema found an error, that key is left out (its finding is already there), so the rest of
  // the config is still checked: a schema error in one unit no longer hides "path not absolute"
  // in a file, which Translate would then report.
  const errorPaths = entries.filter((e) => e.level === 'error').map((e) => e.path);
  if (!errorPaths.some((p) => p.length === 0)) for (const e of ignitionEntries(loc, withoutKeysAt(value, errorPaths), value, ign)) entries.push(e);
  entries.sort((a, b) => a.offset - b.offset || levelRank(a.level) - levelRank(b.level));
  return result;
}

/** The document composed with positions (what the lazy Located of a value read by yamlSubset.ts asks for). */
function composeForPositions(text: string): Composed {
  const lc = new LineCounter();
  const doc = parseDocument(text, { ...YAML_OPTIONS, lineCounter: lc });
  return { lc, root: doc.contents as YNode | null };
}

/**
 * The value of a document outside yamlSubset.ts's subset, composed by the yaml package; undefined when
 * it has YAML errors, which are then in `entries`.
 */
function composeValue(text: string, entries: ButaneEntry[]): { value: Record<string, unknown>; loc: Located } | undefined {
  let lc = new LineCounter();
  // The yaml package's duplicate-key check compares every key of a map with every other (30,000 keys:
  // 27 s). Parse without it, find duplicates with a Set per map, and only when there are some, ask the
  // package again for its exact errors where that is cheap (positions as it reports them).
  const parse = (uniqueKeys: boolean) =>
    parseDocument(text, { ...YAML_OPTIONS, lineCounter: lc, uniqueKeys });
  let doc = parse(false);
  const dup = duplicateKeys(doc.contents as YNode | null);
  let errors: { pos: [number, number]; message: string }[] = doc.errors;
  if (dup.errors.length > 0 && dup.pairwiseCost <= PAIRWISE_BUDGET) {
    lc = new LineCounter();
    doc = parse(true);
    errors = doc.errors;
  } else if (dup.errors.length > 0) {
    errors = [...errors, ...dup.errors].sort((a, b) => a.pos[0] - b.pos[0]);
  }
  const mark = (level: ButaneLevel, offset: number, end: number, message: string): ButaneEntry => {
    const { line, col } = lc.linePos(offset);
    return { level, path: [], line, column: col, offset, length: Math.max(0, end - offset), message, source: 'yaml' };
  };
  for (const e of errors) entries.push(mark('error', e.pos[0], Math.max(e.pos[1], e.pos[0] + 1), yamlMessage(e.message)));
  if (errors.length > 0) return undefined;
  const badKeys = collectionKeys(doc.contents as YNode | null);
  if (badKeys.length > 0) {
    // butane's decoder (go-yaml v3) refuses them; the yaml package would stringify each key with all the
    // keys nested in it (`? ? ? …` 500 deep: minutes) and print a process warning per key
    for (const k of badKeys) {
      const [at, end] = k.range ?? [0, 0];
      entries.push(mark('error', at, Math.max(end, at + 1), `cannot unmarshal ${isMap(k) ? '!!map' : '!!seq'} into string (a key must be a scalar)`));
    }
    return undefined;
  }
  for (const w of doc.warnings) entries.push(mark('warning', w.pos[0], w.pos[1], yamlMessage(w.message)));

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    entries.push(mark('error', 0, 0, (e as Error).message));
    return undefined;
  }
  if (!isObj(value)) {
    entries.push(mark('error', 0, Math.min(text.length, lineEnd(text, 0)), 'a Butane config is a YAML mapping with at least `variant` and `version`'));
    return undefined;
  }
  const root = doc.contents as YNode | null;
  return { value, loc: new Located(text, () => ({ lc, root })) };
}

/** Pairwise key comparisons (sum of squared map sizes) the yaml package may spend on exact duplicate-key errors. */
const PAIRWISE_BUDGET = 4_000_000;

/**
 * Duplicate keys as the yaml package's `uniqueKeys: true` finds them (a later
 * key equal to an earlier one of the same map: scalars by value with ===,
 * other keys by identity), with one Set per map; marked at the key (the
 * package marks where the key's properties end, which may be the line break
 * before it). pairwiseCost: what the package's own check would compare.
 */
function duplicateKeys(root: YNode | null): { errors: { pos: [number, number]; message: string }[]; pairwiseCost: number } {
  const errors: { pos: [number, number]; message: string }[] = [];
  let pairwiseCost = 0;
  const todo: unknown[] = root ? [root] : [];
  for (let n = todo.pop(); n !== undefined; n = todo.pop()) {
    if (isSeq(n)) {
      for (const it of n.items) todo.push(it);
    } else if (isMap(n)) {
      pairwiseCost += n.items.length * n.items.length;
      const seen = new Set<unknown>();
      for (const it of n.items) {
        const key = it.key;
        if (isScalar(key) && !Number.isNaN(key.value)) {
          if (seen.has(key.value)) {
            const at = key.range?.[0] ?? 0;
            errors.push({ pos: [at, at + 1], message: 'Map keys must be unique' });
          }
          seen.add(key.value);
        }
        todo.push(it.key, it.value);
      }
    }
  }
  return { errors, pairwiseCost };
}

/** Keys that are collections (`? [a]: 1`, `? {k: v}: 1`), outermost first; keys nested in them are not visited. */
function collectionKeys(root: YNode | null): YNode[] {
  const found: YNode[] = [];
  const todo: unknown[] = root ? [root] : [];
  for (let n = todo.pop(); n !== undefined; n = todo.pop()) {
    if (isSeq(n)) {
      for (const it of n.items) todo.push(it);
    } else if (isMap(n)) {
      for (const it of n.items) {
        if (isMap(it.key) || isSeq(it.key)) found.push(it.key);
        todo.push(it.value);
      }
    }
  }
  return found.sort((a, b) => (a.range?.[0] ?? 0) - (b.range?.[0] ?? 0));
}

function levelRank(l: ButaneLevel): number {
  return l === 'error' ? 0 : l === 'warning' ? 1 : 2;
}

function yamlMessage(m: string): string {
  // the yaml package appends a code frame / position; keep the first line
  return m.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

function pointerToPath(ptr: string): Path {
  if (ptr === '') return [];
  return ptr.slice(1).split('/').map((s) => {
    const k = s.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^\d+$/.test(k) ? Number(k) : k;
  });
}

function schemaEntries(loc: Located, errors: ErrorObject[], exact: boolean): ButaneEntry[] {
  const out: ButaneEntry[] = [];
  const seen = new Set<string>();
  // combinators repeat their branches' findings; the branch findings are clearer
  for (const e of errors) {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if' || e.keyword === 'not' || e.keyword === 'allOf') continue;
    // identical list items: Ignition's keyed duplicate check (below) reports them, with Butane's message
    if (e.keyword === 'uniqueItems') continue;
    const path = pointerToPath(e.instancePath);
    let entry: ButaneEntry;
    switch (e.keyword) {
      case 'additionalProperties': {
        const key = (e.params as { additionalProperty: string }).additionalProperty;
        entry = loc.entry(exact ? 'warning' : 'info', 'schema', [...path, key], `unused key ${key}`, 'key');
        break;
      }
      case 'required':
        entry = loc.entry('error', 'schema', path, `missing required key ${(e.params as { missingProperty: string }).missingProperty}`);
        break;
      case 'type':
        entry = loc.entry('error', 'schema', path, `expected ${(e.params as { type: string }).type}, got ${yamlType(loc, path)}`);
        break;
      case 'enum':
        entry = loc.entry('error', 'schema', path, `must be one of: ${((e.params as { allowedValues: unknown[] }).allowedValues).map(String).join(', ')}`);
        break;
      case 'const':
        entry = loc.entry('error', 'schema', path, `must be ${String((e.params as { allowedValue: unknown }).allowedValue)}`);
        break;
      case 'pattern':
        // e.g. the SSH key pattern: Butane and Ignition do not check key syntax, so only a hint
        entry = loc.entry('info', 'schema', path, `${e.message ?? e.keyword} (community schema)`);
        break;
      default:
        // minItems, uniqueItems, minimum, …: the community schema's own conventions
        entry = loc.entry('warning', 'schema', path, `${e.message ?? e.keyword} (community schema)`);
    }
    const key = `${entry.offset}:${entry.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(entry);
  }
  return out;
}

function yamlType(loc: Located, path: Path): string {
  const { node } = loc.find(path);
  if (isMap(node)) return 'mapping';
  if (isSeq(node)) return 'sequence';
  if (isScalar(node)) {
    const v = node.value;
    return v === null ? 'null' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;
  }
  return 'nothing';
}

const RESOURCE_KEYS = ['local', 'inline', 'source'] as const;
const LOCAL_KEYS = ['local', 'contents_local', 'ssh_authorized_keys_local'] as const;

/**
 * Butane's checks on resources and local files (base/v0_x validate.go), over the whole tree. `path` is
 * the current node's, pushed and popped as the walk goes (copied only into a finding): a copy per node
 * and its garbage showed in a valid 10 MB config's profile (bench/RESULTS.md, session 9).
 */
function butaneRules(loc: Located, v: unknown, path: Path, options: ButaneOptions, out: ButaneEntry[]): void {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      path.push(i);
      butaneRules(loc, v[i], path, options, out);
      path.pop();
    }
    return;
  }
  if (!isObj(v)) return;
  const keys = Object.keys(v);
  // Which of the rules' keys the object has, from its own keys (the values read from YAML have no other):
  // looking each name up in every object, most of which have none, was ~40 % of this walk. Only these can
  // make a finding: two of inline/source, or a local key, or trees.
  let resources = 0;
  let local = false;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (k === 'inline' || k === 'source') resources++;
    else if (k === 'local' || k === 'contents_local' || k === 'ssh_authorized_keys_local' || k === 'trees') local = true;
  }
  if (resources > 1 || local) resourceRules(loc, v, path, options, out);
  const storageLevel = path.length === 1 && path[0] === 'storage';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (storageLevel && k === 'trees') continue;
    path.push(k);
    butaneRules(loc, v[k], path, options, out);
    path.pop();
  }
}

/** butaneRules' findings on one object: one of inline/local/source, local files without a files directory. */
function resourceRules(loc: Located, v: Record<string, unknown>, path: Path, options: ButaneOptions, out: ButaneEntry[]): void {
  let lastSet: (typeof RESOURCE_KEYS)[number] | undefined;
  let set = 0;
  for (const k of RESOURCE_KEYS) {
    if (v[k] !== undefined && v[k] !== null) {
      lastSet = k;
      set++;
    }
  }
  if (set > 1) {
    // Butane marks the last of local, inline, source that is set
    out.push(loc.entry('error', 'butane', [...path, lastSet!], 'only one of the following can be set: inline, local, source'));
  }
  const storageLevel = path.length === 1 && path[0] === 'storage';
  if (!options.filesDir) {
    for (const k of LOCAL_KEYS) {
      if (v[k] !== undefined && v[k] !== null && (k !== 'local' || typeof v[k] === 'string')) {
        out.push(loc.entry('error', 'butane', [...path, k], 'local file paths are relative to a files directory that must be specified with -d/--files-dir'));
      }
    }
    const trees = v['trees'];
    if (Array.isArray(trees) && storageLevel) {
      trees.forEach((t, i) => {
        if (isObj(t) && t['local'] !== undefined) out.push(loc.entry('error', 'butane', [...path, 'trees', i, 'local'], 'local file paths are relative to a files directory that must be specified with -d/--files-dir'));
      });
    }
  }
}

// ---- desugaring to Ignition, and mapping findings back ----

/** Butane sections and keys that have no Ignition counterpart at their place (sugar, or produced by the translator). */
const DROP_ROOT = new Set(['variant', 'version', 'boot_device', 'grub', 'metadata', 'openshift']);
const DROP_ANY = new Set(['trees', 'ssh_authorized_keys_local', 'contents_local', 'with_mount_unit', 'local', 'inline']);

/** camel() of the keys seen so far: a config repeats a few dozen keys (two regex replaces per key were 10 % of a 10 MB config's time). */
const camelOf = new Map<string, string>();
const CAMEL_CACHE_MAX = 10_000;

function camel(key: string): string {
  let c = camelOf.get(key);
  if (c === undefined) {
    c = key.replace(/_([a-z])/g, (_m, s: string) => s.toUpperCase()).replace(/Mib$/, 'MiB');
    if (camelOf.size < CAMEL_CACHE_MAX) camelOf.set(key, c);
  }
  return c;
}

/** desugar's key for a Butane key below the root: its camelCase, null where Butane drops it (one lookup per key, not two). */
const ignitionKeyOf = new Map<string, string | null>();

function ignitionKey(key: string): string | null {
  let c = ignitionKeyOf.get(key);
  if (c === undefined) {
    c = DROP_ANY.has(key) ? null : camel(key);
    if (ignitionKeyOf.size < CAMEL_CACHE_MAX) ignitionKeyOf.set(key, c);
  }
  return c;
}

/** The Ignition config Butane would produce from `v` (`root`: the document itself); exported for its test. */
export function desugar(v: unknown, root: boolean): unknown {
  if (Array.isArray(v)) return v.map((x) => desugar(x, false));
  if (!isObj(v)) return v;
  const out: Record<string, unknown> = {};
  // Object.keys, not Object.entries: no [key, value] array per key (garbage at 10 MB)
  const keys = Object.keys(v);
  let resource = false;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (k === 'inline' || k === 'local') resource = true;
    const ik = root ? (DROP_ROOT.has(k) ? null : camel(k)) : ignitionKey(k);
    if (ik === null) continue;
    out[ik] = desugar(v[k], false);
  }
  // a resource given inline or from a local file becomes a data URL source (only own keys: the value is read from YAML)
  if (resource && (out['source'] === undefined || out['source'] === null)) {
    if (typeof v['inline'] === 'string') out['source'] = 'data:,' + encodeURIComponent(v['inline']);
    else if (v['local'] !== undefined && v['local'] !== null) out['source'] = 'data:,';
  }
  return out;
}

const camelIndexes = new WeakMap<object, Map<string, string>>();

/** The first key of a Butane object whose camelCase is `ignKey` (an index per object: one scan, not one per finding). */
function butaneKey(obj: Record<string, unknown>, ignKey: string): string | undefined {
  const keys = Object.keys(obj);
  if (keys.length <= INDEX_FROM) return keys.find((k) => camel(k) === ignKey);
  let index = camelIndexes.get(obj);
  if (!index) {
    index = new Map();
    for (const k of keys) {
      const c = camel(k);
      if (!index.has(c)) index.set(c, k);
    }
    camelIndexes.set(obj, index);
  }
  return index.get(ignKey);
}

/** The Butane path of an Ignition path: same shape, snake_case keys, data URL sources back to inline/local. */
function butanePath(value: unknown, ignPath: (string | number)[]): Path {
  const out: Path = [];
  let cur: unknown = value;
  for (const p of ignPath) {
    if (typeof p === 'number') {
      if (!Array.isArray(cur) || p >= cur.length) break;
      out.push(p);
      cur = cur[p];
      continue;
    }
    if (!isObj(cur)) break;
    let key = butaneKey(cur, p);
    if (key === undefined && p === 'source') key = ['inline', 'local'].find((k) => cur !== null && isObj(cur) && cur[k] !== undefined);
    if (key === undefined) break;
    out.push(key);
    cur = cur[key];
  }
  return out;
}

/**
 * `value` without the deepest object key on each path (copied where changed, never mutated).
 * Array elements are never removed, so indexes, and the mapping of findings back to the
 * original document, stay as they are.
 */
export function withoutKeysAt(value: Record<string, unknown>, paths: readonly Path[]): Record<string, unknown> {
  let root = value;
  const copied = new Set<unknown>();
  const own = <T extends object>(v: T): T => {
    if (copied.has(v)) return v;
    const c = (Array.isArray(v) ? [...v] : { ...v }) as T;
    copied.add(c);
    return c;
  };
  for (const path of paths) {
    const last = path.map((p) => typeof p === 'string').lastIndexOf(true);
    if (last < 0) continue;
    root = own(root);
    let cur: Record<string, unknown> | unknown[] = root;
    let ok = true;
    for (let i = 0; i < last && ok; i++) {
      const k = path[i]!;
      const next: unknown = Array.isArray(cur) ? (typeof k === 'number' ? cur[k] : undefined) : cur[k as string];
      if (typeof next !== 'object' || next === null) { ok = false; break; }
      const c = own(next as Record<string, unknown>);
      if (Array.isArray(cur)) cur[k as number] = c; else cur[k as string] = c;
      cur = c;
    }
    if (ok && !Array.isArray(cur)) delete cur[path[last] as string];
  }
  return root;
}

function ignitionEntries(loc: Located, checked: Record<string, unknown>, value: Record<string, unknown>, ign: SpecVersion): ButaneEntry[] {
  const config = desugar(checked, true) as Record<string, unknown>;
  config['ignition'] = { ...(isObj(config['ignition']) ? config['ignition'] : {}), version: ign };
  if (isObj(config['kernelArguments']) && ['3.0.0', '3.1.0', '3.2.0'].includes(ign)) delete config['kernelArguments'];
  // the value itself when it is a plain document (nearly always), else its text; positions are mapped back by path
  let entries: readonly { level: 'error' | 'warning'; path: (string | number)[]; message: string }[] | undefined = validateIgnitionValue(config);
  if (entries === undefined) {
    const r = validateIgnition(JSON.stringify(config));
    // a type error or fatal verdict means the schema pass already has the story
    if (r.fatal !== undefined) return [];
    entries = r.entries;
  }
  if (entries.some((e) => e.path.length === 0)) return [];
  const out: ButaneEntry[] = [];
  for (const e of entries) {
    if (/^(unused key|Unused key|context tree does not match)/.test(e.message)) continue;
    const path = butanePath(value, e.path);
    out.push(loc.entry(e.level, 'ignition', path, e.message));
  }
  return out;
}
