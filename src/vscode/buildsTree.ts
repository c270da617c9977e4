// The CoreOS Builds tree: first level from builds/builds.json only (cheap);
// deeper levels arrive with the build-directory model.

import * as vscode from 'vscode';
import { BuildEntry, BuildsIndex, parseBuildsIndex } from '../cosa/buildsIndex';

type Node =
  | { readonly kind: 'build'; readonly build: BuildEntry; readonly latest: boolean; readonly tags: readonly string[] }
  | { readonly kind: 'error'; readonly message: string };

export class BuildsTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private index: Promise<BuildsIndex | undefined> | undefined;

  constructor(private readonly root: vscode.Uri) {}

  refresh(): void {
    this.index = undefined;
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'error') {
      const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
      item.tooltip = node.message;
      item.contextValue = 'error';
      return item;
    }
    const { build, latest, tags } = node;
    const item = new vscode.TreeItem(build.id, vscode.TreeItemCollapsibleState.None);
    item.id = `build:${build.id}`;
    const badges = [latest ? 'latest' : undefined, ...tags].filter(Boolean);
    item.description = [build.arches.join(', '), badges.length ? `· ${badges.join(' · ')}` : ''].filter(Boolean).join(' ');
    item.iconPath = new vscode.ThemeIcon(latest ? 'package' : 'archive');
    item.tooltip = new vscode.MarkdownString(
      `**${build.id}**\n\narches: ${build.arches.join(', ') || 'none'}` + (badges.length ? `\n\n${badges.join(', ')}` : ''),
    );
    item.contextValue = latest ? 'build.latest' : 'build';
    return item;
  }

  async getChildren(parent?: Node): Promise<Node[]> {
    if (parent) {
      return [];
    }
    this.index ??= this.readIndex();
    const index = await this.index;
    if (!index) {
      return [];
    }
    const tagsByBuild = new Map<string, string[]>();
    for (const t of index.tags) {
      tagsByBuild.set(t.target, [...(tagsByBuild.get(t.target) ?? []), t.name]);
    }
    const nodes: Node[] = index.builds.map((build, i) => ({
      kind: 'build',
      build,
      latest: i === 0,
      tags: tagsByBuild.get(build.id) ?? [],
    }));
    return index.error ? [{ kind: 'error', message: index.error }, ...nodes] : nodes;
  }

  private async readIndex(): Promise<BuildsIndex | undefined> {
    try {
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.root, 'builds', 'builds.json'));
      return parseBuildsIndex(new TextDecoder().decode(bytes));
    } catch (e) {
      if (e instanceof vscode.FileSystemError && e.code === 'FileNotFound') {
        return undefined;
      }
      return { builds: [], tags: [], error: `builds.json could not be read: ${(e as Error).message}` };
    }
  }
}
