// The build-directory commands that ask first (options, platforms, a build,
// a confirmation, Initialize's three steps), then hand over to the build flow,
// which runs cosa as a task (task UI, Terminate Task, progress). The command
// table (src/vscode/commandTable.ts) registers them; each gets the open folder.

import * as vscode from 'vscode';
import { builderChoiceLabel } from '../cosa/builderChoice';
import { cosaInitArgs, cosaInitPlan, DEFAULT_CONFIG_REPO, isLocalConfigSource } from '../cosa/initArgs';
import {
  buildArgs, BuildOptions, cleanArgs, IMAGE_PLATFORMS, imageBuildCommands, pruneArgs, tagArgs, validateTag, validateVersion,
} from '../cosa/taskArgs';
import { BuildNode, BuildsTreeNode, BuildsTreeProvider } from './buildsTree';
import { BuildFlow } from './buildFlow';
import { SELECT_BUILDER_TITLE } from './builders';
import { COMMANDS } from '../commandIds';
import { InitLeftovers } from './initLeftovers';
import { readBuilderChoice } from './settings';
import { exists, workspaceFacts } from './workspaceContext';
import { isInitialized } from '../cosa/workspaceKind';
import { ExecBuildDir } from '../engine/execBuildDir';

export interface BuildDirCommandDeps {
  readonly tree: BuildsTreeProvider | undefined;
  readonly flow: BuildFlow;
}

/** The entries `cosa init` counts where it runs: the session's or pod's /srv, else the local folder. */
async function visibleEntries(root: vscode.Uri, session: ExecBuildDir | undefined): Promise<string[]> {
  if (session) {
    return session.visibleEntries();
  }
  const entries = await vscode.workspace.fs.readDirectory(root);
  // cosa init runs `ls ./`: hidden entries such as .vscode do not count.
  return entries.map(([name]) => name).filter((name) => !name.startsWith('.')).sort();
}

function buildOf(node: BuildsTreeNode | undefined): BuildNode | undefined {
  return node?.kind === 'build' ? node : undefined;
}

async function pickBuildOptions(): Promise<BuildOptions | undefined> {
  type Item = vscode.QuickPickItem & { key: keyof BuildOptions | 'plain' };
  const items: Item[] = [
    { key: 'plain', label: 'cosa build', description: vscode.l10n.t('plain build (no options)') },
    { key: 'force', label: '--force', description: vscode.l10n.t('import a new build even if the input hash has not changed') },
    { key: 'skipPrune', label: '--skip-prune', description: vscode.l10n.t('keep all previous builds (default: keep the last 3 untagged)') },
    { key: 'version', label: '--version …', description: vscode.l10n.t('use the given version instead of versionary') },
    { key: 'strict', label: '--strict', description: vscode.l10n.t('only allow installing locked packages (lockfiles)') },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('cosa build: options'), canPickMany: true, placeHolder: vscode.l10n.t('Pick options (none or "cosa build": a plain build)'), ignoreFocusOut: true,
  });
  if (!picked) {
    return undefined;
  }
  const keys = new Set(picked.map((p) => p.key));
  let version: string | undefined;
  if (keys.has('version')) {
    version = await vscode.window.showInputBox({
      title: 'cosa build --version', prompt: vscode.l10n.t('Version (becomes the build id), e.g. 43.20260101.dev.0'), ignoreFocusOut: true,
      validateInput: validateVersion,
    });
    if (version === undefined) {
      return undefined;
    }
  }
  return { force: keys.has('force'), skipPrune: keys.has('skipPrune'), strict: keys.has('strict'), ...(version ? { version } : {}) };
}

async function pickPlatforms(title: string): Promise<string[] | undefined> {
  const picked = await vscode.window.showQuickPick(
    IMAGE_PLATFORMS.map((p, i) => ({ label: p, picked: i === 0 })),
    { title, canPickMany: true, placeHolder: vscode.l10n.t('Platforms to build (cosa osbuild <platforms>)'), ignoreFocusOut: true },
  );
  return picked?.length ? picked.map((p) => p.label) : undefined;
}

async function pickBuild(deps: BuildDirCommandDeps, title: string): Promise<string | undefined> {
  const builds = ((await deps.tree?.getChildren()) ?? []).filter((n): n is BuildNode => n.kind === 'build');
  if (!builds.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t('There are no builds in builds/builds.json.'));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    builds.map((b) => ({ label: b.id, description: [b.latest ? vscode.l10n.t('latest') : '', ...b.tags.map((t) => vscode.l10n.t('tag {0}', t))].filter(Boolean).join(', ') })),
    { title, ignoreFocusOut: true },
  );
  return picked?.label;
}

