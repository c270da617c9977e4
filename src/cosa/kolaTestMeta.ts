// The metadata of a kola external test, parsed like kola does it
// (coreos-assembler mantle/kola/harness.go: externalTestMeta,
// metadataFromTestBinary, registerTestDir's kola.json decoding; facts copied
// into test/fixtures/kola/UPSTREAM.md). Pure.
import type * as Yaml from 'yaml';

export interface KolaTestMeta {
  readonly architectures: string;
  readonly platforms: string;
  readonly distros: string;
  readonly tags: string;
  readonly requiredTag: string;
  readonly additionalDisks: readonly string[];
  readonly primaryDisk: string;
  readonly injectContainer: boolean;
  readonly minMemory: number;
  readonly numaNodes: boolean;
  readonly minDisk: number;
  readonly additionalNics: number;
  readonly appendKernelArgs: string;
  readonly appendFirstbootKernelArgs: string;
  readonly exclusive: boolean;
  readonly timeoutMin: number;
  readonly conflicts: readonly string[];
  readonly allowConfigWarnings: boolean;
  readonly noInstanceCreds: boolean;
  readonly instanceType: string;
  readonly description: string;
  readonly bindMountHostRO: readonly string[];
  readonly creationDate: string;
  readonly bootFrom: string;
  readonly requiredHostPorts: readonly number[];
}

type FieldKind = 'string' | 'bool' | 'int' | 'strings' | 'ints';

/** The keys kola's Go struct accepts (json tags), with their Go types. */
const FIELDS: Readonly<Record<keyof KolaTestMeta, FieldKind>> = {
  architectures: 'string',
  platforms: 'string',
  distros: 'string',
  tags: 'string',
  requiredTag: 'string',
  additionalDisks: 'strings',
  primaryDisk: 'string',
  injectContainer: 'bool',
  minMemory: 'int',
  numaNodes: 'bool',
  minDisk: 'int',
  additionalNics: 'int',
  appendKernelArgs: 'string',
  appendFirstbootKernelArgs: 'string',
  exclusive: 'bool',
  timeoutMin: 'int',
  conflicts: 'strings',
  allowConfigWarnings: 'bool',
  noInstanceCreds: 'bool',
  instanceType: 'string',
  description: 'string',
  bindMountHostRO: 'strings',
  creationDate: 'string',
  bootFrom: 'string',
  requiredHostPorts: 'ints',
};

export const KOLA_META_KEYS = Object.keys(FIELDS) as (keyof KolaTestMeta)[];

/** Go's zero value of externalTestMeta: what a kola.json starts from (exclusive false). */
export const ZERO_META: KolaTestMeta = {
  architectures: '', platforms: '', distros: '', tags: '', requiredTag: '',
  additionalDisks: [], primaryDisk: '', injectContainer: false, minMemory: 0, numaNodes: false,
  minDisk: 0, additionalNics: 0, appendKernelArgs: '', appendFirstbootKernelArgs: '',
  exclusive: false, timeoutMin: 0, conflicts: [], allowConfigWarnings: false, noInstanceCreds: false,
  instanceType: '', description: '', bindMountHostRO: [], creationDate: '', bootFrom: '', requiredHostPorts: [],
};

/** What an executable's metadata starts from: exclusive defaults to true. */
export const DEFAULT_META: KolaTestMeta = { ...ZERO_META, exclusive: true };

export class KolaMetaError extends Error {}

const GO_TYPE: Record<FieldKind, string> = {
  string: 'string', bool: 'bool', int: 'int', strings: '[]string', ints: '[]int',
};

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) {
    return 'array';
  }
  return typeof v === 'object' ? 'object' : typeof v;
}

function convert(key: string, kind: FieldKind, value: unknown): unknown {
  const bad = (): never => {
    throw new KolaMetaError(`cannot unmarshal ${jsonKind(value)} into field ${key} of type ${GO_TYPE[kind]}`);
  };
  const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
  switch (kind) {
    case 'string':
      return typeof value === 'string' ? value : bad();
    case 'bool':
      return typeof value === 'boolean' ? value : bad();
    case 'int':
      return isInt(value) ? value : bad();
    case 'strings':
      return Array.isArray(value) && value.every((s) => typeof s === 'string') ? [...value] : bad();
    case 'ints':
      return Array.isArray(value) && value.every(isInt) ? [...value] : bad();
  }
}

