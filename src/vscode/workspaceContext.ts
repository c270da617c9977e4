// Context keys the welcome views, menus and the walkthrough depend on, read
// from the build directory every time (never remembered): a refresh or a file change
// after a failed init, a deleted src/ or a cosa clean shows what is there now.
// The build directory is where the workspace's cosa runs: the local folder, or with a
// remote builder the /srv of its session, read through exec (src/engine/buildDirSource.ts).
// A remote builder this window has no session on yet is not asked (no ssh, no session
// just for keys): the keys say what a new session holds, an empty /srv.

import * as vscode from 'vscode';
import { parseBuildMeta } from '../cosa/buildMeta';
import { parseBuildsIndex } from '../cosa/buildsIndex';
import { EMPTY_BUILD_DIR, isInitialized, WorkspaceFacts, workspaceKind, WorkspaceKind } from '../cosa/workspaceKind';
import { findOnPath } from '../engine/executables';
import type { BuildDirSource, RemoteBuildDir } from '../engine/buildDirSource';
import type { BuildDirEntry } from '../engine/buildDirFiles';

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

/**
 * Where the keys read the build directory: undefined, the local folder; a remote session's
 * (its source has facts()); or NO_SESSION, a remote builder this window has no session on yet.
 */
export type ContextBuildDir = RemoteBuildDir | typeof NO_SESSION | undefined;
export const NO_SESSION = 'no-session';

/** A file of builds/ as text, undefined when it cannot be read. */
type BuildFileReader = (entry: BuildDirEntry) => Promise<string | undefined>;

function localReader(root: vscode.Uri): BuildFileReader {
  return (entry) => readText(vscode.Uri.joinPath(root, 'builds', ...(entry === 'builds.json' ? ['builds.json'] : [entry.buildId, entry.arch!, entry.file!])));
}

function sourceReader(source: BuildDirSource): BuildFileReader {
  return (entry) => source.read(entry).then((b) => new TextDecoder().decode(b), () => undefined);
}

/**
 * What the walkthrough's build steps look at: a build in builds.json, and a qemu image in one of the
 * newest, newest first until one has it (one read at a time: on a builder each is an exec over ssh).
 */
async function buildFacts(read: BuildFileReader): Promise<{ hasBuild: boolean; hasQemuImage: boolean }> {
  const text = await read('builds.json');
  const builds = text === undefined ? [] : parseBuildsIndex(text).builds.filter((b) => SEGMENT.test(b.id));
  for (const b of builds.slice(0, QEMU_IMAGE_LOOKAHEAD)) {
    for (const arch of b.arches.filter((a) => SEGMENT.test(a))) {
      const meta = await read({ buildId: b.id, arch, file: 'meta.json' });
      if (meta !== undefined && parseBuildMeta(meta).meta.images.some((i) => i.kind === 'qemu')) {
        return { hasBuild: true, hasQemuImage: true };
      }
    }
  }
  return { hasBuild: builds.length > 0, hasQemuImage: false };
}

/** The build directory's facts where `where` says; a builder that cannot be read now is not known (an empty /srv). */
async function factsOf(root: vscode.Uri | undefined, where: ContextBuildDir): Promise<WorkspaceFacts | undefined> {
  if (where === NO_SESSION) {
    return EMPTY_BUILD_DIR;
  }
  if (where) {
    return where.facts().catch(() => EMPTY_BUILD_DIR);
  }
  return root ? workspaceFacts(root) : undefined;
}

async function hasUserConfig(): Promise<boolean> {
  return (await vscode.workspace.findFiles(USER_CONFIG_GLOB, NOT_USER_CONFIGS, 1)).length > 0;
}

/** The keys the CoreOS Builds view's welcome content depends on (a few stats, or one exec on the builder: what the first view needs). */
export async function updateViewContextKeys(root: vscode.Uri | undefined, runtime: string, where?: ContextBuildDir): Promise<void> {
  const facts = await factsOf(root, where);
  await setContextKeys({
    'coreos.workspaceKind': facts ? workspaceKind(facts) : 'uninitialized',
    'coreos.initialized': facts ? isInitialized(facts) : false,
    'coreos.runtimeMissing': findOnPath(runtime) === undefined,
  });
}

/** The walkthrough's keys: a build, a qemu image (reads meta.json files where the builds are), a user's config (a local workspace search). */
async function updateWalkthroughContextKeys(root: vscode.Uri | undefined, where: ContextBuildDir): Promise<void> {
  const builds = where === NO_SESSION ? undefined : where ? sourceReader(where) : root ? localReader(root) : undefined;
  const [built, configs] = root ? await Promise.all([builds ? buildFacts(builds) : { hasBuild: false, hasQemuImage: false }, hasUserConfig()])
    : [{ hasBuild: false, hasQemuImage: false }, false];
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
 * Sets every context key from the build directory as it is now (`where`: see ContextBuildDir).
 * The walkthrough's steps complete on these (`onContext:`), so a step is done however the user
 * did it: palette, view, walkthrough button or tasks.json.
 */
export async function updateContextKeys(root: vscode.Uri | undefined, runtime: string, where?: ContextBuildDir): Promise<void> {
  await Promise.all([updateViewContextKeys(root, runtime, where), updateWalkthroughContextKeys(root, where)]);
}
