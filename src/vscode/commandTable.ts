// Every command of the extension, one row each, run through one wrapper
// (commandRunner; src/vscode/firstUse.ts registers every id at activation). The wrapper does what every
// command shares: a row that needs the open folder gets it (else "Open a
// folder first"), a row that starts the privileged cosa container is refused
// up front in an untrusted workspace (before it asks, reads or copies
// anything), and a known error (src/vscode/knownErrors.ts) becomes one kind
// of message. Ids come from src/commandIds.ts.

import * as vscode from 'vscode';
import { COMMANDS, CommandId } from '../commandIds';
import { CosaEngine } from '../engine/cosaProcess';
import { AssemblerShells, ASSEMBLER_SHELL_TITLE } from './assemblerShell';
import { buildActionCommands } from './buildActions';
import { Builders, DESTROY_SESSION_TITLE, SELECT_BUILDER_TITLE } from './builders';
import { BuildOverviews } from './buildOverview';
import { buildFetch, BuildFetchDeps, decompress, FetchArg } from './buildFetch';
import { BuildFlow } from './buildFlow';
import { BuildsTreeNode, BuildsTreeProvider } from './buildsTree';
import { ButaneTranslator, TRANSLATE_TITLE } from './butaneTranslate';
import { buildDirCommands } from './commands';
import { IgnitionFeatures } from './ignitionFeatures';
import { BuildDownloads, DOWNLOAD_TITLE } from './buildDownload';
import { testInVm, TestInVmDeps } from './ignitionVm';
import { pullConfiguredImage } from './imagePull';
import { explainKnownError } from './knownErrors';
import { KolaTestController } from './kolaTests';
import { MoreBuilders, USE_BUILDER_TITLE } from './moreBuilders';
import { PrerequisitesReport } from './prerequisitesReport';
import { QemuConsole, RUN_TITLE, TEST_TITLE } from './qemuConsole';
import { trustedOrExplain } from './trust';

export const OPEN_FOLDER_FIRST = vscode.l10n.t('Open a folder first: it becomes the coreos-assembler build directory.');

interface CommandRow {
  readonly id: CommandId;
  /** Names the gesture in messages: "<title>: <why>", "<title> was not started". */
  readonly title: string;
}

/** A command that works on the open folder; 'container': it also starts the cosa container (trusted workspaces only). */
interface FolderCommand extends CommandRow {
  readonly needs: 'folder' | 'container';
  run(root: vscode.Uri, ...args: unknown[]): unknown;
}

/** A command that works without a folder (the root, if one is open). */
interface AnyCommand extends CommandRow {
  readonly needs?: undefined;
  run(root: vscode.Uri | undefined, ...args: unknown[]): unknown;
}

export type CommandSpec = FolderCommand | AnyCommand;

/** Runs a command of the table by id through the wrapper (src/vscode/firstUse.ts registers the ids; the table has a row for every id, test/unit/vscode/commandTable.test.ts). */
export function commandRunner(
  table: readonly CommandSpec[], root: () => vscode.Uri | undefined, trace?: (line: string) => void,
): (id: CommandId, args: readonly unknown[]) => Promise<unknown> {
  const byId = new Map(table.map((spec) => [spec.id, spec]));
  return (id, args) => {
    // One line per gesture in the log: a click that seems to do nothing then shows whether it arrived.
    trace?.(`command ${id}`);
    return runCommand(byId.get(id)!, root(), args);
  };
}

/** The wrapper: preconditions, then the handler, its known errors reported as one kind of message. */
export async function runCommand(spec: CommandSpec, root: vscode.Uri | undefined, args: readonly unknown[]): Promise<unknown> {
  if (spec.needs === 'container' && !trustedOrExplain(spec.title)) {
    return undefined;
  }
  try {
    if (spec.needs === undefined) {
      return await spec.run(root, ...args);
    }
    if (!root) {
      void vscode.window.showErrorMessage(OPEN_FOLDER_FIRST);
      return undefined;
    }
    return await spec.run(root, ...args);
  } catch (e) {
    if (explainKnownError(spec.title, e)) {
      return undefined;
    }
    throw e;
  }
}

