// A validation's findings as plain data (src/ignition/findings.ts makes them): the types only, for the
// validation worker's messages and the webviews, which must not see the validators. Pure.

export type ConfigKind = 'ignition' | 'butane';

export interface ValidationFinding {
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  /** "$.storage.files.0.path", or "" for the whole document. */
  readonly path: string;
  readonly line: number;
  readonly column: number;
  /** UTF-16 offset and length in the document text. */
  readonly offset: number;
  readonly length: number;
}
