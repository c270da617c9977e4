// Several builders at once (multi-arch): the builders of `coreos.moreBuilders` (src/cosa/moreBuilders.ts)
// besides the selected one. Their builds go into the CoreOS Builds tree, each build's arches
// grouped by the builder that made them: local builds read from the workspace, a remote builder's
// read through exec in this workspace's session there, found by its labels as a reload finds the
// selected builder's (src/engine/builderSessions.ts; never created here: a builder without one has
// made no build of this workspace). They are read when the setting, the selected builder or the
// trust changes and on Refresh, never polled. Honoured only in a trusted workspace.
// "Use This Builder" on a group makes that builder the workspace's.

import * as vscode from 'vscode';
import { BuilderChoice, builderChoiceLabel, builderSettingValue, resolveBuilderChoice } from '../cosa/builderChoice';
import {
  builderAddressKey, builderGroupLabel, builderKey, effectiveMoreBuilders, ExtraBuilderChoice, parseMoreBuilders, sameBuilderAs, swapSelectedBuilder,
} from '../cosa/moreBuilders';
import { RemoteBuilder } from '../cosa/remoteSession';
import { findWorkspaceSession, listConnections } from '../engine/builderSessions';
import { localBuildDir, sessionBuildDir } from '../engine/buildDirSource';
import { findOnPath } from '../engine/executables';
import { Builders } from './builders';
import { BuildsTreeNode, BuildsTreeProvider, ExtraBuildDir, SelectedBuilder } from './buildsTree';
import { readMoreBuildersSetting, writeBuilderSetting, writeMoreBuildersSetting } from './settings';

export const USE_BUILDER_TITLE = vscode.l10n.t('Use This Builder');

/** What the tree is given: the extra builders, how the selected one's group is labelled, and what is not shown and why. */
export interface MoreBuildersView {
  readonly extras: readonly ExtraBuildDir[];
  readonly selected: SelectedBuilder;
  readonly notices: readonly string[];
}

export class MoreBuilders {
  /** What the tree was last given for (setting, selected builder, trust): the same again is not read again unless forced. */
  private shownFor: string | undefined;
  private following: Promise<void> = Promise.resolve();

  constructor(
    private readonly tree: BuildsTreeProvider,
    private readonly builders: Pick<Builders, 'current' | 'settingChanged'>,
    private readonly podmanPath: () => string | undefined = () => findOnPath('podman'),
  ) {}

  /**
   * The tree shows the builds of coreos.moreBuilders (again, when `force` or when the setting, the
   * selected builder or the trust changed since the last time). One at a time, in order.
   */
  follow(force = false): Promise<void> {
    this.following = this.following.then(async () => {
      const raw = readMoreBuildersSetting();
      const current = this.builders.current();
      const selected: BuilderChoice = 'error' in current ? { kind: 'local' } : current.choice;
      const signature = JSON.stringify([raw ?? null, builderKey(selected), vscode.workspace.isTrusted]);
      if (!force && signature === this.shownFor) {
        return;
      }
      this.shownFor = signature;
      const view = await this.resolve(raw, selected);
      // Not waited for: it settles once VS Code asks for the rows, never while the view is hidden.
      void this.tree.setExtras(view.extras, view.selected, view.notices);
    }).catch(() => undefined);
    return this.following;
  }

