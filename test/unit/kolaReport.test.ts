// kola's report.json (recorded reports in test/fixtures/kola/reports, shape
// from coreos-assembler mantle/harness/reporters/json.go), `kola list --json`,
// `cosa kola run` argv and kola's test selection.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { discoverExternalTests, KolaNode } from '../../src/cosa/kolaDiscovery';
import { isSuiteEndLine, KolaReportError, parseKolaReport, parseResultLine, testOutcomes } from '../../src/cosa/kolaReport';
import { kolaMatch, kolaRunArgs, parseKolaList, skipReason } from '../../src/cosa/kolaRun';

const reports = path.join(__dirname, '..', 'fixtures', 'kola', 'reports');
const read = (f: string): string => fs.readFileSync(path.join(reports, f), 'utf8');

describe('kola report.json', () => {
  it('parses the recorded mixed report: buckets unwrapped, durations in ms, failure messages', () => {
    const r = parseKolaReport(read('constructed-mixed.json'));
    assert.equal(r.result, 'FAIL');
    assert.equal(r.platform, 'qemu');
    const o = new Map(testOutcomes(r).map((t) => [t.name, t]));
    assert.deepEqual([...o.keys()].sort(), [
      'basic', 'basic/PortSSH', 'ext.config.basic.passes', 'ext.config.files.broken', 'ext.config.files.license', 'ext.config.skipme', 'ext.config.slow',
    ]);
    assert.equal(o.get('ext.config.basic.passes')?.durationMs, 35570);
    assert.equal(o.get('ext.config.files.broken')?.result, 'FAIL');
    assert.equal(o.get('ext.config.files.broken')?.message, 'kolet failed: : kolet run-test-unit failed: Error: Unit kola-runext-broken.service exited with code 1');
    assert.equal(o.get('ext.config.slow')?.message, 'TIMEOUT[1m0s]: kolet run-test-unit kola-runext.service');
    assert.equal(o.get('ext.config.skipme')?.result, 'SKIP');
    assert.equal(o.get('ext.config.skipme')?.message, undefined);
    assert.match(o.get('ext.config.skipme')?.output ?? '', /^bootFrom "iso" requested/);
  });

  it('parses a report of no tests ("tests": null)', () => {
    const r = parseKolaReport(read('constructed-empty.json'));
    assert.deepEqual(r.tests, []);
    assert.equal(r.result, 'PASS');
  });

  it('parses the report the stand-in\'s kola wrote for the fixture config repo', () => {
    const o = new Map(testOutcomes(parseKolaReport(read('standin-run.json'))).map((t) => [t.name, t.result]));
    assert.equal(o.get('ext.config.basic.passes'), 'PASS');
    assert.equal(o.get('ext.config.basic.fails'), 'FAIL');
    assert.equal(o.get('ext.config.nested.deeper'), 'PASS');
    assert.equal(o.has('ext.config.not-on-x86'), false, 'kola does not report tests its filter dropped');
  });

  it('fails a bucket\'s tests when the bucket failed before reporting them', () => {
    const r = parseKolaReport(JSON.stringify({
      tests: [{ name: 'non-exclusive-test-bucket-1', subtests: ['non-exclusive-test-bucket-1/ext.config.a'], result: 'FAIL', duration: 5, output: '        harness.go:1: Cluster failed starting machines: boom\n' }],
      result: 'FAIL', platform: 'qemu', version: '',
    }));
    assert.deepEqual(testOutcomes(r).map((t) => [t.name, t.result, t.message]), [['ext.config.a', 'FAIL', 'Cluster failed starting machines: boom']]);
  });

  it('rejects malformed reports with a clear error', () => {
    for (const [text, msg] of [
      ['', /empty file/],
      ['{"tests": [', /not JSON/],
      ['[]', /expected a JSON object, found array/],
      ['{"tests": {}}', /"tests" must be an array, found object/],
      ['{"tests": [{"name": "x", "result": "OK"}]}', /tests\[0\]\.result must be one of PASS, FAIL, SKIP, WARN, found "OK"/],
      ['{"tests": [{"name": "x", "result": "PASS", "duration": "1s"}]}', /tests\[0\]\.duration must be a whole number of nanoseconds/],
      ['{"tests": [{"result": "PASS"}]}', /tests\[0\]\.name is missing/],
      ['{"tests": [{"name": "x", "result": "PASS", "subtests": "y"}]}', /subtests must be an array of strings or null/],
      ['{"tests": [], "result": 1}', /"result" must be a string, found number/],
    ] as const) {
      assert.throws(() => parseKolaReport(text, 'tmp/kola/reports/report.json'), (e: Error) => e instanceof KolaReportError && e.message.startsWith('tmp/kola/reports/report.json: ') && msg.test(e.message), text);
    }
  });

  it('reads kola\'s live "--- RESULT: name (1.23s)" lines, colours and buckets removed', () => {
    assert.deepEqual(parseResultLine('--- PASS: ext.config.basic (35.57s)'), { result: 'PASS', name: 'ext.config.basic', seconds: 35.57 });
    assert.deepEqual(parseResultLine('    --- \x1b[31mFAIL\x1b[0m: non-exclusive-test-bucket-0/ext.config.x (1.00s)'), { result: 'FAIL', name: 'ext.config.x', seconds: 1 });
    assert.equal(parseResultLine('=== RUN   ext.config.basic'), undefined);
  });

  it('knows kola\'s last line, printed once report.json is written (mantle/kola/harness.go)', () => {
    assert.ok(isSuiteEndLine('PASS, output in tmp/kola'));
    assert.ok(isSuiteEndLine('FAIL, output in /srv/tmp/kola'));
    assert.ok(isSuiteEndLine('\x1b[31mFAIL\x1b[0m, output in tmp/kola'));
    for (const line of ['--- PASS: ext.config.basic (1.00s)', '        PASS, output in tmp/kola', 'FAIL, output in ', 'kolet failed: FAIL, output in x', 'SKIP, output in tmp/kola']) {
      assert.equal(isSuiteEndLine(line), false, line);
    }
  });
});

