// Cancelling the pod's creation and its Ready wait (src/engine/kubePods.ts) with a real kubectl
// (the one on PATH: /usr/bin/kubectl v1.32.4 here). No cluster can be reached from these
// machines, so kubectl talks to a cluster address that accepts connections and never answers
// (a plain TCP listener of the test, over http so its request headers can be read): kubectl
// then waits as it would on a slow API server, and the test sees its connections open and
// close. Nothing of the API is imitated: every request stays unanswered (before the cancel) or
// is dropped unanswered (after it). What a real cluster would then do (remove the pod) is not
// exercised here.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { findOnPath } from '../../src/engine/executables';
import { createPod, KubeCancelled, KubeCommandError, waitPodReady } from '../../src/engine/kubePods';

const kubectl = findOnPath('kubectl');

interface Connection {
  readonly socket: net.Socket;
  /** The request's head as far as it came (method, path, headers). */
  head: string;
  readonly closed: Promise<void>;
}

/**
 * A cluster address that takes connections and answers nothing. After closeOnRequest(pattern),
 * requests are dropped unanswered until one's head matches; then the address is closed (refused).
 */
class SilentCluster {
  readonly connections: Connection[] = [];
  private readonly server = net.createServer((socket) => {
    const c: Connection = { socket, head: '', closed: new Promise((resolve) => socket.on('close', () => resolve())) };
    socket.on('data', (d: Buffer) => {
      c.head += d.toString('latin1');
      if (this.closing && c.head.includes('\r\n\r\n')) {
        socket.destroy();
        if (this.closing.pattern.test(c.head)) {
          this.closing.seen(c.head);
          void this.close();
        }
      }
    });
    socket.on('error', () => undefined);
    this.connections.push(c);
    this.arrived?.();
  });
  private arrived: (() => void) | undefined;
  private closing: { pattern: RegExp; seen: (head: string) => void } | undefined;

  /** The head of the request that matched; the address is closed after it. */
  closeOnRequest(pattern: RegExp): Promise<string> {
    return new Promise((resolve) => {
      this.closing = { pattern, seen: resolve };
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Resolves when the first connection is open. */
  firstConnection(): Promise<Connection> {
    return this.connections[0] ? Promise.resolve(this.connections[0]) : new Promise((resolve) => {
      this.arrived = () => resolve(this.connections[0]!);
    });
  }

  close(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()).unref());
  }
}

describe('a Kubernetes pod\'s creation and Ready wait can be cancelled (src/engine/kubePods.ts)', function () {
  this.timeout(20_000); // kubectl itself would wait 32 s and more for a silent API server
  let scratch: string;
  let cluster: SilentCluster;
  let env: NodeJS.ProcessEnv;
  const address = { tool: 'kubectl' as const, namespace: 'coreos-virt', pod: 'cosa-cancel' };

  before(function () {
    if (!kubectl) this.skip(); // needs a kubectl on PATH (Debian: kubernetes-client)
  });
  beforeEach(async () => {
    cluster = new SilentCluster();
    const port = await cluster.listen();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-kubecancel-'));
    fs.writeFileSync(path.join(scratch, 'config'), `apiVersion: v1
kind: Config
clusters:
- name: silent
  cluster: {server: "http://127.0.0.1:${port}"}
contexts:
- name: silent
  context: {cluster: silent, namespace: coreos-virt}
current-context: silent
`);
    env = { PATH: process.env.PATH, HOME: scratch, KUBECONFIG: path.join(scratch, 'config') };
  });
  afterEach(async () => {
    await cluster.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('Cancel during the Ready wait ends kubectl at once (its connection to the cluster closes)', async () => {
    const abort = new AbortController();
    const waiting = waitPodReady(kubectl!, address, 600, env, abort.signal);
    const c = await cluster.firstConnection(); // kubectl runs and waits for the cluster
    abort.abort();
    await assert.rejects(waiting, (e) => e instanceof KubeCancelled && /waiting for pod cosa-cancel was cancelled/.test(e.message));
    await c.closed; // kubectl's end closes its socket; a kubectl still running would hold it open (and fail the test's timeout)
  });

  it('an abort before kubectl starts starts nothing', async () => {
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(waitPodReady(kubectl!, address, 600, env, abort.signal), KubeCancelled);
    assert.equal(cluster.connections.length, 0, 'no kubectl reached the cluster');
  });

  it('Cancel while the pod is being created ends kubectl and asks the cluster to delete the pod', async () => {
    const abort = new AbortController();
    const creating = createPod(kubectl!, address, 'apiVersion: v1\nkind: Pod\nmetadata: {name: cosa-cancel}\n', 600, env, abort.signal);
    const first = await cluster.firstConnection();
    // After the cancel: kubectl's requests are dropped until its delete comes (kubectl names its
    // command in a header), then the address refuses connections, so the deletion fails fast.
    const deletion = cluster.closeOnRequest(/^Kubectl-Command: kubectl delete\r$/m);
    abort.abort();
    await first.closed; // the apply's kubectl has ended
    await deletion;
    // Nothing answers here, so the deletion failed: the user is told so, not that all went well.
    await assert.rejects(creating, (e) => e instanceof KubeCommandError && /^Deleting pod cosa-cancel in coreos-virt failed/.test(e.message));
  });
});
