// The Kubernetes builder's glue (src/vscode/kubeBuilder.ts, through Select Builder in
// src/vscode/builders.ts) with the typed vscode stand-in and a real kubectl (the one on PATH:
// /usr/bin/kubectl v1.32.4 here) reading a kubeconfig of the test's: its contexts and their
// namespaces come from kubectl, the choice is written as kubectl://CONTEXT/NAMESPACE/POD, a
// cluster that does not answer stops the command with kubectl's own reason, and the manifest
// review returns what the user left in the editor. No cluster can be reached from these
// machines: the pod itself is proven with podman kube play (test/integration/kubePod.test.ts).

import '../../mocks/registerVscode';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { parse } from 'yaml';
import { standIn, Uri } from '../../mocks/vscode';
import { defaultKubePodName, kubeBuilderSettingValue } from '../../../src/cosa/kubePod';
import { CosaEngine } from '../../../src/engine/cosaProcess';
import { findOnPath } from '../../../src/engine/executables';
import { Builders, SELECT_BUILDER_TITLE } from '../../../src/vscode/builders';
import { CosaLauncher } from '../../../src/vscode/cosaLauncher';
import { CosaOutputLog } from '../../../src/vscode/outputLog';
import { CREATE_POD, CURRENT_CONTEXT_PICK, KUBE_PICK, KubePods, POD_MEMORY, reviewPodManifest } from '../../../src/vscode/kubeBuilder';

const root = Uri.file('/tmp/coreos-kube-ws') as unknown as vscode.Uri;
const kubectl = findOnPath('kubectl');
const OPENSHIFT_CONTEXT = 'coreos-virt/api-crc-testing:6443/kube:admin';

// Port 1 on loopback: nothing listens, so kubectl fails at once with "connection refused".
const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: nowhere
  cluster: {server: "https://127.0.0.1:1"}
users:
- name: me
  user: {token: not-a-secret}
contexts:
- name: ${OPENSHIFT_CONTEXT}
  context: {cluster: nowhere, user: me, namespace: coreos-virt}
- name: kind
  context: {cluster: nowhere, user: me}
