// Messages from webviews are checked by shape before the host acts on them
// (webview-ui/src/messageValidation.ts for the Ignition Config Editor,
// webview-ui/src/reportMessages.ts for the prerequisites report): every kind the
// webviews send passes, and malformed ones are refused with a reason, never
// thrown on, in time linear in their size.

import * as assert from 'node:assert/strict';
import { checkReportToHost } from '../../webview-ui/src/reportMessages';
import { checkWebviewToHost, MAX_JSON_DEPTH, MAX_PATH_LENGTH } from '../../webview-ui/src/messageValidation';
import type { WebviewToHost } from '../../webview-ui/src/messages';
import { mulberry32 } from '../support/prng';

/** What webview-ui/src/main.ts sends, after VS Code's JSON transport. */
const SENT: WebviewToHost[] = [
  { type: 'ready' },
  { type: 'testInVm' },
  { type: 'set', path: ['ignition', 'version'], value: '3.4.0' },
  { type: 'set', path: ['storage', 'files', 0, 'mode'], value: 420 },
  { type: 'set', path: ['systemd', 'units', 2, 'enabled'], value: false },
  { type: 'append', path: ['passwd', 'users'], value: { name: '' } },
  { type: 'append', path: ['storage', 'files'], value: { path: '/etc/new-file', mode: 0o644, contents: { source: 'data:,' } } },
  { type: 'append', path: ['kernelArguments', 'shouldExist'], value: '' },
  { type: 'remove', path: ['passwd', 'users', 0, 'sshAuthorizedKeys', 1] },
  { type: 'append', path: ['systemd', 'units', 0, 'dropins'], value: { name: '10-override.conf', contents: '[Service]\n' } },
  { type: 'append', path: ['storage', 'directories'], value: { path: '/var/new-directory', mode: 0o755 } },
  { type: 'append', path: ['storage', 'links'], value: { path: '/etc/new-link', target: '/etc/hostname' } },
  { type: 'set', path: ['storage', 'links', 0, 'hard'], value: true },
  { type: 'set', path: ['systemd', 'units', 0, 'mask'], value: undefined },
  { type: 'reveal', offset: 120, length: 7 },
];

describe('webview messages are checked by shape', () => {
  it('passes every message the Ignition Config Editor sends, unchanged', () => {
    for (const m of SENT) {
      const wire = JSON.parse(JSON.stringify(m)) as unknown;
      assert.deepEqual(checkWebviewToHost(wire), { ok: true, message: wire }, JSON.stringify(m));
    }
    // `set` with value undefined (remove a key) arrives without `value`.
    const wire = JSON.parse(JSON.stringify({ type: 'set', path: ['systemd', 'units', 0, 'contents'], value: undefined })) as unknown;
    assert.equal(checkWebviewToHost(wire).ok, true);
  });

  it('refuses malformed messages with the reason', () => {
    const cases: [unknown, RegExp][] = [
      [undefined, /not an object/],
      [null, /not an object/],
      ['ready', /not an object/],
      [[{ type: 'ready' }], /not an object/],
      [{}, /type undefined.*unknown message type/],
      [{ type: 'runCommand', command: 'workbench.action.terminal.sendSequence' }, /type "runCommand": unknown message type/],
      [{ type: 'ready', extra: 1 }, /unexpected "extra"/],
      [{ type: 'set', path: 'ignition.version', value: 'x' }, /path is not an array/],
      [{ type: 'set', path: ['a', -1], value: 1 }, /path\[1\] is neither a key nor an index/],
      [{ type: 'set', path: ['a', 1.5], value: 1 }, /path\[1\]/],
      [{ type: 'set', path: [{}], value: 1 }, /path\[0\]/],
      [{ type: 'set', path: Array(MAX_PATH_LENGTH + 1).fill('a'), value: 1 }, /path is longer than/],
      [{ type: 'append', path: ['a'] }, /append without a value/],
      [{ type: 'remove' }, /path is not an array/],
      [{ type: 'remove', path: ['a'], value: 1 }, /unexpected "value"/],
      [{ type: 'reveal', offset: -1, length: 1 }, /offset is not a whole number/],
      [{ type: 'reveal', offset: '1', length: 1 }, /offset/],
      [{ type: 'reveal', offset: 1, length: 2 ** 60 }, /length/],
      [{ type: 'testInVm', uri: 'file:///etc/passwd' }, /unexpected "uri"/],
    ];
    for (const [m, reason] of cases) {
      const checked = checkWebviewToHost(m);
      assert.equal(checked.ok, false, JSON.stringify(m));
      assert.match((checked as { reason: string }).reason, reason, JSON.stringify(m));
    }
  });

  it('refuses values that are not JSON, and nesting beyond a config, without recursion', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 1_000_000; i++) deep = [deep];
    const started = process.hrtime.bigint();
    assert.match((checkWebviewToHost({ type: 'set', path: ['a'], value: deep }) as { reason: string }).reason, new RegExp(`nested deeper than ${MAX_JSON_DEPTH}`));
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 1000, 'a deep value is refused quickly');
    for (const value of [Number.NaN, Infinity, { a: () => 1 }, [1n], new Date(0), new Map()]) {
      assert.equal(checkWebviewToHost({ type: 'append', path: ['a'], value }).ok, false, String(value));
    }
  });

  it('never throws on seeded garbage', () => {
    const rnd = mulberry32(9);
    const atoms: unknown[] = [null, 0, -1, 1.5, '', 'set', 'ready', 'remove', 'reveal', 'append', 'testInVm', true, [], {}];
    const gen = (depth: number): unknown => {
      const r = rnd();
      if (depth > 4 || r < 0.4) return atoms[Math.floor(rnd() * atoms.length)];
      if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 4) }, () => gen(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 4) }, () => [['type', 'path', 'value', 'offset', 'length', 'x'][Math.floor(rnd() * 6)]!, gen(depth + 1)]));
    };
    let passed = 0;
    for (let i = 0; i < 20_000; i++) {
      const m = gen(0);
      const checked = checkWebviewToHost(m);
      if (checked.ok) {
        passed++;
        assert.ok(['ready', 'testInVm', 'set', 'append', 'remove', 'reveal'].includes((m as { type: string }).type));
      }
    }
    assert.ok(passed > 0 && passed < 20_000, `some pass, most do not (${passed})`);
  });

  it('prerequisites report: only its own commands run', () => {
    for (const command of ['coreos.checkPrerequisites', 'coreos.pullImage']) {
      assert.deepEqual(checkReportToHost({ type: 'command', command }), { ok: true, message: { type: 'command', command } });
    }
    const cases: [unknown, RegExp][] = [
      [null, /not an object/],
      [{ type: 'command', command: 'workbench.action.terminal.new' }, /"workbench\.action\.terminal\.new" is not one this page runs/],
      [{ type: 'command', command: ['coreos.pullImage'] }, /is not one this page runs/],
      [{ type: 'command', command: 'coreos.pullImage', args: ['x'] }, /unexpected "args"/],
      [{ type: 'reveal', anchor: 'x' }, /unknown message type/],
    ];
    for (const [m, reason] of cases) {
      const checked = checkReportToHost(m);
      assert.equal(checked.ok, false, JSON.stringify(m));
      assert.match((checked as { reason: string }).reason, reason);
    }
  });
});
