// Context-menu actions on the builds tree that need no container: copy the
// id, reveal the build directory, open meta.json read-only (the extension
// never writes it: kola rejects unknown keys). What is revealed or opened is
// checked to lie inside builds/ once symlinks are resolved
// (src/engine/buildDirFiles.ts): the container writes that directory. A remote
// session's builds (the tree's source) are read through it; they have no local folder.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds';
import { buildArchFor } from '../cosa/imageState';
import { buildDirSegments, BuildDirTarget } from '../cosa/buildDirPaths';
import { locateInBuildDir } from '../engine/buildDirFiles';
import { BuildsTreeNode, BuildsTreeProvider, HOST_ARCH } from './buildsTree';

const READONLY_SCHEME = 'coreos-meta';

/**
 * Serves `coreos-meta:<workspace>/builds/<id>/<arch>/meta.json` and nothing else, read as the
 * tree reads builds/ (a remote session's through exec; its documents carry the session as the
 * query, so another builder's meta.json is another document).
 */
export class ReadOnlyMetaFiles implements vscode.TextDocumentContentProvider {
  constructor(private readonly tree: BuildsTreeProvider) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const parts = path.relative(this.tree.root.fsPath, uri.path).split(path.sep);
    if (parts.length !== 4 || parts[0] !== 'builds' || parts[3] !== 'meta.json') {
      throw new Error(vscode.l10n.t("{0} is not a meta.json of this workspace's builds", uri.path));
    }
    const files = this.tree.files;
    if ((files.remote ?? '') !== decodeURIComponent(uri.query)) {
      throw new Error(vscode.l10n.t('{0} was opened from another builder; open it again from the CoreOS Builds view.', uri.path));
    }
    return new TextDecoder().decode(await files.read({ buildId: parts[1]!, arch: parts[2]!, file: 'meta.json' }));
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
  return [vscode.workspace.registerTextDocumentContentProvider(READONLY_SCHEME, new ReadOnlyMetaFiles(tree))];
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
        const remote = tree.files.remote;
        if (remote) {
          // Nothing of it is on this machine: there is no folder to reveal.
          const download = vscode.l10n.t('Download…');
          const choice = await vscode.window.showInformationMessage(
            vscode.l10n.t('Build {0} is in {1}, not in a local folder: download an image of it into this workspace first.', id, remote), download);
          if (choice === download) {
            await vscode.commands.executeCommand(COMMANDS.downloadBuild, node);
          }
          return;
        }
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
      const entry = { buildId: id, arch, file: 'meta.json' };
      const remote = tree.files.remote;
      let file: string;
      try {
        // A remote build's meta.json is read through the session (the provider): only its name is checked here.
        file = remote ? path.join(tree.root.fsPath, 'builds', ...buildDirSegments(entry)) : await locateInBuildDir(tree.root.fsPath, entry);
      } catch (e) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Open meta.json: {0}', (e as Error).message));
        return;
      }
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({
        scheme: READONLY_SCHEME, path: file, ...(remote ? { query: encodeURIComponent(remote) } : {}),
      }));
      await vscode.languages.setTextDocumentLanguage(doc, 'json');
      await vscode.window.showTextDocument(doc, { preview: true });
    },
  };
}
