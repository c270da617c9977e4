// The cosa pod manifest (src/cosa/kubePod.ts) played by a real engine for Pod YAML,
// `podman kube play`, since no cluster can be reached from the test machines. The only
// change made for podman is its equivalent of the KVM device plugin's resource: /dev/kvm as a
// hostPath CharDevice. Then cosa runs by exec in the pod, as `kubectl exec` would: init from a
// config repo copied in the way `kubectl cp` copies (tar over exec), build, read builds.json.

import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { parseBuildsIndex } from '../../src/cosa/buildsIndex';
import { COSA_POD_CONTAINER, cosaPodManifest } from '../../src/cosa/kubePod';
import { IMAGE, makeConfigRepo, tempDir } from './helpers';

interface PodObject {
  spec: {
    containers: { resources: { requests: Record<string, string>; limits: Record<string, string> }; volumeMounts: unknown[] }[];
    volumes: unknown[];
  };
}

/** podman kube play has no device plugins: /dev/kvm as a hostPath char device instead. */
function forPodmanKubePlay(pod: PodObject): PodObject {
  const c = pod.spec.containers[0]!;
  assert.equal(c.resources.limits['devices.kubevirt.io/kvm'], '1', 'the manifest asks for KVM the Kubernetes way');
  delete c.resources.requests['devices.kubevirt.io/kvm'];
  delete c.resources.limits['devices.kubevirt.io/kvm'];
  c.volumeMounts.push({ name: 'kvm', mountPath: '/dev/kvm' });
  pod.spec.volumes.push({ name: 'kvm', hostPath: { path: '/dev/kvm', type: 'CharDevice' } });
  return pod;
}

function podman(args: string[], input?: string | Buffer): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('podman', args, { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

describe('cosa in a Kubernetes pod, proven with podman kube play', function () {
  this.timeout(300_000);
  const podName = `cosa-it-${process.pid}`;
  const container = `${podName}-${COSA_POD_CONTAINER}`;
  let yamlFile = '';

  before(() => {
    const manifest = cosaPodManifest({ name: podName, image: IMAGE, imagePullPolicy: 'Never', cpu: '1', memory: '2Gi' }) as unknown as PodObject;
    yamlFile = path.join(tempDir('kube'), 'pod.yaml');
    fs.writeFileSync(yamlFile, stringify(forPodmanKubePlay(manifest)));
    const r = podman(['kube', 'play', yamlFile]);
    assert.equal(r.code, 0, `podman kube play failed:\n${r.stderr}`);
  });

  after(() => {
    podman(['kube', 'down', yamlFile]);
    const left = podman(['ps', '-a', '--filter', `pod=${podName}`, '--format', '{{.Names}}']).stdout.trim();
    assert.equal(left, '', 'the pod and its containers are gone');
  });

  it('runs unprivileged as cosa\'s builder with /dev/kvm, NCPUS and a writable /srv', () => {
    const id = podman(['exec', container, 'id', '-u']).stdout.trim();
    assert.equal(id, '1000');
    const privileged = podman(['inspect', container, '--format', '{{.HostConfig.Privileged}}']).stdout.trim();
    assert.equal(privileged, 'false');
    assert.equal(podman(['exec', container, 'test', '-c', '/dev/kvm']).code, 0, '/dev/kvm is a character device in the pod');
    assert.equal(podman(['exec', container, 'printenv', 'NCPUS']).stdout.trim(), '1');
    assert.equal(podman(['exec', container, 'touch', '/srv/.probe']).code, 0, '/srv (the emptyDir) is writable');
  });

  it('init (config copied in like kubectl cp), build, and the builds tree read through exec', () => {
    const repo = makeConfigRepo();
    const tar = execFileSync('tar', ['-C', repo, '-c', '.'], { maxBuffer: 64 << 20 });
    assert.equal(podman(['exec', container, 'mkdir', '-p', '/srv/.coreos-vscode/config-repo']).code, 0);
    const cp = podman(['exec', '-i', container, 'tar', '-C', '/srv/.coreos-vscode/config-repo', '-x'], tar);
    assert.equal(cp.code, 0, cp.stderr);
    const init = podman(['exec', '-i', '-e', 'COSA_STANDIN_BUILD_SECONDS=0.3', container, 'cosa', 'init', 'file:///srv/.coreos-vscode/config-repo']);
    assert.equal(init.code, 0, `${init.stdout}\n${init.stderr}`);
    const build = podman(['exec', '-i', '-e', 'COSA_STANDIN_BUILD_SECONDS=0.3', container, 'cosa', 'build']);
    assert.equal(build.code, 0, `${build.stdout}\n${build.stderr}`);
    const index = parseBuildsIndex(podman(['exec', container, 'cat', '/srv/builds/builds.json']).stdout);
    assert.equal(index.builds.length, 1);
    assert.deepEqual(index.builds[0]!.arches, ['x86_64']);
  });
});
