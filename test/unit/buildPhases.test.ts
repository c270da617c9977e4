import * as assert from 'node:assert/strict';
import { stripAnsi } from '../../src/cosa/cosaFailure';
import { CosaPhaseTracker, outcomeOfOutput, PHASE_RULES, phaseOfLine, reportsNothingChanged } from '../../src/cosa/buildPhases';

// Lines as today's cosa build (cmd-build + cmd-import) prints them; the stand-in
// image prints the same (test/fixtures/cosa-image/src/cmd-build).
const HASH = '3c1f0a0f5cf4f77b44a0b7e5e0ad0d6b52e2d8f4d7c1b8d3b6e54a1d2c3b4a59';
const NEW_BUILD = `Building with container runtime (buildah) with VERSION=
x: 43 (from config)
timestamp: 20260101 (from datetime.now())
z: 20 (mapped from stream testing-devel)
n: 1 (incremented from previous version 43.20260101.20.dev0)
Previous input hash: ${'a'.repeat(64)}
Running: buildah build --security-opt=label=disable --cap-add=all --device /dev/fuse --pull=newer --layers=true --build-arg-file build-args.conf -v /srv/tmp/build/src:/run/src --build-arg VERSION=43.20260101.20.dev1 --tag containers-storage:localhost/fedora-coreos:43.20260101.20.dev1 .
+ /usr/lib/coreos-assembler/cmd-supermin-run --cache /srv/tmp/build/build-script.sh
Starting supermin VM (cache: /srv/cache/cache2.qcow2)
+ env -C /srv/tmp/build/src TMPDIR=/srv/cache buildah build --security-opt=label=disable
STEP 1/12: FROM quay.io/fedora/fedora-bootc:43 AS build
Copying blob sha256:${'b'.repeat(64)}
STEP 2/12: ARG VERSION=43.20260101.20.dev1
  Installing       : systemd-258.2-1.fc43.x86_64  1/300
STEP 12/12: LABEL com.coreos.osname=fedora-coreos com.coreos.stream=testing-devel containers.bootc=1 ostree.bootable=1
COMMIT localhost/fedora-coreos:43.20260101.20.dev1
--> 0123456789ab
Successfully tagged localhost/fedora-coreos:43.20260101.20.dev1
Copying /srv/tmp/build/out.ociarchive to tmp/cosa-import-AbCdEfGh/out.ociarchive
Imported: ${'c'.repeat(64)}
Imported OCI image as build 43.20260101.20.dev1
ostree diff commit from: 43.20260101.20.dev0 (${'d'.repeat(64)})
ostree diff commit to:   43.20260101.20.dev1 (${'c'.repeat(64)})
Upgraded:
  coreos-standin-config 0.1767225600-1.fc43 -> 0.1767225700-1.fc43
Pruning build 43.20260101.20.dev0
`;

describe('cosa phases from the log', () => {
  it('follows a new build through its phases, with buildah step numbers from the log', () => {
    const t = new CosaPhaseTracker();
    const seen: string[] = [];
    for (const line of NEW_BUILD.split('\n')) {
      const p = t.push(line);
      if (p) {
        seen.push(p.label);
      }
    }
    assert.deepEqual(seen, [
      'Preparing the build',
      'Computing the version (versionary)',
      'Reading the previous input hash',
      'Starting buildah',
      'Starting the supermin VM',
      'Building the OS container: step 1/12',
      'Building the OS container: step 2/12',
      'Building the OS container: step 12/12',
      'Committing the OS container',
      'Importing the build',
      'Imported build 43.20260101.20.dev1',
      'Comparing packages with the previous build',
      'Pruning old builds',
    ]);
    assert.deepEqual(t.outcome(), { kind: 'imported', buildId: '43.20260101.20.dev1' });
  });

  it('names the version when --version was given', () => {
    assert.equal(phaseOfLine('Building with container runtime (buildah) with VERSION=43.1')?.label, 'Preparing build 43.1');
  });

  it('strips colours and carriage returns before matching', () => {
    assert.equal(phaseOfLine('\x1b[1mSTEP 3/9: COPY . /src\x1b[0m\r')?.label, 'Building the OS container: step 3/9');
  });

  it('reads osbuild stages (stand-in form and osbuild\'s own) and the generated files', () => {
    const out = [
      'Will build qemu',
      'Estimating disk size...',
      'Disk sizes: metal: 2785M (estimated), cloud: 10240M',
      `Pipeline build: ${'e'.repeat(64)}`,
      'qemu: Stage org.osbuild.ostree.init-fs',
      `org.osbuild.mkfs.xfs: ${'f'.repeat(64)} {`,
      'Finished pipeline qemu',
      'Successfully generated: fedora-coreos-43.20260101.20.dev1-qemu.x86_64.qcow2',
    ];
    const t = new CosaPhaseTracker();
    const labels = out.map((l) => t.push(l)?.label).filter(Boolean);
    assert.deepEqual(labels, ['Will build qemu', 'Estimating the disk size', 'qemu: org.osbuild.ostree.init-fs', 'org.osbuild.mkfs.xfs',
      'Generated fedora-coreos-43.20260101.20.dev1-qemu.x86_64.qcow2']);
    assert.deepEqual(t.outcome(), { kind: 'images', files: ['fedora-coreos-43.20260101.20.dev1-qemu.x86_64.qcow2'] });
  });

  it('no phase for ordinary log lines (no guessing)', () => {
    for (const line of ['  Installing       : bash-5.3.0-2.fc43.x86_64  3/300', 'Writing manifest to image destination', '', 'Upgraded:']) {
      assert.equal(phaseOfLine(line), undefined, line);
    }
  });

  it('init, fetch and already-built outcomes', () => {
    assert.deepEqual(outcomeOfOutput("Config commit: abc123\nInitialized /srv as coreos-assembler working directory.\n"), { kind: 'initialized' });
    assert.equal(phaseOfLine('info: skipping fetch')?.key, 'fetch');
    assert.deepEqual(outcomeOfOutput('qemu image already exists: x.qcow2\nRemoving qemu from list of platforms to build\nAll requested platforms have already been built\n'),
      { kind: 'already-built' });
  });
});

