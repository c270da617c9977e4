// The builder choice (src/vscode/builders.ts) with the typed vscode stand-in (test/mocks/vscode.ts),
// a real CosaEngine and the real podman client: an untrusted workspace builds locally and says why,
// a broken setting stops the command with a way out, Select Builder lists podman's own connections
// (a containers.conf of the test's) and writes the choice, and a builder that does not answer is
// named with podman's reason. Reaching a real builder is test/integration/builderSessions.test.ts.

import '../../mocks/registerVscode';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { standIn, Uri } from '../../mocks/vscode';
import { COMMANDS } from '../../../src/commandIds';
import { UNTRUSTED_BUILDER_REASON } from '../../../src/cosa/builderChoice';
import { CosaEngine } from '../../../src/engine/cosaProcess';
import { findOnPath } from '../../../src/engine/executables';
import { RemoteSession } from '../../../src/engine/remoteSession';
import { Builders, LOCAL_PICK, SELECT_BUILDER_TITLE, URL_PICK } from '../../../src/vscode/builders';

const root = Uri.file('/tmp/coreos-builders-ws') as unknown as vscode.Uri;
// Port 1 on loopback: nothing listens, so podman's ssh fails at once with "connection refused".
const DEAD_URL = 'ssh://builder@127.0.0.1:1/run/user/1000/podman/podman.sock';
const podman = findOnPath('podman');

