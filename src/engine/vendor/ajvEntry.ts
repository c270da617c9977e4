// Entry of dist/ajv.js: ajv in a bundle of its own, loaded when the first
// meta.json is validated (src/cosa/buildMeta.ts), so activation does not parse it.
export { default } from 'ajv';
