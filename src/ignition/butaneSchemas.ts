/**
 * The community JSON schemas a Butane config is checked against (media/schemas/, from
 * Relativ-IT/Butane-Schemas), which one a variant/version gets, and each schema exactly as it is
 * checked. The checks themselves are compiled ahead of time by scripts/butaneValidators.ts into
 * ./generated/butaneSchemaValidators.js: compiling a schema with ajv at run time cost 200-330 ms of
 * CPU on a worker's first Butane document (bench/RESULTS.md), the compiled code loads in a tenth.
 *
 * Pure: no I/O, no 'vscode'.
 */

import fcos140 from '../../media/schemas/butane-fcos-1.4.0.json';
import fcos150 from '../../media/schemas/butane-fcos-1.5.0.json';
import fcos160 from '../../media/schemas/butane-fcos-1.6.0.json';
import flatcar110 from '../../media/schemas/butane-flatcar-1.1.0.json';
import type { SpecVersion } from './model';

export interface SchemaChoice {
  /** The community schema's variant and version ('fcos 1.6.0'). */
  readonly name: string;
  /** Whether it is the document's own variant/version (else the nearest one). */
  readonly exact: boolean;
  /** Which compiled check (SCHEMA_KEYS). */
  readonly key: SchemaKey;
}

const COMMUNITY = { 'fcos 1.4.0': fcos140, 'fcos 1.5.0': fcos150, 'fcos 1.6.0': fcos160, 'flatcar 1.1.0': flatcar110 } as const;
type CommunityName = keyof typeof COMMUNITY;

/** OpenShift's extra top-level sections (Butane's openshift variant), loosely. */
export const OPENSHIFT_ROOT: Record<string, object> = {
  metadata: {
    type: 'object', additionalProperties: false, required: ['name'],
    properties: { name: { type: 'string' }, labels: { type: 'object', additionalProperties: { type: 'string' } } },
  },
  openshift: {
    type: 'object', additionalProperties: false,
    properties: {
      kernel_type: { type: 'string' }, kernel_arguments: { type: 'array', items: { type: 'string' } },
      extensions: { type: 'array', items: { type: 'string' } }, fips: { type: 'boolean' },
    },
  },
};

/** The fcos schema for each Ignition output, for variants and versions without a schema of their own. */
const NEAREST: readonly [SpecVersion, CommunityName][] = [['3.3.0', 'fcos 1.4.0'], ['3.4.0', 'fcos 1.5.0'], ['3.5.0', 'fcos 1.6.0']];
const SPEC_ORDER: readonly SpecVersion[] = ['3.0.0', '3.1.0', '3.2.0', '3.3.0', '3.4.0', '3.5.0', '3.6.0', '3.7.0-experimental'];

/** Every check chooseSchema can pick: a community schema, or one of the fcos ones with OpenShift's sections. */
export const SCHEMA_KEYS = [
  ...Object.keys(COMMUNITY) as CommunityName[],
  ...NEAREST.map(([, name]) => `${name} +openshift` as const),
] as const;
export type SchemaKey = CommunityName | `${CommunityName} +openshift`;

/** The community schema to check a variant/version against: exact, else the one for the nearest Ignition spec. */
export function chooseSchema(variant: string, version: string, ign: SpecVersion): SchemaChoice {
  const exact = `${variant} ${version}`;
  if (exact in COMMUNITY) return { name: exact, exact: true, key: exact as CommunityName };
  let best = NEAREST[0]![1];
  for (const [spec, name] of NEAREST) if (SPEC_ORDER.indexOf(spec) <= SPEC_ORDER.indexOf(ign)) best = name;
  return { name: best, exact: false, key: variant === 'openshift' ? `${best} +openshift` : best };
}

/** Keywords that only annotate (the findings never show them): left out of the compiled checks. */
const ANNOTATIONS = new Set(['title', 'description', 'markdownDescription', '$comment', 'examples', 'default']);
/** Keywords whose value is a schema, a list of schemas, or a map of names to schemas (JSON Schema draft-07). */
const SCHEMA_VALUED = new Set(['items', 'additionalItems', 'additionalProperties', 'contains', 'propertyNames', 'if', 'then', 'else', 'not', 'allOf', 'anyOf', 'oneOf']);
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', 'dependencies']);

/**
 * The schema a key is checked against: a copy without annotations and without `uniqueItems` (ajv
 * compares list items pairwise, quadratic in the list length: seconds for a few thousand files, and
 * Ignition's keyed duplicate check reports duplicates with Butane's message), without `$id` (one
 * schema serves the plain and the OpenShift check), and with OpenShift's sections where the key says.
 */
export function schemaOf(key: SchemaKey): Record<string, unknown> {
  const openshift = key.endsWith(' +openshift');
  const schema = checkedCopy(COMMUNITY[key.replace(' +openshift', '') as CommunityName]) as Record<string, unknown>;
  delete schema['$id'];
  if (openshift) schema['properties'] = { ...(schema['properties'] as object), ...checkedCopy(OPENSHIFT_ROOT, 'properties') as object };
  return schema;
}

function checkedCopy(schema: unknown, keyword?: string): unknown {
  if (Array.isArray(schema)) return schema.map((s) => checkedCopy(s, keyword));
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (keyword !== undefined && SCHEMA_MAPS.has(keyword)) {
      out[k] = checkedCopy(v); // a name (a property called "description" stays), and its schema
    } else if (!ANNOTATIONS.has(k) && k !== 'uniqueItems') {
      out[k] = SCHEMA_VALUED.has(k) || SCHEMA_MAPS.has(k) ? checkedCopy(v, k) : structuredClone(v);
    }
  }
  return out;
}
