// A small typed stand-in for the parts of the `vscode` API that glue modules
// under src/vscode use, so their logic runs in plain mocha (the way
// vscode-go keeps test/mocks). Each export is typed against @types/vscode
// (Pick<...>), so a module that uses the API differently fails to compile
// here too. Tests drive it through `standIn` (trust, settings, answers) and
// read what the module did (messages shown, commands run, items created).
// It never reads outside what a test gives it; files come from the real disk.

import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';

type Listener<T> = (e: T) => unknown;

class Emitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (listener: Listener<T>): vscode.Disposable => {
    this.listeners.push(listener);
    return new Disposable(() => (this.listeners = this.listeners.filter((l) => l !== listener)));
  };

  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
}

export class Disposable implements vscode.Disposable {
  constructor(private readonly onDispose: () => void = () => undefined) {}
  dispose(): void {
    this.onDispose();
  }
}

/** Only file URIs: what the glue under test builds. */
export class Uri {
  private constructor(readonly scheme: string, readonly path: string) {}
  static file(p: string): Uri {
    return new Uri('file', path.resolve(p));
  }
  static joinPath(base: Uri, ...segments: string[]): Uri {
    return new Uri(base.scheme, path.posix.join(base.path, ...segments));
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
  }
}

export enum StatusBarAlignment { Left = 1, Right = 2 }

export interface StandInStatusBarItem {
  readonly id: string;
  name: string | undefined;
  text: string;
  tooltip: string | undefined;
  command: string | undefined;
  shown: boolean;
  disposed: boolean;
}

