/** Public API of the pure Ignition layer. */
export { validateIgnition, entryToString, SUPPORTED_VERSIONS, ERR_EMPTY, ERR_INVALID_VERSION, ERR_UNKNOWN_VERSION } from './validate';
export type { IgnitionEntry, IgnitionResult } from './validate';
export { formatReport, isInvalid } from './report';
export type { SpecVersion } from './model';
export { validateButane, BUTANE_SPECS } from './butane';
export type { ButaneEntry, ButaneResult, ButaneOptions, ButaneLevel } from './butane';
export { findingsOf, validatorFailure } from './findings';
export type { ConfigKind, ValidationFinding } from './findings';