/**
 * Applies a decoded document onto `base` like Go's strict decoding into
 * externalTestMeta: unknown keys are errors, `null` leaves a field (or the
 * whole document) unchanged. `foldCase`: encoding/json matches keys
 * case-insensitively; yaml.v2 does not.
 */
function applyDocument(base: KolaTestMeta, doc: unknown, foldCase: boolean): KolaTestMeta {
  if (doc === null || doc === undefined) {
    return base;
  }
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new KolaMetaError(`expected an object, found ${jsonKind(doc)}`);
  }
  const out: Record<string, unknown> = { ...base };
  for (const [rawKey, value] of Object.entries(doc as Record<string, unknown>)) {
    const key = KOLA_META_KEYS.find((k) => k === rawKey)
      ?? (foldCase ? KOLA_META_KEYS.find((k) => k.toLowerCase() === rawKey.toLowerCase()) : undefined);
    if (!key) {
      throw new KolaMetaError(`unknown field "${rawKey}"`);
    }
    if (value === null) {
      continue;
    }
    out[key] = convert(key, FIELDS[key], value);
  }
  return out as unknown as KolaTestMeta;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new KolaMetaError(text.trim() === '' ? 'EOF' : (e as Error).message);
  }
}

/** A directory's kola.json (strict: unknown keys and wrong types are errors). */
export function parseKolaJson(text: string, path = 'kola.json'): KolaTestMeta {
  try {
    return applyDocument(ZERO_META, parseJson(text), true);
  } catch (e) {
    throw new KolaMetaError(`parsing ${path}: ${(e as Error).message}`);
  }
}

export type InlineMetaSource = 'json' | 'yaml' | 'none';

export interface InlineMeta {
  /** undefined only when a `## kola:` block decodes to null (kola then falls back to kola.json). */
  readonly meta: KolaTestMeta | undefined;
  readonly source: InlineMetaSource;
  /** 1-based line of the `# kola:`/`## kola:` marker. */
  readonly line?: number;
}

export const INLINE_JSON_PREFIX = '# kola:';
export const INLINE_YAML_PREFIX = '## kola:';
/** kola reads only this many bytes of an executable for its metadata. */
export const INLINE_META_LIMIT = 8192;

/**
 * metadataFromTestBinary: the `# kola: {json}` line or the `## kola:` YAML
 * block in the first 8 KiB of an executable. Like kola, only complete lines
 * count and a YAML block still open at the end of that window is ignored.
 */
export function parseInlineMeta(head: string): InlineMeta {
  const window = head.length > INLINE_META_LIMIT ? head.slice(0, INLINE_META_LIMIT) : head;
  let yamlLine = 0;
  let yaml = '';
  let pos = 0;
  let lineNo = 0;
  for (;;) {
    const nl = window.indexOf('\n', pos);
    if (nl < 0) {
      break;
    }
    const line = window.slice(pos, nl + 1);
    pos = nl + 1;
    lineNo++;
    if (line.startsWith(INLINE_JSON_PREFIX)) {
      if (yamlLine) {
        throw new KolaMetaError(`found both yaml and json test prefixes (${INLINE_YAML_PREFIX} ${INLINE_JSON_PREFIX})`);
      }
      const json = line.slice(INLINE_JSON_PREFIX.length).trim();
      try {
        return { meta: applyDocument(DEFAULT_META, parseJson(json), true), source: 'json', line: lineNo };
      } catch (e) {
        throw new KolaMetaError(`parsing ${line.trimEnd()}: ${(e as Error).message}`);
      }
    }
    if (line.startsWith(INLINE_YAML_PREFIX)) {
      if (yamlLine) {
        throw new KolaMetaError(`found multiple ${INLINE_YAML_PREFIX}`);
      }
      yamlLine = lineNo;
    } else if (yamlLine) {
      if (!line.startsWith('## ')) {
        let doc: unknown = simpleYamlMapping(yaml);
        if (doc === NOT_SIMPLE) {
          try {
            doc = parseYaml(yaml, { uniqueKeys: true, prettyErrors: false });
          } catch (e) {
            throw new KolaMetaError(`yaml: ${(e as Error).message.split('\n')[0]}`);
          }
        }
        if (doc === null || doc === undefined) {
          return { meta: undefined, source: 'yaml', line: yamlLine };
        }
        return { meta: applyDocument(DEFAULT_META, doc, false), source: 'yaml', line: yamlLine };
      }
      yaml += `${line.slice(3)}\n`;
    }
  }
  return { meta: DEFAULT_META, source: 'none' };
}