/** What a test sets up and reads back. */
export const standIn = {
  trusted: true,
  /** inspect() results by key: the workspace-level values VS Code reports. */
  workspaceValues: new Map<string, unknown>(),
  /** get() values by full key ("coreos.builder"); update() writes here (absent: the default). */
  settings: new Map<string, unknown>(),
  /** The item (by label) a quick pick is answered with, and the values input boxes are answered with, in order. */
  quickPickAnswer: undefined as string | undefined,
  /** Answers for successive quick picks (taken first, in order; then quickPickAnswer). */
  quickPickAnswers: [] as (string | undefined)[],
  /** Documents opened with workspace.openTextDocument({ content }); `text` is what getText() returns. */
  documents: [] as StandInDocument[],
  /** Called when a document is shown (the user's edits: change `text`). */
  onShowDocument: undefined as ((doc: StandInDocument) => void) | undefined,
  inputAnswers: [] as (string | undefined)[],
  /** What each quick pick offered (labels), and each input box's validation of the answer. */
  quickPicks: [] as string[][],
  inputValidation: [] as (string | undefined)[],
  /** The value each input box was opened with (its default). */
  inputValues: [] as (string | undefined)[],
  /** Each window.createInputBox box when shown: its prompt and how many buttons it offered (answered from inputAnswers too). */
  inputBoxes: [] as { prompt: string | undefined; buttons: number }[],
  folders: [] as string[],
  workspaceFile: undefined as string | undefined,
  /** The button a warning is answered with (undefined: dismissed). */
  answer: undefined as string | undefined,
  warnings: [] as { message: string; items: string[] }[],
  errors: [] as { message: string; items: string[] }[],
  infos: [] as { message: string; items: string[] }[],
  statusMessages: [] as string[],
  executed: [] as { command: string; args: unknown[] }[],
  /** Handlers registered with commands.registerCommand, by id. */
  registered: new Map<string, (...args: unknown[]) => unknown>(),
  statusBarItems: [] as StandInStatusBarItem[],
  /** Every withProgress notification: its title, the messages reported, and its Cancel button. */
  progress: [] as StandInProgress[],
  /** While set, a withProgress notification is shown but its task waits for this (a long step: a session's image pull). */
  progressGate: undefined as Promise<void> | undefined,
  /** Tasks handed to tasks.executeTask. */
  executedTasks: [] as unknown[],
  /** Terminals made by window.createTerminal, in order. */
  terminals: [] as StandInTerminal[],
  grantTrust: new Emitter<void>(),
  endTask: new Emitter<vscode.TaskEndEvent>(),
  closeTerminal: new Emitter<vscode.Terminal>(),
  changeConfiguration: new Emitter<vscode.ConfigurationChangeEvent>(),
  /** Text documents open in the editor (workspace.textDocuments); StandInTextDocument.open/edit/close fire the events. */
  textDocuments: [] as StandInTextDocument[],
  openDocument: new Emitter<vscode.TextDocument>(),
  changeDocument: new Emitter<vscode.TextDocumentChangeEvent>(),
  closeDocument: new Emitter<vscode.TextDocument>(),
  /** What the live diagnostic collections hold together, by document URI (languages.createDiagnosticCollection). */
  diagnostics: new Map<string, Diagnostic[]>(),
  /** What the module registered with the editor and has not disposed yet (commands, providers, views, watchers, listeners), in order. */
  live: [] as StandInRegistration[],
  /** A setting changed (the Settings editor): the value, then onDidChangeConfiguration. */
  changeSetting(key: string, value: unknown): void {
    this.settings.set(key, value);
    this.changeConfiguration.fire({ affectsConfiguration: (section: string) => key === section || key.startsWith(`${section}.`) });
  },
  /** Resolves once `done()` holds (looked at every millisecond: file reads on a loaded machine take their time); throws after `limitMs`. */
  async settled(done: () => boolean, limitMs = 10_000): Promise<void> {
    const until = Date.now() + limitMs;
    while (!done()) {
      if (Date.now() > until) throw new Error(`not settled within ${limitMs} ms`);
      await new Promise((r) => setTimeout(r, 1));
    }
  },
  /** The last value each context key was set to (commands.executeCommand('setContext', key, value)). */
  contextKeys(): Record<string, unknown> {
    const keys: Record<string, unknown> = {};
    for (const e of this.executed.filter((x) => x.command === 'setContext')) keys[e.args[0] as string] = e.args[1];
    return keys;
  },
  reset(): void {
    this.trusted = true;
    this.workspaceValues.clear();
    this.settings.clear();
    this.quickPickAnswer = undefined;
    this.quickPickAnswers = [];
    this.documents = [];
    this.onShowDocument = undefined;
    this.inputAnswers = [];
    this.quickPicks = [];
    this.inputValidation = [];
    this.inputValues = [];
    this.inputBoxes = [];
    this.folders = [];
    this.workspaceFile = undefined;
    this.answer = undefined;
    this.warnings = [];
    this.errors = [];
    this.infos = [];
    this.statusMessages = [];
    this.executed = [];
    this.registered = new Map();
    this.statusBarItems = [];
    this.progress = [];
    this.progressGate = undefined;
    this.terminals = [];
    this.executedTasks = [];
    this.grantTrust = new Emitter<void>();
    this.endTask = new Emitter<vscode.TaskEndEvent>();
    this.closeTerminal = new Emitter<vscode.Terminal>();
    this.changeConfiguration = new Emitter<vscode.ConfigurationChangeEvent>();
    this.textDocuments = [];
    this.openDocument = new Emitter<vscode.TextDocument>();
    this.changeDocument = new Emitter<vscode.TextDocumentChangeEvent>();
    this.closeDocument = new Emitter<vscode.TextDocument>();
    this.diagnostics = new Map();
    diagnosticCollections.clear();
    this.live = [];
  },
};

export class Position implements Pick<vscode.Position, 'line' | 'character' | 'isEqual' | 'isAfter' | 'translate'> {
  constructor(readonly line: number, readonly character: number) {}
  isEqual(other: vscode.Position): boolean {
    return this.line === other.line && this.character === other.character;
  }
  isAfter(other: vscode.Position): boolean {
    return this.line > other.line || (this.line === other.line && this.character > other.character);
  }
  translate(lineDelta?: number, characterDelta?: number): vscode.Position;
  translate(change: { lineDelta?: number; characterDelta?: number }): vscode.Position;
  translate(a?: number | { lineDelta?: number; characterDelta?: number }, b?: number): vscode.Position {
    const { lineDelta = 0, characterDelta = 0 } = typeof a === 'object' ? a : { lineDelta: a, characterDelta: b };
    return new Position(this.line + lineDelta, this.character + characterDelta) as unknown as vscode.Position;
  }
}

