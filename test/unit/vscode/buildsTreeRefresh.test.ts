// BuildsTreeProvider.refresh() settles once VS Code has the new first level
// (src/extension.ts refreshes the context keys then, after the tree's re-read
// of builds.json instead of alongside it), with the typed vscode stand-in.

import '../../mocks/registerVscode';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { Uri } from '../../mocks/vscode';
import { BuildDirTarget } from '../../../src/cosa/buildDirPaths';
import { BuildDirEntry } from '../../../src/engine/buildDirFiles';
import { BuildDirSource } from '../../../src/engine/buildDirSource';
import { BuildsTreeNode, BuildsTreeProvider } from '../../../src/vscode/buildsTree';

const tick = () => new Promise((r) => setImmediate(r));

describe('BuildsTreeProvider.refresh (src/vscode/buildsTree.ts)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-tree-refresh-'));
    fs.mkdirSync(path.join(dir, 'builds'));
    fs.writeFileSync(path.join(dir, 'builds', 'builds.json'), JSON.stringify({ 'schema-version': '1.0.0', builds: [{ id: '42.1', arches: ['x86_64'] }] }));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('settles when the first level has been delivered after the refresh, not before', async () => {
    const tree = new BuildsTreeProvider(Uri.file(dir) as unknown as vscode.Uri);
    assert.deepEqual((await tree.getChildren()).map((n) => (n as { id: string }).id), ['42.1']);
    fs.writeFileSync(path.join(dir, 'builds', 'builds.json'), JSON.stringify({ 'schema-version': '1.0.0', builds: [{ id: '42.2', arches: ['x86_64'] }, { id: '42.1', arches: ['x86_64'] }] }));
    let delivered = false;
    const refreshed = tree.refresh().then(() => (delivered = true));
    for (let i = 0; i < 5; i++) await tick();
    assert.equal(delivered, false, 'nothing asked for the first level yet');
    const rows = await tree.getChildren();
    await refreshed;
    assert.deepEqual(rows.map((n) => (n as { id: string }).id), ['42.2', '42.1'], 'the re-read saw the new builds.json');
    tree.dispose();
  });

  it('once the view has shown rows, starts re-reading builds.json at the refresh, before VS Code asks again', async () => {
    const tree = new BuildsTreeProvider(Uri.file(dir) as unknown as vscode.Uri);
    const index = (ids: string[]) => new TextEncoder().encode(JSON.stringify({ 'schema-version': '1.0.0', builds: ids.map((id) => ({ id, arches: ['x86_64'] })) }));
    const reads: string[] = [];
    let current = index(['42.1']);
    tree.setSource({ read: async (entry) => (reads.push(String(entry)), current), list: async () => [], latest: async () => undefined });
    assert.deepEqual(reads, [], 'nothing read while the view has not asked for rows');
    await tree.getChildren();
    reads.length = 0;
    current = index(['42.2', '42.1']);
    void tree.refresh();
    await tick();
    assert.deepEqual(reads, ['builds.json'], 'read at the refresh');
    assert.deepEqual((await tree.getChildren()).map((n) => (n as { id: string }).id), ['42.2', '42.1']);
    assert.deepEqual(reads, ['builds.json'], 'and not read again when VS Code asks');
    tree.dispose();
  });

  it('tells VS Code only once builds.json is read, so asking for the first level again needs no read (rows keep their elements)', async () => {
    // VS Code forgets every row's element while it asks for the first level again: a context-menu
    // command on a row in that gap got no argument (seen: Run in QEMU asked which build, right after
    // Refresh on a remote builder, whose reads go through exec).
    const tree = new BuildsTreeProvider(Uri.file(dir) as unknown as vscode.Uri);
    const index = (ids: string[]) => new TextEncoder().encode(JSON.stringify({ 'schema-version': '1.0.0', builds: ids.map((id) => ({ id, arches: ['x86_64'] })) }));
    let release: (() => void) | undefined;
    let current = index(['42.1']);
    const reads: string[] = [];
    tree.setSource({
      remote: 'remote session 4644a05b735e on builder1',
      read: async (entry) => {
        reads.push(String(entry));
        if (release === undefined) {
          await new Promise<void>((resolve) => (release = resolve));
        }
        return current;
      },
      list: async () => [],
      latest: async () => undefined,
    });
    release = () => undefined;
    await tree.getChildren();
    let fired = 0;
    tree.onDidChangeTreeData((node) => (node === undefined ? fired++ : undefined));
    release = undefined;
    current = index(['42.2', '42.1']);
    const refreshed = tree.refresh();
    for (let i = 0; i < 5; i++) await tick();
    assert.deepEqual(reads.slice(-1), ['builds.json'], 'the read has begun');
    assert.equal(fired, 0, 'VS Code is not told while builds.json is still being read');
    release!();
    for (let i = 0; i < 5; i++) await tick();
    assert.equal(fired, 1, 'told once it is read');
    const before = reads.length;
    // Answered without waiting on any read: within microtasks, before a timer could run.
    let answered: string[] | undefined;
    void tree.getChildren().then((rows) => (answered = rows.map((n) => (n as { id: string }).id)));
    await Promise.resolve().then(() => undefined).then(() => undefined).then(() => undefined).then(() => undefined);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(answered, ['42.2', '42.1']);
    assert.equal(reads.length, before, 'nothing read when VS Code asked');
    await refreshed;
    tree.dispose();
  });

  it('refreshAll (a command ended on a remote build directory) reads meta.json again: an image cosa osbuild added shows', async () => {
    const fixture = path.join(__dirname, '..', '..', 'fixtures', 'workspaces', 'builds', 'builds', '42.20260101.3.0', 'x86_64', 'meta.json');
    const meta = JSON.parse(fs.readFileSync(fixture, 'utf8')) as { images: Record<string, unknown> };
    const withQemu = { ...meta, images: { ...meta.images, qemu: { path: 'fedora-coreos-42.20260101.3.0-qemu.x86_64.qcow2', sha256: '0'.repeat(64), size: 4096 } } };
    let current = meta;
    const tree = new BuildsTreeProvider(Uri.file(dir) as unknown as vscode.Uri);
    tree.setSource({
      remote: 'remote session 4644a05b735e on builder1',
      read: async (entry) => new TextEncoder().encode(JSON.stringify(entry === 'builds.json'
        ? { 'schema-version': '1.0.0', builds: [{ id: '42.20260101.3.0', arches: ['x86_64'] }] } : current)),
      list: async () => [],
      latest: async () => undefined,
      probe: async () => ({ exists: true, size: 1 }),
    });
    const images = async () => {
      const [build] = await tree.getChildren();
      const [arch] = await tree.getChildren(build);
      return (await tree.getChildren(arch)).flatMap((n) => (n.kind === 'image' ? [n.image.kind] : []));
    };
    assert.deepEqual(await images(), ['ostree', 'oci-manifest']);
    current = withQemu;
    await Promise.all([tree.refresh(), tree.getChildren()]);
    assert.deepEqual(await images(), ['ostree', 'oci-manifest'], 'refresh() re-reads the first level only');
    await Promise.all([tree.refreshAll(), tree.getChildren()]);
    assert.deepEqual(await images(), ['ostree', 'oci-manifest', 'qemu'], 'refreshAll() reads the build\'s meta.json again');
    tree.dispose();
  });
});

