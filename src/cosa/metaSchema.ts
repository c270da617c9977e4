// cosa's meta.json schema (coreos-assembler's src/v1.json, copied to src/cosa/schema/) labels nested properties with
// fragment-only "$id"s ("#/image/digest") and repeats some of them. Python's
// jsonschema ignores that; ajv treats them as schema identities and refuses
// the duplicates. Its "$ref"s are JSON pointers ("#/definitions/..."), so the
// nested ids carry no meaning and can be dropped before compiling.

export function withoutNestedIds(schema: unknown, isRoot = true): unknown {
  if (Array.isArray(schema)) {
    return schema.map((s) => withoutNestedIds(s, false));
  }
  if (typeof schema !== 'object' || schema === null) {
    return schema;
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$id' && !isRoot && typeof value === 'string' && value.startsWith('#')) {
      continue;
    }
    // Property names that happen to be "$id" inside "properties" are data, keep them.
    out[key] = withoutNestedIds(value, false);
  }
  return out;
}