export class Range implements Pick<vscode.Range, 'start' | 'end'> {
  constructor(readonly start: vscode.Position, readonly end: vscode.Position) {}
}

export enum DiagnosticSeverity { Error = 0, Warning = 1, Information = 2, Hint = 3 }

export class Diagnostic implements Pick<vscode.Diagnostic, 'range' | 'message' | 'severity' | 'source'> {
  source: string | undefined;
  constructor(readonly range: vscode.Range, readonly message: string, readonly severity: vscode.DiagnosticSeverity = DiagnosticSeverity.Error) {}
}

/**
 * A text document a test opens, edits and closes; its change events carry the edits as VS Code's do
 * (contentChanges applied in order, each to the text the previous left; the version one higher per event).
 */
export class StandInTextDocument implements Pick<vscode.TextDocument, 'uri' | 'fileName' | 'languageId' | 'version' | 'isClosed' | 'lineCount'
  | 'getText' | 'positionAt' | 'offsetAt' | 'lineAt'> {
  version = 1;
  isClosed = false;
  /** getText() calls so far: what the glue copied out of the document. */
  getTextCalls = 0;
  private constructor(readonly uri: vscode.Uri, private text: string, readonly languageId: string) {}

  /** Opens a document: in standIn.textDocuments, then workspace.onDidOpenTextDocument fires. */
  static open(file: string, text: string, languageId = 'plaintext'): StandInTextDocument {
    const doc = new StandInTextDocument(Uri.file(file) as unknown as vscode.Uri, text, languageId);
    standIn.textDocuments.push(doc);
    standIn.openDocument.fire(doc.asDocument);
    return doc;
  }

  get fileName(): string {
    return this.uri.fsPath;
  }

  get asDocument(): vscode.TextDocument {
    return this as unknown as vscode.TextDocument;
  }

  /** The whole text, without counting as the glue's getText(). */
  get content(): string {
    return this.text;
  }

  /** One change event with these changes (offsets into the text as the previous change left it). */
  edit(changes: { offset: number; deleteCount: number; text: string }[]): void {
    const contentChanges = changes.map((c) => {
      const range = new Range(this.positionAt(c.offset), this.positionAt(c.offset + c.deleteCount)) as unknown as vscode.Range;
      this.text = this.text.slice(0, c.offset) + c.text + this.text.slice(c.offset + c.deleteCount);
      return { range, rangeOffset: c.offset, rangeLength: c.deleteCount, text: c.text };
    });
    this.version++;
    standIn.changeDocument.fire({ document: this.asDocument, contentChanges, reason: undefined });
  }

  close(): void {
    this.isClosed = true;
    standIn.textDocuments = standIn.textDocuments.filter((d) => d !== this);
    standIn.closeDocument.fire(this.asDocument);
  }

  getText(): string {
    this.getTextCalls++;
    return this.text;
  }

  get lineCount(): number {
    return this.text.split('\n').length;
  }

  positionAt(offset: number): vscode.Position {
    const before = this.text.slice(0, Math.max(0, Math.min(offset, this.text.length)));
    const line = before.split('\n').length - 1;
    return new Position(line, before.length - (before.lastIndexOf('\n') + 1)) as unknown as vscode.Position;
  }

  offsetAt(position: vscode.Position): number {
    const lines = this.text.split('\n');
    let offset = 0;
    for (let l = 0; l < Math.min(position.line, lines.length - 1); l++) offset += lines[l].length + 1;
    return offset + Math.min(position.character, lines[Math.min(position.line, lines.length - 1)].length);
  }

  lineAt(line: number | vscode.Position): vscode.TextLine {
    const n = typeof line === 'number' ? line : line.line;
    const start = this.offsetAt(new Position(n, 0) as unknown as vscode.Position);
    const text = this.text.split('\n')[n] ?? '';
    return { range: new Range(this.positionAt(start), this.positionAt(start + text.length)) } as unknown as vscode.TextLine;
  }
}