const CLEAN_CHOICES = [
  { label: 'cosa clean', description: vscode.l10n.t('delete builds/* and tmp/*, keep cache/'), all: false },
  { label: 'cosa clean --all', description: vscode.l10n.t('also delete cache/ (the next build starts cold)'), all: true },
];

const PRUNE_CHOICES = [
  { label: vscode.l10n.t('Keep the last N builds'), description: vscode.l10n.t('cosa prune --keep-last-n N (tagged builds are always kept)'), keep: true },
  { label: vscode.l10n.t('Delete one build'), description: vscode.l10n.t('cosa prune --build ID'), keep: false },
];

/** A modal warning with one button: true when the user pressed it. */
async function confirmed(message: string, detail: string, button: string): Promise<boolean> {
  return (await vscode.window.showWarningMessage(message, { modal: true, detail }, button)) === button;
}

/** The handlers of the build-directory commands that ask before they run cosa. */
export function buildDirCommands(deps: BuildDirCommandDeps) {
  const { flow } = deps;
  return {
    async buildWithOptions(root: vscode.Uri): Promise<unknown> {
      if (!(await flow.initializedOrExplain(root, ['build']))) {
        return undefined;
      }
      const options = await pickBuildOptions();
      return options ? flow.runInitialized(root, buildArgs(options)) : undefined;
    },
    async buildImages(root: vscode.Uri): Promise<unknown> {
      const platforms = await pickPlatforms(vscode.l10n.t('cosa osbuild: images of the latest build'));
      return platforms ? flow.run(root, imageBuildCommands({ platforms })[0]!) : undefined;
    },
    async buildQemuImage(root: vscode.Uri, node?: BuildsTreeNode): Promise<unknown> {
      const id = buildOf(node)?.id ?? await pickBuild(deps, vscode.l10n.t('Build the QEMU image of which build?'));
      return id ? flow.run(root, imageBuildCommands({ platforms: ['qemu'], buildId: id })[0]!) : undefined;
    },
    async deleteBuild(root: vscode.Uri, node?: BuildsTreeNode): Promise<unknown> {
      const build = buildOf(node);
      const id = build?.id ?? await pickBuild(deps, vscode.l10n.t('Delete which build (cosa prune --build)?'));
      if (!id) {
        return undefined;
      }
      const tags = build?.tags ?? [];
      if (tags.length) {
        void vscode.window.showWarningMessage(
          vscode.l10n.t(
            'Build {0} is tagged ({1}): cosa prune refuses to delete a tagged build ("Build {0} is tagged"). Remove the tag first (cosa tag delete --tag {2}), then delete the build.',
            id, tags.join(', '), tags[0]!,
          ),
          { modal: true },
        );
        return undefined;
      }
      const detail = vscode.l10n.t('cosa prune --build {0} removes builds/{0} with all its images and rewrites builds/builds.json. This cannot be undone.', id);
      return (await confirmed(vscode.l10n.t('Delete build {0}?', id), detail, vscode.l10n.t('Delete'))) ? flow.run(root, pruneArgs({ buildIds: [id] })) : undefined;
    },
    async tagBuild(root: vscode.Uri, node?: BuildsTreeNode): Promise<unknown> {
      const id = buildOf(node)?.id ?? await pickBuild(deps, vscode.l10n.t('Tag which build?'));
      if (!id) {
        return undefined;
      }
      const tag = await vscode.window.showInputBox({
        title: `cosa tag update --build ${id}`, prompt: vscode.l10n.t('Tag name (an existing tag moves to this build). Tagged builds are never pruned.'),
        ignoreFocusOut: true, validateInput: validateTag,
      });
      return tag ? flow.run(root, tagArgs(id, tag)) : undefined;
    },
    async clean(root: vscode.Uri): Promise<unknown> {
      const picked = await vscode.window.showQuickPick(CLEAN_CHOICES, { title: 'cosa clean', ignoreFocusOut: true });
      if (!picked) {
        return undefined;
      }
      const detail = picked.all
        ? vscode.l10n.t('This deletes builds/* and tmp/* and cache/* in this folder. src/ and overrides/ stay. This cannot be undone.')
        : vscode.l10n.t('This deletes builds/* and tmp/* in this folder. src/ and overrides/ stay. This cannot be undone.');
      return (await confirmed(vscode.l10n.t('{0}: delete every build?', picked.label), detail, vscode.l10n.t('Clean'))) ? flow.run(root, cleanArgs(picked.all)) : undefined;
    },
    async prune(root: vscode.Uri): Promise<unknown> {
      const mode = await vscode.window.showQuickPick(PRUNE_CHOICES, { title: 'cosa prune', ignoreFocusOut: true });
      if (!mode) {
        return undefined;
      }
      let args: string[];
      if (mode.keep) {
        const n = await vscode.window.showInputBox({
          title: 'cosa prune --keep-last-n', prompt: vscode.l10n.t('Untagged builds to keep (0 keeps all)'), value: '3', ignoreFocusOut: true,
          validateInput: (v) => (/^\d+$/.test(v.trim()) ? undefined : vscode.l10n.t('a whole number >= 0')),
        });
        if (n === undefined) {
          return undefined;
        }
        args = pruneArgs({ keepLastN: Number(n.trim()) });
      } else {
        const id = await pickBuild(deps, 'cosa prune --build');
        if (!id) {
          return undefined;
        }
        args = pruneArgs({ buildIds: [id] });
      }
      const detail = vscode.l10n.t('Pruned builds are deleted with their images. This cannot be undone.');
      return (await confirmed(vscode.l10n.t('cosa {0}?', args.join(' ')), detail, vscode.l10n.t('Prune'))) ? flow.run(root, args) : undefined;
    },
    init: (root: vscode.Uri) => initialize(flow, root),
  };
}

