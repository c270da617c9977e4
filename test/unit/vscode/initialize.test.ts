// Initialize (src/vscode/commands.ts) with the typed vscode stand-in: where the build directory
// is decides what cosa init can be given. A pod builder's /srv is its own emptyDir: a local
// checkout can reach it neither as a mount nor by sync, so only a git URL is taken there and
// cloned inside the pod (as fedora-coreos-pipeline's jobs run `cosa init <URL>` in their pod);
// a local checkout is refused with a way out. The build flow is a recorder: what would run.

import '../../mocks/registerVscode';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { standIn, Uri } from '../../mocks/vscode';
import { DEFAULT_CONFIG_REPO, isLocalConfigSource } from '../../../src/cosa/initArgs';
import { EMPTY_BUILD_DIR } from '../../../src/cosa/workspaceKind';
import { PodToBeMade } from '../../../src/engine/cosaPod';
import type { ExecBuildDir } from '../../../src/engine/execBuildDir';
import type { BuildFlow } from '../../../src/vscode/buildFlow';
import type { BuildDirLook } from '../../../src/vscode/cosaLauncher';
import { buildDirCommands } from '../../../src/vscode/commands';

const POD = 'kubectl:///coreos-virt/cosa-1a2b';
const CHECKOUT = '/home/me/fedora-coreos-config';

