// The cosa pod the extension writes for a Kubernetes builder (the YAML of the review editor),
// played by a real engine for Pod YAML, `podman kube play` (test/integration/playedPod.ts: the
// only addition is podman's /dev/kvm equivalent), since no cluster can be reached from the test
// machines. Then the product's own path against it: the engine's exec seam runs init and a
// build in the pod (podman exec where a cluster would take kubectl exec; the kubectl argv is
// checked against kubectl's help in test/unit/kubePod.test.ts), and the builds tree's source
// (src/engine/buildDirSource.ts) reads the build through exec, nothing from the local disk.

import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseBuildMeta } from '../../src/cosa/buildMeta';
import { parseBuildsIndex } from '../../src/cosa/buildsIndex';
import { buildDirFacts, sessionBuildDir } from '../../src/engine/buildDirSource';
import { CosaEngine } from '../../src/engine/cosaProcess';
import { collect, IMAGE, makeConfigRepo, makeWorkspace, standinSettings } from './helpers';
import { PlayedPod, playCosaPod, podman } from './playedPod';
import { snapshot } from './remoteBuilder';
import { HOST_HAS_KVM } from '../support/hostKvm';

const CONFIG_IN_POD = '/srv/.coreos-vscode/config-repo';

describe('cosa in a Kubernetes pod, proven with podman kube play', function () {
  this.timeout(300_000);
  const ws = makeWorkspace('kube');
  let played: PlayedPod | undefined;

  before(() => {
    played = playCosaPod({ name: `cosa-it-${process.pid}`, image: IMAGE, cpu: '1', memory: '2Gi', workspace: ws,
      env: { COSA_STANDIN_BUILD_SECONDS: '0.3' } });
  });

  after(() => {
    played?.down();
  });

  it('runs unprivileged as cosa\'s builder with /dev/kvm (where this machine has one), NCPUS and a writable /srv', () => {
    const container = played!.container;
    assert.equal(podman(['exec', container, 'id', '-u']).stdout.trim(), '1000');
    assert.equal(podman(['inspect', container, '--format', '{{.HostConfig.Privileged}}']).stdout.trim(), 'false');
    assert.equal(podman(['exec', container, 'test', '-c', '/dev/kvm']).code, HOST_HAS_KVM ? 0 : 1, `/dev/kvm is ${HOST_HAS_KVM ? '' : 'not '}a character device in the pod, as on this machine`);
    assert.equal(podman(['exec', container, 'printenv', 'NCPUS']).stdout.trim(), '1');
    assert.equal(podman(['exec', container, 'touch', '/srv/.probe']).code, 0, '/srv (the emptyDir) is writable');
  });

  it('a build through the engine\'s exec seam, and the builds tree read through exec in the pod; nothing local', async () => {
    const pod = played!.transport;
    fs.writeFileSync(path.join(ws, 'notes.txt'), 'local file\n');
    // A local folder that looks initialised: with the pod builder, only the pod's /srv counts.
    for (const d of ['src/config', 'builds', 'tmp', 'overrides']) fs.mkdirSync(path.join(ws, d), { recursive: true });
    const before = snapshot(ws);
    // The config repo into the pod as `kubectl cp` copies: tar over exec.
    const tar = execFileSync('tar', ['-C', makeConfigRepo(), '-c', '.']);
    const cp = pod.execCommand(['sh', '-c', 'mkdir -p "$1" && tar -C "$1" -x', 'sh', CONFIG_IN_POD], { stdin: true });
    assert.equal(spawnSync(cp.file, [...cp.argv], { env: cp.env, input: tar }).status, 0);

    const engine = new CosaEngine({ stopGraceSeconds: 5 });
    engine.setTarget(ws, pod);
    const settings = standinSettings();
    const runtime = await engine.runtime('podman');
    const run = (args: string[]) => collect(engine.start({ workspace: ws, args, purpose: args[0]!, tty: false, settings, runtime }));
    const source = sessionBuildDir(pod);
    // "Is it initialised" and Initialize's "is it empty", one exec in the pod each (the hidden config copy does not count).
    assert.deepEqual(await buildDirFacts(pod), { hasBuildsJson: false, hasSrcConfig: false, hasSrc: false, hasBuildsDir: false, hasTmp: false });
    assert.deepEqual(await pod.visibleEntries(), []);
    try {
      const init = await run(['init', `file://${CONFIG_IN_POD}`]);
      assert.equal(init.result.exitCode, 0, init.lines.join('\n'));
      assert.deepEqual(await buildDirFacts(pod), { hasBuildsJson: false, hasSrcConfig: true, hasSrc: true, hasBuildsDir: true, hasTmp: true });
      assert.ok((await pod.visibleEntries()).includes('src'));
      await assert.rejects(source.read('builds.json'), (e: NodeJS.ErrnoException) => e.code === 'ENOENT', 'no build yet: missing, not an error');
      assert.equal(await source.latest(), undefined);
      const build = await run(['build']);
      assert.equal(build.result.exitCode, 0, build.lines.join('\n'));
    } finally {
      await engine.dispose();
    }

    assert.equal(source.remote, `pod ${played!.name} (podman)`);
    const index = parseBuildsIndex(new TextDecoder().decode(await source.read('builds.json')));
    assert.equal(index.builds.length, 1);
    const id = index.builds[0]!.id;
    assert.deepEqual(index.builds[0]!.arches, ['x86_64']);
    assert.equal(await source.latest(), id);
    assert.ok((await source.list({ buildId: id, arch: 'x86_64' })).includes('meta.json'));
    const meta = parseBuildMeta(new TextDecoder().decode(await source.read({ buildId: id, arch: 'x86_64', file: 'meta.json' })));
    assert.deepEqual(meta.errors, []);
    assert.equal(meta.meta.buildId, id);
    const image = meta.meta.images[0]!;
    const size = Number(podman(['exec', played!.container, 'stat', '-L', '-c', '%s', `/srv/builds/${id}/x86_64/${image.path}`]).stdout.trim());
    assert.ok(size > 0);
    assert.deepEqual(await source.probe!({ buildId: id, arch: 'x86_64', file: image.path }), { exists: true, size });
    assert.deepEqual(await source.probe!({ buildId: id, arch: 'x86_64', file: 'gone.qcow2' }), { exists: false });
    assert.equal((await buildDirFacts(pod)).hasBuildsJson, true);
    await pod.removeFromBuildDir(['src']); // Initialize's "Remove src/ and Initialize", in the pod
    assert.equal((await buildDirFacts(pod)).hasSrc, false);
    assert.deepEqual(snapshot(ws), before, 'nothing of the build reached the local workspace');
    assert.deepEqual(fs.readdirSync(path.join(ws, 'builds')), [], 'the local builds/ stays empty');
  });
});