  /** Where each builder of the setting keeps this workspace's builds. */
  async resolve(raw: unknown, selected: BuilderChoice): Promise<MoreBuildersView> {
    const setting = effectiveMoreBuilders(parseMoreBuilders(raw), vscode.workspace.isTrusted, selected);
    const notices = [
      ...(setting.ignored ? [vscode.l10n.t('More builders not shown: {0}', setting.ignored)] : []),
      ...setting.errors.map((e) => vscode.l10n.t('Not shown: {0}', e)),
    ];
    const podman = setting.builders.some((c) => c.kind !== 'local') ? this.podmanPath() : undefined;
    let connections: Promise<RemoteBuilder[]> | undefined;
    // Each builder's address first (the connections listed once for all), so that one builder named
    // twice (a connection name and its URL, or the selected builder again) is read once.
    const resolveOne = async (choice: BuilderChoice): Promise<RemoteBuilder | Error | undefined> => {
      if (!podman || choice.kind === 'local' || choice.kind === 'kube') {
        return undefined;
      }
      try {
        if (choice.kind === 'connection') {
          connections ??= listConnections(podman);
        }
        return resolveBuilderChoice(choice, choice.kind === 'connection' ? await connections! : [])!;
      } catch (e) {
        if (!(e instanceof Error)) {
          throw e;
        }
        return e;
      }
    };
    const [selectedBuilder, resolved] = await Promise.all([resolveOne(selected), Promise.all(setting.builders.map(resolveOne))]);
    const addressOf = (r: RemoteBuilder | Error | undefined) => (r && !(r instanceof Error) ? builderAddressKey(r.url) : undefined);
    const same = sameBuilderAs(
      { label: builderGroupLabel(selected), address: addressOf(selectedBuilder) },
      setting.builders.map((c, i) => ({ label: builderGroupLabel(c), address: addressOf(resolved[i]) })),
    );
    const kept = setting.builders.flatMap((choice, i) => {
      if (same[i] !== undefined) {
        notices.push(vscode.l10n.t('Not shown again: {0} is the same builder as {1}', builderGroupLabel(choice), same[i]));
        return [];
      }
      return [{ choice, builder: resolved[i] }];
    });
    const extras = await Promise.all(kept.map(async ({ choice, builder }): Promise<ExtraBuildDir> => {
      const base = { key: builderKey(choice), label: builderGroupLabel(choice), remote: choice.kind !== 'local', choice };
      if (choice.kind === 'local') {
        return { ...base, source: localBuildDir(this.tree.root.fsPath) };
      }
      if (!podman) {
        return { ...base, problem: vscode.l10n.t('a remote builder is reached with the podman client, which is not on PATH here (install podman)') };
      }
      if (!builder || builder instanceof Error) {
        return { ...base, problem: builder?.message ?? vscode.l10n.t('it could not be resolved') };
      }
      try {
        const session = await findWorkspaceSession(podman, builder, this.tree.root.fsPath);
        if (!session) {
          return { ...base, problem: vscode.l10n.t('this workspace has no cosa session there, so no build of it (select that builder and build there to make one)') };
        }
        return { ...base, source: sessionBuildDir(session), target: session };
      } catch (e) {
        if (!(e instanceof Error)) {
          throw e;
        }
        return { ...base, problem: e.message };
      }
    }));
    return { extras, selected: { key: builderKey(selected), label: builderGroupLabel(selected), remote: selected.kind !== 'local' }, notices };
  }

  /**
   * Use This Builder (a builder group of the tree): that builder becomes the workspace's
   * (coreos.builder), and the one selected until now takes its place in coreos.moreBuilders.
   */
  async useBuilderOf(node: BuildsTreeNode | undefined): Promise<ExtraBuilderChoice | undefined> {
    const extra = node?.kind === 'builder' && !node.selected ? this.tree.extra(node.key) : undefined;
    if (!extra) {
      void vscode.window.showInformationMessage(node?.kind === 'builder' && node.selected
        ? vscode.l10n.t('{0}: {1} is already this workspace\'s builder.', USE_BUILDER_TITLE, node.label)
        : vscode.l10n.t('{0}: pick it on a builder under a build in the CoreOS Builds view (coreos.moreBuilders lists them).', USE_BUILDER_TITLE));
      return undefined;
    }
    const current = this.builders.current();
    const previous: BuilderChoice = 'error' in current ? { kind: 'local' } : current.choice;
    const more = swapSelectedBuilder(readMoreBuildersSetting(), extra.choice, previous);
    await writeBuilderSetting(builderSettingValue(extra.choice), extra.choice.kind === 'url' ? extra.choice.identity : undefined);
    await writeMoreBuildersSetting(more);
    this.builders.settingChanged();
    void this.follow();
    void vscode.window.showInformationMessage(previous.kind === 'kube'
      ? vscode.l10n.t('Builder {0}: cosa commands of this workspace now run there.', builderChoiceLabel(extra.choice))
      : vscode.l10n.t('Builder {0}: cosa commands of this workspace now run there; the builds of {1} stay in the tree (coreos.moreBuilders).', builderChoiceLabel(extra.choice), builderGroupLabel(previous)));
    return extra.choice;
  }
}