/** Initialize: config source, branch, variant; a folder that is not empty is confirmed (or cleaned) first. */
async function initialize(flow: BuildFlow, root: vscode.Uri): Promise<unknown> {
  const pod = podBuilder();
  const url = await askConfigSource(pod);
  if (url === undefined) {
    return undefined;
  }
  if (pod && isLocalConfigSource(url)) {
    return refuseLocalSourceInPod(flow, root, pod, url);
  }
  const local = url.trim().startsWith('/');
  const branch = local ? '' : await vscode.window.showInputBox({
    title: vscode.l10n.t('cosa init: branch (2/3)'),
    prompt: vscode.l10n.t('Branch of the config repository (empty: its default branch; e.g. testing-devel)'),
    ignoreFocusOut: true,
  });
  if (branch === undefined) {
    return undefined;
  }
  const variant = await vscode.window.showInputBox({
    title: vscode.l10n.t('cosa init: variant (3/3)'),
    prompt: vscode.l10n.t('Variant (empty: default; a variant V uses manifest-V.yaml and image-V.yaml of the config)'),
    ignoreFocusOut: true,
    validateInput: (v) => (/\s/.test(v.trim()) ? vscode.l10n.t('one word') : undefined),
  });
  if (variant === undefined) {
    return undefined;
  }
  const plan = cosaInitPlan({ url, branch, variant });
  const config = vscode.workspace.getConfiguration('coreos', root);
  if (plan.kind === 'local') {
    // coreos-assembler's docs/working.md: the checkout is COREOS_ASSEMBLER_CONFIG_GIT; remembered for every later run
    // (a restricted setting: the command table runs this only in a trusted workspace, where it is honoured)
    await config.update('configGit', plan.configGit, vscode.ConfigurationTarget.Workspace);
    return flow.run(root, plan.args);
  }
  if (config.inspect<string>('configGit')?.workspaceValue) {
    // a remembered local checkout would be mounted over the clone
    await config.update('configGit', undefined, vscode.ConfigurationTarget.Workspace);
  }
  let force = false;
  // cosa init runs where the build directory is: with a remote builder or a pod, its /srv.
  const look = await flow.lookAtBuildDir(root);
  const session = look?.session;
  const visible = await visibleEntries(root, session);
  if (visible.length) {
    const facts = look?.facts ?? await workspaceFacts(root);
    const shown = visible.length > 5 ? vscode.l10n.t('{0}, and {1} more', visible.slice(0, 5).join(', '), visible.length - 5) : visible.join(', ');
    const leftover = facts.hasSrc && !isInitialized(facts);
    const removeSrc = vscode.l10n.t('Remove src/ and Initialize');
    const forceInit = vscode.l10n.t('Initialize with --force');
    const where = session ? session.description : root.fsPath;
    const choice = await vscode.window.showWarningMessage(
      leftover
        ? vscode.l10n.t('A cosa init that did not finish left src/ in {0}.', where)
        : vscode.l10n.t('{0} is not empty ({1}).', where, shown),
      {
        modal: true,
        detail: leftover
          ? vscode.l10n.t(
            'cosa init refuses a folder that is not empty. With --force it keeps the leftover {0} instead of cloning {1} again; removing src/ first starts clean.',
            facts.hasSrcConfig ? 'src/config' : 'src/', url.trim(),
          )
          : vscode.l10n.t('cosa init refuses a non-empty directory unless --force is given; existing files stay.'),
      },
      ...(leftover ? [removeSrc] : []),
      forceInit,
    );
    if (!choice) {
      return undefined;
    }
    if (choice === removeSrc) {
      await InitLeftovers.remove(root, { entries: ['src'], ...(session ? { session } : {}) });
      force = (await visibleEntries(root, session)).length > 0;
    } else {
      force = true;
    }
  }
  if (session?.kind === 'remote-session' && !force) {
    // The local src/ and overrides/ reach /srv before cosa init runs (src/cosa/sessionWorkspace.ts): it then needs --force.
    const local = await workspaceFacts(root);
    force = local.hasSrc || await exists(vscode.Uri.joinPath(root, 'overrides'));
  }
  return flow.run(root, cosaInitArgs({ url, branch, force, variant }));
}

