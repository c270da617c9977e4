// CoreOS: Download (builds tree, on an image of a remote build, and Reveal's offer for one):
// the image and its meta.json come from the workspace's remote session or pod into the local
// builds/<id>/<arch>/ (src/engine/imageDownload.ts: rsync over OpenSSH or `podman --remote exec -i`,
// or exec's stdout from a pod; a temporary name until each file is complete), behind a
// cancellable progress notification that says which way, and why not OpenSSH's when not. An image of a coreos.moreBuilders builder (a row under its
// group) comes from this workspace's session on that builder the same way.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { buildArchFor } from '../cosa/imageState';
import { parseBuildMeta } from '../cosa/buildMeta';
import { DownloadCancelled, downloadBuildFiles } from '../engine/imageDownload';
import { Builders } from './builders';
import { BuildDirSource } from '../engine/buildDirSource';
import { CosaPod } from '../engine/cosaPod';
import { RemoteSession } from '../engine/remoteSession';
import { BuildsTreeNode, BuildsTreeProvider, HOST_ARCH } from './buildsTree';

export const DOWNLOAD_TITLE = vscode.l10n.t('Download');

export class BuildDownloads {
  constructor(private readonly tree: BuildsTreeProvider, private readonly builders: Pick<Builders, 'currentTarget'>) {}

  /** Downloads the image of `node` (an image row; for a build or an arch row, one picked from its meta.json). */
  async download(node: BuildsTreeNode | undefined): Promise<string | undefined> {
    const from = await this.whereFrom(node);
    if (!from) {
      return undefined;
    }
    const { session, files, builder } = from;
    const picked = await this.imageOf(node, files);
    if (!picked) {
      return undefined;
    }
    const { buildId, arch, file, sha256 } = picked;
    const size = await this.tree.probe({ buildId, arch, file }, builder).then((p) => ('size' in p ? p.size : undefined), () => undefined);
    // which way the bytes came (a remote session's): shown while they come and after
    let over = '';
    try {
      const done = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Downloading {0} of {1} from {2}', file, buildId, session.description), cancellable: true },
        async (progress, token) => {
          const abort = new AbortController();
          const sub = token.onCancellationRequested(() => abort.abort());
          let reported = 0;
          try {
            return await downloadBuildFiles(session, this.tree.root.fsPath, { buildId, arch, files: [file, 'meta.json'], ...(sha256 ? { sha256: { [file]: sha256 } } : {}) }, {
              signal: abort.signal,
              onWay: (way, why) => {
                over = way === 'openssh' ? vscode.l10n.t('over OpenSSH')
                  : why ? vscode.l10n.t('over podman\'s connection; OpenSSH was not used: {0}', why.replace(/\.$/, '')) : vscode.l10n.t('over podman\'s connection');
                progress.report({ message: over });
              },
              onProgress: (f, bytes) => {
                if (f !== file || !size) {
                  return;
                }
                const percent = Math.min(100, (bytes / size) * 100);
                const mb = vscode.l10n.t('{0} of {1} MB', (bytes / 1e6).toFixed(1), (size / 1e6).toFixed(1));
                progress.report({ increment: percent - reported, message: over ? `${mb} (${over})` : mb });
                reported = percent;
              },
            });
          } finally {
            sub.dispose();
          }
        },
      );
      const reveal = vscode.l10n.t('Reveal in Explorer');
      const where = path.relative(this.tree.root.fsPath, path.dirname(done[0]!));
      void vscode.window.showInformationMessage(over ? vscode.l10n.t('{0}: {1} is in {2} ({3}).', DOWNLOAD_TITLE, file, where, over) : vscode.l10n.t('{0}: {1} is in {2}.', DOWNLOAD_TITLE, file, where), reveal)
        .then((c) => (c === reveal ? vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(done[0]!)) : undefined));
      return done[0];
    } catch (e) {
      if (e instanceof DownloadCancelled) {
        void vscode.window.showInformationMessage(vscode.l10n.t('{0}: cancelled; nothing of {1} was kept.', DOWNLOAD_TITLE, file));
        return undefined;
      }
      void vscode.window.showErrorMessage(vscode.l10n.t('{0}: {1}', DOWNLOAD_TITLE, (e as Error).message));
      return undefined;
    }
  }

  /** The session (or pod) the row's build directory is in, and that build directory; undefined (the user told): it is on this machine. */
  private async whereFrom(node: BuildsTreeNode | undefined): Promise<{ session: RemoteSession | CosaPod; files: BuildDirSource; builder?: string } | undefined> {
    const builder = node?.kind === 'arch' || node?.kind === 'image' ? node.builder : undefined;
    if (builder !== undefined) {
      const extra = this.tree.extra(builder);
      if (!extra?.target || !extra.source) {
        void vscode.window.showInformationMessage(extra && !extra.remote
          ? vscode.l10n.t('{0}: these builds are on this machine already.', DOWNLOAD_TITLE)
          : vscode.l10n.t('{0}: the builder of this build is no longer shown (coreos.moreBuilders).', DOWNLOAD_TITLE));
        return undefined;
      }
      return { session: extra.target, files: extra.source, builder };
    }
    const session = await this.builders.currentTarget(this.tree.root);
    if (!session || !this.tree.files.remote) {
      void vscode.window.showInformationMessage(vscode.l10n.t('{0}: this workspace builds locally; its builds are already on this machine.', DOWNLOAD_TITLE));
      return undefined;
    }
    return { session, files: this.tree.files };
  }

  /** The image to download: the row's, else one of the build's (its meta.json read through the session). */
  private async imageOf(node: BuildsTreeNode | undefined, files: BuildDirSource): Promise<{ buildId: string; arch: string; file: string; sha256?: string } | undefined> {
    if (node?.kind === 'image') {
      return { buildId: node.buildId, arch: node.arch, file: node.image.path, ...(node.image.sha256 ? { sha256: node.image.sha256 } : {}) };
    }
    const buildId = node?.kind === 'build' ? node.id : node?.kind === 'arch' ? node.buildId : undefined;
    const arch = node?.kind === 'build' ? buildArchFor(node.arches, HOST_ARCH).arch : node?.kind === 'arch' ? node.arch : undefined;
    if (!buildId || !arch) {
      return undefined;
    }
    let images;
    try {
      images = parseBuildMeta(new TextDecoder().decode(await files.read({ buildId, arch, file: 'meta.json' }))).meta.images;
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('{0}: {1}', DOWNLOAD_TITLE, (e as Error).message));
      return undefined;
    }
    if (!images.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('{0}: build {1} has no images ({2}/meta.json lists none).', DOWNLOAD_TITLE, buildId, arch));
      return undefined;
    }
    const item = await vscode.window.showQuickPick(images.map((i) => ({ label: i.path, description: i.kind, image: i })), {
      title: vscode.l10n.t('{0}: which image of {1}?', DOWNLOAD_TITLE, buildId),
    });
    return item ? { buildId, arch, file: item.image.path, ...(item.image.sha256 ? { sha256: item.image.sha256 } : {}) } : undefined;
  }
}
