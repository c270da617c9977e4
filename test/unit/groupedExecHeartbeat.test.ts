// The heartbeat of a command run by exec without a terminal (src/cosa/processGroup.ts) and the
// silence limit of src/engine/groupedExec.ts, with real processes on this machine: the "container"
// is the local system, the "exec client" a local process (a hung one: it stops reading after
// the marker and sleeps, as podman --remote can after its ssh connection drops).

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { groupedArgv, isHeartbeatLine, killGroupArgv, ProcessGroupError } from '../../src/cosa/processGroup';
import { GroupedExec } from '../../src/engine/groupedExec';
import { direct, hung } from '../support/localTransports';

function groupAlive(pgid: number): boolean {
  return spawnSync('kill', ['-0', '--', `-${pgid}`]).status === 0;
}

describe('exec without a terminal: heartbeat and silence limit', function () {
  this.timeout(20_000);

  it('the wrapper: a heartbeat only without a terminal, a sane interval only', () => {
    assert.deepEqual(groupedArgv(['cosa', 'build'], { heartbeatSeconds: 2 }).slice(-3), ['2', 'cosa', 'build']);
    assert.ok(!groupedArgv(['cosa', 'run'], { tty: true }).join(' ').includes('COSA-VSCODE-ALIVE'));
    for (const bad of [0, -1, NaN, Infinity]) {
      assert.throws(() => groupedArgv(['cosa'], { heartbeatSeconds: bad }), ProcessGroupError, String(bad));
    }
    assert.equal(isHeartbeatLine('COSA-VSCODE-ALIVE\n'), true);
    assert.equal(isHeartbeatLine('x COSA-VSCODE-ALIVE'), false);
  });

  it('a quiet command outlives the silence limit on heartbeats alone; they are not output; status and output kept; nothing left', async () => {
    const exec = new GroupedExec(direct, ['sh', '-c', 'echo out; echo err >&2; sleep 1.5; exit 7'], { heartbeatSeconds: 0.2, silenceLimitMs: 700 });
    const data: string[] = [];
    const lines: string[] = [];
    exec.onData((d) => data.push(d));
    exec.onLine((l) => lines.push(l));
    const exit = await exec.exit;
    assert.equal(exit.exitCode, 7);
    assert.equal(exit.contactLost, undefined, 'heartbeats kept it alive');
    assert.deepEqual(lines.sort(), ['err', 'out']);
    assert.ok(!data.join('').includes('COSA-VSCODE'), data.join(''));
    assert.ok(exit.pgid !== undefined && !groupAlive(exit.pgid), 'the heartbeat ended with the command');
  });

  it('a client that goes silent is ended after the limit and says so; the command there is untouched (the caller stops it)', async () => {
    const started = Date.now();
    const exec = new GroupedExec(hung, ['sleep', '30'], { heartbeatSeconds: 0.2, silenceLimitMs: 1000 });
    const exit = await exec.exit;
    try {
      assert.equal(exit.contactLost, true);
      assert.ok(exit.pgid !== undefined);
      const took = Date.now() - started;
      assert.ok(took >= 1000 && took < 10_000, `${took} ms`);
      assert.ok(groupAlive(exit.pgid), 'the command still runs where it ran');
    } finally {
      if (exit.pgid !== undefined) {
        const [file, ...args] = killGroupArgv(exit.pgid, 'KILL');
        spawnSync(file!, args);
      }
    }
  });

  it('a cancel is not mistaken for lost contact', async () => {
    const exec = new GroupedExec(direct, ['sleep', '30'], { heartbeatSeconds: 0.2, silenceLimitMs: 500, killGraceMs: 500 });
    await new Promise((r) => setTimeout(r, 300));
    await exec.cancel();
    const exit = await exec.exit;
    assert.equal(exit.cancelled, true);
    assert.equal(exit.contactLost, undefined);
  });
});
