// cosa kola run / cosa kola list --json of the stand-in against kola's
// behaviour (test/fixtures/kola/UPSTREAM.md): the fixture config repo's
// external tests (tests/kola of test/fixtures/config-repo/template) run in
// the tiny VM, kola's output layout and report.json shape.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseKolaReport, testOutcomes } from '../../src/cosa/kolaReport';
import { parseKolaList } from '../../src/cosa/kolaRun';
import { cosa, cosaPty, preparedWorkspace } from './helpers';

describe('kola run and kola list (external tests)', function () {
  this.timeout(300_000);
  let ws = '';
  before(async () => {
    ({ ws } = await preparedWorkspace(1));
    assert.equal((await cosa(ws, ['osbuild', 'qemu'])).code, 0);
  });

  it('kola list --json lists the config repo\'s tests with kola\'s names and fields', async () => {
    const r = await cosa(ws, ['kola', 'list', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const items = parseKolaList(r.stdout);
    const byName = new Map(items.map((i) => [i.Name, i]));
    assert.deepEqual(items.map((i) => i.Name).filter((n) => n.startsWith('ext.')), [
      'ext.config.basic.fails', 'ext.config.basic.passes', 'ext.config.nested.deeper', 'ext.config.not-on-x86',
    ]);
    assert.deepEqual(byName.get('ext.config.basic.passes')?.Tags, ['external', 'smoke']);
    assert.deepEqual(byName.get('ext.config.not-on-x86')?.Architectures, ['s390x', 'ppc64le']);
    assert.deepEqual(byName.get('ext.config.basic.fails')?.Platforms, ['aws', 'azure', 'do', 'esx', 'gcp', 'openstack', 'qemu', 'qemu-iso']);
    assert.match(r.stdout, /^\[\n\t\{\n\t\t"Name": "basic",/, 'json.MarshalIndent with tabs');
  });

  it('runs every selected test in a VM, fails like kola and writes kola\'s output layout and report.json', async () => {
    const r = await cosa(ws, ['kola', 'run', '--parallel', '2'], { timeoutMs: 240_000 });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /^kola -p qemu run --parallel 2 --output-dir tmp\/kola\n/);
    assert.match(r.stderr, /^Error: harness: test suite failed$/m);
    assert.match(r.stderr, /failed to execute cmd-kola: exit status 1\n$/);
    assert.match(r.stdout, /^=== RUN {3}ext\.config\.basic\.passes$/m);
    assert.match(r.stdout, /^--- PASS: ext\.config\.basic\.passes \(\d+\.\d\ds\)$/m);
    assert.match(r.stdout, /^--- FAIL: ext\.config\.basic\.fails \(\d+\.\d\ds\)\n {8}harness\.go:\d+: kolet failed: Error: Unit kola-runext\.service exited with code 3$/m);
    assert.match(r.stdout, /^--- PASS: ext\.config\.nested\.deeper /m);
    assert.doesNotMatch(r.stdout, /not-on-x86/, 'kola drops tests its filter excludes, without a line');
    assert.match(r.stdout, /^FAIL, output in tmp\/kola$/m);

    const out = path.join(ws, 'tmp', 'kola');
    const text = fs.readFileSync(path.join(out, 'reports', 'report.json'), 'utf8');
    if (process.env.KOLA_RECORD_REPORT) {
      // how test/fixtures/kola/reports/standin-run.json was recorded
      fs.writeFileSync(process.env.KOLA_RECORD_REPORT, text);
      fs.writeFileSync(`${process.env.KOLA_RECORD_REPORT}.stdout`, r.stdout);
    }
    assert.match(text, /^\{"tests":\[\{"name":"[^"]+","subtests":null,"result":"(PASS|FAIL)","duration":\d+,"output":"/, 'encoding/json field order, one line');
    assert.match(text, /,"result":"FAIL","platform":"qemu","version":""\}\n$/);
    const outcomes = new Map(testOutcomes(parseKolaReport(text)).map((o) => [o.name, o]));
    assert.deepEqual([...outcomes.keys()].sort(), ['basic', 'ext.config.basic.fails', 'ext.config.basic.passes', 'ext.config.nested.deeper']);
    assert.equal(outcomes.get('ext.config.basic.fails')?.result, 'FAIL');
    assert.match(outcomes.get('ext.config.basic.fails')?.message ?? '', /^kolet failed: Error: Unit kola-runext\.service exited with code 3$/);
    assert.equal(outcomes.get('basic')?.result, 'PASS');

    // <output>/<test>/<machine uuid>/{console.txt,journal.txt,<test>.txt}
    const [machine] = fs.readdirSync(path.join(out, 'ext.config.basic.fails'));
    assert.match(machine, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const mdir = path.join(out, 'ext.config.basic.fails', machine);
    assert.match(fs.readFileSync(path.join(mdir, 'console.txt'), 'utf8'), /COSA-VM-MARKER: booted/);
    const journal = fs.readFileSync(path.join(mdir, 'ext.config.basic.fails.txt'), 'utf8');
    assert.match(journal, /^kola-runext-fails\[\d+\]: expected failure: 2 is not less than 1$/m);
    const passDir = path.join(out, 'ext.config.basic.passes', fs.readdirSync(path.join(out, 'ext.config.basic.passes'))[0]);
    assert.match(fs.readFileSync(path.join(passDir, 'ext.config.basic.passes.txt'), 'utf8'), /ok ext\.config\.basic\.passes/, 'data/ handed in as $KOLA_EXT_DATA');
    assert.ok(fs.existsSync(path.join(out, '.harness_temp')));
    assert.match(fs.readFileSync(path.join(out, 'test.tap'), 'utf8'), /^1\.\.4\n(.|\n)*^not ok - ext\.config\.basic\.fails$/m);
    assert.equal(JSON.parse(fs.readFileSync(path.join(out, 'properties.json'), 'utf8')).platform, 'qemu');
  });

  it('selects by pattern and tag; a pattern matching nothing is fatal', async () => {
    const one = await cosa(ws, ['kola', 'run', 'ext.config.nested.*']);
    assert.equal(one.code, 0, one.stdout + one.stderr);
    assert.match(one.stdout, /^--- PASS: ext\.config\.nested\.deeper /m);
    assert.match(one.stdout, /^PASS, output in tmp\/kola$/m);
    assert.deepEqual(fs.readdirSync(path.join(ws, 'tmp', 'kola')).sort(), ['.harness_temp', 'ext.config.nested.deeper', 'properties.json', 'reports', 'test.tap'], 'the previous run\'s output is gone');

    const none = await cosa(ws, ['kola', 'run', 'ext.config.nope']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /C \| kola: The user provided pattern didn't match any tests: ext\.config\.nope$/m);

    const skipped = await cosa(ws, ['kola', 'run', 'ext.config.not-on-x86']);
    assert.equal(skipped.code, 1);
    assert.match(skipped.stderr, /There are no matching tests to run on this architecture\/platform: x86_64 qemu$/m);

    const tagged = await cosa(ws, ['kola', 'run', '--tag', 'ignition']);
    assert.equal(tagged.code, 0, tagged.stdout + tagged.stderr);
    assert.deepEqual([...tagged.stdout.matchAll(/^--- \w+: (\S+)/gm)].map((m) => m[1]), ['ext.config.nested.deeper']);
  });

  it('--ssh-on-test-failure keeps a failed test\'s VM and makes the terminal its shell (kola\'s Manhole); without a terminal it does nothing', async () => {
    const s = cosaPty(ws, ['kola', 'run', 'ext.config.basic.fails', '--ssh-on-test-failure']);
    await s.waitFor(/E \| kola: dropping to shell: kolet failed: .*exited with code 3/, 120_000);
    assert.match(s.output(), /systemctl status kola-runext\.service:[^]*expected failure: 2 is not less than 1/, 'the unit status before the shell, as kola prints it');
    await s.waitFor(/\[core@localhost [^\]]*\]\$ /, 30_000);
    // the VM is the failed test's: its environment and data are still there
    s.write('echo "in $KOLA_TEST: $(cat $KOLA_EXT_DATA/greeting)"\r');
    await s.waitFor(/in ext\.config\.basic\.fails: \S/, 30_000);
    assert.doesNotMatch(s.output(), /^--- FAIL/m, 'the test is not over while its shell is open');
    s.write('exit\r');
    assert.equal(await s.exit(60_000), 1);
    assert.match(s.output(), /--- FAIL: ext\.config\.basic\.fails /);
    assert.match(s.output(), /FAIL, output in tmp\/kola/);
    const report = testOutcomes(parseKolaReport(fs.readFileSync(path.join(ws, 'tmp', 'kola', 'reports', 'report.json'), 'utf8')));
    assert.deepEqual(report.map((o) => [o.name, o.result]), [['ext.config.basic.fails', 'FAIL']]);
    const testDir = path.join(ws, 'tmp', 'kola', 'ext.config.basic.fails');
    const consoleText = fs.readFileSync(path.join(testDir, fs.readdirSync(testDir)[0], 'console.txt'), 'utf8');
    assert.match(consoleText, /COSA-VM-KOLA-EXIT: 3[^]*in ext\.config\.basic\.fails: /, 'the session is on the test\'s console');

    const piped = await cosa(ws, ['kola', 'run', 'ext.config.basic.fails', '--ssh-on-test-failure']);
    assert.equal(piped.code, 1);
    assert.doesNotMatch(piped.stderr, /dropping to shell/);
    assert.match(piped.stdout, /^--- FAIL: ext\.config\.basic\.fails /m);
  });

  it('interrupts a test at its timeoutMin', async () => {
    const dir = path.join(ws, 'src', 'config', 'tests', 'kola', 'slow');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'test.sh'), '#!/bin/bash\n# kola: {"timeoutMin": 1}\nsleep 600\n', { mode: 0o755 });
    try {
      // one "minute" of the test is 3 s here (stand-in knob)
      const r = await cosa(ws, ['kola', 'run', 'ext.config.slow'], { runtimeArgs: ['-e', 'COSA_STANDIN_KOLA_MINUTE=3'] });
      assert.equal(r.code, 1);
      assert.match(r.stdout, /^--- FAIL: ext\.config\.slow \((\d+\.\d\d)s\)\n {8}harness\.go:\d+: kolet failed: : kolet run-test-unit failed: {2}: context canceled$/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
