/**
 * json.Unmarshal of a plain Ignition config straight from its text into the
 * Go types, in one pass without a syntax tree: the fast path of
 * validateIgnition (validate.ts). "Plain" means what nearly every config is:
 * strict JSON whose top value is an object, every key an exact field name of
 * its struct, no key repeated within an object, no null, every value of its
 * field's JSON kind, every number an int64 literal. For such a document the
 * result equals GoDecoder's (decode.ts) over parseJsonTree's tree, Ignition's
 * unused-key pass has nothing to report, and the "context tree does not
 * match" warning cannot arise. Anything else returns undefined, and the
 * caller takes the general path (tree, decoder, Go's scanner for syntax
 * errors), which produces Go's exact messages and positions for it.
 * test/unit/ignition/directDecode.test.ts holds the two paths to the same
 * results.
 */

import type { GoStruct, GoValue } from './decode';
import type { Field, GoType, StructType } from './model';
import { stringTokenEnd, stringTokenValue } from './go/jsonTree';
import { goParseInt64 } from './go/stdlib';

class NotPlain {}
const NOT_PLAIN = new NotPlain();

/** A field a key can name: its first character and its bit in a struct's set of keys seen. */
interface KeyCandidate { field: Field; first: number; bit: number }
const keysOfStruct = new WeakMap<StructType, KeyCandidate[][]>();

/** A struct's fields by the length of their JSON name. */
function keysOf(t: StructType): KeyCandidate[][] {
  let byLength = keysOfStruct.get(t);
  if (!byLength) {
    // Ignition's structs have at most 14 fields (PasswdUser): one bit each fits a small integer
    if (t.fields.length > 30) throw new Error(`struct ${t.name} has more fields than a key set holds`);
    byLength = [];
    t.fields.forEach((field, index) => { (byLength![field.json.length] ??= []).push({ field, first: field.json.charCodeAt(0), bit: 1 << index }); });
    keysOfStruct.set(t, byLength);
  }
  return byLength;
}

/** Reads `text` as the struct type `config`; undefined when the document is not plain (see above). */
export function decodeDirectly(text: string, config: StructType): GoStruct | undefined {
  const n = text.length;
  let i = 0;

  // hot loops work on a local index and store i once (a closure's variable lives in memory, not in a register)
  const skipWs = (): void => {
    let j = i;
    for (;;) {
      const c = text.charCodeAt(j); // NaN past the end
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) j++; else break;
    }
    i = j;
  };

  /** A string token at i (the same grammar as go/jsonTree.ts), its value. */
  const readString = (): string => {
    const start = i;
    const end = stringTokenEnd(text, start);
    if (end < 0) throw NOT_PLAIN;
    i = end;
    return stringTokenValue(text, start, end);
  };

  const digits = (): number => {
    let j = i;
    for (;;) {
      const d = text.charCodeAt(j);
      if (d >= 0x30 && d <= 0x39) j++; else break;
    }
    const count = j - i;
    i = j;
    return count;
  };

  /** A number token at i whose literal Go's strconv.ParseInt(lit, 10, 64) accepts. */
  const readInt = (): number => {
    const start = i;
    if (text.charCodeAt(i) === 0x2d) i++;
    const first = text.charCodeAt(i);
    if (first === 0x30) i++;
    else if (first >= 0x31 && first <= 0x39) digits();
    else throw NOT_PLAIN;
    // a fraction or an exponent: valid JSON, but a type error for an int field
    const after = text.charCodeAt(i);
    if (after === 0x2e || after === 0x65 || after === 0x45) throw NOT_PLAIN;
    // up to 15 digits are exact in a double: no literal string needed (goParseInt64 would say the same)
    if (i - start <= 15) {
      let value = 0;
      for (let k = text.charCodeAt(start) === 0x2d ? start + 1 : start; k < i; k++) value = value * 10 + (text.charCodeAt(k) - 0x30);
      return text.charCodeAt(start) === 0x2d ? -value : value;
    }
    const value = goParseInt64(text.slice(start, i));
    if (value === undefined) throw NOT_PLAIN;
    return value;
  };

  const literal = (word: string, value: boolean): boolean => {
    if (!text.startsWith(word, i)) throw NOT_PLAIN;
    i += word.length;
    return value;
  };

  /**
   * The field whose exact name the key at i is, read without making the
   * key's string; undefined for any other key.
   */
  const readKey = (byLength: KeyCandidate[][]): KeyCandidate | undefined => {
    const from = i + 1;
    const end = text.indexOf('"', from);
    const candidates = byLength[end - from];
    if (candidates === undefined) return undefined;
    const first = text.charCodeAt(from);
    for (const k of candidates) {
      // field names are letters: a match is the whole key, with no escape or control character in it
      if (k.first === first && text.startsWith(k.field.json, from)) { i = end + 1; return k; }
    }
    return undefined;
  };

  const readStruct = (t: StructType): GoStruct => {
    const out: GoStruct = {};
    i++; // {
    skipWs();
    if (text.charCodeAt(i) === 0x7d) { i++; return out; }
    const byLength = keysOf(t);
    let seen = 0;
    for (;;) {
      if (text.charCodeAt(i) !== 0x22) throw NOT_PLAIN;
      // a key that is not a field's exact name (unknown, matched case-insensitively, escaped, broken) or a repeated one
      const k = readKey(byLength);
      if (k === undefined || (seen & k.bit) !== 0) throw NOT_PLAIN;
      seen |= k.bit;
      const f = k.field;
      skipWs();
      if (text.charCodeAt(i) !== 0x3a) throw NOT_PLAIN;
      i++;
      skipWs();
      out[f.json] = readValue(f.type);
      skipWs();
      const c = text.charCodeAt(i);
      i++;
      if (c === 0x7d) return out;
      if (c !== 0x2c) throw NOT_PLAIN;
      skipWs();
    }
  };

  const readSlice = (elem: GoType): GoValue[] => {
    const out: GoValue[] = [];
    i++; // [
    skipWs();
    if (text.charCodeAt(i) === 0x5d) { i++; return out; }
    for (;;) {
      out.push(readValue(elem));
      skipWs();
      const c = text.charCodeAt(i);
      i++;
      if (c === 0x5d) return out;
      if (c !== 0x2c) throw NOT_PLAIN;
      skipWs();
    }
  };

  /** The value at i (no whitespace before it) decoded as `t`; pointers are transparent, as in decode.ts. */
  const readValue = (t: GoType): GoValue => {
    let target = t;
    while (target.k === 'ptr') target = target.elem;
    const c = text.charCodeAt(i);
    switch (target.k) {
      case 'struct': if (c === 0x7b) return readStruct(target); break;
      case 'slice': if (c === 0x5b) return readSlice(target.elem); break;
      case 'string': if (c === 0x22) return readString(); break;
      case 'bool':
        if (c === 0x74) return literal('true', true);
        if (c === 0x66) return literal('false', false);
        break;
      case 'int': return readInt();
    }
    throw NOT_PLAIN;
  };

  try {
    skipWs();
    if (text.charCodeAt(i) !== 0x7b) return undefined;
    const value = readStruct(config);
    skipWs();
    return i === n ? value : undefined;
  } catch (e) {
    if (e === NOT_PLAIN) return undefined;
    throw e;
  }
}