describe('kola list --json', () => {
  it('parses kola\'s item array (Go field names; null lists; null for no tests)', () => {
    const items = parseKolaList('[\n\t{\n\t\t"Name": "basic",\n\t\t"Platforms": ["qemu"],\n\t\t"Architectures": ["amd64"],\n\t\t"Distros": ["fcos"],\n\t\t"Tags": null,\n\t\t"Description": "d"\n\t}\n]');
    assert.deepEqual(items, [{ Name: 'basic', Platforms: ['qemu'], Architectures: ['amd64'], Distros: ['fcos'], Tags: null, Description: 'd' }]);
    assert.deepEqual(parseKolaList('null'), []);
    assert.throws(() => parseKolaList('{"Name": "x"}'), /expected an array/);
    assert.throws(() => parseKolaList('[{"Tags": []}]'), /entry 0 has no Name/);
    assert.throws(() => parseKolaList('oops'), /not JSON/);
  });
});

describe('cosa kola run argv', () => {
  it('puts --build before the subcommand (cmd-kola option) and kola flags after the patterns', () => {
    assert.deepEqual(kolaRunArgs({ patterns: ['ext.config.basic.*', 'basic'], tags: ['smoke', '!needs-internet'], build: '42.20260101.dev.0', parallel: 2 }), {
      args: ['kola', '--build', '42.20260101.dev.0', 'run', 'ext.config.basic.*', 'basic', '--tag', 'smoke', '--tag', '!needs-internet', '--parallel', '2'],
    });
    assert.deepEqual(kolaRunArgs({}), { args: ['kola', 'run'] });
    assert.deepEqual(kolaRunArgs({ parallel: 'auto', build: '-1' }), { args: ['kola', '--build', '-1', 'run', '--parallel', 'auto'] });
  });

  it('asks kola to keep a failed test\'s VM with --ssh-on-test-failure (a kola flag: after the patterns)', () => {
    assert.deepEqual(kolaRunArgs({ patterns: ['ext.config.basic.fails'], sshOnTestFailure: true }), { args: ['kola', 'run', 'ext.config.basic.fails', '--ssh-on-test-failure'] });
    assert.deepEqual(kolaRunArgs({ patterns: ['x'], sshOnTestFailure: false }), { args: ['kola', 'run', 'x'] });
  });

  it('refuses words an option parser would misread', () => {
    for (const req of [
      { patterns: ['--ssh-on-test-failure'] }, { patterns: ['a b'] }, { patterns: ['ext.[config'] }, { patterns: ['x\\'] },
      { tags: ['a,b'] }, { tags: [''] }, { parallel: 0 }, { parallel: 1.5 }, { build: '../x' }, { build: '' },
    ]) {
      assert.ok('error' in kolaRunArgs(req), JSON.stringify(req));
    }
  });

  it('matches names like Go filepath.Match', () => {
    assert.ok(kolaMatch('ext.config.*', 'ext.config.basic.noop'));
    assert.ok(!kolaMatch('basic*', 'basic/PortSSH'), '* does not cross /');
    assert.ok(kolaMatch('basic/*', 'basic/PortSSH'));
    assert.ok(kolaMatch('ext.config.[a-c]?', 'ext.config.b1'));
    assert.ok(!kolaMatch('ext.config.[^a-c]?', 'ext.config.b1'));
    assert.ok(kolaMatch('a\\*', 'a*'));
    assert.ok(!kolaMatch('a\\*', 'ab'));
  });
});

