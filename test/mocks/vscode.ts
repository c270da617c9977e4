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
  folders: [] as string[],
  workspaceFile: undefined as string | undefined,
  /** The button a warning is answered with (undefined: dismissed). */
  answer: undefined as string | undefined,
  warnings: [] as { message: string; items: string[] }[],
  executed: [] as { command: string; args: unknown[] }[],
  statusBarItems: [] as StandInStatusBarItem[],
  grantTrust: new Emitter<void>(),
  reset(): void {
    this.trusted = true;
    this.workspaceValues.clear();
    this.folders = [];
    this.workspaceFile = undefined;
    this.answer = undefined;
    this.warnings = [];
    this.executed = [];
    this.statusBarItems = [];
    this.grantTrust = new Emitter<void>();
  },
};

type Inspected = ReturnType<vscode.WorkspaceConfiguration['inspect']>;

export const workspace: Pick<typeof vscode.workspace, 'isTrusted' | 'workspaceFolders' | 'workspaceFile' | 'getConfiguration' | 'onDidGrantWorkspaceTrust'>
  & { fs: Pick<vscode.FileSystem, 'readFile'> } = {
    get isTrusted() {
      return standIn.trusted;
    },
    get workspaceFolders() {
      return standIn.folders.map((f, index) => ({ uri: Uri.file(f) as unknown as vscode.Uri, name: path.basename(f), index }));
    },
    get workspaceFile() {
      return standIn.workspaceFile ? Uri.file(standIn.workspaceFile) as unknown as vscode.Uri : undefined;
    },
    getConfiguration: () => ({
      inspect: <T>(key: string): Inspected => (standIn.workspaceValues.has(key)
        ? { key, workspaceValue: standIn.workspaceValues.get(key) as T } as Inspected
        : { key } as Inspected),
    }) as unknown as vscode.WorkspaceConfiguration,
    onDidGrantWorkspaceTrust: (listener: () => unknown) => standIn.grantTrust.event(listener),
    fs: {
      readFile: async (uri: vscode.Uri) => new Uint8Array(await fsp.readFile(uri.fsPath)),
    },
  };

export const window: Pick<typeof vscode.window, 'showWarningMessage' | 'createStatusBarItem'> = {
  showWarningMessage: (async (message: string, ...items: unknown[]) => {
    standIn.warnings.push({ message, items: items.filter((i): i is string => typeof i === 'string') });
    return standIn.answer;
  }) as typeof vscode.window.showWarningMessage,
  createStatusBarItem: ((id: string) => {
    const item: StandInStatusBarItem = { id, name: undefined, text: '', tooltip: undefined, command: undefined, shown: false, disposed: false };
    standIn.statusBarItems.push(item);
    return Object.assign(item, {
      show: () => (item.shown = true),
      hide: () => (item.shown = false),
      dispose: () => (item.disposed = true),
    }) as unknown as vscode.StatusBarItem;
  }) as typeof vscode.window.createStatusBarItem,
};

export const commands: Pick<typeof vscode.commands, 'executeCommand'> = {
  executeCommand: async <T>(command: string, ...args: unknown[]) => {
    standIn.executed.push({ command, args });
    return undefined as T;
  },
};
