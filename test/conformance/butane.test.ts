// butane in the stand-in (bin/butane, a subset of the real CLI, v0.29.0): run
// exactly as the extension runs it (`cosa shell butane --strict --files-dir DIR
// FILE`, src/cosa/butane.ts) and through stdin; Ignition JSON on stdout,
// butane's report on stderr (pretty by default, raw with --raw-errors; the
// formats in test/fixtures/butane-reports/PROVENANCE.md), exit codes as butane's.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { butaneArgs, parseButaneOutput } from '../../src/cosa/butane';
import { cosa, workspace } from './helpers';

const VALID = [
  'variant: fcos',
  'version: 1.5.0',
  'passwd:',
  '  users:',
  '    - name: butaneuser',
  '      groups: [wheel]',
  '      ssh_authorized_keys:',
  '        - ssh-ed25519 AAAAC3Nza test@example',
  'storage:',
  '  files:',
  '    - path: /etc/hostname',
  '      mode: 0644',
  '      contents:',
  '        inline: "Hello, world!\\n"',
  '    - path: /etc/motd',
  '      contents:',
  '        local: motd.txt',
  'systemd:',
  '  units:',
  '    - name: hello.service',
  '      enabled: true',
  '      contents: "[Unit]\\nDescription=hello\\n"',
  '',
].join('\n');

