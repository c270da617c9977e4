// Runs inside the real extension host: a cosa pseudoterminal closed (the
// terminal closed, Terminate Task) while its start is still preparing
// (settings, runtime detection, the pull dialog) must cancel the process as
// soon as it exists; otherwise its container runs with nothing left to stop it.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CosaSettings, LABEL_WORKSPACE, workspaceId } from '../../src/cosa/invocation';
import { ContainerCli } from '../../src/engine/containers';
import { CosaEngine, CosaProcess, CosaRunResult } from '../../src/engine/cosaProcess';
import { CosaPseudoterminal } from '../../src/vscode/cosaPseudoterminal';
import { STAND_IN_IMAGE } from '../support/standInPrerequisites';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function registerPseudoterminalCancel(): void {
  describe('a cosa pseudoterminal closed while its start is still preparing', () => {
    for (const how of ['closed', 'Ctrl-C'] as const) {
      it(`${how} before the process exists: the process is cancelled, no container is left, the workspace is free`, async function () {
        this.timeout(120_000);
        const ws = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
        const engine = new CosaEngine({ stopGraceSeconds: 2 });
        try {
          const runtime = await engine.runtime('podman');
          const settings: CosaSettings = { runtime: 'podman', image: STAND_IN_IMAGE, runtimeArgs: ['--pull=never'] };
          let started: (p: CosaProcess) => void = () => undefined;
          const proc = new Promise<CosaProcess>((r) => (started = r));
          const pty = new CosaPseudoterminal(async () => {
            await sleep(300); // preparing: settings, runtime, a pull dialog
            const p = engine.start({ workspace: ws, args: ['shell', 'sleep', '60'], purpose: 'pty-cancel', tty: false, settings, runtime, mutating: true });
            started(p);
            return p;
          }, { closeOnExit: false });
          pty.open();
          if (how === 'closed') {
            pty.close();
          } else {
            pty.handleInput('\x03');
          }
          const p = await proc;
          const result = await Promise.race([p.result, sleep(30_000).then((): CosaRunResult | undefined => undefined)]);
          assert.equal(result?.cancelled, true, `the process was not cancelled within 30 s: ${JSON.stringify(result)}`);
          const left = await new ContainerCli(runtime.path).list({ [LABEL_WORKSPACE]: workspaceId(ws) });
          assert.deepEqual(left.map((c) => `${c.name} ${c.state}`), []);
          assert.equal(engine.locks.holder(ws), undefined);
        } finally {
          await engine.dispose();
        }
      });
    }
  });
}
