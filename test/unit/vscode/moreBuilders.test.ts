// Several builders at once (src/vscode/moreBuilders.ts, src/vscode/buildsTree.ts): the builds of
// coreos.moreBuilders join the CoreOS Builds tree, each build's arches grouped by the builder that
// made them, another builder's rows read through its own build directory and marked; the setting is
// ignored in an untrusted workspace, which says why; Use This Builder selects a group's builder.
// With the typed vscode stand-in.

import '../../mocks/registerVscode';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { standIn, Uri } from '../../mocks/vscode';
import { BuilderChoice } from '../../../src/cosa/builderChoice';
import { builderKey } from '../../../src/cosa/moreBuilders';
import { BuildDirEntry } from '../../../src/engine/buildDirFiles';
import { BuildDirSource, localBuildDir } from '../../../src/engine/buildDirSource';
import { BuildsTreeNode, BuildsTreeProvider, ExtraBuildDir } from '../../../src/vscode/buildsTree';
import { MoreBuilders } from '../../../src/vscode/moreBuilders';

const ARM = 'ssh://builder@arm1.example.com:2222/run/user/1000/podman/podman.sock';
const ARM_CHOICE = { kind: 'url', url: ARM, identity: '/home/me/.ssh/arm' } as const;
const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

/** The arm builder's build directory as sessionBuildDir reads it: in memory, nothing on the local disk. */
function armBuildDir(asked: BuildDirEntry[]): BuildDirSource {
  const files = new Map<string, Uint8Array>([
    ['builds.json', json({ 'schema-version': '1.0.0', builds: [{ id: '42.3', arches: ['aarch64'] }, { id: '42.2', arches: ['aarch64'] }] })],
    ['42.2/aarch64/meta.json', json({ buildid: '42.2', 'coreos-assembler.basearch': 'aarch64', images: { qemu: { path: 'fcos-42.2-qemu.aarch64.qcow2', sha256: 'a'.repeat(64), size: 7 } } })],
  ]);
  const name = (e: BuildDirEntry) => (e === 'builds.json' ? e : `${e.buildId}/${e.arch}/${e.file}`);
  return {
    remote: 'remote session 4644a05b735e on arm1',
    read: async (e) => {
      asked.push(e);
      const f = files.get(name(e));
      if (!f) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
      return f;
    },
    list: async () => [],
    latest: async () => '42.3',
    probe: async (e) => (e.file === 'fcos-42.2-qemu.aarch64.qcow2' ? { exists: true, size: 7 } : { exists: false }),
  };
}

const ids = (nodes: BuildsTreeNode[]) => nodes.map((n) => ('id' in n ? n.id : n.kind === 'builder' ? n.label : n.kind === 'arch' ? n.arch : n.kind));

