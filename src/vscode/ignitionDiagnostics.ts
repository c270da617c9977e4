// Live diagnostics for Ignition (*.ign) and Butane (*.bu) documents in the
// ordinary text editor: validated in-process (no process per keystroke),
// debounced per document, longer for big documents, stale results dropped.

import * as vscode from 'vscode';
import { requireBundle } from '../engine/bundleLoader';
import type { ButaneEntry, IgnitionEntry, IgnitionResult } from '../ignition';
import type { ProblemView } from '../../webview-ui/src/messages';

type IgnitionLib = typeof import('../ignition');

let lib: Promise<IgnitionLib> | undefined;
/** The pure validator, loaded on first use from its own bundle (dist/ignition.js): activation does not load it. */
export function loadIgnitionLib(): Promise<IgnitionLib> {
  lib ??= Promise.resolve().then(() => requireBundle<IgnitionLib>('ignition.js', '../ignition'));
  return lib;
}

export type ConfigKind = 'ignition' | 'butane';

export function configKind(doc: vscode.TextDocument): ConfigKind | undefined {
  const p = doc.uri.path.toLowerCase();
  if (p.endsWith('.ign')) return 'ignition';
  if (p.endsWith('.bu')) return 'butane';
  return undefined;
}

/** A finding in editor terms, shared by the Problems panel and the config editor (the webview's own type). */
export type Finding = ProblemView;

const jsonPath = (p: readonly (string | number)[]): string => (p.length ? '$.' + p.map(String).join('.') : '');

function ignitionFindings(text: string, r: IgnitionResult): Finding[] {
  const out: Finding[] = r.entries.map((e: IgnitionEntry) => ({
    severity: e.level, message: e.message, path: jsonPath(e.path), line: e.line, column: e.column, offset: e.offset, length: e.length,
  }));
  if (r.fatal !== undefined) {
    // no position from Ignition: mark the version value when there is one
    const m = /"version"\s*:\s*("(?:[^"\\]|\\.)*"|[^,}\s]+)/.exec(text);
    const offset = m ? m.index + m[0].length - m[1].length : 0;
    out.push({ severity: 'error', message: `couldn't parse config: ${r.fatal}`, path: m ? '$.ignition.version' : '', line: 0, column: 0, offset, length: m ? m[1].length : 0 });
  }
  return out;
}

function butaneFindings(entries: ButaneEntry[]): Finding[] {
  return entries.map((e) => ({ severity: e.level, message: e.message, path: jsonPath(e.path), line: e.line, column: e.column, offset: e.offset, length: e.length }));
}

/** Validates `text` of the given kind (loads the validator on first use). */
export async function validateText(kind: ConfigKind, text: string): Promise<Finding[]> {
  const l = await loadIgnitionLib();
  try {
    if (kind === 'ignition') return ignitionFindings(text, l.validateIgnition(text));
    // the files directory is the document's folder when translating, so local files are fine
    return butaneFindings(l.validateButane(text, { filesDir: true }).entries);
  } catch (e) {
    // a validator bug must replace the old findings with a visible error, never leave them stale
    const message = `the ${kind === 'ignition' ? 'Ignition' : 'Butane'} validator failed on this document: ${e instanceof Error ? e.message : String(e)}`;
    return [{ severity: 'error', message, path: '', line: 0, column: 0, offset: 0, length: 0 }];
  }
}

export function toDiagnostic(doc: vscode.TextDocument, f: Finding, kind: ConfigKind): vscode.Diagnostic {
  const start = doc.positionAt(f.offset);
  let end = doc.positionAt(f.offset + f.length);
  if (end.isEqual(start)) end = doc.lineAt(start.line).range.end.isAfter(start) ? start.translate(0, 1) : start;
  const severity = f.severity === 'error' ? vscode.DiagnosticSeverity.Error
    : f.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
  const d = new vscode.Diagnostic(new vscode.Range(start, end), f.path ? `${f.message} (${f.path})` : f.message, severity);
  d.source = kind === 'ignition' ? 'Ignition' : 'Butane';
  return d;
}

/** Debounce per document: short for ordinary configs, longer for big ones. */
export function debounceMs(length: number): number {
  if (length < 100_000) return 250;
  if (length < 1_000_000) return 600;
  return 1200;
}

export class IgnitionDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('coreos-ignition');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly latest = new Map<string, Finding[]>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** Fires after a document's findings were updated. */
  readonly onDidUpdate = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    this.subscriptions.push(
      this.collection,
      this.changed,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.schedule(e.document, debounceMs(e.document.getText().length));
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
    );
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  /** Findings of the last validation of `uri`, if any. */
  findings(uri: vscode.Uri): Finding[] | undefined {
    return this.latest.get(uri.toString());
  }

  schedule(doc: vscode.TextDocument, delay: number): void {
    if (!configKind(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      void this.validateNow(doc);
    }, delay));
  }

  /** Validates right away; results for an outdated version of the text are dropped. */
  async validateNow(doc: vscode.TextDocument): Promise<Finding[] | undefined> {
    const kind = configKind(doc);
    if (!kind || doc.isClosed) return undefined;
    const version = doc.version;
    const findings = await validateText(kind, doc.getText());
    if (doc.isClosed || doc.version !== version) return undefined;
    this.latest.set(doc.uri.toString(), findings);
    this.collection.set(doc.uri, findings.map((f) => toDiagnostic(doc, f, kind)));
    this.changed.fire(doc.uri);
    return findings;
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.latest.delete(key);
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const s of this.subscriptions) s.dispose();
  }
}
