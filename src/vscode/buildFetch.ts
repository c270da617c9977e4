// "CoreOS: Build Fetch" (cosa buildfetch: pull a published build, by default
// with its qemu image, then decompress it, so it can be booted) and "CoreOS:
// Decompress Images" (cosa decompress --build ID). Both run as cosa tasks
// through the build flow (progress, cancel, the workspace lock) and resolve
// to true when cosa succeeded, so Run in QEMU can chain them before booting.

import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds';
import { buildFetchArgs, buildFetchProblem, validateBuildFetchUrl, validateFetchBuildId } from '../cosa/buildFetch';
import { decompressArgs, sourceUrlOf } from '../cosa/imageState';
import { BuildFlow } from './buildFlow';
import { BuildNode, BuildsTreeNode, BuildsTreeProvider } from './buildsTree';

/** The last URL fetched from, per workspace. */
const URL_KEY = 'coreos.buildFetch.url';
const TITLE = vscode.l10n.t('Build Fetch');

export interface BuildFetchDeps {
  readonly flow: BuildFlow;
  readonly tree: BuildsTreeProvider | undefined;
  /** Workspace state: remembers the URL. */
  readonly state: vscode.Memento;
}

/** Preset arguments (Run in QEMU's "Fetch and Boot"), a tree node, or nothing (ask). */
export type FetchArg = { readonly args?: readonly string[] } | BuildsTreeNode | undefined;

const readText = (uri: vscode.Uri): Thenable<string | undefined> =>
  vscode.workspace.fs.readFile(uri).then((b) => new TextDecoder().decode(b), () => undefined);

/** Decompress Images: `arg` names the build (Run in QEMU's "Decompress and Boot", a tree node), else the latest. */
export async function decompress(deps: BuildFetchDeps, root: vscode.Uri, arg?: BuildsTreeNode | { readonly buildId: string }): Promise<boolean> {
  const buildId = arg && 'buildId' in arg ? arg.buildId : arg?.kind === 'build' ? arg.id : await latestBuild(root);
  if (!buildId) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Decompress: there is no build (builds/latest) to decompress.'));
    return false;
  }
  const end = await deps.flow.runToEnd(root, decompressArgs(buildId));
  return !!end && end.result.exitCode === 0 && !end.result.cancelled;
}

async function latestBuild(root: vscode.Uri): Promise<string | undefined> {
  const index = await readText(vscode.Uri.joinPath(root, 'builds', 'builds.json'));
  try {
    const id = (JSON.parse(index ?? '{}') as { builds?: { id?: unknown }[] }).builds?.[0]?.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

interface FetchPlan {
  readonly args: string[];
  readonly decompress: boolean;
}

/** Build Fetch: preset arguments, a tree node, or nothing (ask). */
export async function buildFetch(deps: BuildFetchDeps, root: vscode.Uri, arg?: FetchArg): Promise<boolean> {
  const sourceUrl = sourceUrlOf((await readText(vscode.Uri.joinPath(root, 'tmp', 'builds-source.txt'))) ?? '');
  let plan: FetchPlan | undefined;
  if (arg && 'args' in arg && arg.args) {
    plan = { args: [...arg.args], decompress: false };
  } else if (arg && 'kind' in arg && arg.kind === 'image') {
    const url = sourceUrl ?? await askUrl(deps, undefined);
    plan = url ? { args: buildFetchArgs({ url, buildId: arg.buildId, arches: [arg.arch], artifacts: [arg.image.kind] }), decompress: false } : undefined;
  } else {
    plan = await askPlan(deps, sourceUrl, arg && 'kind' in arg && arg.kind === 'build' ? arg : undefined);
  }
  if (!plan || !(await confirmListReplaced(root, plan.args))) {
    return false;
  }
  const url = plan.args.find((a) => a.startsWith('--url='))?.slice('--url='.length);
  if (url) {
    await deps.state.update(URL_KEY, url);
  }
  // cmd-buildfetch writes tmp/builds-source.*; cosa init makes tmp/, a fresh folder has none.
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(root, 'tmp'));
  let end = await deps.flow.runToEnd(root, plan.args);
  if (end && end.result.exitCode !== 0 && !end.result.cancelled && buildFetchProblem(end.lines)?.kind === 'modified-locally') {
    const force = vscode.l10n.t('Fetch with --force');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0}: builds/builds.json was changed since the last fetch (a build made here?).', TITLE),
      { modal: true, detail: vscode.l10n.t('With --force, cosa buildfetch replaces it with the remote list: builds made here stay on disk but leave the list.') },
      force,
    );
    if (choice !== force) {
      return false;
    }
    end = await deps.flow.runToEnd(root, [...plan.args, '--force']);
  }
  if (!end || end.result.exitCode !== 0 || end.result.cancelled) {
    const problem = end && !end.result.cancelled ? buildFetchProblem(end.lines) : undefined;
    if (problem && problem.kind !== 'modified-locally') {
      void vscode.window.showErrorMessage(vscode.l10n.t('{0}: {1}', TITLE, problem.message));
    }
    return false;
  }
  const buildId = buildOption(plan.args) ?? await latestBuild(root);
  if (plan.decompress && buildId) {
    const d = await deps.flow.runToEnd(root, decompressArgs(buildId));
    if (!d || d.result.exitCode !== 0 || d.result.cancelled) {
      return false;
    }
  }
  void deps.tree?.refresh();
  if (!(arg && 'args' in arg && arg.args) && buildId) {
    void offerNext(deps, buildId);
  }
  return true;
}