describe('Initialize (src/vscode/commands.ts)', () => {
  let dir: string;
  let root: vscode.Uri;
  let runs: string[][];
  let look: BuildDirLook;

  const init = () => {
    const flow = {
      run: async (_root: vscode.Uri, args: readonly string[]) => void runs.push([...args]),
      lookAtBuildDir: async () => look,
    } as unknown as BuildFlow;
    return buildDirCommands({ tree: undefined, flow }).init(root);
  };

  beforeEach(() => {
    standIn.reset();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-init-'));
    root = Uri.file(dir) as unknown as vscode.Uri;
    standIn.folders = [dir];
    runs = [];
    look = { facts: EMPTY_BUILD_DIR };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('with a pod builder', () => {
    beforeEach(() => {
      standIn.settings.set('coreos.builder', POD);
      look = { facts: EMPTY_BUILD_DIR, session: new PodToBeMade('pod coreos-virt/cosa-1a2b (kubectl)') };
    });

    it('refuses a local checkout with the reason and a way out: nothing runs, coreos.configGit is not set', async () => {
      standIn.inputAnswers = [CHECKOUT];
      standIn.answer = 'Select Builder';
      await init();
      assert.deepEqual(runs, [], 'cosa init --force /dev/null would leave the pod an empty src/config');
      assert.equal(standIn.settings.get('coreos.configGit'), undefined);
      assert.equal(standIn.warnings.length, 1);
      assert.match(standIn.warnings[0]!.message, /\/home\/me\/fedora-coreos-config is a local checkout, and this workspace builds in pod coreos-virt\/cosa-1a2b, which cannot see it/);
      assert.deepEqual(standIn.warnings[0]!.items, ['Enter a Git URL', 'Select Builder']);
      assert.deepEqual(standIn.executed.filter((e) => e.command !== 'setContext').map((e) => e.command), ['coreos.selectBuilder']);
    });

    it('"Enter a Git URL" asks again; the URL is cloned inside the pod by cosa init', async () => {
      const url = 'https://github.com/me/fedora-coreos-config';
      standIn.inputAnswers = [`file://${CHECKOUT}`, url, 'testing-devel', ''];
      standIn.answer = 'Enter a Git URL';
      await init();
      assert.equal(standIn.warnings.length, 1, 'the file: URL was refused once');
      assert.deepEqual(runs, [['init', '--branch', 'testing-devel', url]]);
    });

    it('asks for a git URL only (no folder button, the prompt names the pod); local src/ is not synced there, so no --force', async () => {
      fs.mkdirSync(path.join(dir, 'src'));
      standIn.workspaceValues.set('configGit', CHECKOUT);
      standIn.settings.set('coreos.configGit', CHECKOUT);
      standIn.inputAnswers = [DEFAULT_CONFIG_REPO, '', ''];
      await init();
      assert.deepEqual(standIn.inputBoxes.map((b) => b.buttons), [0]);
      assert.match(standIn.inputBoxes[0]!.prompt ?? '', /cosa init clones it inside pod coreos-virt\/cosa-1a2b/);
      assert.deepEqual(runs, [['init', DEFAULT_CONFIG_REPO]]);
      assert.equal(standIn.settings.get('coreos.configGit'), undefined, 'a remembered local checkout is forgotten');
    });
  });

  it('with a remote session, the local src/ it is sent first makes /srv non-empty: --force (a pod is sent nothing: see above)', async () => {
    fs.mkdirSync(path.join(dir, 'src'));
    const removed: string[][] = [];
    const session: ExecBuildDir = {
      kind: 'remote-session', description: 'remote session 4644a05b735e on builder1',
      visibleEntries: async () => [], removeFromBuildDir: async (entries) => void removed.push([...entries]),
    };
    look = { facts: EMPTY_BUILD_DIR, session };
    standIn.inputAnswers = [DEFAULT_CONFIG_REPO, '', ''];
    await init();
    assert.deepEqual(runs, [['init', '--force', DEFAULT_CONFIG_REPO]]);
    assert.deepEqual(removed, []);
  });

  describe('"Remove src/ and Initialize" after a cosa init that did not finish: removed where the init runs', () => {
    const LEFT = { ...EMPTY_BUILD_DIR, hasSrc: true, hasSrcConfig: true };
    beforeEach(() => {
      standIn.inputAnswers = [DEFAULT_CONFIG_REPO, '', ''];
      standIn.answer = 'Remove src/ and Initialize';
    });

    it('locally: src/ goes from the folder, what else is there makes it --force', async () => {
      fs.mkdirSync(path.join(dir, 'src', 'config'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'notes.txt'), '');
      look = { facts: LEFT };
      await init();
      assert.match(standIn.warnings[0]!.message, /A cosa init that did not finish left src\/ in /);
      assert.equal(fs.existsSync(path.join(dir, 'src')), false);
      assert.ok(fs.existsSync(path.join(dir, 'notes.txt')), 'nothing else is removed');
      assert.deepEqual(runs, [['init', '--force', DEFAULT_CONFIG_REPO]]);
    });

    it('in a pod: removed there by exec (the local folder is not touched), then an empty /srv needs no --force', async () => {
      fs.mkdirSync(path.join(dir, 'src'));
      let entries = ['src'];
      const removed: string[][] = [];
      const pod: ExecBuildDir = {
        kind: 'pod', description: 'pod coreos-virt/cosa-1a2b (kubectl)',
        visibleEntries: async () => entries, removeFromBuildDir: async (gone) => {
          removed.push([...gone]);
          entries = entries.filter((e) => !gone.includes(e as never));
        },
      };
      look = { facts: LEFT, session: pod };
      await init();
      assert.match(standIn.warnings[0]!.message, /left src\/ in pod coreos-virt\/cosa-1a2b/);
      assert.deepEqual(removed, [['src']]);
      assert.ok(fs.existsSync(path.join(dir, 'src')), 'the local src/ stays');
      assert.deepEqual(runs, [['init', DEFAULT_CONFIG_REPO]]);
    });
  });

  it('with the local builder, a local checkout is still taken: mounted as coreos.configGit, cosa init --force /dev/null', async () => {
    standIn.inputAnswers = [CHECKOUT, ''];
    await init();
    assert.deepEqual(standIn.inputBoxes.map((b) => b.buttons), [1], 'the folder button is offered');
    assert.deepEqual(standIn.warnings, []);
    assert.equal(standIn.settings.get('coreos.configGit'), CHECKOUT);
    assert.deepEqual(runs, [['init', '--force', '/dev/null']]);
  });

  it('isLocalConfigSource: paths and file: URLs are local, git URLs are not', () => {
    for (const s of ['/srv/config', ' ~/config', './config', '..', 'file:///home/me/config', 'FILE:/x']) assert.equal(isLocalConfigSource(s), true, s);
    for (const s of ['https://github.com/coreos/fedora-coreos-config', 'git@github.com:me/config.git', 'ssh://git@host/config', 'config.d']) {
      assert.equal(isLocalConfigSource(s), false, s);
    }
  });
});
