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
import { BuildsTreeProvider } from '../../../src/vscode/buildsTree';

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