export interface StandInRegistration {
  readonly kind: string;
  readonly id: string;
}

/** A registration with the editor, live (standIn.live) until the returned Disposable is disposed (then `inner` too). */
function track(kind: string, id: string, inner?: vscode.Disposable): Disposable {
  const record: StandInRegistration = { kind, id };
  standIn.live.push(record);
  return new Disposable(() => {
    standIn.live = standIn.live.filter((r) => r !== record);
    inner?.dispose();
  });
}

/** An editor event: each listener is a live registration until disposed. */
function editorEvent<T>(id: string, emitter: () => Emitter<T>): vscode.Event<T> {
  return ((listener: (e: T) => unknown) => track('listener', id, emitter().event(listener))) as vscode.Event<T>;
}

export interface StandInDocument {
  readonly language: string | undefined;
  text: string;
  shown: boolean;
}

/** A terminal of window.createTerminal: its options; dispose() closes it (onDidCloseTerminal). */
export interface StandInTerminal {
  readonly name: string | undefined;
  readonly options: vscode.TerminalOptions;
  shown: boolean;
  disposed: boolean;
}

export interface StandInProgress {
  readonly title: string | undefined;
  readonly cancellable: boolean;
  readonly messages: string[];
  /** Presses the notification's Cancel. */
  cancel(): void;
}

export class EventEmitter<T> implements Pick<vscode.EventEmitter<T>, 'event' | 'fire' | 'dispose'> {
  private readonly emitter = new Emitter<T>();
  readonly event = this.emitter.event as vscode.Event<T>;
  fire(e: T): void {
    this.emitter.fire(e);
  }
  dispose(): void {
    // listeners go with the emitter
  }
}

export enum ConfigurationTarget { Global = 1, Workspace = 2, WorkspaceFolder = 3 }

export enum ProgressLocation { SourceControl = 1, Window = 10, Notification = 15 }

export class ThemeIcon {
  constructor(readonly id: string, readonly color?: ThemeColor) {}
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export class MarkdownString {
  constructor(readonly value = '') {}
}

export enum TreeItemCollapsibleState { None = 0, Collapsed = 1, Expanded = 2 }

/** A tree row as a TreeDataProvider hands it over (what the builds tree's tests read back). */
export class TreeItem {
  id?: string;
  description?: string | boolean;
  tooltip?: string | MarkdownString;
  iconPath?: ThemeIcon;
  contextValue?: string;
  resourceUri?: Uri;
  command?: vscode.Command;
  constructor(readonly label: string, readonly collapsibleState: TreeItemCollapsibleState = TreeItemCollapsibleState.None) {}
}

/**
 * vscode.l10n with the extension host's placeholder rule: `{0}` (or `{name}` with a record)
 * becomes the value, a placeholder without a value stays as it is. No bundle: English, as the
 * extension host gives it when the display language is English.
 */
export const l10n: Pick<typeof vscode.l10n, 't'> = {
  t: ((...params: unknown[]): string => {
    const first = params[0];
    const { message, args } = typeof first === 'string'
      ? { message: first, args: params.length > 1 && typeof params[1] === 'object' && params[1] !== null ? params[1] : params.slice(1) }
      : first as { message: string; args?: unknown };
    const values = (args ?? {}) as Record<string, unknown>;
    if (Object.keys(values).length === 0) return message;
    return message.replace(/{([^}]+)}/g, (match, key: string) => String(values[key] ?? match));
  }) as typeof vscode.l10n.t,
};

/** A message function that records the message and answers with standIn.answer. */
function recorder(into: () => { message: string; items: string[] }[]) {
  return (async (message: string, ...items: unknown[]) => {
    into().push({ message, items: items.filter((i): i is string => typeof i === 'string') });
    return standIn.answer;
  });
}

type Inspected = ReturnType<vscode.WorkspaceConfiguration['inspect']>;