describe('builder choice (src/vscode/builders.ts)', function () {
  this.timeout(60_000);
  let builders: Builders | undefined;
  let engine: CosaEngine;
  let scratch: string | undefined;
  const savedConf = process.env.CONTAINERS_CONF;

  beforeEach(() => {
    standIn.reset();
    engine = new CosaEngine({ env: {} });
  });
  afterEach(() => {
    builders?.dispose();
    builders = undefined;
    if (savedConf === undefined) delete process.env.CONTAINERS_CONF;
    else process.env.CONTAINERS_CONF = savedConf;
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    scratch = undefined;
  });

  const item = () => standIn.statusBarItems.find((i) => i.id === 'coreos.builder')!;

  it('builds locally without a word when nothing is set', async () => {
    builders = new Builders(engine, () => podman);
    assert.equal(await builders.useFor(root, 'img'), undefined);
    assert.equal(engine.target(root.fsPath), undefined);
    assert.equal(item().shown, false);
    assert.deepEqual(standIn.errors, []);
  });

  it('in an untrusted workspace ignores a remote builder, builds locally, and the status bar says why', async () => {
    standIn.trusted = false;
    standIn.settings.set('coreos.builder', DEAD_URL);
    // A session set earlier must not survive: the target is what the setting says now.
    engine.setTarget(root.fsPath, new RemoteSession('podman', { url: DEAD_URL }, 'abc123abc123'));
    builders = new Builders(engine, () => podman);
    assert.deepEqual(builders.current(), { choice: { kind: 'local' }, ignored: UNTRUSTED_BUILDER_REASON });
    assert.equal(await builders.useFor(root, 'img'), undefined);
    assert.equal(engine.target(root.fsPath), undefined, 'cosa runs locally');
    assert.equal(item().shown, true);
    assert.equal(item().text, '$(vm) Builder: local');
    assert.match(item().tooltip ?? '', /not trusted, so its coreos\.builder setting is ignored/);
  });

  it('stops the command on a setting podman would not take, and offers Select Builder', async () => {
    standIn.settings.set('coreos.builder', 'tcp://10.0.0.1:8080');
    standIn.answer = SELECT_BUILDER_TITLE;
    builders = new Builders(engine, () => podman);
    assert.equal(item().text, '$(error) Builder: invalid');
    const reason = await builders.useFor(root, 'img');
    assert.match(reason ?? '', /only ssh:\/\/ podman builders are supported/);
    assert.equal(standIn.errors.length, 1);
    assert.deepEqual(standIn.errors[0]!.items, [SELECT_BUILDER_TITLE]);
    await new Promise((r) => setImmediate(r));
    assert.ok(standIn.executed.some((e) => e.command === COMMANDS.selectBuilder), 'the button opens Select Builder');
  });

  it('says so when a remote builder is chosen but no podman client is here', async () => {
    standIn.settings.set('coreos.builder', DEAD_URL);
    builders = new Builders(engine, () => undefined);
    assert.match(await builders.useFor(root, 'img') ?? '', /podman client, which is not on PATH here/);
    assert.equal(engine.target(root.fsPath), undefined);
  });

  it('a wrong identity file: the command does not start, and podman\'s reason is said in words', async function () {
    if (!podman) this.skip();
    standIn.settings.set('coreos.builder', DEAD_URL);
    standIn.settings.set('coreos.builderIdentity', '/etc/hostname');
    builders = new Builders(engine, () => podman);
    const reason = await builders.useFor(root, 'img');
    assert.match(reason ?? '', /the ssh identity file \/etc\/hostname cannot be read/);
    assert.equal(engine.target(root.fsPath), undefined);
    assert.equal(standIn.progress[0]?.title, 'Opening a cosa session on builder@127.0.0.1:1…');
  });

  it("Select Builder lists Local, podman's ssh connections and the URL entry, and a connection becomes the setting", async function () {
    if (!podman) this.skip();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-builders-'));
    const conf = path.join(scratch, 'containers.conf');
    fs.writeFileSync(conf, '');
    process.env.CONTAINERS_CONF = conf;
    const key = path.join(scratch, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    execFileSync(podman!, ['system', 'connection', 'add', '--identity', key, 'arm-builder', DEAD_URL], { env: process.env });
    standIn.quickPickAnswer = 'arm-builder';
    builders = new Builders(engine, () => podman);
    const choice = await builders.select();
    assert.deepEqual(standIn.quickPicks, [[LOCAL_PICK, 'arm-builder', URL_PICK]]);
    assert.deepEqual(choice, { kind: 'connection', name: 'arm-builder' });
    assert.equal(standIn.settings.get('coreos.builder'), 'arm-builder');
    assert.equal(standIn.settings.has('coreos.builderIdentity'), false, 'a connection brings its own identity');
    assert.equal((await builders.remoteBuilder())?.identity, key);
    assert.equal(item().text, '$(remote) Builder: arm-builder');
    assert.match(standIn.warnings[0]?.message ?? '', /^Builder arm-builder is selected, but .*nothing accepts ssh connections at 127\.0\.0\.1:1/);
    assert.match(item().tooltip ?? '', /not reachable: /);
  });

  it('Select Builder: an ssh:// URL is checked as typed, then its identity; Local clears both', async function () {
    if (!podman) this.skip();
    standIn.quickPickAnswer = URL_PICK;
    standIn.inputAnswers = ['ssh://host-without-user/run/podman.sock'];
    builders = new Builders(engine, () => podman);
    assert.equal(await builders.select(), undefined, 'a wrong URL is refused in the box');
    assert.match(standIn.inputValidation[0] ?? '', /expected ssh:\/\/user@host\[:port\]\/path\/to\/podman\.sock/);
    assert.equal(standIn.settings.has('coreos.builder'), false);

    standIn.inputAnswers = [DEAD_URL, '/no/such/key'];
    assert.equal(await builders.select(), undefined, 'a missing identity file is refused in the box');
    assert.equal(standIn.inputValidation[1], undefined);
    assert.equal(standIn.inputValidation[2], '/no/such/key does not exist');

    standIn.inputAnswers = [DEAD_URL, '/etc/hostname'];
    assert.deepEqual(await builders.select(), { kind: 'url', url: DEAD_URL, identity: '/etc/hostname' });
    assert.equal(standIn.settings.get('coreos.builder'), DEAD_URL);
    assert.equal(standIn.settings.get('coreos.builderIdentity'), '/etc/hostname');
    assert.equal(item().text, '$(remote) Builder: builder@127.0.0.1:1');

    standIn.quickPickAnswer = LOCAL_PICK;
    assert.deepEqual(await builders.select(), { kind: 'local' });
    assert.equal(standIn.settings.get('coreos.builder'), 'local');
    assert.equal(standIn.settings.has('coreos.builderIdentity'), false);
    assert.equal(item().shown, false);
  });
});