/** Whitespace-separated list with an optional leading `!` meaning "all but". */
export interface KolaSelector {
  readonly include: readonly string[];
  readonly exclude: readonly string[];
}

export function selector(field: string): KolaSelector {
  if (field.startsWith('!')) {
    return { include: [], exclude: field.slice(1).split(/\s+/).filter(Boolean) };
  }
  return { include: field.split(/\s+/).filter(Boolean), exclude: [] };
}

/** A test's tags as kola registers them: "external" first, then kola.json's. */
export function externalTestTags(meta: KolaTestMeta): string[] {
  return ['external', ...meta.tags.split(/\s+/).filter(Boolean)];
}

export const NOT_SIMPLE = Symbol('not simple');
const KEY_VALUE = /^([A-Za-z][A-Za-z0-9]*):(?:[ \t]+(.*?))?[ \t]*$/;
/** Words YAML 1.1 (Go's yaml.v2) reads as something other than a string. */
const SPECIAL = /^(?:~|null|true|false|yes|no|on|off|y|n|[-+]?(?:\.inf|\.nan)|[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|0x[0-9a-fA-F_]+|0o?[0-7_]+)$/i;

/**
 * The usual metadata block (one level of `key: scalar` lines, comments) read
 * without the YAML library, which costs about a millisecond per block; anything
 * else (lists, quotes with escapes, nesting, anchors...) returns NOT_SIMPLE and
 * goes to the full parser. Gives the same result as the parser for what it takes.
 */
export function simpleYamlMapping(text: string): Record<string, unknown> | null | typeof NOT_SIMPLE {
  const out: Record<string, unknown> = {};
  let any = false;
  let indent: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/(^|[ \t])#.*$/, '');
    if (!line.trim()) {
      continue;
    }
    const lead = /^[ \t]*/.exec(line)![0];
    indent ??= lead;
    if (lead !== indent) {
      return NOT_SIMPLE;
    }
    const m = KEY_VALUE.exec(line.slice(lead.length));
    if (!m || Object.prototype.hasOwnProperty.call(out, m[1])) {
      return NOT_SIMPLE;
    }
    const v = m[2] ?? '';
    let value: unknown;
    if (v === '') {
      value = null;
    } else if (/^"[^"\\]*"$/.test(v) || /^'[^']*'$/.test(v)) {
      value = v.slice(1, -1);
    } else if (/^-?[1-9][0-9]{0,14}$|^0$/.test(v)) {
      value = Number(v);
    } else if (v === 'true' || v === 'false') {
      value = v === 'true';
    } else if (/^[A-Za-z0-9_./!][A-Za-z0-9_./! -]*$/.test(v) && !SPECIAL.test(v) && !v.includes(' #')) {
      value = v;
    } else {
      return NOT_SIMPLE;
    }
    out[m[1]] = value;
    any = true;
  }
  return any ? out : NOT_SIMPLE;
}

/** yaml's module runs on first use, not when the extension loads (esbuild keeps it in the bundle either way). */
function parseYaml(text: string, options: Yaml.ParseOptions & Yaml.DocumentOptions & Yaml.SchemaOptions & Yaml.ToJSOptions): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a top-level import would run yaml at activation
  return (require('yaml') as typeof Yaml).parse(text, options);
}