current-context: kind
`;

describe('Kubernetes builder (src/vscode/kubeBuilder.ts)', function () {
  this.timeout(60_000);
  let scratch: string;
  let env: NodeJS.ProcessEnv;
  let engine: CosaEngine;
  let builders: Builders | undefined;

  before(function () {
    if (!kubectl) this.skip(); // needs a kubectl on PATH (Debian: kubernetes-client; these machines: /usr/bin/kubectl v1.32.4)
  });
  beforeEach(() => {
    standIn.reset();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-kube-'));
    fs.writeFileSync(path.join(scratch, 'config'), KUBECONFIG);
    env = { PATH: process.env.PATH, HOME: scratch, KUBECONFIG: path.join(scratch, 'config') };
    engine = new CosaEngine({ env: {} });
  });
  afterEach(() => {
    builders?.dispose();
    builders = undefined;
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  const onlyKubectl = (t: string) => (t === 'kubectl' ? kubectl : undefined);

  it('Select Builder offers a pod; the contexts and the context\'s namespace come from kubectl; the choice is written', async () => {
    builders = new Builders(engine, () => undefined, new KubePods(engine, onlyKubectl, env));
    standIn.quickPickAnswers = [KUBE_PICK, OPENSHIFT_CONTEXT];
    standIn.inputAnswers = ['coreos-virt', defaultKubePodName(root.fsPath)];
    const choice = await builders.select(root);
    assert.ok(standIn.quickPicks[0]!.includes(KUBE_PICK), 'Select Builder lists the pod builder');
    assert.deepEqual(standIn.quickPicks[1], [CURRENT_CONTEXT_PICK, OPENSHIFT_CONTEXT], 'the kubeconfig\'s contexts, its current one first');
    assert.deepEqual(standIn.inputValues, ['coreos-virt', defaultKubePodName(root.fsPath)], 'the context\'s namespace and the workspace\'s pod name are offered');
    const address = { tool: 'kubectl' as const, context: OPENSHIFT_CONTEXT, namespace: 'coreos-virt', pod: defaultKubePodName(root.fsPath) };
    assert.deepEqual(choice, { kind: 'kube', pod: address });
    assert.equal(standIn.settings.get('coreos.builder'), kubeBuilderSettingValue(address));
    assert.match(standIn.infos.at(-1)!.message, /its manifest is shown for review first/);
    const item = standIn.statusBarItems.find((i) => i.id === 'coreos.builder')!;
    assert.equal(item.shown, true);
    assert.match(item.text, /pod coreos-virt\/cosa-/);
  });

  it('the current context without a namespace gives "default"', async () => {
    builders = new Builders(engine, () => undefined, new KubePods(engine, onlyKubectl, env));
    standIn.quickPickAnswers = [KUBE_PICK, CURRENT_CONTEXT_PICK];
    standIn.inputAnswers = ['default', 'cosa-x'];
    const choice = await builders.select(root);
    assert.equal(standIn.inputValues[0], 'default');
    assert.deepEqual(choice, { kind: 'kube', pod: { tool: 'kubectl', namespace: 'default', pod: 'cosa-x' } });
    assert.equal(standIn.settings.get('coreos.builder'), 'kubectl:///default/cosa-x');
  });

  it('without kubectl and oc the pick says what to install and writes nothing', async () => {
    builders = new Builders(engine, () => undefined, new KubePods(engine, () => undefined, env));
    standIn.quickPickAnswers = [KUBE_PICK];
    assert.equal(await builders.select(root), undefined);
    assert.match(standIn.errors[0]!.message, /Neither kubectl nor oc is on PATH/);
    assert.equal(standIn.settings.has('coreos.builder'), false);
  });

  it('a cluster that does not answer stops the command with kubectl\'s reason; nothing is reviewed, the target stays local', async () => {
    builders = new Builders(engine, () => undefined, new KubePods(engine, onlyKubectl, env));
    standIn.settings.set('coreos.builder', `kubectl://kind/coreos-virt/${defaultKubePodName(root.fsPath)}`);
    const reason = await builders.useFor(root, 'quay.io/coreos-assembler/coreos-assembler:latest');
    assert.match(reason ?? '', /The builder cannot be used: Looking for pod cosa-[0-9a-f]+ in coreos-virt failed: The connection to the server 127\.0\.0\.1:1 was refused/);
    assert.doesNotMatch(reason!, /memcache|E\d{4} /, 'klog\'s repeated lines are left out');
    assert.deepEqual(standIn.errors[0]!.items, [SELECT_BUILDER_TITLE]);
    assert.equal(engine.target(root.fsPath), undefined);
    assert.deepEqual(standIn.documents, []);
    assert.equal(await builders.currentTarget(root), undefined);
  });

  it('"is it initialised" is judged in the pod, never on the local disk: a pod that cannot be asked gives no answer', async () => {
    // The local folder looks initialised; with a pod builder that must not count (the pod's /srv is the build directory).
    const ws = fs.mkdtempSync(path.join(scratch, 'ws-'));
    for (const d of ['src/config', 'builds', 'tmp']) fs.mkdirSync(path.join(ws, d), { recursive: true });
    const wsRoot = Uri.file(ws) as unknown as vscode.Uri;
    builders = new Builders(engine, () => undefined, new KubePods(engine, onlyKubectl, env));
    standIn.settings.set('coreos.builder', `kubectl://kind/coreos-virt/${defaultKubePodName(ws)}`);
    await assert.rejects(builders.buildDirTarget(wsRoot, 'quay.io/coreos-assembler/coreos-assembler:latest'),
      /Looking for pod cosa-[0-9a-f]+ in coreos-virt failed: The connection to the server 127\.0\.0\.1:1 was refused/);
    const launcher = new CosaLauncher(engine, { started: () => undefined, ended: () => undefined } as unknown as CosaOutputLog, builders);
    assert.equal(await launcher.lookAtBuildDir(wsRoot), undefined, 'not the local folder\'s facts: the command\'s own start says why the pod cannot be used');
  });

  describe('the manifest review', () => {
    const address = { tool: 'kubectl' as const, namespace: 'coreos-virt', pod: 'cosa-fcos' };
    const image = 'quay.io/coreos-assembler/coreos-assembler:latest';

    it('shows the pod as YAML in an editor; Create Pod returns the text as the user left it', async () => {
      standIn.onShowDocument = (doc) => {
        doc.text = doc.text.replaceAll(`memory: ${POD_MEMORY}`, 'memory: 4Gi');
      };
      standIn.answer = CREATE_POD;
      const reviewed = await reviewPodManifest(root, address, image);
      const doc = standIn.documents[0]!;
      assert.equal(doc.language, 'yaml');
      assert.equal(doc.shown, true);
      assert.deepEqual(standIn.infos[0]!.items, [CREATE_POD]);
      const pod = parse(reviewed) as { metadata: { name: string; namespace: string }; spec: { containers: { image: string; resources: { limits: Record<string, string> } }[] } };
      assert.equal(pod.metadata.name, 'cosa-fcos');
      assert.equal(pod.metadata.namespace, 'coreos-virt');
      assert.equal(pod.spec.containers[0]!.image, image);
      assert.deepEqual(pod.spec.containers[0]!.resources.limits, { cpu: '6', memory: '4Gi', 'devices.kubevirt.io/kvm': '1' }, 'the user\'s edit is what gets applied');
    });

    it('dismissed: nothing is created', async () => {
      standIn.answer = undefined;
      await assert.rejects(reviewPodManifest(root, address, image), /pod cosa-fcos was not created \(the manifest was not confirmed\)/);
    });

    it('an edit that makes it another pod is refused with what changed', async () => {
      standIn.onShowDocument = (doc) => {
        doc.text = doc.text.replace('name: cosa-fcos', 'name: mine');
      };
      standIn.answer = CREATE_POD;
      await assert.rejects(reviewPodManifest(root, address, image), /named "mine", not "cosa-fcos"/);
    });
  });
});