/** A watcher whose events never fire (a test changes files and calls the product directly), live until disposed. */
function fileSystemWatcher(glob: string): vscode.FileSystemWatcher {
  const never = () => new Emitter<vscode.Uri>();
  const registration = track('fileSystemWatcher', glob);
  return {
    ignoreCreateEvents: false, ignoreChangeEvents: false, ignoreDeleteEvents: false,
    onDidCreate: editorEvent(`${glob} create`, never),
    onDidChange: editorEvent(`${glob} change`, never),
    onDidDelete: editorEvent(`${glob} delete`, never),
    dispose: () => registration.dispose(),
  };
}

const neverFired = <T>() => new Emitter<T>();

export const workspace: Pick<typeof vscode.workspace, 'isTrusted' | 'workspaceFolders' | 'workspaceFile' | 'getConfiguration' | 'onDidGrantWorkspaceTrust'
  | 'getWorkspaceFolder' | 'openTextDocument' | 'findFiles' | 'onDidChangeConfiguration' | 'textDocuments' | 'onDidOpenTextDocument'
  | 'onDidChangeTextDocument' | 'onDidCloseTextDocument' | 'createFileSystemWatcher' | 'registerTextDocumentContentProvider'>
  & { fs: Pick<vscode.FileSystem, 'readFile' | 'stat' | 'readDirectory' | 'delete'> } = {
    onDidChangeConfiguration: editorEvent('onDidChangeConfiguration', () => standIn.changeConfiguration),
    onDidOpenTextDocument: editorEvent('onDidOpenTextDocument', () => standIn.openDocument),
    onDidChangeTextDocument: editorEvent('onDidChangeTextDocument', () => standIn.changeDocument),
    onDidCloseTextDocument: editorEvent('onDidCloseTextDocument', () => standIn.closeDocument),
    get textDocuments() {
      return standIn.textDocuments.map((d) => d.asDocument);
    },
    createFileSystemWatcher: ((glob: string | vscode.RelativePattern) => fileSystemWatcher(typeof glob === 'string' ? glob : glob.pattern)) as typeof vscode.workspace.createFileSystemWatcher,
    registerTextDocumentContentProvider: (scheme: string) => track('textDocumentContentProvider', scheme),
    findFiles: (async (include: string, exclude?: string | null, maxResults?: number) => {
      const found: Uri[] = [];
      for (const folder of standIn.folders) {
        for (const rel of await walk(folder)) {
          if (globMatch(include, rel) && !(exclude && globMatch(exclude, rel))) found.push(Uri.file(path.join(folder, rel)));
        }
      }
      return found.slice(0, maxResults ?? found.length);
    }) as unknown as typeof vscode.workspace.findFiles,
    openTextDocument: (async (options?: { language?: string; content?: string }) => {
      const doc = { language: options?.language, text: options?.content ?? '', shown: false };
      standIn.documents.push(doc);
      return { getText: () => doc.text, languageId: doc.language, standInDoc: doc } as unknown as vscode.TextDocument;
    }) as typeof vscode.workspace.openTextDocument,
    get isTrusted() {
      return standIn.trusted;
    },
    get workspaceFolders() {
      return standIn.folders.map((f, index) => ({ uri: Uri.file(f) as unknown as vscode.Uri, name: path.basename(f), index }));
    },
    get workspaceFile() {
      return standIn.workspaceFile ? Uri.file(standIn.workspaceFile) as unknown as vscode.Uri : undefined;
    },
    getConfiguration: (section?: string) => ({
      inspect: <T>(key: string): Inspected => (standIn.workspaceValues.has(key)
        ? { key, workspaceValue: standIn.workspaceValues.get(key) as T } as Inspected
        : { key } as Inspected),
      // every setting at its default
      get: <T>(key: string, defaultValue?: T): T | undefined => {
        const full = section ? `${section}.${key}` : key;
        return standIn.settings.has(full) ? standIn.settings.get(full) as T : defaultValue;
      },
      update: async (key: string, value: unknown) => {
        const full = section ? `${section}.${key}` : key;
        if (value === undefined) standIn.settings.delete(full);
        else standIn.settings.set(full, value);
      },
    }) as unknown as vscode.WorkspaceConfiguration,
    getWorkspaceFolder: (uri: vscode.Uri) => workspace.workspaceFolders?.find((f) => f.uri.fsPath === uri.fsPath),
    onDidGrantWorkspaceTrust: editorEvent('onDidGrantWorkspaceTrust', () => standIn.grantTrust),
    fs: {
      readFile: async (uri: vscode.Uri) => new Uint8Array(await fsp.readFile(uri.fsPath)),
      stat: async (uri: vscode.Uri) => {
        const st = await fsp.stat(uri.fsPath);
        return { type: st.isDirectory() ? 2 : 1, ctime: st.ctimeMs, mtime: st.mtimeMs, size: st.size };
      },
      readDirectory: async (uri: vscode.Uri) => (await fsp.readdir(uri.fsPath, { withFileTypes: true }))
        .map((e): [string, vscode.FileType] => [e.name, (e.isDirectory() ? 2 : e.isSymbolicLink() ? 64 : 1) as vscode.FileType]),
      delete: async (uri: vscode.Uri, options?: { recursive?: boolean }) => fsp.rm(uri.fsPath, { recursive: options?.recursive ?? false }),
    },
  };

