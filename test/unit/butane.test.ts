import * as assert from 'node:assert/strict';
import { butaneArgs, butaneMissing, ignitionFromStdout, ignitionPathFor, parseButaneOutput } from '../../src/cosa/butane';

describe('butane in the cosa container (args, output, errors)', () => {
  it('runs butane --strict through shell with --files-dir the directory of the .bu', () => {
    assert.deepEqual(butaneArgs('/srv/configs/web.bu'), ['shell', 'butane', '--strict', '--files-dir', '/srv/configs', '/srv/configs/web.bu']);
    assert.deepEqual(butaneArgs('/srv/a b/c.bu'), ['shell', 'butane', '--strict', '--files-dir', '/srv/a b', '/srv/a b/c.bu']);
    assert.deepEqual(butaneArgs('/srv/x.bu', false), ['shell', 'butane', '--strict', '/srv/x.bu']);
  });

  it('writes <name>.ign next to the source', () => {
    assert.equal(ignitionPathFor('/w/configs/web.bu'), '/w/configs/web.ign');
    assert.equal(ignitionPathFor('/w/WEB.BU'), '/w/WEB.ign');
    assert.equal(ignitionPathFor('/w/config.yaml'), '/w/config.yaml.ign');
  });

  it('maps vcontext report lines to positions and paths', () => {
    const out = [
      'error at $.storage.files.0.path, line 6 col 13: path not absolute',
      'warning at $.systemd.units.0.contents, line 12 col 7: unit "x.service" has no [Install] section',
      'Error translating config: config is not valid',
    ].join('\n');
    assert.deepEqual(parseButaneOutput(out), [
      { level: 'error', path: '$.storage.files.0.path', line: 6, column: 13, message: 'path not absolute' },
      { level: 'warning', path: '$.systemd.units.0.contents', line: 12, column: 7, message: 'unit "x.service" has no [Install] section' },
    ]);
  });

  it('keeps entries without a position and strict-mode warnings', () => {
    const out = 'warning at $.passwd.users.0: some warning\nConfig produced warnings and --strict was specified\n';
    assert.deepEqual(parseButaneOutput(out), [{ level: 'warning', path: '$.passwd.users.0', line: 0, column: 0, message: 'some warning' }]);
    assert.deepEqual(parseButaneOutput('error: No variant specified\n'), [{ level: 'error', path: '', line: 0, column: 0, message: 'No variant specified' }]);
  });

  it('maps yaml errors with line numbers', () => {
    assert.deepEqual(parseButaneOutput('Error translating config: yaml: line 4: did not find expected key\n'), [
      { level: 'error', path: '', line: 4, column: 0, message: 'yaml: did not find expected key' },
    ]);
    assert.deepEqual(parseButaneOutput('Error translating config: yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `abc` into int\n  line 9, column 2: field x not found\n'), [
      { level: 'error', path: '', line: 3, column: 0, message: 'yaml: cannot unmarshal !!str `abc` into int' },
      { level: 'error', path: '', line: 9, column: 2, message: 'yaml: field x not found' },
    ]);
  });

  it('keeps an error without a report entry as a whole-file error', () => {
    assert.deepEqual(parseButaneOutput('Error translating config: unsupported config version\n'), [
      { level: 'error', path: '', line: 0, column: 0, message: 'unsupported config version' },
    ]);
    assert.deepEqual(parseButaneOutput(''), []);
  });

  it('recognises an image without butane', () => {
    assert.ok(butaneMissing('/usr/lib/coreos-assembler/cmd-shell: line 7: exec: butane: not found', 127));
    assert.ok(butaneMissing('bash: butane: command not found', 1));
    assert.ok(butaneMissing('Error: exec: "butane": executable file not found in $PATH', 125));
    assert.ok(!butaneMissing('error at $.x, line 1 col 1: bad', 1));
  });

  it('joins stdout pieces (compact JSON has no newline) and checks it is JSON', () => {
    assert.deepEqual(ignitionFromStdout(['{"ignition":{"version":"3.4', '.0"}}']), { text: '{"ignition":{"version":"3.4.0"}}\n' });
    assert.ok('error' in ignitionFromStdout([]));
    assert.ok('error' in ignitionFromStdout(['{"ignition":']));
  });
});
