/**
 * Which community JSON schema (media/schemas/, from Relativ-IT/Butane-Schemas) a Butane config is
 * checked against, by variant and version. The checks themselves are compiled ahead of time from the
 * schemas by scripts/butaneValidators.ts into ./generated/butaneSchemaValidators.js: compiling a schema
 * with ajv at run time cost 200-330 ms of CPU on a worker's first Butane document (bench/RESULTS.md).
 * The schemas are not imported here, so the validators' bundles do not carry them.
 *
 * Pure: no I/O, no 'vscode'.
 */

import type { SpecVersion } from './model';

export interface SchemaChoice {
  /** The community schema's variant and version ('fcos 1.6.0'). */
  readonly name: string;
  /** Whether it is the document's own variant/version (else the nearest one). */
  readonly exact: boolean;
  /** Which compiled check (SCHEMA_KEYS). */
  readonly key: SchemaKey;
}

/** The community schemas there are (media/schemas/butane-<variant>-<version>.json). */
export const COMMUNITY_NAMES = ['fcos 1.4.0', 'fcos 1.5.0', 'fcos 1.6.0', 'flatcar 1.1.0'] as const;
export type CommunityName = (typeof COMMUNITY_NAMES)[number];

/** The fcos schema for each Ignition output, for variants and versions without a schema of their own. */
const NEAREST: readonly [SpecVersion, CommunityName][] = [['3.3.0', 'fcos 1.4.0'], ['3.4.0', 'fcos 1.5.0'], ['3.5.0', 'fcos 1.6.0']];
const SPEC_ORDER: readonly SpecVersion[] = ['3.0.0', '3.1.0', '3.2.0', '3.3.0', '3.4.0', '3.5.0', '3.6.0', '3.7.0-experimental'];

/** Every check chooseSchema can pick: a community schema, or one of the fcos ones with OpenShift's sections. */
export const SCHEMA_KEYS = [
  ...COMMUNITY_NAMES,
  ...NEAREST.map(([, name]) => `${name} +openshift` as const),
] as const;
export type SchemaKey = CommunityName | `${CommunityName} +openshift`;

/** The community schema to check a variant/version against: exact, else the one for the nearest Ignition spec. */
export function chooseSchema(variant: string, version: string, ign: SpecVersion): SchemaChoice {
  const exact = `${variant} ${version}`;
  if ((COMMUNITY_NAMES as readonly string[]).includes(exact)) return { name: exact, exact: true, key: exact as CommunityName };
  let best = NEAREST[0]![1];
  for (const [spec, name] of NEAREST) if (SPEC_ORDER.indexOf(spec) <= SPEC_ORDER.indexOf(ign)) best = name;
  return { name: best, exact: false, key: variant === 'openshift' ? `${best} +openshift` : best };
}