const LONE_SURROGATE = /\p{Surrogate}/u;
/** No lone surrogate (a pair JSON.stringify prints as it is; a lone one it escapes, and Go's decoder replaces). ES2024's isWellFormed where the runtime has it. */
const wellFormed: (s: string) => boolean = typeof (String.prototype as { isWellFormed?: () => boolean }).isWellFormed === 'function'
  ? (s) => (s as string & { isWellFormed(): boolean }).isWellFormed()
  : (s) => !LONE_SURROGATE.test(s);

/**
 * What decodeDirectly(JSON.stringify(value), config) gives, read from the value itself (a
 * translated Butane config: butane.ts), without the text: undefined wherever that text would
 * not be plain, and for strings with a lone surrogate (Go's decoder replaces it; the general
 * path says how). A plain value is its own decoding (every key a field, every
 * value of its field's kind; a key whose value is undefined is absent to both, as
 * JSON.stringify leaves it out; -0 equals 0 to every rule): it is checked, not copied.
 */
export function decodeValueDirectly(value: unknown, config: StructType): GoStruct | undefined {
  const plainAs = (t: GoType, v: unknown): boolean => {
    let target = t;
    while (target.k === 'ptr') target = target.elem;
    switch (target.k) {
      case 'struct': return plainStruct(target, v);
      case 'slice': {
        if (!Array.isArray(v)) return false;
        const elem = target.elem;
        for (let i = 0; i < v.length; i++) if (!plainAs(elem, v[i])) return false;
        return true;
      }
      case 'string': return typeof v === 'string' && wellFormed(v);
      case 'bool': return typeof v === 'boolean';
      // JSON.stringify prints a safe integer as digits; anything else is not an int64 literal it would print
      case 'int': return typeof v === 'number' && Number.isSafeInteger(v);
    }
    return false;
  };
  const plainStruct = (t: StructType, v: unknown): boolean => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    for (const key in v) {
      const fv = (v as Record<string, unknown>)[key];
      if (fv === undefined) continue;
      const f = t.byJson.get(key);
      if (f === undefined || !plainAs(f.type, fv)) return false;
    }
    return true;
  };
  return plainStruct(config, value) ? value as GoStruct : undefined;
}
