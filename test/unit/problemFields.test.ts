// Which field of the Ignition Config Editor a finding marks (webview-ui/src/problemFields.ts):
// its own, else the nearest enclosing one shown (a card), else none.

import * as assert from 'node:assert/strict';
import type { ProblemView } from '../../webview-ui/src/messages';
import { fieldKeyOf, problemKey, problemsByField } from '../../webview-ui/src/problemFields';

const shown = new Set(['ignition.version', 'storage.files.0', 'storage.files.0.path', 'systemd.units.1', 'systemd.units.1.dropins.0', 'systemd.units.1.dropins.0.name']);
const finding = (path: string, message: string): ProblemView => ({ severity: 'error', message, path, line: 1, column: 1, offset: 0, length: 1 });

describe('Ignition Config Editor: findings to fields', () => {
  it('reads the JSON path of a finding as a field key', () => {
    assert.equal(problemKey('$.storage.files.0.path'), 'storage.files.0.path');
    assert.equal(problemKey('$'), '');
    assert.equal(problemKey(''), '');
  });

  it('marks the field itself, else the nearest card around it, else nothing', () => {
    assert.equal(fieldKeyOf('$.storage.files.0.path', shown), 'storage.files.0.path');
    // a finding about a key the form has no field for goes to its card
    assert.equal(fieldKeyOf('$.storage.files.0.contents.verification.hash', shown), 'storage.files.0');
    assert.equal(fieldKeyOf('$.systemd.units.1.dropins.0.contents', shown), 'systemd.units.1.dropins.0');
    // a prefix of a key is not its parent: units.1 is not units.10
    assert.equal(fieldKeyOf('$.systemd.units.10.name', shown), undefined);
    assert.equal(fieldKeyOf('$.passwd.users.0.name', shown), undefined);
    assert.equal(fieldKeyOf('', shown), undefined);
  });

  it('groups the findings per field in their order', () => {
    const byField = problemsByField([
      finding('$.storage.files.0.path', 'path not absolute'),
      finding('$.ignition.version', 'unsupported config version'),
      finding('$.storage.files.0.path', 'duplicate entry defined'),
      finding('$.kernelArguments', 'not shown'),
    ], shown);
    assert.deepEqual([...byField].map(([k, v]) => [k, v.map((p) => p.message)]), [
      ['storage.files.0.path', ['path not absolute', 'duplicate entry defined']],
      ['ignition.version', ['unsupported config version']],
    ]);
  });
});
