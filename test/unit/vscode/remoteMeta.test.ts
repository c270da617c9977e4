// Open meta.json of a remote build (src/vscode/buildActions.ts): the read-only document is read
// through the tree's source (a remote session's build directory), never from the local disk, and a
// document opened from one builder is not served from another; with the typed vscode stand-in.

import '../../mocks/registerVscode';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { Uri } from '../../mocks/vscode';
import { BuildDirEntry } from '../../../src/engine/buildDirFiles';
import { BuildDirSource, localBuildDir } from '../../../src/engine/buildDirSource';
import { ReadOnlyMetaFiles } from '../../../src/vscode/buildActions';
import { BuildsTreeProvider } from '../../../src/vscode/buildsTree';

const REMOTE = 'remote session 4644a05b735e on builder1';

describe('Open meta.json of a remote build (src/vscode/buildActions.ts)', () => {
  let dir: string;
  let tree: BuildsTreeProvider;
  const asked: BuildDirEntry[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-remote-meta-'));
    fs.mkdirSync(path.join(dir, 'builds', '42.1', 'x86_64'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'builds', 'builds.json'), JSON.stringify({ 'schema-version': '1.0.0', builds: [{ id: '42.1', arches: ['x86_64'] }] }));
    fs.writeFileSync(path.join(dir, 'builds', '42.1', 'x86_64', 'meta.json'), '{"buildid": "local"}');
    tree = new BuildsTreeProvider(Uri.file(dir) as unknown as vscode.Uri);
    const local = localBuildDir(dir);
    // The session's build directory as sessionBuildDir reads it: other bytes than the local disk's.
    const remote: BuildDirSource = {
      ...local,
      remote: REMOTE,
      read: async (entry) => {
        asked.push(entry);
        return entry === 'builds.json' ? local.read(entry) : new TextEncoder().encode('{"buildid": "on the builder"}');
      },
    };
    tree.setSource(remote);
  });
  afterEach(() => {
    tree.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
    asked.length = 0;
  });

  const doc = (query: string) => ({ path: path.join(dir, 'builds', '42.1', 'x86_64', 'meta.json'), query }) as unknown as vscode.Uri;

  it('reads a remote build\'s meta.json through the session, not from the local disk', async () => {
    const text = await new ReadOnlyMetaFiles(tree).provideTextDocumentContent(doc(encodeURIComponent(REMOTE)));
    assert.equal(text, '{"buildid": "on the builder"}');
    assert.deepEqual(asked, [{ buildId: '42.1', arch: 'x86_64', file: 'meta.json' }]);
  });

  it('refuses a document of another builder (or a local one) while the tree reads a session, and the other way round', async () => {
    const provider = new ReadOnlyMetaFiles(tree);
    await assert.rejects(provider.provideTextDocumentContent(doc('')), /another builder/);
    await assert.rejects(provider.provideTextDocumentContent(doc(encodeURIComponent('remote session other'))), /another builder/);
    tree.setSource(localBuildDir(dir));
    await assert.rejects(provider.provideTextDocumentContent(doc(encodeURIComponent(REMOTE))), /another builder/);
    assert.equal(await provider.provideTextDocumentContent(doc('')), '{"buildid": "local"}');
  });
});