/** Files under `dir`, relative, with '/' separators. */
async function walk(dir: string): Promise<string[]> {
  const entries = await fsp.readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}

/** The glob forms the glue passes: `**` (any folders), `*` (within a name) and `{a,b}` alternatives. */
function globMatch(glob: string, rel: string): boolean {
  const re = glob.replace(/[.+^$()|[\]\\]/g, '\\$&')
    .replace(/\{([^}]*)\}/g, (_m, alts: string) => `(?:${alts.split(',').join('|')})`)
    .replace(/\*\*\//g, '(?:.*/)?').replace(/\/\*\*$/, '/.*').replace(/(?<!\.)\*/g, '[^/]*');
  return new RegExp(`^${re}$`).test(rel);
}

export const window: Pick<typeof vscode.window, 'showWarningMessage' | 'showErrorMessage' | 'showInformationMessage' | 'setStatusBarMessage'
  | 'withProgress' | 'onDidCloseTerminal' | 'onDidOpenTerminal' | 'terminals' | 'createTerminal' | 'createStatusBarItem' | 'showQuickPick' | 'showInputBox'
  | 'showTextDocument' | 'createInputBox' | 'createTreeView' | 'createOutputChannel' | 'registerCustomEditorProvider' | 'activeTextEditor'
  | 'onDidChangeActiveColorTheme'> = {
  createTreeView: ((id: string) => {
    const registration = track('treeView', id);
    return { description: undefined, visible: false, reveal: async () => undefined, dispose: () => registration.dispose() };
  }) as unknown as typeof vscode.window.createTreeView,
  // A log channel whose lines go nowhere.
  createOutputChannel: ((name: string) => {
    const registration = track('outputChannel', name);
    const ignore = () => undefined;
    return {
      name, append: ignore, appendLine: ignore, replace: ignore, clear: ignore, show: ignore, hide: ignore,
      trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore, dispose: () => registration.dispose(),
    };
  }) as unknown as typeof vscode.window.createOutputChannel,
  registerCustomEditorProvider: (viewType: string) => track('customEditorProvider', viewType),
  activeTextEditor: undefined,
  onDidChangeActiveColorTheme: editorEvent('onDidChangeActiveColorTheme', neverFired<vscode.ColorTheme>),
  // Shown: answered (after the caller's listeners are attached) with the next of inputAnswers, undefined hides it.
  createInputBox: (() => {
    const accepted = new Emitter<void>();
    const hidden = new Emitter<void>();
    const changed = new Emitter<string>();
    const box = {
      title: undefined as string | undefined, prompt: undefined as string | undefined, value: '', ignoreFocusOut: false,
      buttons: [] as readonly vscode.QuickInputButton[], validationMessage: undefined as string | undefined,
      onDidAccept: accepted.event, onDidHide: hidden.event, onDidChangeValue: changed.event, onDidTriggerButton: new Emitter<vscode.QuickInputButton>().event,
      show: () => {
        standIn.inputValues.push(box.value);
        standIn.inputBoxes.push({ prompt: box.prompt, buttons: box.buttons.length });
        const answer = standIn.inputAnswers.shift();
        setImmediate(() => {
          if (answer === undefined) {
            hidden.fire();
            return;
          }
          box.value = answer;
          changed.fire(answer);
          accepted.fire();
        });
      },
      hide: () => hidden.fire(),
      dispose: () => undefined,
    };
    return box;
  }) as unknown as typeof vscode.window.createInputBox,
  showTextDocument: (async (document: vscode.TextDocument) => {
    const doc = (document as unknown as { standInDoc: StandInDocument }).standInDoc;
    doc.shown = true;
    standIn.onShowDocument?.(doc);
    return {} as vscode.TextEditor;
  }) as unknown as typeof vscode.window.showTextDocument,
  showQuickPick: (async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>) => {
    const offered = await items;
    standIn.quickPicks.push(offered.map((i) => i.label));
    const answer = standIn.quickPickAnswers.length ? standIn.quickPickAnswers.shift() : standIn.quickPickAnswer;
    return offered.find((i) => i.label === answer);
  }) as unknown as typeof vscode.window.showQuickPick,
  showInputBox: (async (options?: vscode.InputBoxOptions) => {
    standIn.inputValues.push(options?.value);
    const answer = standIn.inputAnswers.shift();
    if (answer !== undefined && options?.validateInput) {
      const problem = await options.validateInput(answer);
      standIn.inputValidation.push(typeof problem === 'string' ? problem : undefined);
      if (problem) return undefined; // VS Code keeps the box open; the test answered wrongly
    }
    return answer;
  }) as typeof vscode.window.showInputBox,
  showWarningMessage: recorder(() => standIn.warnings) as typeof vscode.window.showWarningMessage,
  showErrorMessage: recorder(() => standIn.errors) as typeof vscode.window.showErrorMessage,
  showInformationMessage: recorder(() => standIn.infos) as typeof vscode.window.showInformationMessage,
  setStatusBarMessage: ((text: string) => {
    standIn.statusMessages.push(text);
    return new Disposable();
  }) as typeof vscode.window.setStatusBarMessage,
  withProgress: (async <R>(options: vscode.ProgressOptions, task: (p: vscode.Progress<{ message?: string }>, t: vscode.CancellationToken) => Thenable<R>) => {
    const cancelled = new Emitter<void>();
    const token = { isCancellationRequested: false, onCancellationRequested: cancelled.event } as unknown as vscode.CancellationToken;
    const shown: StandInProgress = {
      title: options.title,
      cancellable: options.cancellable ?? false,
      messages: [],
      cancel: () => {
        (token as { isCancellationRequested: boolean }).isCancellationRequested = true;
        cancelled.fire();
      },
    };
    standIn.progress.push(shown);
    await standIn.progressGate;
    return task({ report: (v) => void (v.message !== undefined && shown.messages.push(v.message)) }, token);
  }) as typeof vscode.window.withProgress,
  onDidCloseTerminal: editorEvent('onDidCloseTerminal', () => standIn.closeTerminal),
  onDidOpenTerminal: editorEvent('onDidOpenTerminal', neverFired<vscode.Terminal>),
  terminals: [],
  createTerminal: ((options: vscode.TerminalOptions) => {
    const t: StandInTerminal = { name: options.name, options, shown: false, disposed: false };
    standIn.terminals.push(t);
    const terminal = Object.assign(t, {
      exitStatus: undefined,
      show: () => void (t.shown = true),
      dispose: () => {
        if (!t.disposed) {
          t.disposed = true;
          standIn.closeTerminal.fire(terminal as unknown as vscode.Terminal);
        }
      },
    });
    return terminal as unknown as vscode.Terminal;
  }) as unknown as typeof vscode.window.createTerminal,
  createStatusBarItem: ((id: string) => {
    const item: StandInStatusBarItem = { id, name: undefined, text: '', tooltip: undefined, command: undefined, shown: false, disposed: false };
    standIn.statusBarItems.push(item);
    const registration = track('statusBarItem', id);
    return Object.assign(item, {
      show: () => (item.shown = true),
      hide: () => (item.shown = false),
      dispose: () => {
        item.disposed = true;
        registration.dispose();
      },
    }) as unknown as vscode.StatusBarItem;
  }) as typeof vscode.window.createStatusBarItem,
};

