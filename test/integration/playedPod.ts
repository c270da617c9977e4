// The cosa pod the extension writes for a Kubernetes builder (cosaPodYaml, the text the review
// editor shows: src/vscode/kubeBuilder.ts), played by a real engine for Pod YAML, `podman kube
// play`, since no cluster can be reached from the test machines. One addition for podman: it
// has no device plugins, so the KVM device plugin's resource (devices.kubevirt.io/kvm, which
// podman 4.3 accepts and ignores) gets podman's equivalent beside it, /dev/kvm as a `hostPath`
// volume of type CharDevice, which podman kube play turns into the device (`--device /dev/kvm`).
// Exec into it is `podman exec POD-cosa` (src/cosa/kubePod.ts podmanPodExecArgv).

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { COSA_POD_CONTAINER, cosaPodYaml, CosaPodOptions } from '../../src/cosa/kubePod';
import { CosaPod } from '../../src/engine/cosaPod';
import { tempDir } from './helpers';
import { HOST_HAS_KVM } from '../support/hostKvm';

interface PodObject {
  spec: {
    containers: { name: string; resources: { limits: Record<string, string> }; volumeMounts: unknown[] }[];
    volumes: unknown[];
  };
}

/** The product's YAML plus podman's /dev/kvm equivalent; everything else as written. */
export function forPodmanKubePlay(yaml: string): string {
  const pod = parse(yaml) as PodObject;
  const c = pod.spec.containers.find((x) => x.name === COSA_POD_CONTAINER)!;
  assert.equal(c.resources.limits['devices.kubevirt.io/kvm'], '1', 'the manifest asks for KVM the Kubernetes way');
  // A machine without /dev/kvm (test/support/hostKvm.ts) is a node without the device: nothing to mount.
  if (HOST_HAS_KVM) {
    c.volumeMounts.push({ name: 'kvm', mountPath: '/dev/kvm' });
    pod.spec.volumes.push({ name: 'kvm', hostPath: { path: '/dev/kvm', type: 'CharDevice' } });
  }
  return stringify(pod);
}

export interface PlayedPod {
  readonly name: string;
  /** podman's name for the pod's cosa container. */
  readonly container: string;
  readonly yamlFile: string;
  /** The exec transport the engine uses, with podman exec in place of kubectl exec. */
  readonly transport: CosaPod;
  /** `podman kube down`; asserts nothing of the pod is left. */
  down(): void;
}

export function podman(args: string[], input?: string | Buffer): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('podman', args, { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** Plays the workspace pod the extension would create (image: the stand-in, never pulled). */
export function playCosaPod(options: Omit<CosaPodOptions, 'imagePullPolicy'>): PlayedPod {
  const yamlFile = path.join(tempDir('kube'), 'pod.yaml');
  fs.writeFileSync(yamlFile, forPodmanKubePlay(cosaPodYaml({ ...options, imagePullPolicy: 'Never' }, stringify)));
  const r = podman(['kube', 'play', yamlFile]);
  if (r.code !== 0) {
    podman(['kube', 'down', yamlFile]);
    assert.fail(`podman kube play failed:\n${r.stderr}`);
  }
  return {
    name: options.name,
    container: `${options.name}-${COSA_POD_CONTAINER}`,
    yamlFile,
    transport: new CosaPod({ pod: options.name, tool: 'podman' }),
    down() {
      podman(['kube', 'down', yamlFile]);
      const left = podman(['ps', '-a', '--filter', `pod=${options.name}`, '--format', '{{.Names}}']).stdout.trim();
      assert.equal(left, '', 'the pod and its containers are gone');
    },
  };
}
