/**
 * The Butane schema checks compiled ahead of time (src/ignition/generated/butaneSchemaValidators.js,
 * made by scripts/butaneValidators.ts): the committed file is what the script makes from today's
 * schemas, and each check finds exactly what ajv compiling the community schema at run time finds
 * (as src/ignition/butane.ts did before), on the corpus's Butane configs and seeded mutations of them.
 */

import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { GENERATED_FILE, OPENSHIFT_ROOT, butaneValidatorsSource } from '../../../scripts/butaneValidators';
import { chooseSchema, SCHEMA_KEYS, type SchemaKey } from '../../../src/ignition/butaneSchemas';
import { CHECKS } from '../../../src/ignition/generated/butaneSchemaValidators';
import fcos140 from '../../../media/schemas/butane-fcos-1.4.0.json';
import fcos150 from '../../../media/schemas/butane-fcos-1.5.0.json';
import fcos160 from '../../../media/schemas/butane-fcos-1.6.0.json';
import flatcar110 from '../../../media/schemas/butane-flatcar-1.1.0.json';
import { mulberry32 } from '../../support/prng';
import { referenceFixtures } from '../referenceFixtures';

/** The checks as src/ignition/butane.ts compiled them at run time before (its code, kept here as the reference). */
function runTimeCheck(key: SchemaKey): ValidateFunction {
  const raw: Record<string, object> = { 'fcos 1.4.0': fcos140, 'fcos 1.5.0': fcos150, 'fcos 1.6.0': fcos160, 'flatcar 1.1.0': flatcar110 };
  const strip = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(strip);
    else if (typeof v === 'object' && v !== null) {
      delete (v as Record<string, unknown>)['uniqueItems'];
      Object.values(v).forEach(strip);
    }
  };
  const schema = structuredClone(raw[key.replace(' +openshift', '')]) as { $id?: string; properties: Record<string, object> };
  strip(schema);
  delete schema.$id;
  if (key.endsWith(' +openshift')) {
    Object.assign(schema.properties, structuredClone(OPENSHIFT_ROOT));
  }
  return new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(schema);
}

const corpusDir = join(referenceFixtures, 'ignition', 'corpus');
const corpus = (): unknown[] => readdirSync(corpusDir).filter((f) => f.endsWith('.bu')).sort()
  .map((f) => { try { return parse(readFileSync(join(corpusDir, f), 'utf8')) as unknown; } catch { return undefined; } })
  .filter((v) => typeof v === 'object' && v !== null);

const REPLACEMENTS: unknown[] = [123, -1, 1.5, 'x', '', true, null, [], {}, { zz: 1 }, ['a'], [{}], 'gzip', 'none', '/abs', 'data:,x'];

/** A copy of `value` with one node replaced, removed, or given an unknown key. */
function mutate(value: unknown, rnd: () => number): unknown {
  const copy = structuredClone(value);
  const nodes: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach((c, i) => { nodes.push({ parent: v, key: i }); walk(c); });
    else if (typeof v === 'object' && v !== null) for (const [k, c] of Object.entries(v)) { nodes.push({ parent: v as Record<string, unknown>, key: k }); walk(c); }
  };
  walk(copy);
  const at = nodes[Math.floor(rnd() * nodes.length)];
  if (!at) return copy;
  const how = rnd();
  const parent = at.parent as Record<string | number, unknown>;
  if (how < 0.6) parent[at.key] = REPLACEMENTS[Math.floor(rnd() * REPLACEMENTS.length)];
  else if (how < 0.8 && !Array.isArray(at.parent)) delete parent[at.key];
  else if (typeof parent[at.key] === 'object' && parent[at.key] !== null && !Array.isArray(parent[at.key])) (parent[at.key] as Record<string, unknown>)['unknown_key'] = 1;
  else parent[at.key] = { wrong: [at.key] };
  return copy;
}

const found = (check: ValidateFunction, value: unknown): ErrorObject[] => (check(value) ? [] : structuredClone(check.errors ?? []));

describe('Butane schema checks compiled ahead of time', () => {
  it('the committed generated module is what scripts/butaneValidators.ts makes of today\'s schemas (npm run generate:butane)', () => {
    assert.equal(readFileSync(GENERATED_FILE, 'utf8'), butaneValidatorsSource());
  });

  it('there is a check for every schema a variant and version can be given', () => {
    const picked = new Set<SchemaKey>();
    for (const [variant, versions] of [['fcos', ['1.0.0', '1.3.0', '1.4.0', '1.5.0', '1.6.0', '1.7.0']], ['flatcar', ['1.0.0', '1.1.0']], ['openshift', ['4.8.0', '4.14.0', '4.19.0']], ['r4e', ['1.1.0']]] as const) {
      for (const version of versions) {
        for (const ign of ['3.2.0', '3.3.0', '3.4.0', '3.5.0', '3.6.0'] as const) picked.add(chooseSchema(variant, version, ign).key);
      }
    }
    assert.deepEqual([...picked].sort(), [...SCHEMA_KEYS].sort());
    for (const key of SCHEMA_KEYS) assert.equal(typeof CHECKS[key], 'function', key);
  });

  it('each check finds what ajv compiling the community schema at run time finds, on the corpus and 40 mutations of each config', () => {
    const configs = corpus();
    assert.ok(configs.length > 100, `the corpus has ${configs.length} Butane configs that parse`);
    const rnd = mulberry32(20261202);
    const inputs = configs.flatMap((c) => [c, ...Array.from({ length: 40 }, () => mutate(c, rnd))]);
    let withErrors = 0;
    const keywords = new Set<string>();
    for (const key of SCHEMA_KEYS) {
      const reference = runTimeCheck(key);
      for (const input of inputs) {
        const expected = found(reference, input);
        assert.deepEqual(found(CHECKS[key], input), expected, `${key}: ${JSON.stringify(input).slice(0, 300)}`);
        if (expected.length) withErrors++;
        for (const e of expected) keywords.add(e.keyword);
      }
    }
    // the comparison covered failing checks of many kinds, not only configs that pass
    assert.ok(withErrors > inputs.length, `${withErrors} failing checks of ${inputs.length * SCHEMA_KEYS.length}`);
    for (const k of ['additionalProperties', 'required', 'type', 'enum', 'oneOf']) assert.ok(keywords.has(k), `no ${k} finding among the inputs: ${[...keywords].join(', ')}`);
  });
});
