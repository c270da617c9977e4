// Typed messages between the extension host and the webview front end.
// Both sides import this file; the host never sends untyped objects.

import type { ValidationFinding } from '../../src/ignition/findingTypes';

export type Theme = 'light' | 'dark' | 'high-contrast';

/** A JSON path inside the config: keys and array indexes. */
export type JsonPath = readonly (string | number)[];

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** One validation finding, as the webview lists it (the validators' own shape, src/ignition/findings.ts). */
export type ProblemView = ValidationFinding;

export interface DocumentState {
  readonly fileName: string;
  /** The parsed config, or undefined when the text is not a JSON object. */
  readonly config: { [key: string]: JsonValue } | undefined;
  /** Why there is no structured view (syntax error), if so. */
  readonly parseError?: string;
  readonly problems: readonly ProblemView[];
  /** Latest stable Ignition spec version, offered for new sections. */
  readonly latestVersion: string;
  readonly supportedVersions: readonly string[];
}

export type HostToWebview =
  /** `l10nBundle`: the host's vscode.l10n.bundle (translations of the page's l10n.t texts; empty in English). */
  | { readonly type: 'init'; readonly theme: Theme; readonly l10nBundle: Readonly<Record<string, string>> }
  | { readonly type: 'document'; readonly state: DocumentState };

export type WebviewToHost =
  | { readonly type: 'ready' }
  /** Set the value at `path` (creating missing objects); undefined removes it. */
  | { readonly type: 'set'; readonly path: JsonPath; readonly value: JsonValue | undefined }
  /** Append `value` to the array at `path` (creating it). */
  | { readonly type: 'append'; readonly path: JsonPath; readonly value: JsonValue }
  /** Remove the array element or key at `path`. */
  | { readonly type: 'remove'; readonly path: JsonPath }
  /** Show this range in the text editor. */
  | { readonly type: 'reveal'; readonly offset: number; readonly length: number }
  | { readonly type: 'testInVm' };
