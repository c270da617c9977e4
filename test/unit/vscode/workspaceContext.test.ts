// The context keys of the welcome view and the walkthrough (src/vscode/workspaceContext.ts) with the
// typed vscode stand-in and real files: read from the local folder when cosa builds locally, and
// never from it when a remote builder is in effect and this window has no session there yet
// (Builders.contextBuildDir, src/vscode/builders.ts): the keys then say what a new session's /srv
// holds, and nothing is spawned to learn it. A session's /srv read over ssh is
// test/integration/contextKeys.test.ts.

import '../../mocks/registerVscode';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { standIn, Uri } from '../../mocks/vscode';
import { CosaEngine } from '../../../src/engine/cosaProcess';
import { Builders } from '../../../src/vscode/builders';
import { NO_SESSION, updateContextKeys } from '../../../src/vscode/workspaceContext';

// Port 1 on loopback: nothing listens; a test that reached for the builder would fail there.
const DEAD_URL = 'ssh://builder@127.0.0.1:1/run/user/1000/podman/podman.sock';
const FCOS_META = path.resolve(__dirname, '../../fixtures/reference/cosa/fixtures-fcos.meta.json');

/** A local folder after `cosa init` and a build with a qemu image (the fcos meta.json fixture). */
function builtFolder(): string {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-context-'));
  const meta = JSON.parse(fs.readFileSync(FCOS_META, 'utf8')) as { buildid: string; 'coreos-assembler.basearch': string };
  const arch = path.join(ws, 'builds', meta.buildid, meta['coreos-assembler.basearch']);
  fs.mkdirSync(arch, { recursive: true });
  fs.copyFileSync(FCOS_META, path.join(arch, 'meta.json'));
  fs.writeFileSync(path.join(ws, 'builds', 'builds.json'), JSON.stringify({ 'schema-version': '1.0.0', builds: [{ id: meta.buildid, arches: [meta['coreos-assembler.basearch']] }] }));
  for (const d of ['src/config', 'tmp', 'cache']) fs.mkdirSync(path.join(ws, d), { recursive: true });
  fs.writeFileSync(path.join(ws, 'test.bu'), 'variant: fcos\nversion: 1.5.0\n');
  return ws;
}

describe('context keys where the build directory is (src/vscode/workspaceContext.ts)', () => {
  let ws: string;
  let root: vscode.Uri;
  let builders: Builders | undefined;

  beforeEach(() => {
    standIn.reset();
    ws = builtFolder();
    standIn.folders = [ws];
    root = Uri.file(ws) as unknown as vscode.Uri;
  });
  afterEach(() => {
    builders?.dispose();
    builders = undefined;
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('the local builder: the keys say what the local folder holds', async () => {
    builders = new Builders(new CosaEngine({ env: {} }), () => 'podman');
    const where = await builders.contextBuildDir(root);
    assert.equal(where, undefined, 'local: the folder itself');
    standIn.executed = [];
    await updateContextKeys(root, 'podman', where);
    assert.deepEqual(standIn.contextKeys(), {
      'coreos.workspaceKind': 'builds', 'coreos.initialized': true, 'coreos.runtimeMissing': standIn.contextKeys()['coreos.runtimeMissing'],
      'coreos.hasBuild': true, 'coreos.hasQemuImage': true, 'coreos.hasIgnitionConfig': true,
    });
  });

  it('a remote builder with no session yet: not the local folder, nothing asked of the builder, the keys of an empty /srv', async () => {
    standIn.settings.set('coreos.builder', DEAD_URL);
    builders = new Builders(new CosaEngine({ env: {} }), () => 'podman');
    const where = await builders.contextBuildDir(root);
    assert.equal(where, NO_SESSION);
    standIn.executed = [];
    await updateContextKeys(root, 'podman', where);
    const keys = standIn.contextKeys();
    assert.equal(keys['coreos.workspaceKind'], 'uninitialized', 'the welcome view offers Initialize (on the builder), whatever is local');
    assert.equal(keys['coreos.initialized'], false);
    assert.equal(keys['coreos.hasBuild'], false, 'the local builds are not the builder\'s');
    assert.equal(keys['coreos.hasQemuImage'], false);
    assert.equal(keys['coreos.hasIgnitionConfig'], true, 'the user\'s configs are local files either way');
    assert.deepEqual(standIn.progress, [], 'no session was opened');
    assert.deepEqual(standIn.errors, []);
  });

  it('a session still opening (an image pull can take minutes) is not waited for: the keys answer at once with an empty /srv', async () => {
    standIn.settings.set('coreos.builder', DEAD_URL);
    builders = new Builders(new CosaEngine({ env: {} }), () => 'podman');
    let release!: () => void;
    standIn.progressGate = new Promise((r) => (release = r));
    const opening = builders.sessionFor(root, 'img').then(() => 'opened', (e: Error) => e.message);
    await new Promise((r) => setImmediate(r)); // the URL setting is resolved without asking podman: in promise callbacks only
    assert.equal(standIn.progress.length, 1, 'the session is opening (its notification is shown)');
    // setImmediate runs once every promise settled so far has run its callbacks: a still-pending answer waits on the session.
    const answer = await Promise.race([builders.contextBuildDir(root), new Promise((r) => setImmediate(() => r('still waiting')))]);
    assert.equal(answer, NO_SESSION, 'the keys do not wait for the opening session');
    standIn.executed = [];
    await updateContextKeys(root, 'podman', answer);
    assert.equal(standIn.contextKeys()['coreos.workspaceKind'], 'uninitialized');
    assert.equal(standIn.contextKeys()['coreos.hasBuild'], false, 'not the local folder\'s builds');

    release();
    assert.match(await opening, /127\.0\.0\.1|connect|refused/i, 'nothing listens on the builder\'s port: the opening fails');
    assert.equal(await builders.contextBuildDir(root), NO_SESSION, 'a session that did not open is not read');
  });

  it('an invalid builder setting is not the local folder either', async () => {
    standIn.settings.set('coreos.builder', 'tcp://10.0.0.1:8080');
    builders = new Builders(new CosaEngine({ env: {} }), () => 'podman');
    assert.equal(await builders.contextBuildDir(root), NO_SESSION);
  });

  it('an untrusted workspace builds locally, so its keys are the local folder\'s', async () => {
    standIn.trusted = false;
    standIn.settings.set('coreos.builder', DEAD_URL);
    builders = new Builders(new CosaEngine({ env: {} }), () => 'podman');
    assert.equal(await builders.contextBuildDir(root), undefined);
  });
});
