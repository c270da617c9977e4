import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { butaneArgs, butaneMissing, ignitionFromStdout, ignitionPathFor, parseButaneOutput, withoutDuplicates } from '../../src/cosa/butane';

describe('butane in the cosa container (args, output, errors)', () => {
  it('runs butane --strict through shell with --files-dir the directory of the .bu', () => {
    assert.deepEqual(butaneArgs('/srv/configs/web.bu'), ['shell', 'butane', '--strict', '--files-dir', '/srv/configs', '/srv/configs/web.bu']);
    assert.deepEqual(butaneArgs('/srv/a b/c.bu'), ['shell', 'butane', '--strict', '--files-dir', '/srv/a b', '/srv/a b/c.bu']);
    assert.deepEqual(butaneArgs('/srv/x.bu', { filesDir: false }), ['shell', 'butane', '--strict', '/srv/x.bu']);
    assert.deepEqual(butaneArgs('/srv/x.bu', { pretty: true }), ['shell', 'butane', '--strict', '--pretty', '--files-dir', '/srv', '/srv/x.bu']);
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

  it('joins stdout lines (one for compact JSON, the --pretty layout kept) and checks it is JSON', () => {
    assert.deepEqual(ignitionFromStdout(['{"ignition":{"version":"3.4.0"}}']), { text: '{"ignition":{"version":"3.4.0"}}\n' });
    const pretty = '{\n  "ignition": {\n    "version": "3.4.0"\n  }\n}';
    assert.deepEqual(ignitionFromStdout(pretty.split('\n')), { text: `${pretty}\n` });
    assert.ok('error' in ignitionFromStdout([]));
    assert.ok('error' in ignitionFromStdout(['{"ignition":']));
  });

  it('maps a syntax error wrapped in butane\'s ErrUnmarshal and a positioned entry without a path', () => {
    assert.deepEqual(parseButaneOutput('Error translating config: Error unmarshaling yaml: yaml: line 5: did not find expected key\n'), [
      { level: 'error', path: '', line: 5, column: 0, message: 'yaml: did not find expected key' },
    ]);
    assert.deepEqual(parseButaneOutput('Error translating config: Error unmarshaling yaml: yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `x` into config.commonFields\n'), [
      { level: 'error', path: '', line: 1, column: 0, message: 'yaml: cannot unmarshal !!str `x` into config.commonFields' },
    ]);
    assert.deepEqual(parseButaneOutput('error at line 3 col 4: bad\n'), [{ level: 'error', path: '', line: 3, column: 4, message: 'bad' }]);
  });
});

describe('butane >= 0.29 pretty reports (recorded in test/fixtures/butane-reports)', () => {
  const recorded = (name: string): string => fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'butane-reports', name), 'utf8');

  it('the upstream example: position from the arrow, message after the carets', () => {
    assert.deepEqual(parseButaneOutput(recorded('pretty-upstream-example.txt')), [
      { level: 'error', path: '$.boot_device.layout', line: 4, column: 11, message: 'mirroring not supported on layouts: s390x-eckd, s390x-zfcp, s390x-virt' },
    ]);
  });

  it('pretty, raw (--raw-errors) and coloured forms of the same report give the same message', () => {
    const want = [{ level: 'warning', path: '$.passwd.users.0.frobnicate', line: 6, column: 7, message: 'Unused key frobnicate' }];
    assert.deepEqual(parseButaneOutput(recorded('pretty-unused-key.txt')), want);
    assert.deepEqual(parseButaneOutput(recorded('raw-unused-key.txt')), want);
    assert.deepEqual(parseButaneOutput(recorded('pretty-color.txt')), want);
  });

  it('several entries, a wide gutter, a file name with spaces, a raw entry among pretty ones, and the final error', () => {
    assert.deepEqual(parseButaneOutput(recorded('pretty-two-entries.txt')), [
      { level: 'warning', path: '$.systemd.units.0.frobnicate', line: 10, column: 7, message: 'Unused key frobnicate' },
      { level: 'error', path: '$.storage.files.0.path', line: 0, column: 0, message: 'path not absolute' },
    ]);
  });

  it('an entry without a path, a column on a space (no carets), a message over several lines', () => {
    const text = [
      'error:',
      '  --> <stdin>:2:1',
      '   |',
      ' 1 | variant: fcos',
      ' 2 |  version: 1.5.0',
      '   |  first line',
      'second line',
      '   |',
      '',
      'info[$.a]:',
      '  --> C:\\x:y.bu:1:3',
      '   |',
      ' 1 | ab cd',
      '   |   ^ note',
      '   |',
    ].join('\n');
    assert.deepEqual(parseButaneOutput(text), [
      { level: 'error', path: '', line: 2, column: 1, message: 'first line\nsecond line' },
      { level: 'info', path: '$.a', line: 1, column: 3, message: 'note' },
    ]);
  });

  it('a header without its arrow is not a pretty entry; excerpt lines never become findings', () => {
    assert.deepEqual(parseButaneOutput('error:\nsomething else\n'), []);
    const excerptLooksLikeEntry = [
      'warning[$.x]:',
      '  --> a.bu:2:1',
      '   |',
      ' 1 | error at $.y, line 1 col 1: not a finding',
      ' 2 | x: 1',
      '   | ^^ Unused key x',
      '   |',
    ].join('\n');
    assert.deepEqual(parseButaneOutput(excerptLooksLikeEntry), [{ level: 'warning', path: '$.x', line: 2, column: 1, message: 'Unused key x' }]);
  });
});

describe('Translate Butane next to the live check', () => {
  it('leaves out what the live check already shows at that line (case, spacing and a path suffix ignored)', () => {
    const translated = [
      { level: 'warning' as const, path: '$.storage.files.0.contnets', line: 7, column: 7, message: 'Unused key contnets' },
      { level: 'error' as const, path: '$.storage.files.0.path', line: 5, column: 13, message: 'path not absolute' },
      { level: 'warning' as const, path: '', line: 9, column: 1, message: 'Unused key contnets' },
    ];
    const live = [{ line: 7, message: 'unused key contnets ($.storage.files.0.contnets)' }, { line: 2, message: 'path not absolute' }];
    assert.deepEqual(withoutDuplicates(translated, live), [translated[1], translated[2]]);
    assert.deepEqual(withoutDuplicates(translated, []), translated);
  });
});