export const commands: Pick<typeof vscode.commands, 'executeCommand' | 'registerCommand'> = {
  executeCommand: async <T>(command: string, ...args: unknown[]) => {
    standIn.executed.push({ command, args });
    return undefined as T;
  },
  registerCommand: (id: string, handler: (...args: unknown[]) => unknown) => {
    if (standIn.registered.has(id)) throw new Error(`command '${id}' already exists`);
    standIn.registered.set(id, handler);
    return track('command', id, new Disposable(() => standIn.registered.delete(id)));
  },
};

export const tasks: Pick<typeof vscode.tasks, 'onDidEndTask' | 'executeTask' | 'registerTaskProvider'> = {
  onDidEndTask: editorEvent('onDidEndTask', () => standIn.endTask),
  registerTaskProvider: (type: string) => track('taskProvider', type),
  executeTask: async (task: vscode.Task) => {
    standIn.executedTasks.push(task);
    return { task, terminate: () => undefined } as vscode.TaskExecution;
  },
};

/** What each live diagnostic collection holds, by document URI; standIn.diagnostics shows them together. */
const diagnosticCollections = new Set<Map<string, Diagnostic[]>>();

/** standIn.diagnostics for these URIs again: the live collections' diagnostics together (as the Problems view shows them). */
function showDiagnostics(uris: Iterable<string>): void {
  for (const uri of uris) {
    const holding = [...diagnosticCollections].filter((c) => c.has(uri));
    if (holding.length === 0) standIn.diagnostics.delete(uri);
    else standIn.diagnostics.set(uri, holding.flatMap((c) => c.get(uri) ?? []));
  }
}

