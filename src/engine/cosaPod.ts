// cosa in a pod written from src/cosa/kubePod.ts's manifest, as an exec transport: `kubectl exec`
// or `oc exec` on a cluster, or `podman exec` into the pod that `podman kube play` made of the
// same YAML. The pod's working directory is /srv (its emptyDir). Process level, no vscode.

import { KubeTool, kubeRawExecArgv, podmanPodExecArgv } from '../cosa/kubePod';
import { RemoteBuilderError } from '../cosa/remoteSession';
import { EMPTY_BUILD_DIR, InitCreated, WorkspaceFacts } from '../cosa/workspaceKind';
import { ExecBuildDir, execRemoveFromBuildDir, execVisibleEntries } from './execBuildDir';
import { ExecCommand, ExecTransport } from './execTransport';
import { CapturedResult, runCaptured } from './processRunner';

/** kubectl's own words: its stderr without klog's `E1130 23:11:02.895576 …` lines, which repeat them. */
export function kubectlMessage(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s/.test(l));
  return lines.join(' ');
}

/** A failed kubectl/oc call, with kubectl's message. */
export class KubeCommandError extends RemoteBuilderError {
  constructor(readonly what: string, readonly result: CapturedResult) {
    super(`${what} failed: ${kubectlMessage(result.stderr) || (result.timedOut ? 'no answer in time' : `exit status ${result.exitCode}`)}`);
  }
}

const failedInPod = (what: string, r: CapturedResult) => new KubeCommandError(what, r);

export type PodTool = KubeTool | 'podman';

export interface CosaPodAddress {
  readonly pod: string;
  /** kubectl/oc on a cluster, podman for a pod played with `podman kube play`. */
  readonly tool: PodTool;
  /** The tool's executable (default: its name on PATH). */
  readonly toolPath?: string;
  readonly namespace?: string;
  readonly context?: string;
  /** The tool's environment (KUBECONFIG, CONTAINER_HOST, ...; default process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

export const POD_WORKDIR = '/srv';

export class CosaPod implements ExecTransport, ExecBuildDir {
  readonly kind = 'pod';
  readonly workdir = POD_WORKDIR;

  constructor(readonly address: CosaPodAddress) {}

  get description(): string {
    const a = this.address;
    return `pod ${a.namespace ? `${a.namespace}/` : ''}${a.pod} (${a.tool})`;
  }

  execCommand(argv: readonly string[], opts: { stdin?: boolean; tty?: boolean; workdir?: string } = {}): ExecCommand {
    const a = this.address;
    // kubectl exec has no --workdir: any other directory is a `cd` in the command itself.
    const inDir = opts.workdir && opts.workdir !== POD_WORKDIR ? ['sh', '-c', 'cd "$1" && shift && exec "$@"', 'sh', opts.workdir, ...argv] : argv;
    const io = { ...(opts.stdin ? { stdin: true } : {}), ...(opts.tty ? { tty: true } : {}) };
    return {
      file: a.toolPath ?? a.tool,
      argv: a.tool === 'podman'
        ? podmanPodExecArgv(a.pod, inDir, io)
        : kubeRawExecArgv(a.pod, inDir, { ...io, ...(a.namespace ? { namespace: a.namespace } : {}), ...(a.context ? { context: a.context } : {}) }),
      env: a.env ?? process.env,
    };
  }

  /** A plain command in the pod, captured (the builds tree's reads: src/engine/buildDirSource.ts). */
  capture(argv: readonly string[], timeoutMs = 60_000): Promise<CapturedResult> {
    const cmd = this.execCommand(argv);
    return runCaptured(cmd.file, cmd.argv, { env: cmd.env, timeoutMs });
  }

  visibleEntries(): Promise<string[]> {
    return execVisibleEntries(this, failedInPod);
  }

  removeFromBuildDir(entries: readonly InitCreated[]): Promise<void> {
    return execRemoveFromBuildDir(this, entries, failedInPod);
  }
}

/**
 * The build directory of a pod that is not made yet (or is still pending, so never ran): its
 * emptyDir will be empty. Nothing is asked; the first command makes the pod (after its review).
 */
export class PodToBeMade implements ExecBuildDir {
  readonly kind = 'pod';

  constructor(readonly description: string) {}

  facts(): WorkspaceFacts {
    return EMPTY_BUILD_DIR;
  }

  visibleEntries(): Promise<string[]> {
    return Promise.resolve([]);
  }

  /** Nothing to remove in an empty directory. */
  removeFromBuildDir(): Promise<void> {
    return Promise.resolve();
  }
}
