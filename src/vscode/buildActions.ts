// Context-menu actions on the builds tree that need no container: copy the
// id, reveal the build directory, open meta.json read-only (the extension
// never writes it: kola rejects unknown keys).

import * as vscode from 'vscode';
import { buildArchFor } from '../cosa/imageState';
import { BuildsTreeNode, BuildsTreeProvider, HOST_ARCH } from './buildsTree';

const READONLY_SCHEME = 'coreos-meta';

class ReadOnlyFiles implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.file(uri.path));
    return new TextDecoder().decode(bytes);
  }
}

function buildIdOf(node: BuildsTreeNode | undefined): string | undefined {
  if (!node) {
    return undefined;
  }
  return node.kind === 'build' ? node.id : 'buildId' in node ? node.buildId : undefined;
}

export function registerBuildActions(tree: BuildsTreeProvider): vscode.Disposable[] {
  return [
    vscode.workspace.registerTextDocumentContentProvider(READONLY_SCHEME, new ReadOnlyFiles()),
    vscode.commands.registerCommand('coreos.showMoreBuilds', () => tree.showMore()),
    vscode.commands.registerCommand('coreos.copyBuildId', async (node?: BuildsTreeNode) => {
      const id = buildIdOf(node);
      if (id) {
        await vscode.env.clipboard.writeText(id);
        vscode.window.setStatusBarMessage(`Copied ${id}`, 3000);
      }
    }),
    vscode.commands.registerCommand('coreos.revealBuild', async (node?: BuildsTreeNode) => {
      const id = buildIdOf(node);
      if (id) {
        const target = node?.kind === 'image' ? vscode.Uri.joinPath(tree.buildDir(id, node.arch), node.image.path)
          : node?.kind === 'arch' ? tree.buildDir(id, node.arch) : tree.buildDir(id);
        await vscode.commands.executeCommand('revealInExplorer', target);
      }
    }),
    vscode.commands.registerCommand('coreos.openMetaJson', async (node?: BuildsTreeNode) => {
      const id = buildIdOf(node);
      if (!id || !node) {
        return;
      }
      const arch = node.kind === 'build' ? buildArchFor(node.arches, HOST_ARCH).arch : 'arch' in node ? node.arch : undefined;
      if (!arch) {
        return;
      }
      const file = vscode.Uri.joinPath(tree.buildDir(id, arch), 'meta.json');
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: READONLY_SCHEME, path: file.fsPath }));
      await vscode.languages.setTextDocumentLanguage(doc, 'json');
      await vscode.window.showTextDocument(doc, { preview: true });
    }),
  ];
}