describe('butane (stand-in subset of the real CLI)', () => {
  let ws = '';
  before(() => {
    ws = workspace();
    fs.writeFileSync(path.join(ws, 'valid.bu'), VALID);
    fs.writeFileSync(path.join(ws, 'motd.txt'), 'hi there\n');
    fs.writeFileSync(path.join(ws, 'unknown.bu'), 'variant: fcos\nversion: 1.5.0\npasswd:\n  users:\n    - name: a\n      frobnicate: 1\n');
    fs.writeFileSync(path.join(ws, 'broken.bu'), 'variant: fcos\nversion: 1.5.0\npasswd:\n  users:\n    - name: a\n   bad: x\n');
  });

  it('translates a valid fcos 1.5.0 config (the extension\'s argv) to compact Ignition 3.4.0 JSON', async () => {
    const r = await cosa(ws, butaneArgs('/srv/valid.bu'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^\{.*\}\n$/, 'one compact line');
    assert.deepEqual(JSON.parse(r.stdout), {
      ignition: { version: '3.4.0' },
      passwd: { users: [{ groups: ['wheel'], name: 'butaneuser', sshAuthorizedKeys: ['ssh-ed25519 AAAAC3Nza test@example'] }] },
      storage: {
        files: [
          { path: '/etc/hostname', contents: { compression: '', source: 'data:,Hello%2C%20world!%0A' }, mode: 420 },
          { path: '/etc/motd', contents: { compression: '', source: 'data:,hi%20there%0A' } },
        ],
      },
      systemd: { units: [{ contents: '[Unit]\nDescription=hello\n', enabled: true, name: 'hello.service' }] },
    });
    // butane's key order (Ignition's Go structs)
    assert.ok(r.stdout.startsWith('{"ignition":{"version":"3.4.0"},"passwd":{"users":[{"groups":["wheel"],"name":"butaneuser",'), r.stdout);
  });

  it('maps fcos 1.0.0-1.7.0 and 1.8.0-experimental to Ignition 3.0.0-3.7.0-experimental (butane 0.29 config/config.go), reads stdin, --pretty indents', async () => {
    const want: [string, string][] = [['1.0.0', '3.0.0'], ['1.1.0', '3.1.0'], ['1.2.0', '3.2.0'], ['1.3.0', '3.2.0'], ['1.4.0', '3.3.0'], ['1.5.0', '3.4.0'], ['1.6.0', '3.5.0'],
      ['1.7.0', '3.6.0'], ['1.8.0-experimental', '3.7.0-experimental']];
    const script = want.map(([v]) => `printf 'variant: fcos\\nversion: ${v}\\n' | butane`).join('; ');
    const r = await cosa(ws, ['shell', 'bash', '-ec', script]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), want.map(([, ign]) => `{"ignition":{"version":"${ign}"}}`));
    const p = await cosa(ws, ['shell', 'butane', '--pretty'], { stdin: 'variant: fcos\nversion: 1.6.0\n' });
    assert.equal(p.code, 0, p.stderr);
    assert.equal(p.stdout, '{\n  "ignition": {\n    "version": "3.5.0"\n  }\n}\n');
  });

  it('an unknown key with --strict: the pretty report (default) with path, position and excerpt, then exit 1 and no output', async () => {
    const r = await cosa(ws, butaneArgs('/srv/unknown.bu'));
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.ok(r.stderr.startsWith([
      'warning[$.passwd.users.0.frobnicate]:',
      '  --> /srv/unknown.bu:6:7',
      '   |',
      ' 4 |   users:',
      ' 5 |     - name: a',
      ' 6 |       frobnicate: 1',
      '   |       ^^^^^^^^^^^ Unused key frobnicate',
      ' 7 | ',
      '   |',
      'Config produced warnings and --strict was specified',
      '',
    ].join('\n')), r.stderr);
    assert.deepEqual(parseButaneOutput(r.stderr), [{ level: 'warning', path: '$.passwd.users.0.frobnicate', line: 6, column: 7, message: 'Unused key frobnicate' }]);
    // --raw-errors: vcontext's one-line form; without --strict the config is still written
    const raw = await cosa(ws, ['shell', 'butane', '--raw-errors', '/srv/unknown.bu']);
    assert.equal(raw.code, 0, raw.stderr);
    assert.equal(raw.stderr, 'warning at $.passwd.users.0.frobnicate, line 6 col 7: Unused key frobnicate\n');
    assert.equal(raw.stdout, '{"ignition":{"version":"3.4.0"},"passwd":{"users":[{"name":"a"}]}}\n');
    assert.deepEqual(parseButaneOutput(raw.stderr), parseButaneOutput(r.stderr));
    // --color=always: report.go's SGR colours; NO_COLOR and a pipe (auto) give none
    const colour = await cosa(ws, ['shell', 'butane', '--color=always', '/srv/unknown.bu']);
    assert.ok(colour.stderr.startsWith('\x1b[1;33mwarning\x1b[0m[$.passwd.users.0.frobnicate]:\n  \x1b[1;34m-->\x1b[0m /srv/unknown.bu:6:7\n'), colour.stderr);
    assert.deepEqual(parseButaneOutput(colour.stderr), parseButaneOutput(r.stderr));
  });

  it('--help lists the flags of butane 0.29 (pflag layout), --version names it', async () => {
    const h = await cosa(ws, ['shell', 'butane', '--help']);
    assert.equal(h.code, 0);
    // pflag: flags sorted, usages one column after the longest flag (`--color string[="always"]`) + 2
    assert.match(h.stdout, /^Usage: butane \[options\] \[input-file\]\nOptions:\n {2}-c, --check {21}check config without producing output\n/);
    assert.match(h.stdout, /\n {6}--color string\[="always"\] {3}control color output: "auto", "always", or "never" \(default "auto"\)\n/);
    assert.match(h.stdout, /\n {6}--raw-errors {16}show raw errors, rather than pretty printing them\n {2}-s, --strict {20}fail on any warning\n/);
    const v = await cosa(ws, ['shell', 'butane', '--version']);
    assert.match(v.stdout, /^Butane v0\.29\.0\b/);
  });

  it('a YAML syntax error: exit 1 with go-yaml\'s line message', async () => {
    const r = await cosa(ws, butaneArgs('/srv/broken.bu'));
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^Error translating config: Error unmarshaling yaml: yaml: line 5: did not find expected key\n/);
    assert.deepEqual(parseButaneOutput(r.stderr), [{ level: 'error', path: '', line: 5, column: 0, message: 'yaml: did not find expected key' }]);
  });

  it('unknown variant/version, missing files dir, relative paths: butane\'s errors, exit 1', async () => {
    const cases: [string, RegExp][] = [
      ['variant: fcos\nversion: 1.9.0\n', /^Error translating config: No translator exists for variant fcos with version 1\.9\.0\n$/],
      ['variant: nope\nversion: 1.5.0\n', /^Error translating config: No translator exists for variant nope with version 1\.5\.0\n$/],
      ['variant: rhcos\nversion: 0.1.0\n', /^Error translating config: rhcos variant has been removed; use openshift variant instead: https:\/\/coreos\.github\.io\/butane\/upgrading-openshift\/\n$/],
      ['- a\n', /^Error translating config: Error unmarshaling yaml: yaml: unmarshal errors:\n {2}line 1: cannot unmarshal !!seq into config\.commonFields\n$/],
      ['version: 1.5.0\n', /^Error translating config: error parsing variant; must be specified\n$/],
      ['variant: fcos\nversion: "1.5"\n', /^Error translating config: error parsing version; must be a valid semver\n$/],
      ['variant: fcos\nversion: 1.5.0\nstorage:\n  files:\n    - path: /a\n      contents:\n        local: x\n',
        /^error\[\$\.storage\.files\.0\.contents\.local\]:\n {2}--> <stdin>:7:16\n(?:.*\n){4} {3}\| {16}\^ local file paths are relative to a files directory that must be specified with -d\/--files-dir\n(?:.*\n)? {3}\|\nError translating config: source config is invalid\n$/],
      ['variant: fcos\nversion: 1.5.0\nstorage:\n  files:\n    - path: etc/x\n',
        /^error\[\$\.storage\.files\.0\.path\]:\n {2}--> <stdin>:5:13\n(?:.*\n){4} {3}\| {13}\^{5} path not absolute\n(?:.*\n)? {3}\|\nError translating config: config generated was invalid\n$/],
      ['variant: fcos\nversion: 1.5.0\nstorage:\n  files:\n    - path: /x\n      mode: abc\n',
        /^Error translating config: yaml: unmarshal errors:\n {2}line 6: cannot unmarshal !!str `abc` into int\n$/],
    ];
    for (const [input, re] of cases) {
      const r = await cosa(ws, ['shell', 'butane', '--strict'], { stdin: input });
      assert.equal(r.code, 1, input);
      assert.equal(r.stdout, '', input);
      assert.match(r.stderr.replace(/failed to execute cmd-shell: exit status 1\n$/, ''), re);
    }
  });
});