export const languages: Pick<typeof vscode.languages, 'createDiagnosticCollection'> = {
  // A collection is live until disposed; disposing it takes its diagnostics away, as in VS Code.
  createDiagnosticCollection: ((name?: string) => {
    const entries = new Map<string, Diagnostic[]>();
    diagnosticCollections.add(entries);
    const clear = () => {
      const uris = [...entries.keys()];
      entries.clear();
      showDiagnostics(uris);
    };
    const registration = track('diagnosticCollection', name ?? '', new Disposable(() => {
      diagnosticCollections.delete(entries);
      clear();
    }));
    return {
      name,
      set: (uri: vscode.Uri, diagnostics?: readonly vscode.Diagnostic[]) => {
        entries.set(uri.toString(), [...(diagnostics ?? [])] as unknown as Diagnostic[]);
        showDiagnostics([uri.toString()]);
      },
      get: (uri: vscode.Uri) => entries.get(uri.toString()),
      has: (uri: vscode.Uri) => entries.has(uri.toString()),
      delete: (uri: vscode.Uri) => {
        entries.delete(uri.toString());
        showDiagnostics([uri.toString()]);
      },
      clear,
      dispose: () => registration.dispose(),
    };
  }) as unknown as typeof vscode.languages.createDiagnosticCollection,
};

export enum TestRunProfileKind { Run = 1, Debug = 2, Coverage = 3 }

export class RelativePattern {
  constructor(readonly base: unknown, readonly pattern: string) {}
}

export const tests: Pick<typeof vscode.tests, 'createTestController'> = {
  // A controller with no tests yet: the handlers the product sets are kept, nothing runs.
  createTestController: ((id: string, label: string) => {
    const registration = track('testController', id);
    const items = new Map<string, unknown>();
    return {
      id, label,
      items: { size: 0, get: (key: string) => items.get(key), add: (t: { id: string }) => void items.set(t.id, t), delete: (key: string) => void items.delete(key), replace: () => items.clear(), forEach: () => undefined },
      createRunProfile: (profileLabel: string, kind: TestRunProfileKind) => ({ label: profileLabel, kind, dispose: () => undefined }),
      dispose: () => registration.dispose(),
    };
  }) as unknown as typeof vscode.tests.createTestController,
};
