// The contact watch of a terminal in an exec target (src/engine/execTerminal.ts): a second exec,
// without a terminal, that lives as long as the terminal's command and carries the heartbeat.
// Real processes on this machine stand for the container (test/support/localTransports.ts): a
// client that goes silent is reported once, a live one is not, and the watch ends with the command.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { execTerminalCommand } from '../../src/engine/execTerminal';
import { ExecTransport } from '../../src/engine/execTransport';
import { watchFiledSessionArgv } from '../../src/cosa/processGroup';
import { direct, hung } from '../support/localTransports';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The session-id file the terminal's command writes (an argument of its argv). */
function sidFileOf(argv: readonly string[]): string {
  const f = argv.find((a) => /\/coreos-vscode-[0-9a-f]+\.sid$/.test(a));
  assert.ok(f, argv.join(' '));
  return f;
}

/** Local processes still running the watch script for `sidFile`. */
function watchersOf(sidFile: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).stdout;
  return ps.split('\n').filter((l) => l.includes(sidFile) && !l.includes('ps -eo'));
}

async function until(what: string, ms: number, check: () => boolean): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(`not within ${ms} ms: ${what}`);
    await sleep(50);
  }
}

describe('a terminal in an exec target: the contact watch', function () {
  this.timeout(30_000);

  it('the watch script is a plain sh argv for a checked file only', () => {
    assert.deepEqual(watchFiledSessionArgv('/tmp/a.sid').slice(0, 2), ['sh', '-c']);
    assert.throws(() => watchFiledSessionArgv('/tmp/../etc/x'));
    assert.throws(() => watchFiledSessionArgv('relative.sid'));
  });

  it('a client that goes silent (no heartbeat) is reported once; nothing of the watch is left', async () => {
    const cmd = execTerminalCommand(hung, ['shell']);
    const sid = sidFileOf(cmd.argv);
    fs.writeFileSync(sid, '4242');
    try {
      let lost = 0;
      cmd.watchContact(() => lost++, { heartbeatSeconds: 0.2, silenceLimitMs: 1500 });
      await until('the lost contact is reported', 10_000, () => lost > 0);
      await sleep(500);
      assert.equal(lost, 1);
    } finally {
      // The command's end: the watch script in the "container" ends by itself.
      fs.writeFileSync(sid, 'done');
    }
    await until('the watch script ends with the command', 10_000, () => watchersOf(sid).length === 0);
    fs.rmSync(sid, { force: true });
  });

  it('a live client with its heartbeat is not reported, and the watch ends when the command does', async () => {
    const cmd = execTerminalCommand(direct as ExecTransport, ['shell']);
    const sid = sidFileOf(cmd.argv);
    fs.writeFileSync(sid, '4243');
    let lost = 0;
    cmd.watchContact(() => lost++, { heartbeatSeconds: 0.2, silenceLimitMs: 1500 });
    await sleep(3000);
    assert.equal(lost, 0, 'reported while its heartbeat came');
    assert.ok(watchersOf(sid).length > 0, 'the watch runs while the command does');
    fs.writeFileSync(sid, 'done');
    await until('the watch ends with the command', 10_000, () => watchersOf(sid).length === 0);
    assert.equal(lost, 0);
    fs.rmSync(sid, { force: true });
  });

  it('stop() ends the watch at once (the terminal closed)', async () => {
    const cmd = execTerminalCommand(direct as ExecTransport, ['shell']);
    const sid = sidFileOf(cmd.argv);
    fs.writeFileSync(sid, '999999');
    let lost = 0;
    cmd.watchContact(() => lost++, { heartbeatSeconds: 0.2, silenceLimitMs: 1500 });
    await until('the watch runs', 5000, () => watchersOf(sid).length > 0);
    await cmd.stop(0);
    await until('the watch ends', 10_000, () => watchersOf(sid).length === 0);
    assert.equal(lost, 0);
    assert.equal(fs.existsSync(sid), false, 'stop removes the session file');
  });
});
