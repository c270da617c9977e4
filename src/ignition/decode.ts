/**
 * json.Unmarshal into Ignition's Go types, reproduced over the syntax
 * tree of go/jsonTree.ts: case-insensitive field matching, decoding into existing values for
 * repeated keys, null handling, and the first *json.UnmarshalTypeError with
 * Go's wording ("json: cannot unmarshal number into Go struct field
 * File.storage.files.path of type string") and offset.
 */

import type { JsonNode as JNode } from './go/jsonTree';
import type { Field, GoType, StructType } from './model';
import { goParseInt64 } from './go/stdlib';

/** Decoded Go values: structs are objects keyed by JSON field name; nil is undefined. */
export type GoValue = string | number | boolean | GoStruct | GoValue[] | undefined;
export interface GoStruct { [json: string]: GoValue }

export interface TypeError {
  message: string;
  /** UTF-16 index that corresponds to Go's UnmarshalTypeError.Offset. */
  index: number;
}

function foldKey(s: string): string {
  return s.replace(/\u212a/g, 'k').replace(/\u017f/g, 's').toLowerCase();
}

/** Find the struct field a JSON key decodes into (exact name first, then case-insensitive). */
export function fieldForKey(t: StructType, key: string): GoType | undefined {
  const exact = t.byJson.get(key);
  if (exact) return exact.type;
  const folded = foldKey(key);
  for (const f of t.fields) {
    if (f.json.toLowerCase() === folded) return f.type;
  }
  return undefined;
}

/** Case-insensitive field match (json.Unmarshal's fallback after the exact name). */
function fieldFoldedForKey(t: StructType, key: string): Field | undefined {
  const folded = foldKey(key);
  for (const f of t.fields) if (f.json.toLowerCase() === folded) return f;
  return undefined;
}

interface Ctx {
  struct: StructType | undefined;
  stack: string[];
}

export class GoDecoder {
  firstError: TypeError | undefined;
  constructor(private readonly text: string) {}

  private typeError(value: string, t: GoType, index: number, ctx: Ctx): void {
    if (this.firstError) return;
    const typeStr = goTypeString(t);
    let message: string;
    if (ctx.struct !== undefined || ctx.stack.length > 0) {
      message = `json: cannot unmarshal ${value} into Go struct field ${ctx.struct?.name ?? ''}.${ctx.stack.join('.')} of type ${typeStr}`;
    } else {
      message = `json: cannot unmarshal ${value} into Go value of type ${typeStr}`;
    }
    this.firstError = { message, index };
  }

  /** Decode `node` into a value of type `t`, starting from `existing` (Go decodes into the existing value). */
  decode(node: JNode, t: GoType, existing: GoValue, ctx: Ctx = { struct: undefined, stack: [] }): GoValue {
    if (node.type === 'null') {
      // pointers and slices become nil; everything else is left alone
      if (t.k === 'ptr' || t.k === 'slice') return undefined;
      return existing;
    }
    // indirect through pointers (reusing a non-nil pointee)
    let target = t;
    while (target.k === 'ptr') target = target.elem;
    switch (node.type) {
      case 'object': {
        if (target.k !== 'struct') {
          this.typeError('object', target, node.offset + 1, ctx);
          return existing;
        }
        const out: GoStruct = existing && typeof existing === 'object' && !Array.isArray(existing) ? { ...existing } : {};
        const kv = node.children ?? [];
        for (let p = 0; p + 1 < kv.length; p += 2) {
          const keyNode = kv[p];
          const valNode = kv[p + 1];
          const key = keyNode.value as string;
          const f = target.byJson.get(key) ?? fieldFoldedForKey(target, key);
          if (!f) continue;
          const name = f.json;
          ctx.stack.push(name);
          const saved = ctx.struct;
          ctx.struct = target;
          out[name] = this.decode(valNode, f.type, out[name], ctx);
          ctx.struct = saved;
          ctx.stack.pop();
        }
        return out;
      }
      case 'array': {
        if (target.k !== 'slice') {
          this.typeError('array', target, node.offset + 1, ctx);
          return existing;
        }
        const prev = Array.isArray(existing) ? existing : [];
        const items = node.children ?? [];
        const out: GoValue[] = new Array(items.length);
        for (let i = 0; i < items.length; i++) {
          out[i] = this.decode(items[i], target.elem, i < prev.length ? prev[i] : undefined, ctx);
        }
        return out;
      }
      case 'string': {
        if (target.k !== 'string') {
          this.typeError('string', target, node.offset + node.length, ctx);
          return existing;
        }
        return node.value as string;
      }
      case 'boolean': {
        if (target.k !== 'bool') {
          this.typeError('bool', target, node.offset + node.length, ctx);
          return existing;
        }
        return node.value as boolean;
      }
      case 'number': {
        const lit = this.text.substr(node.offset, node.length);
        if (target.k !== 'int') {
          this.typeError('number', target, node.offset + node.length, ctx);
          return existing;
        }
        const n = goParseInt64(lit);
        if (n === undefined) {
          this.typeError('number ' + lit, target, node.offset + node.length, ctx);
          return existing;
        }
        return n;
      }
      default:
        return existing;
    }
  }
}

export function goTypeString(t: GoType): string {
  switch (t.k) {
    case 'ptr': return '*' + goTypeString(t.elem);
    case 'struct': return t.typeString;
    default: return t.name;
  }
}