async function offerNext(deps: BuildFetchDeps, buildId: string): Promise<void> {
  const run = vscode.l10n.t('Run in QEMU');
  const reveal = vscode.l10n.t('Reveal in Builds');
  const choice = await vscode.window.showInformationMessage(vscode.l10n.t('{0}: build {1} fetched.', TITLE, buildId), run, reveal);
  if (choice === reveal) {
    await deps.flow.reveal(buildId);
  } else if (choice === run) {
    const nodes = (await deps.tree?.getChildren()) ?? [];
    const node = nodes.find((n): n is BuildNode => n.kind === 'build' && n.id === buildId);
    await vscode.commands.executeCommand(COMMANDS.runInQemu, node);
  }
}

function buildOption(args: readonly string[]): string | undefined {
  const i = args.indexOf('--build');
  return i >= 0 ? args[i + 1] : undefined;
}

async function askUrl(deps: BuildFetchDeps, sourceUrl: string | undefined): Promise<string | undefined> {
  const url = await vscode.window.showInputBox({
    title: vscode.l10n.t('{0}: where the builds are (1/3)', TITLE),
    prompt: vscode.l10n.t('The URL of the directory with builds.json: http(s)://, s3://, file:// or a path inside the container (the workspace is /srv)'),
    value: deps.state.get<string>(URL_KEY) ?? sourceUrl ?? '',
    placeHolder: 'https://builds.coreos.fedoraproject.org/prod/streams/testing-devel/builds',
    ignoreFocusOut: true,
    validateInput: validateBuildFetchUrl,
  });
  return url?.trim() || undefined;
}

async function askPlan(deps: BuildFetchDeps, sourceUrl: string | undefined, build: BuildNode | undefined): Promise<FetchPlan | undefined> {
  const url = await askUrl(deps, sourceUrl);
  if (!url) {
    return undefined;
  }
  const buildId = await vscode.window.showInputBox({
    title: vscode.l10n.t('{0}: which build (2/3)', TITLE),
    prompt: vscode.l10n.t('Build id (empty: the latest build of the remote)'),
    value: build?.id ?? '',
    ignoreFocusOut: true,
    validateInput: validateFetchBuildId,
  });
  if (buildId === undefined) {
    return undefined;
  }
  type Option = vscode.QuickPickItem & { key: 'qemu' | 'decompress' | 'all' };
  const options: Option[] = [
    { key: 'qemu', label: '--artifact qemu', description: vscode.l10n.t('also fetch the qemu image (default: meta.json only)'), picked: true },
    { key: 'decompress', label: vscode.l10n.t('then cosa decompress'), description: vscode.l10n.t('published images are compressed; kola boots only decompressed ones'), picked: true },
    { key: 'all', label: '--arch all', description: vscode.l10n.t("every arch of the build (default: this machine's)") },
  ];
  const picked = await vscode.window.showQuickPick(options, { title: vscode.l10n.t('{0}: options (3/3)', TITLE), canPickMany: true, ignoreFocusOut: true });
  if (!picked) {
    return undefined;
  }
  const on = new Set(picked.map((p) => p.key));
  return {
    args: buildFetchArgs({ url, buildId, ...(on.has('all') ? { arches: ['all'] } : {}), ...(on.has('qemu') ? { artifacts: ['qemu'] } : {}) }),
    decompress: on.has('decompress') && on.has('qemu'),
  };
}

/**
 * cosa buildfetch overwrites builds/builds.json with the remote list when it
 * has no record of a previous fetch (tmp/builds-source.json): builds made
 * here would silently leave the list. Ask first.
 */
async function confirmListReplaced(root: vscode.Uri, args: readonly string[]): Promise<boolean> {
  const list = await readText(vscode.Uri.joinPath(root, 'builds', 'builds.json'));
  const source = await readText(vscode.Uri.joinPath(root, 'tmp', 'builds-source.json'));
  if (list === undefined || source !== undefined || args.includes('--force')) {
    return true;
  }
  let local = 0;
  try {
    local = ((JSON.parse(list) as { builds?: unknown[] }).builds ?? []).length;
  } catch {
    local = 0;
  }
  if (!local) {
    return true;
  }
  const go = vscode.l10n.t('Fetch');
  const choice = await vscode.window.showWarningMessage(
    local === 1
      ? vscode.l10n.t('{0}: this folder has 1 build of its own. cosa buildfetch replaces builds/builds.json with the remote list.', TITLE)
      : vscode.l10n.t('{0}: this folder has {1} builds of its own. cosa buildfetch replaces builds/builds.json with the remote list.', TITLE, local),
    { modal: true, detail: vscode.l10n.t('The builds made here stay on disk in builds/, but leave the list: the tree, cosa prune and cosa build no longer see them.') },
    go,
  );
  return choice === go;
}
