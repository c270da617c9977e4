/**
 * The Go-shaped model per spec version matches the official JSON schemas: the copies the extension
 * ships in media/schemas/ (unchanged from coreos/ignition, see media/schemas/README.md).
 */

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildModel, SPEC_VERSIONS, type GoType, type StructType } from '../../../src/ignition/model';

const shippedSchemas = resolve(__dirname, '..', '..', '..', 'media', 'schemas');

type Schema = { type?: string | string[]; properties?: Record<string, Schema>; items?: Schema; $ref?: string; allOf?: Schema[]; definitions?: Record<string, Schema> };

function resolveRef(root: Schema, ref: string): Schema {
  let s: Schema = root;
  for (const part of ref.replace(/^#\//, '').split('/')) s = (s as Record<string, Schema>)[part];
  return s;
}

/** Resolve $ref and merge allOf (how the schema expresses Go's embedded structs). */
function flatten(root: Schema, s: Schema): Schema {
  while (s.$ref) s = resolveRef(root, s.$ref);
  if (!s.allOf) return s;
  const merged: Schema = { type: 'object', properties: { ...(s.properties ?? {}) } };
  for (const part of s.allOf) Object.assign(merged.properties!, flatten(root, part).properties ?? {});
  return merged;
}

function compareType(root: Schema, s: Schema, t: GoType, where: string, errors: string[]): void {
  s = flatten(root, s);
  while (t.k === 'ptr') t = t.elem;
  const types = ([] as string[]).concat(s.type ?? []).filter((x) => x !== 'null');
  if (t.k === 'struct') {
    if (!types.includes('object')) { errors.push(`${where}: schema ${types} vs struct`); return; }
    compareStruct(root, s, t, where, errors);
  } else if (t.k === 'slice') {
    if (!types.includes('array')) { errors.push(`${where}: schema ${types} vs slice`); return; }
    compareType(root, s.items ?? {}, t.elem, where + '[]', errors);
  } else {
    const want = t.k === 'string' ? 'string' : t.k === 'int' ? 'integer' : 'boolean';
    if (!types.includes(want)) errors.push(`${where}: schema ${types} vs ${want}`);
  }
}

function compareStruct(root: Schema, s: Schema, t: StructType, where: string, errors: string[]): void {
  const props = Object.keys(s.properties ?? {}).sort();
  const fields = t.fields.map((f) => f.json).sort();
  if (props.join() !== fields.join()) errors.push(`${where} (${t.name}): schema [${props}] vs model [${fields}]`);
  for (const f of t.fields) {
    const ps = s.properties?.[f.json];
    if (ps) compareType(root, ps, f.type, `${where}.${f.json}`, errors);
  }
}

describe('ignition: model vs official JSON schemas', () => {
  for (const v of SPEC_VERSIONS) {
    it(`spec ${v}`, () => {
      const schema = JSON.parse(readFileSync(join(shippedSchemas, `ignition-${v}.json`), 'utf8')) as Schema;
      const errors: string[] = [];
      compareStruct(schema, schema, buildModel(v).config, '$', errors);
      assert.deepEqual(errors, []);
    });
  }
});