/** What the rows hand over to: the feature objects the composition root made. */
export interface CommandFeatures {
  readonly engine: CosaEngine;
  readonly flow: BuildFlow;
  readonly shells: AssemblerShells;
  readonly tree: BuildsTreeProvider | undefined;
  readonly report: PrerequisitesReport;
  readonly fetch: BuildFetchDeps;
  readonly qemu: QemuConsole;
  readonly testInVm: TestInVmDeps;
  readonly butane: ButaneTranslator;
  readonly ignition: IgnitionFeatures;
  readonly kola: KolaTestController;
  /** Where the workspace's cosa runs (local or a remote builder). */
  readonly builders: Builders;
  /** Only with a folder open (a builds tree). */
  readonly overviews: BuildOverviews | undefined;
  /** The builds of coreos.moreBuilders in the tree (only with a folder open). */
  readonly moreBuilders: MoreBuilders | undefined;
  /** Recomputes the context keys (workspace kind, walkthrough state) from the disk. */
  readonly refreshContext: () => Promise<void>;
}

/** The table: one row per command (package.json contributes the same ids, test/unit/commandIds.test.ts checks). */
export function commandTable(f: CommandFeatures): CommandSpec[] {
  const dir = buildDirCommands({ tree: f.tree, flow: f.flow });
  const actions = f.tree ? buildActionCommands(f.tree) : undefined;
  const downloads = f.tree ? new BuildDownloads(f.tree, f.builders) : undefined;
  return [
    { id: COMMANDS.init, title: 'cosa init', needs: 'container', run: (root) => dir.init(root) },
    { id: COMMANDS.fetch, title: 'cosa fetch', needs: 'container', run: (root) => f.flow.runInitialized(root, ['fetch']) },
    { id: COMMANDS.build, title: 'cosa build', needs: 'container', run: (root) => f.flow.runInitialized(root, ['build']) },
    { id: COMMANDS.buildWithOptions, title: 'cosa build', needs: 'container', run: (root) => dir.buildWithOptions(root) },
    { id: COMMANDS.buildImages, title: 'cosa osbuild', needs: 'container', run: (root) => dir.buildImages(root) },
    { id: COMMANDS.buildQemuImage, title: 'cosa osbuild qemu', needs: 'container', run: (root, node) => dir.buildQemuImage(root, node as BuildsTreeNode | undefined) },
    { id: COMMANDS.buildFetch, title: vscode.l10n.t('Build Fetch'), needs: 'container', run: (root, arg) => buildFetch(f.fetch, root, arg as FetchArg) },
    {
      id: COMMANDS.decompressBuild, title: vscode.l10n.t('Decompress'), needs: 'container',
      run: (root, arg) => decompress(f.fetch, root, arg as BuildsTreeNode | { readonly buildId: string } | undefined),
    },
    { id: COMMANDS.tagBuild, title: 'cosa tag', needs: 'container', run: (root, node) => dir.tagBuild(root, node as BuildsTreeNode | undefined) },
    { id: COMMANDS.deleteBuild, title: 'cosa prune', needs: 'container', run: (root, node) => dir.deleteBuild(root, node as BuildsTreeNode | undefined) },
    { id: COMMANDS.clean, title: 'cosa clean', needs: 'container', run: (root) => dir.clean(root) },
    { id: COMMANDS.prune, title: 'cosa prune', needs: 'container', run: (root) => dir.prune(root) },
    { id: COMMANDS.list, title: 'cosa list', needs: 'container', run: (root) => f.flow.run(root, ['list']) },
    { id: COMMANDS.openShell, title: ASSEMBLER_SHELL_TITLE, needs: 'container', run: (root) => f.shells.openShell(root) },
    { id: COMMANDS.showRunningCosa, title: vscode.l10n.t('Show Running cosa Command'), run: (root) => f.flow.showRunning(root) },
    {
      id: COMMANDS.refresh, title: vscode.l10n.t('Refresh'),
      run: async () => {
        // Everything read again that changed (meta.json too): a remote build directory has no file
        // watcher, so an image another tool added shows only this way.
        void f.tree?.refreshAll();
        void f.moreBuilders?.follow(true);
        await f.refreshContext();
      },
    },
    { id: COMMANDS.selectBuilder, title: SELECT_BUILDER_TITLE, needs: 'folder', run: (root) => f.builders.select(root) },
    { id: COMMANDS.destroySession, title: DESTROY_SESSION_TITLE, needs: 'container', run: (root) => f.builders.destroySession(root) },
    { id: COMMANDS.useBuilderOf, title: USE_BUILDER_TITLE, needs: 'folder', run: (_root, node) => f.moreBuilders?.useBuilderOf(node as BuildsTreeNode | undefined) },
    { id: COMMANDS.checkPrerequisites, title: vscode.l10n.t('Check Prerequisites'), run: (root) => f.report.show(root) },
    { id: COMMANDS.showPrerequisite, title: vscode.l10n.t('Check Prerequisites'), run: (root, id) => f.report.showRow(id, root) },
    { id: COMMANDS.pullImage, title: vscode.l10n.t('Pull Assembler Image'), run: () => pullConfiguredImage(f.engine) },
    { id: COMMANDS.showMoreBuilds, title: vscode.l10n.t('Show More Builds'), run: () => actions?.showMoreBuilds() },
    { id: COMMANDS.copyBuildId, title: vscode.l10n.t('Copy Build ID'), run: (_root, node) => actions?.copyBuildId(node as BuildsTreeNode | undefined) },
    { id: COMMANDS.revealBuild, title: vscode.l10n.t('Reveal in Explorer'), run: (_root, node) => actions?.revealBuild(node as BuildsTreeNode | undefined) },
    { id: COMMANDS.downloadBuild, title: DOWNLOAD_TITLE, run: (_root, node) => downloads?.download(node as BuildsTreeNode | undefined) },
    { id: COMMANDS.openBuildOverview, title: vscode.l10n.t('Open Build Overview'), run: (_root, node) => f.overviews?.open(node as BuildsTreeNode | undefined) },
    { id: COMMANDS.openMetaJson, title: vscode.l10n.t('Open meta.json'), run: (_root, node) => actions?.openMetaJson(node as BuildsTreeNode | undefined) },
    { id: COMMANDS.runInQemu, title: RUN_TITLE, needs: 'container', run: (root, arg) => f.qemu.run(root, arg, false) },
    { id: COMMANDS.runInQemuWithOptions, title: RUN_TITLE, needs: 'container', run: (root, arg) => f.qemu.run(root, arg, true) },
    { id: COMMANDS.testIgnitionInVm, title: TEST_TITLE, needs: 'container', run: (root, arg) => testInVm(f.testInVm, root, arg) },
    { id: COMMANDS.translateButane, title: TRANSLATE_TITLE, needs: 'container', run: (root, arg) => f.butane.translateCommand(root, arg) },
    { id: COMMANDS.newIgnitionConfig, title: vscode.l10n.t('New Ignition Config'), run: () => f.ignition.newConfig() },
    { id: COMMANDS.validateIgnitionConfig, title: vscode.l10n.t('Validate Ignition Config'), run: (_root, uri) => f.ignition.validate(uri) },
    { id: COMMANDS.openIgnitionEditor, title: vscode.l10n.t('Open Ignition Config Editor'), run: (_root, uri) => f.ignition.openEditor(uri) },
    {
      id: COMMANDS.newKolaTest, title: vscode.l10n.t('New Kola Test'), needs: 'folder',
      run: async (root, dir, withButane) => {
        try {
          return await f.kola.newTest(root, typeof dir === 'string' ? dir : undefined, withButane === true);
        } catch (e) {
          void vscode.window.showErrorMessage(vscode.l10n.t('New Kola Test: {0}', (e as Error).message));
          return undefined;
        }
      },
    },
  ];
}
