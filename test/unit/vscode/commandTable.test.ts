// The command wrapper (src/vscode/commandTable.ts) with the typed vscode
// stand-in (test/mocks/vscode.ts): the shared preconditions run before any
// handler, known errors become one kind of message, anything else propagates,
// and the table registers every command id exactly once.

import '../../mocks/registerVscode';
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { standIn, Uri } from '../../mocks/vscode';
import { COMMANDS } from '../../../src/commandIds';
import { InvocationError } from '../../../src/cosa/invocation';
import { QemuOptionsError } from '../../../src/cosa/qemuArgs';
import { SettingsError } from '../../../src/cosa/settingsResolution';
import { CommandFeatures, commandRunner, commandTable, CommandSpec, OPEN_FOLDER_FIRST, runCommand } from '../../../src/vscode/commandTable';
import { registerCommandsOnFirstUse } from '../../../src/vscode/firstUse';

const root = Uri.file('/tmp/ws') as unknown as vscode.Uri;

/** A row whose handler records its calls and returns or throws what it is given. */
function row(needs: CommandSpec['needs'], outcome: () => unknown = () => 'done'): { spec: CommandSpec; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const spec = {
    id: COMMANDS.build, title: 'cosa build', needs,
    run: (...args: unknown[]) => {
      calls.push(args);
      return outcome();
    },
  } as CommandSpec;
  return { spec, calls };
}

describe('the command wrapper (src/vscode/commandTable.ts)', () => {
  beforeEach(() => standIn.reset());

  it('runs a container command in a trusted workspace with the folder and the arguments, and returns its result', async () => {
    const { spec, calls } = row('container', () => true);
    assert.equal(await runCommand(spec, root, ['node']), true);
    assert.deepEqual(calls, [[root, 'node']]);
    assert.deepEqual([standIn.warnings, standIn.errors], [[], []]);
  });

  it('refuses a container command in an untrusted workspace before its handler runs, saying why', async () => {
    standIn.trusted = false;
    const { spec, calls } = row('container');
    assert.equal(await runCommand(spec, root, []), undefined);
    assert.deepEqual(calls, []);
    assert.match(standIn.warnings[0]?.message ?? '', /^cosa build was not started: coreos-assembler runs a privileged container/);
  });

  it('runs a folder command that starts no container in an untrusted workspace', async () => {
    standIn.trusted = false;
    const { spec, calls } = row('folder');
    await runCommand(spec, root, []);
    assert.equal(calls.length, 1);
    assert.deepEqual(standIn.warnings, []);
  });

  it('refuses a folder command without an open folder: "Open a folder first", and the handler never runs', async () => {
    for (const needs of ['folder', 'container'] as const) {
      standIn.reset();
      const { spec, calls } = row(needs);
      assert.equal(await runCommand(spec, undefined, []), undefined);
      assert.deepEqual(calls, []);
      assert.deepEqual(standIn.errors.map((e) => e.message), [OPEN_FOLDER_FIRST]);
    }
  });

  it('runs a command that needs no folder without one', async () => {
    const { spec, calls } = row(undefined);
    await runCommand(spec, undefined, ['x']);
    assert.deepEqual(calls, [[undefined, 'x']]);
  });

  it('reports InvocationError, SettingsError and QemuOptionsError as one kind of message: "<title>: <why>"', async () => {
    for (const error of [new InvocationError('no uidmap here'), new SettingsError('coreos.image is empty'), new QemuOptionsError('memory: not a number')]) {
      standIn.reset();
      const { spec } = row('container', () => {
        throw error;
      });
      assert.equal(await runCommand(spec, root, []), undefined);
      assert.deepEqual(standIn.errors.map((e) => e.message), [`cosa build: ${error.message}`]);
    }
    standIn.reset();
    const rejected = row('container', () => Promise.reject(new QemuOptionsError('async too')));
    await runCommand(rejected.spec, root, []);
    assert.deepEqual(standIn.errors.map((e) => e.message), ['cosa build: async too']);
  });

  it('lets any other error propagate (a bug is not turned into a message)', async () => {
    const { spec } = row('container', () => {
      throw new TypeError('undefined is not a function');
    });
    await assert.rejects(runCommand(spec, root, []), TypeError);
    assert.deepEqual(standIn.errors, []);
  });

  it('the table has one row per command id, and registering it registers each id once through the wrapper, the table made on the first call', async () => {
    const table = commandTable({} as CommandFeatures);
    assert.deepEqual(table.map((r) => r.id).sort(), Object.values(COMMANDS).sort());
    standIn.folders = ['/tmp/ws'];
    let loads = 0;
    const disposables = registerCommandsOnFirstUse(() => {
      loads++;
      return { runCommand: commandRunner(table, () => undefined) };
    });
    assert.deepEqual([...standIn.registered.keys()].sort(), Object.values(COMMANDS).sort());
    assert.equal(loads, 0, 'registering loads nothing');
    // registered through the wrapper: without a folder, a folder command says so and starts nothing
    await standIn.registered.get(COMMANDS.build)!();
    assert.deepEqual(standIn.errors.map((e) => e.message), [OPEN_FOLDER_FIRST]);
    assert.equal(loads, 1);
    disposables.forEach((d) => d.dispose());
    assert.equal(standIn.registered.size, 0);
  });
});