describe('more builders in the CoreOS Builds tree (src/vscode/moreBuilders.ts)', () => {
  let dir: string;
  let tree: BuildsTreeProvider;
  const asked: BuildDirEntry[] = [];
  let arm: ExtraBuildDir;
  beforeEach(() => {
    standIn.reset();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-more-builders-'));
    fs.mkdirSync(path.join(dir, 'builds', '42.2', 'x86_64'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'builds', 'builds.json'), JSON.stringify({ 'schema-version': '1.0.0', builds: [{ id: '42.2', arches: ['x86_64'] }, { id: '42.1', arches: ['x86_64'] }] }));
    fs.writeFileSync(path.join(dir, 'builds', '42.2', 'x86_64', 'meta.json'), JSON.stringify({ buildid: '42.2', images: {} }));
    tree = new BuildsTreeProvider(Uri.file(dir) as unknown as vscode.Uri);
    arm = { key: builderKey(ARM_CHOICE), label: 'ssh://builder@arm1.example.com:2222', remote: true, choice: ARM_CHOICE, source: armBuildDir(asked) };
  });
  afterEach(() => {
    tree.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
    asked.length = 0;
  });

  it('without more builders a build\'s arches are its children, as before', async () => {
    const [build] = await tree.getChildren();
    assert.deepEqual(ids(await tree.getChildren(build)), ['x86_64']);
  });

  it('groups each build\'s arches by the builder that made them, newest first across builders', async () => {
    void tree.setExtras([arm]);
    const builds = await tree.getChildren();
    assert.deepEqual(ids(builds), ['42.3', '42.2', '42.1']);
    const [onlyArm, both, onlyLocal] = builds as [BuildsTreeNode, BuildsTreeNode, BuildsTreeNode];
    assert.equal(tree.getTreeItem(onlyArm).contextValue, 'elsewhere.build', 'the selected builder\'s commands do not apply to a build it does not have');
    assert.match(String(tree.getTreeItem(both).contextValue), /^build/);

    const groups = await tree.getChildren(both);
    assert.deepEqual(ids(groups), ['local', 'ssh://builder@arm1.example.com:2222']);
    const [local, remote] = groups.map((g) => tree.getTreeItem(g));
    assert.equal(local!.contextValue, 'builderGroup.selected');
    assert.match(String(local!.description), /^x86_64 · selected builder$/);
    assert.equal(remote!.contextValue, 'builderGroup.remote');
    assert.equal(remote!.description, 'aarch64');
    assert.deepEqual(ids(await tree.getChildren(groups[0])), ['x86_64']);
    assert.deepEqual(ids(await tree.getChildren(await tree.getChildren(onlyLocal).then((g) => g[0]))), ['x86_64']);

    const [armArch] = await tree.getChildren(groups[1]);
    assert.deepEqual(armArch, { kind: 'arch', buildId: '42.2', arch: 'aarch64', building: false, builder: arm.key });
    assert.equal(tree.getTreeItem(armArch!).contextValue, 'elsewhere.arch.foreign.remote');
    assert.deepEqual(tree.getParent(armArch!), groups[1], 'reveal finds an arch\'s group');
    const image = (await tree.getChildren(armArch)).find((n) => n.kind === 'image');
    assert.deepEqual(image && { kind: image.kind, builder: 'builder' in image ? image.builder : undefined }, { kind: 'image', builder: arm.key });
    assert.equal(tree.getTreeItem(image!).contextValue, 'elsewhere.image.qemu.remote', 'Download is offered on it');
    assert.equal(tree.getTreeItem(image!).resourceUri, undefined, 'no local path for a file on another builder');
    assert.ok(asked.some((e) => e !== 'builds.json' && e.buildId === '42.2' && e.arch === 'aarch64'), 'its meta.json came from the arm builder');
  });

  it('shows a builder it cannot read as a row saying why, and the rest as usual', async () => {
    void tree.setExtras([{ ...arm, source: undefined, problem: 'this workspace has no cosa session there' }], undefined, ['Not shown: coreos.moreBuilders[1]: …']);
    const rows = await tree.getChildren();
    assert.deepEqual(ids(rows), ['notice:0', `error:builder:${encodeURIComponent(arm.key)}`, '42.2', '42.1']);
    assert.equal(tree.getTreeItem(rows[1]!).label, 'ssh://builder@arm1.example.com:2222: this workspace has no cosa session there');
  });

  it('resolves the setting: local from the workspace, a wrong entry as a notice, nothing in an untrusted workspace but the reason', async () => {
    const more = new MoreBuilders(tree, { current: () => ({ choice: { kind: 'url', url: ARM } }), settingChanged: () => undefined }, () => undefined);
    const view = await more.resolve(['local', 'kubectl://c/n/p', ARM_CHOICE.url], { kind: 'url', url: ARM });
    assert.deepEqual(view.extras.map((e) => [e.label, e.remote, !!e.source]), [['local', false, true]], 'the selected builder is not listed again');
    assert.deepEqual(await view.extras[0]!.source!.read('builds.json'), await localBuildDir(dir).read('builds.json'));
    assert.equal(view.notices.length, 1);
    assert.match(view.notices[0]!, /coreos\.moreBuilders\[1\]: "kubectl:\/\/c\/n\/p" is a pod/);
    assert.deepEqual(view.selected, { key: builderKey({ kind: 'url', url: ARM }), label: 'ssh://builder@arm1.example.com:2222', remote: true });

    const noPodman = await more.resolve([{ builder: ARM, identity: '/home/me/.ssh/arm' }], { kind: 'local' });
    assert.match(noPodman.extras[0]!.problem ?? '', /podman client, which is not on PATH/);

    standIn.trusted = false;
    const untrusted = await more.resolve(['local', ARM], { kind: 'url', url: ARM });
    assert.deepEqual(untrusted.extras, []);
    assert.deepEqual(untrusted.notices, ['More builders not shown: this workspace is not trusted, so its coreos.moreBuilders setting is ignored and only the selected builder\'s builds are shown']);
  });

  it('one builder named twice (another identity, its host in capitals) is read once: the second says whose builds it would show', async () => {
    // A podman that fails every call: the duplicate is dropped before any session is looked for on it.
    const more = new MoreBuilders(tree, { current: () => ({ choice: ARM_CHOICE }), settingChanged: () => undefined }, () => '/bin/false');
    const view = await more.resolve([
      { builder: ARM.replace('arm1.example.com', 'ARM1.example.com'), identity: '/home/me/.ssh/other' },
      'ssh://core@ppc1.example.com/run/podman/podman.sock',
      { builder: 'ssh://core@ppc1.example.com:22/run/podman/podman.sock', identity: '/home/me/.ssh/ppc' },
    ], ARM_CHOICE);
    assert.deepEqual(view.extras.map((e) => e.label), ['ssh://core@ppc1.example.com'], 'each builder once');
    assert.match(view.extras[0]!.problem ?? '', /Looking for this workspace's session/, 'the one kept is looked up (this podman fails)');
    assert.deepEqual(view.notices, [
      'Not shown again: ssh://builder@ARM1.example.com:2222 is the same builder as ssh://builder@arm1.example.com:2222',
      'Not shown again: ssh://core@ppc1.example.com:22 is the same builder as ssh://core@ppc1.example.com',
    ]);
  });

  it('a workspace without more builders: following the setting changes nothing shown, so the tree is not refreshed (its rows keep their elements)', async () => {
    // This runs as the first rows appear (src/extension.ts): a refresh then left the rows without
    // their elements for a round trip, and "Open Build Overview" from a row's menu got no build (seen in e2e).
    await tree.getChildren();
    let refreshes = 0;
    const refresh = tree.refresh.bind(tree);
    tree.refresh = () => (refreshes++, refresh());
    const more = new MoreBuilders(tree, { current: () => ({ choice: { kind: 'local' } }), settingChanged: () => undefined }, () => undefined);
    await more.follow();
    await more.follow(true);
    assert.equal(refreshes, 0);
    standIn.settings.set('coreos.moreBuilders', ['bad name']);
    await more.follow();
    assert.equal(refreshes, 1, 'a notice to show: refreshed');
    assert.deepEqual(ids(await tree.getChildren()), ['notice:0', '42.2', '42.1']);
  });

  it('follow() hands the tree the setting\'s builders once, again only when it changed or when forced', async () => {
    let reads = 0;
    const more = new MoreBuilders(tree, { current: () => ({ choice: { kind: 'local' } }), settingChanged: () => undefined }, () => undefined);
    const resolve = more.resolve.bind(more);
    more.resolve = (raw, selected) => { reads++; return resolve(raw, selected); };
    standIn.settings.set('coreos.moreBuilders', ['local', 'bad name']);
    await more.follow();
    assert.deepEqual(ids(await tree.getChildren()), ['notice:0', '42.2', '42.1'], 'local is the selected builder: only the wrong entry shows');
    await more.follow();
    assert.equal(reads, 1);
    await more.follow(true);
    assert.equal(reads, 2);
    standIn.trusted = false;
    await more.follow();
    assert.equal(reads, 3, 'a change of trust is read again');
  });

  it('Use This Builder makes the group\'s builder the workspace\'s, and the one selected until now takes its place in the list', async () => {
    let changed = 0;
    let current: BuilderChoice = { kind: 'local' };
    const more = new MoreBuilders(tree, { current: () => ({ choice: current }), settingChanged: () => { changed++; } }, () => undefined);
    standIn.settings.set('coreos.moreBuilders', [{ builder: ARM, identity: '/home/me/.ssh/arm' }]);
    void tree.setExtras([arm]);
    const both = (await tree.getChildren())[1]!;
    const [localGroup, armGroup] = await tree.getChildren(both);
    assert.equal(await more.useBuilderOf(localGroup), undefined, 'the selected builder\'s group: nothing to do');
    assert.match(standIn.infos.at(-1)!.message, /local is already this workspace's builder/);
    assert.deepEqual(await more.useBuilderOf(armGroup), ARM_CHOICE);
    assert.equal(standIn.settings.get('coreos.builder'), ARM);
    assert.equal(standIn.settings.get('coreos.builderIdentity'), '/home/me/.ssh/arm');
    assert.deepEqual(standIn.settings.get('coreos.moreBuilders'), ['local']);
    assert.equal(changed, 1, 'the builder\'s listeners (status bar, tree source, context keys) are told');
    current = ARM_CHOICE;
    assert.match(standIn.infos.at(-1)!.message, /^Builder builder@arm1\.example\.com:2222: cosa commands of this workspace now run there; the builds of local stay in the tree/);
  });
});
