// Context keys the welcome views, menus and the walkthrough depend on, read
// from the disk every time (never remembered): a refresh or a file change
// after a failed init, a deleted src/ or a cosa clean shows what is there now.

import * as vscode from 'vscode';
import { parseBuildMeta } from '../cosa/buildMeta';
import { parseBuildsIndex } from '../cosa/buildsIndex';
import { isInitialized, WorkspaceFacts, workspaceKind, WorkspaceKind } from '../cosa/workspaceKind';
import { findOnPath } from '../engine/executables';

/** Builds looked at for "has a qemu image" (newest first), so a long history stays cheap. */
const QEMU_IMAGE_LOOKAHEAD = 20;
/** Ignition/Butane configs a user made (not those cosa keeps in its own folders). */
export const USER_CONFIG_GLOB = '**/*.{ign,bu}';
const NOT_USER_CONFIGS = '{builds,cache,tmp,src,overrides}/**';

/** Whether a file or folder exists (through VS Code's file system, so remote workspaces work too). */
export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

export async function workspaceFacts(root: vscode.Uri): Promise<WorkspaceFacts> {
  const at = (...p: string[]) => exists(vscode.Uri.joinPath(root, ...p));
  const [hasBuildsJson, hasSrcConfig, hasSrc, hasBuildsDir, hasTmp] = await Promise.all([
    at('builds', 'builds.json'), at('src', 'config'), at('src'), at('builds'), at('tmp'),
  ]);
  return { hasBuildsJson, hasSrcConfig, hasSrc, hasBuildsDir, hasTmp };
}

export async function detectWorkspaceKind(root: vscode.Uri): Promise<WorkspaceKind> {
  return workspaceKind(await workspaceFacts(root));
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

/** A path segment as cosa writes build ids and arches (never `..` or a separator: builds.json is data). */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/** What the walkthrough's build steps look at: a build in builds.json, and a qemu image in one of the newest. */
async function buildFacts(root: vscode.Uri): Promise<{ hasBuild: boolean; hasQemuImage: boolean }> {
  const text = await readText(vscode.Uri.joinPath(root, 'builds', 'builds.json'));
  const builds = text === undefined ? [] : parseBuildsIndex(text).builds.filter((b) => SEGMENT.test(b.id));
  const metas = builds.slice(0, QEMU_IMAGE_LOOKAHEAD).flatMap((b) => b.arches.filter((a) => SEGMENT.test(a)).map((arch) =>
    readText(vscode.Uri.joinPath(root, 'builds', b.id, arch, 'meta.json'))));
  const hasQemuImage = (await Promise.all(metas)).some((m) => m !== undefined && parseBuildMeta(m).meta.images.some((i) => i.kind === 'qemu'));
  return { hasBuild: builds.length > 0, hasQemuImage };
}

async function hasUserConfig(): Promise<boolean> {
  return (await vscode.workspace.findFiles(USER_CONFIG_GLOB, NOT_USER_CONFIGS, 1)).length > 0;
}

/** The keys the CoreOS Builds view's welcome content depends on (a few stats: what the first view needs). */
export async function updateViewContextKeys(root: vscode.Uri | undefined, runtime: string): Promise<void> {
  const facts = root ? await workspaceFacts(root) : undefined;
  await setContextKeys({
    'coreos.workspaceKind': facts ? workspaceKind(facts) : 'uninitialized',
    'coreos.initialized': facts ? isInitialized(facts) : false,
    'coreos.runtimeMissing': findOnPath(runtime) === undefined,
  });
}

/** The walkthrough's keys: a build, a qemu image (reads meta.json files), a user's config (a workspace search). */
async function updateWalkthroughContextKeys(root: vscode.Uri | undefined): Promise<void> {
  const [built, configs] = root ? await Promise.all([buildFacts(root), hasUserConfig()]) : [{ hasBuild: false, hasQemuImage: false }, false];
  await setContextKeys({
    'coreos.hasBuild': built.hasBuild,
    'coreos.hasQemuImage': built.hasQemuImage,
    'coreos.hasIgnitionConfig': configs,
  });
}

async function setContextKeys(keys: Record<string, unknown>): Promise<void> {
  await Promise.all(Object.entries(keys).map(([k, v]) => vscode.commands.executeCommand('setContext', k, v)));
}

/**
 * Sets every context key from the disk as it is now. The walkthrough's steps
 * complete on these (`onContext:`), so a step is done however the user did it:
 * palette, view, walkthrough button or tasks.json.
 */
export async function updateContextKeys(root: vscode.Uri | undefined, runtime: string): Promise<void> {
  await Promise.all([updateViewContextKeys(root, runtime), updateWalkthroughContextKeys(root)]);
}