// A remote build directory as sessionBuildDir serves it, in memory: each file has a version that a
// rewrite bumps, which is what `stat` (inode, size, mtime) tells the tree; reads are counted.
describe('BuildsTreeProvider.refreshAll reads again only what changed (src/vscode/buildsTree.ts)', () => {
  const fixture = path.join(__dirname, '..', '..', 'fixtures', 'workspaces', 'builds', 'builds', '42.20260101.3.0', 'x86_64', 'meta.json');
  const meta = JSON.parse(fs.readFileSync(fixture, 'utf8')) as { images: Record<string, unknown> };
  const withQemu = (id: string) => ({ ...meta, images: { ...meta.images, qemu: { path: `fedora-coreos-${id}-qemu.x86_64.qcow2`, sha256: '0'.repeat(64), size: 4096 } } });

  function remoteDir() {
    const files = new Map<string, { version: number; text: string }>();
    const write = (file: string, value: unknown) => files.set(file, { version: (files.get(file)?.version ?? 0) + 1, text: JSON.stringify(value) });
    const reads: string[] = [];
    const pathOf = (e: BuildDirEntry) => (e === 'builds.json' ? 'builds.json' : [e.buildId, e.arch, e.file].filter(Boolean).join('/'));
    // A file's directory changes with it (a rename into it, a marker made or removed).
    const dirVersion = (dir: string) => [...files].filter(([f]) => f.startsWith(`${dir}/`)).reduce((n, [, v]) => n + v.version, 0);
    const signaturesOf = (entries: readonly BuildDirTarget[]) => entries.map((e) => {
      const p = pathOf(e);
      return e.file ? (files.has(p) ? `v${files.get(p)!.version}` : undefined) : `d${dirVersion(p)}`;
    });
    const source: BuildDirSource = {
      remote: 'remote session 4644a05b735e on builder1',
      read: async (entry) => {
        const file = files.get(pathOf(entry));
        reads.push(pathOf(entry));
        if (!file) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
        return new TextEncoder().encode(file.text);
      },
      list: async (entry) => [...files.keys()].filter((f) => f.startsWith(`${pathOf(entry)}/`)).map((f) => f.split('/').pop()!),
      latest: async () => undefined,
      probe: async () => ({ exists: true, size: 1 }),
      signatures: async (entries) => signaturesOf(entries),
      readSigned: async (entry) => {
        const [file, dir] = signaturesOf([entry, { buildId: entry.buildId, arch: entry.arch }]);
        return { bytes: await source.read(entry), signatures: [file, dir] };
      },
    };
    return { files, write, reads, source };
  }

  /** refreshAll as VS Code sees it: when the tree says everything changed, every row is asked for again. */
  async function refreshedAll(tree: BuildsTreeProvider): Promise<void> {
    const asked = new Promise<unknown>((resolve) => {
      const sub = tree.onDidChangeTreeData((node) => {
        if (node === undefined) {
          sub.dispose();
          resolve(everything(tree));
        }
      });
    });
    await Promise.all([tree.refreshAll(), asked]);
  }

  /** Every row, expanded all the way (what VS Code shows with every build open). */
  async function everything(tree: BuildsTreeProvider, parent?: BuildsTreeNode): Promise<unknown[]> {
    const rows = await tree.getChildren(parent);
    return Promise.all(rows.map(async (n) => ({ n, children: await everything(tree, n) })));
  }

  it('after a command that changed one build: one stat, builds.json and that build\'s meta.json; the tree is what a fresh read shows', async () => {
    const dir = remoteDir();
    const ids = ['42.3', '42.2', '42.1'];
    const index = (arches: Record<string, string[]> = {}) => ({ 'schema-version': '1.0.0', builds: ids.map((id) => ({ id, arches: arches[id] ?? ['x86_64'] })) });
    dir.write('builds.json', index());
    for (const id of ids) dir.write(`${id}/x86_64/meta.json`, meta);
    const tree = new BuildsTreeProvider(Uri.file('/tmp/coreos-remote-ws') as unknown as vscode.Uri);
    tree.setSource(dir.source);
    const refreshAll = async () => {
      dir.reads.length = 0;
      await refreshedAll(tree);
      return [...dir.reads].sort();
    };
    await everything(tree);
    assert.deepEqual(await refreshAll(), ['builds.json'], 'nothing changed since each was read: no meta.json read');

    dir.write('42.2/x86_64/meta.json', withQemu('42.2'));
    assert.deepEqual(await refreshAll(), ['42.2/x86_64/meta.json', 'builds.json'], 'cosa osbuild qemu --build 42.2: that build only');
    dir.write('42.1/x86_64/.qemu.building', '');
    assert.deepEqual(await refreshAll(), ['42.1/x86_64/meta.json', 'builds.json'], 'a marker made: that build read again');
    dir.files.delete('42.1/x86_64/.qemu.building');
    dir.write('builds.json', index({ '42.3': ['x86_64', 'aarch64'] }));
    dir.write('42.3/aarch64/meta.json', meta);
    assert.deepEqual(await refreshAll(), ['42.1/x86_64/meta.json', '42.3/aarch64/meta.json', '42.3/x86_64/meta.json', 'builds.json'],
      'the marker gone, and a build whose builds.json entry changed');

    const fresh = new BuildsTreeProvider(Uri.file('/tmp/coreos-remote-ws') as unknown as vscode.Uri);
    fresh.setSource(dir.source);
    assert.deepEqual(await everything(tree), await everything(fresh), 'the same rows as a tree that read everything now');
    const images = (await everything(tree)) as { n: BuildsTreeNode; children: { children: { n: BuildsTreeNode }[] }[] }[];
    assert.deepEqual(images[1]!.children[0]!.children.flatMap((c) => (c.n.kind === 'image' ? [c.n.image.kind] : [])), ['ostree', 'oci-manifest', 'qemu']);
    tree.dispose();
    fresh.dispose();
  });

  it('a source whose reads are not signed: the first look after a read cannot tell what it saw, so that build is read again once', async () => {
    const dir = remoteDir();
    dir.write('builds.json', { 'schema-version': '1.0.0', builds: [{ id: '42.1', arches: ['x86_64'] }] });
    dir.write('42.1/x86_64/meta.json', meta);
    const tree = new BuildsTreeProvider(Uri.file('/tmp/coreos-remote-ws') as unknown as vscode.Uri);
    const { readSigned: _unsigned, ...source } = dir.source;
    tree.setSource(source);
    await everything(tree);
    const reads: string[][] = [];
    for (let i = 0; i < 2; i++) {
      dir.reads.length = 0;
      await refreshedAll(tree);
      reads.push([...dir.reads].sort());
    }
    assert.deepEqual(reads, [['42.1/x86_64/meta.json', 'builds.json'], ['builds.json']]);
    tree.dispose();
  });

  it('a source that cannot stat (or a stat that fails) reads every shown build again', async () => {
    const dir = remoteDir();
    dir.write('builds.json', { 'schema-version': '1.0.0', builds: [{ id: '42.1', arches: ['x86_64'] }] });
    dir.write('42.1/x86_64/meta.json', meta);
    const tree = new BuildsTreeProvider(Uri.file('/tmp/coreos-remote-ws') as unknown as vscode.Uri);
    tree.setSource({ ...dir.source, signatures: async () => { throw new Error('connection lost'); } });
    await everything(tree);
    await refreshedAll(tree);
    dir.reads.length = 0;
    await refreshedAll(tree);
    assert.deepEqual(dir.reads.sort(), ['42.1/x86_64/meta.json', 'builds.json']);
    tree.dispose();
  });
});