describe('nothing-changed detection', () => {
  const unchanged = `Building with container runtime (buildah) with VERSION=
Previous input hash: ${HASH}
STEP 12/12: LABEL x
COMMIT localhost/fedora-coreos:43.20260101.20.dev2
Input hash unchanged (${HASH})
`;

  it("today's message: Input hash unchanged (<sha256>), no import", () => {
    assert.deepEqual(outcomeOfOutput(unchanged), { kind: 'unchanged', legacy: false, inputHash: HASH });
    assert.ok(reportsNothingChanged(unchanged));
  });

  it('the legacy message: No changes in build inputs.', () => {
    const legacy = '+ rpm-ostree compose tree --repo=/srv/tmp/repo\nNo changes in build inputs.\n';
    assert.deepEqual(outcomeOfOutput(legacy), { kind: 'unchanged', legacy: true });
    assert.ok(reportsNothingChanged(legacy));
  });

  it('--force imports anyway: a new build, not "nothing changed"', () => {
    const forced = `${unchanged}Importing new build anyway (--force)\nImported OCI image as build 43.20260101.20.dev2\n`;
    assert.deepEqual(outcomeOfOutput(forced), { kind: 'imported', buildId: '43.20260101.20.dev2' });
    assert.equal(reportsNothingChanged(forced), false);
  });

  it('a new build is not "nothing changed"; an existing version is its own outcome', () => {
    assert.equal(reportsNothingChanged(NEW_BUILD), false);
    assert.deepEqual(outcomeOfOutput('Build 43.1 (x86_64) already exists\n'), { kind: 'exists', buildId: '43.1', arch: 'x86_64' });
  });

  it('the message must be the whole line (a package named like it does not count)', () => {
    assert.equal(reportsNothingChanged('  Installing : No changes in build inputs.-1.0\n'), false);
    assert.equal(reportsNothingChanged('echo Input hash unchanged (x)\n'), false);
  });
});

describe('phase rules: the dispatch by a line\'s start', () => {
  // osbuild, init and the unchanged/legacy lines (the shapes of the tests above)
  const OTHER_LINES = ['Will build qemu', 'Estimating disk size...', 'qemu: Stage org.osbuild.ostree.init-fs', 'Stage org.osbuild.mkfs.xfs',
    'Successfully generated: fedora-coreos-43.20260101.20.dev1-qemu.x86_64.qcow2', 'All requested platforms have already been built',
    "Cloning into 'src/config'...", 'Config commit: abc123', "Using variant: 'rhcos-9.6'", 'info: skipping fetch',
    `Input hash unchanged (${HASH})`, 'No changes in build inputs.', 'Importing new build anyway (--force)', 'Wrote commit: abc',
    'Skipping tagged build 1', 'Would prune build 2', 'Injecting autolock-generated manifest-lock.x86_64.json...'];
  // The reference: every rule's RegExp in PHASE_RULES order, as phaseOfLine worked before the dispatch.
  const everyRule = (text: string) => {
    for (const rule of PHASE_RULES) {
      const m = rule.re.exec(text);
      if (m) return rule.phase(m);
    }
    return undefined;
  };

  it('gives the phase trying every rule in order would give, on cosa\'s lines and on near misses', () => {
    const lines = [...NEW_BUILD.split('\n'), ...OTHER_LINES];
    // each rule's literal starts, with and without the rest of a matching line, and cut short by one character
    for (const rule of PHASE_RULES) {
      for (const start of rule.starts) {
        lines.push(start, start.slice(0, -1), `${start}x`, `${start}a b (from config)`, ` ${start}`);
      }
    }
    lines.push('Stage org.osbuild.rpm', 'qemu: Stage org.osbuild.copy', 'a b: Stage org.osbuild.x', 'org.osbuild.ostree: ' + 'f'.repeat(64) + ' {',
      '+ /usr/lib/coreos-assembler/cmd-supermin-run', '+ rpm-ostree compose tree', 'timestamp: 1 (previous)', '', '\u001b[1mSTEP 1/2: FROM x\u001b[0m', 'STEP 3/4: RUN x\r');
    let phases = 0;
    for (const line of lines) {
      const want = everyRule(stripAnsi(line).replace(/\r$/, ''));
      assert.deepEqual(phaseOfLine(line), want, JSON.stringify(line));
      if (want) phases++;
    }
    assert.ok(phases > 40, `only ${phases} of the lines start a phase: the comparison proves little`);
  });

  it('a line a rule\'s RegExp matches has one of the rule\'s starts (or the rule\'s literal)', () => {
    for (const line of [...NEW_BUILD.split('\n'), ...OTHER_LINES]) {
      for (const rule of PHASE_RULES) {
        if (!rule.re.test(line)) continue;
        assert.ok(rule.starts.length === 0 || rule.starts.some((s) => line.startsWith(s)), `${rule.re}: ${line}`);
        assert.ok(rule.needs === undefined || line.includes(rule.needs), `${rule.re}: ${line}`);
      }
    }
  });
});
