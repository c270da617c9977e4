import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  cosaPodManifest, KubePodError, kubeApplyArgv, kubeDeleteArgv, kubeExecArgv, kubeRawExecArgv, kubeWaitReadyArgv,
} from '../../src/cosa/kubePod';
import { workspaceId } from '../../src/cosa/invocation';

const HELP_DIR = path.join(__dirname, '..', 'fixtures', 'kubectl');

/** The long flags a help text documents (`--flag=...` or `--flag`), plus kubectl's global options. */
function documentedFlags(verb: string): Set<string> {
  const text = fs.readFileSync(path.join(HELP_DIR, `${verb}.help.txt`), 'utf8') + fs.readFileSync(path.join(HELP_DIR, 'options.help.txt'), 'utf8');
  return new Set([...text.matchAll(/(?:^|\s)(--[a-z][a-z0-9-]*)/g)].map((m) => m[1]!));
}

function flagsOf(argv: readonly string[]): string[] {
  const dashDash = argv.indexOf('--');
  return (dashDash >= 0 ? argv.slice(0, dashDash) : argv).filter((a) => a.startsWith('--')).map((a) => a.replace(/=.*$/, ''));
}

describe('cosa in a Kubernetes pod (coreos-ci-lib pod.groovy/cosaPod.groovy, docs/working.md)', () => {
  it('the pod: unprivileged, sleeps under dumb-init, KVM from the device plugin, emptyDir at /srv, requests = limits', () => {
    const pod = cosaPodManifest({ name: 'cosa-fcos', image: 'quay.io/coreos-assembler/coreos-assembler:main', memory: '3Gi', workspace: '/home/me/fcos' }) as {
      metadata: { labels: Record<string, string> };
      spec: { restartPolicy: string; containers: Record<string, unknown>[]; volumes: unknown[] };
    };
    const c = pod.spec.containers[0]! as { command: string[]; resources: { requests: Record<string, string>; limits: Record<string, string> };
      env: { name: string; value: string }[]; securityContext?: unknown; volumeMounts: unknown[]; imagePullPolicy: string };
    assert.deepEqual(c.command, ['/usr/bin/dumb-init', '/usr/bin/sleep', 'infinity']);
    assert.deepEqual(c.resources.requests, { cpu: '2', memory: '3Gi', 'devices.kubevirt.io/kvm': '1' });
    assert.deepEqual(c.resources.limits, c.resources.requests);
    assert.equal(c.securityContext, undefined, 'not privileged');
    assert.deepEqual(c.env, [{ name: 'NCPUS', value: '2' }]);
    assert.equal(c.imagePullPolicy, 'Always');
    assert.deepEqual(c.volumeMounts, [{ name: 'srv', mountPath: '/srv/' }]);
    assert.deepEqual(pod.spec.volumes, [{ name: 'srv', emptyDir: {} }]);
    assert.equal(pod.spec.restartPolicy, 'Never');
    assert.equal(pod.metadata.labels['io.github.coreos-vscode.workspace'], workspaceId('/home/me/fcos'));
  });

  it('cpu sets NCPUS; kvm can be left out; env comes before NCPUS', () => {
    const pod = cosaPodManifest({ name: 'p', image: 'i', cpu: '4', kvm: false, env: { COSA_SKIP_OVERLAY: '1' } }) as { spec: { containers: { resources: { limits: Record<string, string> }; env: unknown[] }[] } };
    assert.deepEqual(pod.spec.containers[0]!.resources.limits, { cpu: '4' });
    assert.deepEqual(pod.spec.containers[0]!.env, [{ name: 'COSA_SKIP_OVERLAY', value: '1' }, { name: 'NCPUS', value: '4' }]);
  });

  it('refuses names, images and quantities a cluster would reject or misread', () => {
    for (const bad of [{ name: 'Cosa', image: 'i' }, { name: 'a'.repeat(64), image: 'i' }, { name: '-x', image: 'i' },
      { name: 'p', image: '--privileged' }, { name: 'p', image: 'i', cpu: 'two' }, { name: 'p', image: 'i', memory: '3 GiB' },
      { name: 'p', image: 'i', namespace: 'Bad_NS' }]) {
      assert.throws(() => cosaPodManifest(bad), KubePodError, JSON.stringify(bad));
    }
  });

  it('exec: kubectl exec -i [-t] POD -c cosa -- cosa ARGS, arguments after -- unchanged', () => {
    assert.deepEqual(kubeExecArgv('cosa-fcos', ['build', '--version', '$(x)']),
      ['exec', '-i', 'cosa-fcos', '-c', 'cosa', '--', 'cosa', 'build', '--version', '$(x)']);
    assert.deepEqual(kubeExecArgv('cosa-fcos', ['run'], { tty: true, namespace: 'coreos-virt', context: 'ci' }),
      ['--context', 'ci', '--namespace', 'coreos-virt', 'exec', '-i', '-t', 'cosa-fcos', '-c', 'cosa', '--', 'cosa', 'run']);
    assert.deepEqual(kubeRawExecArgv('cosa-fcos', ['cat', '/srv/builds/builds.json']),
      ['exec', 'cosa-fcos', '-c', 'cosa', '--', 'cat', '/srv/builds/builds.json']);
    assert.throws(() => kubeExecArgv('--all', ['build']), KubePodError);
  });

  it('every flag passed to kubectl is one its help documents (kubectl v1.32 help, test/fixtures/kubectl)', () => {
    const cases: [string, string[]][] = [
      ['exec', kubeExecArgv('p', ['build'], { tty: true, namespace: 'n', context: 'c' })],
      ['exec', kubeRawExecArgv('p', ['ps'], { stdin: true, namespace: 'n' })],
      ['apply', kubeApplyArgv({ namespace: 'n', context: 'c' })],
      ['wait', kubeWaitReadyArgv('p', 120, { namespace: 'n' })],
      ['delete', kubeDeleteArgv('p', { namespace: 'n' })],
    ];
    for (const [verb, argv] of cases) {
      assert.ok(argv.includes(verb), `${verb} in ${argv.join(' ')}`);
      const known = documentedFlags(verb);
      for (const f of flagsOf(argv)) {
        assert.ok(known.has(f), `kubectl ${verb} has no ${f}`);
      }
    }
    assert.deepEqual(kubeWaitReadyArgv('p', 0.2), ['wait', '--for=condition=Ready', '--timeout=1s', 'pod/p']);
  });
});