/** The pod builder in effect, by name ("pod ns/cosa-1a2b"); undefined: local or podman over ssh. */
function podBuilder(): string | undefined {
  const c = readBuilderChoice();
  return !('error' in c) && c.choice.kind === 'kube' ? builderChoiceLabel(c.choice) : undefined;
}

/**
 * A pod has its own /srv (an emptyDir) and sees nothing of this machine: a local checkout can be
 * neither mounted nor synced there. fedora-coreos-pipeline runs `cosa init <git URL>` in the pod;
 * the way out is that, or a builder that sees this folder.
 */
async function refuseLocalSourceInPod(flow: BuildFlow, root: vscode.Uri, pod: string, source: string): Promise<unknown> {
  const enterUrl = vscode.l10n.t('Enter a Git URL');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('{0} is a local checkout, and this workspace builds in {1}, which cannot see it.', source, pod),
    {
      modal: true,
      detail: vscode.l10n.t(
        'The pod has its own /srv and nothing of this machine is mounted or synced there: cosa init clones the config inside the pod. Enter the git URL of the config repository (push your checkout where the pod can clone it, e.g. a branch of your fork), or select a builder that sees this folder (Select Builder: Local, or podman over ssh, which syncs the checkout).',
      ),
    },
    enterUrl,
    SELECT_BUILDER_TITLE,
  );
  if (choice === enterUrl) {
    return initialize(flow, root);
  }
  if (choice === SELECT_BUILDER_TITLE) {
    await vscode.commands.executeCommand(COMMANDS.selectBuilder);
  }
  return undefined;
}

/**
 * Step 1 of Initialize: the config repository's URL, with a folder button to pick
 * a local checkout instead (its absolute path goes into the box). In a pod (`pod` names it)
 * only a URL can work: no folder button, and the prompt says where the clone happens.
 */
function askConfigSource(pod: string | undefined): Promise<string | undefined> {
  const box = vscode.window.createInputBox();
  box.title = vscode.l10n.t('cosa init: config repository (1/3)');
  box.prompt = pod
    ? vscode.l10n.t('Git URL of the OS config repository: cosa init clones it inside {0} (a local checkout cannot reach the pod)', pod)
    : vscode.l10n.t('Git URL of the OS config repository, or a local checkout (folder button): mounted at /srv/src/config/ and remembered as coreos.configGit');
  box.value = DEFAULT_CONFIG_REPO;
  box.ignoreFocusOut = true;
  const pickFolder: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('folder-opened'), tooltip: vscode.l10n.t('Use a local config checkout…') };
  box.buttons = pod ? [] : [pickFolder];
  return new Promise((resolve) => {
    let done = false;
    const finish = (v: string | undefined): void => {
      if (done) return;
      done = true;
      resolve(v);
      box.dispose();
    };
    box.onDidChangeValue((v) => { box.validationMessage = v.trim() ? undefined : vscode.l10n.t('A config repository is required'); });
    box.onDidAccept(() => { if (box.value.trim()) finish(box.value.trim()); });
    box.onDidHide(() => finish(undefined));
    box.onDidTriggerButton(async () => {
      const picked = await vscode.window.showOpenDialog({
        canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: vscode.l10n.t('Use this config checkout'), title: vscode.l10n.t('Local config checkout (e.g. fedora-coreos-config)'),
      });
      if (picked?.[0]) {
        box.value = picked[0].fsPath;
        box.validationMessage = undefined;
      }
      box.show();
    });
    box.show();
  });
}
