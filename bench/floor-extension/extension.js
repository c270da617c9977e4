// The floor of "click a view -> first row": one static row, nothing else.
// With FLOOR_WATCH_LOG set it also logs when VS Code's file watcher reports
// builds/builds.json (the editor's share of "builds.json rewritten -> row").
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS, loaded by the extension host as it is */
const fs = require('node:fs');
const vscode = require('vscode');

function activate(context) {
  const tree = {
    getTreeItem: (row) => new vscode.TreeItem(row),
    getChildren: (row) => (row ? [] : ['floor-row']),
  };
  context.subscriptions.push(vscode.window.registerTreeDataProvider('floor.tree', tree));
  const log = process.env.FLOOR_WATCH_LOG;
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  if (log && folder) {
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, 'builds/builds.json'));
    const note = () => fs.appendFileSync(log, `${Date.now()}\n`);
    context.subscriptions.push(w, w.onDidCreate(note), w.onDidChange(note));
  }
}

module.exports = { activate };
