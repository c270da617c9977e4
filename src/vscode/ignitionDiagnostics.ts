// Live diagnostics for Ignition (*.ign) and Butane (*.bu) documents in the
// ordinary text editor: validated in a worker thread (never blocking the
// extension host, no process per keystroke), after a short debounce per
// document, only the newest text of a document counts (stale results dropped).

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { requireBundle } from '../bundleLoader';
import { EditLog, type TextEdit } from '../engine/textEdits';
import { validateOnce, ValidationWorker } from '../engine/validationWorker';
import { configKind } from './configDocuments';
import type { ProblemView } from '../../webview-ui/src/messages';

type IgnitionLib = typeof import('../ignition');

let lib: Promise<IgnitionLib> | undefined;
/** The pure validator, loaded on first use from its own bundle (dist/ignition.js): activation does not load it. */
export function loadIgnitionLib(): Promise<IgnitionLib> {
  lib ??= Promise.resolve().then(() => requireBundle<IgnitionLib>('ignition.js', './ignition'));
  return lib;
}

export type ConfigKind = import('../ignition').ConfigKind;

/** A finding in editor terms, shared by the Problems panel and the config editor (the webview's own type). */
export type Finding = ProblemView;

/** The bundled validation worker, next to the extension's bundle (scripts/build.mjs). */
const workerScript = (): string => path.join(__dirname, 'validationWorker.js');

/** Validates `text` of the given kind once (one-off checks), in a worker of its own: never on the host's thread. */
export function validateText(kind: ConfigKind, text: string): Promise<Finding[]> {
  return validateOnce(workerScript(), kind, text);
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

/**
 * Debounce per document. Below 2 MB none (a zero timer only merges the change events of one tick): the
 * worker validates off the main thread and keeps only a document's newest request, so a burst of
 * keystrokes while it validates costs one more validation, not one per keystroke, and reading the text
 * costs the host under a millisecond (bench/keystroke.bench.ts); a 30 ms wait was a fifth of the
 * keystroke -> squiggle time there. Above 2 MB longer: reading the text costs a few milliseconds per MB.
 */
export function debounceMs(length: number): number {
  return length < 2_000_000 ? 0 : 300;
}

/** A change event's content change as the worker applies it. */
const editOf = (c: vscode.TextDocumentContentChangeEvent): TextEdit => ({ offset: c.rangeOffset, deleteCount: c.rangeLength, text: c.text });

/** The document's length without copying its text. */
function documentLength(doc: vscode.TextDocument): number {
  return doc.offsetAt(doc.lineAt(doc.lineCount - 1).range.end);
}

/**
 * Bench only (bench/keystroke.bench.ts sets it): COREOS_VALIDATION_TRACE=<file> appends one JSON line per
 * validation with the epoch times of its steps on the host's thread, to show where a keystroke's time goes.
 */
const TRACE_FILE = process.env.COREOS_VALIDATION_TRACE;
const epochMs = () => performance.timeOrigin + performance.now();

export class IgnitionDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('coreos-ignition');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly latest = new Map<string, Finding[]>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** Fires after a document's findings were updated. */
  readonly onDidUpdate = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly worker: ValidationWorker;
  /** Each config document's edits since its text was last sent to the worker. */
  private readonly edits = new Map<string, EditLog>();

  /** `script`: the bundled worker (workerScript; tests pass their own build). */
  constructor(script = workerScript()) {
    this.worker = new ValidationWorker(script);
    this.subscriptions.push(
      this.collection,
      this.changed,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length === 0 || !configKind(e.document)) return;
        this.editLog(e.document.uri.toString()).record(e.document.version, e.contentChanges.map(editOf));
        this.schedule(e.document, debounceMs(documentLength(e.document)));
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
    const scheduledAt = TRACE_FILE ? epochMs() : 0;
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      void this.validateNow(doc, TRACE_FILE ? { scheduledAt, firedAt: epochMs() } : undefined);
    }, delay));
  }

  /** Validates right away; results for an outdated version of the text are dropped. */
  async validateNow(doc: vscode.TextDocument, trace?: Record<string, number>): Promise<Finding[] | undefined> {
    const kind = configKind(doc);
    if (!kind || doc.isClosed) return undefined;
    const key = doc.uri.toString();
    let version = -1;
    const findings = await this.worker.validate(key, kind, (held) => {
      version = doc.version;
      if (trace) trace.readAt = epochMs();
      // the edits since the version the worker keeps, when they are all known; else the whole text
      const log = this.editLog(key);
      const edits = held === undefined ? undefined : log.between(held, version);
      log.restart(version);
      const update = edits !== undefined && held !== undefined
        ? { version, base: held, edits, length: documentLength(doc) }
        : { version, text: doc.getText() };
      if (trace) trace.sentAt = epochMs();
      return update;
    });
    if (trace) trace.answerAt = epochMs();
    if (!findings || doc.isClosed || doc.version !== version) return undefined;
    this.latest.set(doc.uri.toString(), findings);
    this.collection.set(doc.uri, findings.map((f) => toDiagnostic(doc, f, kind)));
    this.changed.fire(doc.uri);
    if (trace && TRACE_FILE) fs.appendFileSync(TRACE_FILE, JSON.stringify({ ...trace, setAt: epochMs(), errors: findings.filter((f) => f.severity === 'error').length }) + '\n');
    return findings;
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.latest.delete(key);
    this.edits.delete(key);
    this.collection.delete(uri);
    this.worker.cancel(key);
  }

  private editLog(key: string): EditLog {
    let log = this.edits.get(key);
    if (!log) {
      log = new EditLog();
      this.edits.set(key, log);
    }
    return log;
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.worker.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
