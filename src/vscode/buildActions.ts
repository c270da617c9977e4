// Context-menu actions on the builds tree that need no container: copy the
// id, reveal the build directory, open meta.json read-only (the extension
// never writes it: kola rejects unknown keys). What is revealed or opened is
// checked to lie inside builds/ once symlinks are resolved
// (src/engine/buildDirFiles.ts): the container writes that directory.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { buildArchFor } from '../cosa/imageState';
import { BuildDirTarget } from '../cosa/buildDirPaths';
import { locateInBuildDir, readBuildDirFile } from '../engine/buildDirFiles';
import { BuildsTreeNode, BuildsTreeProvider, HOST_ARCH } from './buildsTree';

const READONLY_SCHEME = 'coreos-meta';

/** Serves `coreos-meta:<workspace>/builds/<id>/<arch>/meta.json` and nothing else. */
class ReadOnlyMetaFiles implements vscode.TextDocumentContentProvider {
  constructor(private readonly root: vscode.Uri) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const parts = path.relative(this.root.fsPath, uri.path).split(path.sep);
    if (parts.length !== 4 || parts[0] !== 'builds' || parts[3] !== 'meta.json') {
      throw new Error(vscode.l10n.t("{0} is not a meta.json of this workspace's builds", uri.path));
    }
    return new TextDecoder().decode(await readBuildDirFile(this.root.fsPath, { buildId: parts[1]!, arch: parts[2]!, file: 'meta.json' }));
  }
}

function buildIdOf(node: BuildsTreeNode | undefined): string | undefined {
  if (!node) {
    return undefined;
  }
  return node.kind === 'build' ? node.id : 'buildId' in node ? node.buildId : undefined;
}

/** Serves meta.json read-only (the `coreos-meta:` scheme openMetaJson uses). */
export function registerReadOnlyMeta(tree: BuildsTreeProvider): vscode.Disposable[] {
  return [vscode.workspace.registerTextDocumentContentProvider(READONLY_SCHEME, new ReadOnlyMetaFiles(tree.root))];
}

/** The handlers of the tree's context-menu commands (registered by src/vscode/commandTable.ts). */
export function buildActionCommands(tree: BuildsTreeProvider) {
  return {
    showMoreBuilds: () => tree.showMore(),
    async copyBuildId(node?: BuildsTreeNode): Promise<void> {
      const id = buildIdOf(node);
      if (id) {
        await vscode.env.clipboard.writeText(id);
        vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', id), 3000);
      }
    },
    async revealBuild(node?: BuildsTreeNode): Promise<void> {
      const id = buildIdOf(node);
      if (id) {
        const target: BuildDirTarget = node?.kind === 'image' ? { buildId: id, arch: node.arch, file: node.image.path }
          : node?.kind === 'arch' ? { buildId: id, arch: node.arch } : { buildId: id };
        try {
          await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(await locateInBuildDir(tree.root.fsPath, target)));
        } catch (e) {
          void vscode.window.showErrorMessage(vscode.l10n.t('Reveal in Explorer: {0}', (e as Error).message));
        }
      }
    },
    async openMetaJson(node?: BuildsTreeNode): Promise<void> {
      const id = buildIdOf(node);
      if (!id || !node) {
        return;
      }
      const arch = node.kind === 'build' ? buildArchFor(node.arches, HOST_ARCH).arch : 'arch' in node ? node.arch : undefined;
      if (!arch) {
        return;
      }
      let file: string;
      try {
        file = await locateInBuildDir(tree.root.fsPath, { buildId: id, arch, file: 'meta.json' });
      } catch (e) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Open meta.json: {0}', (e as Error).message));
        return;
      }
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: READONLY_SCHEME, path: file }));
      await vscode.languages.setTextDocumentLanguage(doc, 'json');
      await vscode.window.showTextDocument(doc, { preview: true });
    },
  };
}