describe('kola test selection (filterTests)', () => {
  const tests = discoverExternalTests([
    { name: 'any', type: 'file', mode: 0o755, text: '#!/bin/sh\n' },
    { name: 'arm', type: 'file', mode: 0o755, text: '#!/bin/sh\n# kola: {"architectures": "aarch64 s390x"}\n' },
    { name: 'notqemu', type: 'file', mode: 0o755, text: '#!/bin/sh\n# kola: {"platforms": "!qemu qemu-iso"}\n' },
    { name: 'rhcos', type: 'file', mode: 0o755, text: '#!/bin/sh\n# kola: {"distros": "rhcos", "tags": "slow"}\n' },
    { name: 'special', type: 'file', mode: 0o755, text: '#!/bin/sh\n# kola: {"requiredTag": "special"}\n' },
    { name: 'pi', type: 'file', mode: 0o755, text: '#!/bin/sh\n# kola: {"platforms": "aws", "tags": "platform-independent"}\n' },
  ] as KolaNode[]).tests;
  const reasons = (target: Parameters<typeof skipReason>[1]): Record<string, string> =>
    Object.fromEntries(tests.map((t) => [t.name.replace('ext.config.', ''), skipReason(t, target) ?? 'runs']));

  it('drops tests by architecture, platform, distro and required tag', () => {
    assert.deepEqual(reasons({ platform: 'qemu', arch: 'x86_64', distro: 'fcos' }), {
      any: 'runs',
      arm: 'architecture x86_64 not in [aarch64 s390x]',
      notqemu: 'platform qemu excluded by its metadata',
      rhcos: 'distro fcos not in [rhcos]',
      special: 'needs --tag special (requiredTag)',
      pi: 'runs',
    });
  });

  it('selects by pattern or tag, excludes by !tag', () => {
    const r = reasons({ platform: 'qemu', arch: 'x86_64', distro: 'rhcos', tags: ['special', '!slow'], patterns: ['ext.config.any'] });
    assert.equal(r.any, 'runs');
    assert.equal(r.special, 'runs', 'a positive tag selects the test even without a pattern match');
    assert.equal(r.rhcos, 'excluded by --tag !slow');
    assert.equal(r.pi, 'not selected');
  });
});
