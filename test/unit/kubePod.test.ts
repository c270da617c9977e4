import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import {
  checkReviewedPod, cosaPodManifest, cosaPodYaml, defaultKubePodName, KUBE_CONTEXTS_ARGV, KUBE_CURRENT_CONTEXT_ARGV, kubeApplyArgv,
  kubeBuilderSettingValue, kubeContextNamespaceArgv, kubeDeleteArgv, kubeExecArgv, KubePodError, kubePodPhaseArgv, kubeRawExecArgv,
  kubeWaitReadyArgv, parseContextNames, parseKubeBuilderSetting,
} from '../../src/cosa/kubePod';
import { builderChoiceLabel, parseBuilderSetting, resolveBuilderChoice } from '../../src/cosa/builderChoice';
import { RemoteBuilderError } from '../../src/cosa/remoteSession';
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
    // [help file, the subcommand's words, argv]
    const cases: [string, string[], string[]][] = [
      ['exec', ['exec'], kubeExecArgv('p', ['build'], { tty: true, namespace: 'n', context: 'c' })],
      ['exec', ['exec'], kubeRawExecArgv('p', ['ps'], { stdin: true, namespace: 'n' })],
      ['apply', ['apply'], kubeApplyArgv({ namespace: 'n', context: 'c' })],
      ['wait', ['wait'], kubeWaitReadyArgv('p', 120, { namespace: 'n' })],
      ['delete', ['delete'], kubeDeleteArgv('p', { namespace: 'n' })],
      ['get', ['get'], kubePodPhaseArgv('p', { namespace: 'n', context: 'c' })],
      ['config-get-contexts', ['config', 'get-contexts'], [...KUBE_CONTEXTS_ARGV]],
      ['config-current-context', ['config', 'current-context'], [...KUBE_CURRENT_CONTEXT_ARGV]],
      ['config-view', ['config', 'view'], kubeContextNamespaceArgv('default/api-crc:6443/kube:admin')],
    ];
    for (const [help, words, argv] of cases) {
      const at = argv.indexOf(words[0]!);
      assert.deepEqual(argv.slice(at, at + words.length), words, `${words.join(' ')} in ${argv.join(' ')}`);
      const known = documentedFlags(help);
      for (const f of flagsOf(argv)) {
        assert.ok(known.has(f), `kubectl ${words.join(' ')} has no ${f}`);
      }
    }
    assert.deepEqual(kubeWaitReadyArgv('p', 0.2), ['wait', '--for=condition=Ready', '--timeout=1s', 'pod/p']);
  });

  it('the builder setting: kubectl://CONTEXT/NAMESPACE/POD, the context percent-encoded (OpenShift contexts hold / and :)', () => {
    const a = { tool: 'oc' as const, context: 'coreos-virt/api-crc-testing:6443/kube:admin', namespace: 'coreos-virt', pod: 'cosa-fcos' };
    const value = kubeBuilderSettingValue(a);
    assert.equal(value, 'oc://coreos-virt%2Fapi-crc-testing%3A6443%2Fkube%3Aadmin/coreos-virt/cosa-fcos');
    assert.deepEqual(parseKubeBuilderSetting(value), a);
    assert.deepEqual(parseKubeBuilderSetting('kubectl:///default/cosa-1'), { tool: 'kubectl', namespace: 'default', pod: 'cosa-1' }, 'empty: the current context');
    for (const bad of ['kubectl://ctx/default', 'kubectl://ctx/Default/p', 'kubectl://ctx/ns/--all', 'kubectl://%E0%A4%A/ns/p', 'oc://c/ns/p/extra']) {
      assert.throws(() => parseKubeBuilderSetting(bad), KubePodError, bad);
    }
    const choice = parseBuilderSetting(value);
    assert.deepEqual(choice, { kind: 'kube', pod: a });
    assert.equal(builderChoiceLabel(choice), 'pod coreos-virt/cosa-fcos (coreos-virt/api-crc-testing:6443/kube:admin)');
    assert.equal(resolveBuilderChoice(choice, []), undefined, 'a pod is no podman builder');
    assert.throws(() => parseBuilderSetting('kubectl://c/ns/Bad'), RemoteBuilderError);
    assert.throws(() => parseBuilderSetting('http://x/y'), /kubectl:\/\/CONTEXT\/NAMESPACE\/POD/);
  });

  it('the default pod name is the workspace id the local containers carry, a DNS label', () => {
    assert.equal(defaultKubePodName('/home/me/fcos'), `cosa-${workspaceId('/home/me/fcos')}`);
    assert.match(defaultKubePodName('/x'.repeat(500)), /^cosa-[0-9a-f]{10}$/);
  });

  it('the YAML shown for review parses back to the manifest, with comments that say where it comes from', () => {
    const o = { name: 'cosa-fcos', namespace: 'coreos-virt', image: 'quay.io/coreos-assembler/coreos-assembler:latest', cpu: '6', memory: '10752Mi' };
    const yaml = cosaPodYaml(o, stringify);
    assert.match(yaml, /^# .*coreos-ci-lib/m);
    assert.deepEqual(parse(yaml), cosaPodManifest(o));
    checkReviewedPod(yaml, { name: 'cosa-fcos', namespace: 'coreos-virt' }, parse);
  });

  it('the reviewed text must still be that pod with a container "cosa" (edits of resources are the user\'s)', () => {
    const o = { name: 'cosa-fcos', namespace: 'ns', image: 'i' };
    const ok = cosaPodYaml(o, stringify).replace('cpu: "2"', 'cpu: "1"');
    checkReviewedPod(ok, { name: 'cosa-fcos', namespace: 'ns' }, parse);
    const cases: [string, RegExp][] = [
      ['{ nope', /not YAML/],
      ['kind: Deployment\napiVersion: apps/v1\n', /not one v1 Pod/],
      [cosaPodYaml({ ...o, name: 'other' }, stringify), /named "other", not "cosa-fcos"/],
      [cosaPodYaml({ ...o, namespace: 'elsewhere' }, stringify), /namespace "elsewhere", not "ns"/],
      [cosaPodYaml(o, stringify).replace('name: cosa\n', 'name: worker\n'), /no container named "cosa"/],
      ['', /not one v1 Pod/],
    ];
    for (const [text, why] of cases) {
      assert.throws(() => checkReviewedPod(text, { name: 'cosa-fcos', namespace: 'ns' }, parse), why, text);
    }
  });

  it('contexts: one a line', () => {
    assert.deepEqual(parseContextNames('kind\n default/api:6443/kube:admin \n\n'), ['kind', 'default/api:6443/kube:admin']);
  });
});
