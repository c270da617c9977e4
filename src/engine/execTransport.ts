// Where a cosa command runs when it is not the one-container-per-command of the alias: a
// long-lived cosa container reached by an exec client (`podman --remote exec` into a remote
// session, `kubectl`/`oc exec` into a pod). The rest of the engine only asks a transport how
// to run an argv in that container. Process level, no vscode.

export type ExecTargetKind = 'remote-session' | 'pod';

export interface ExecCommand {
  readonly file: string;
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

/** Files on their way into the container; `done` resolves false when cancelled, rejects when a transfer failed. */
export interface InputsTransfer {
  readonly done: Promise<boolean>;
  cancel(): void;
}

export interface ExecTransport {
  readonly kind: ExecTargetKind;
  /** For people: "remote session 4644a05b735e on builder1". */
  readonly description: string;
  /** The build directory inside the container (cosa's working directory, /srv). */
  readonly workdir: string;
  /** The local command that runs `argv` in the container. */
  execCommand(argv: readonly string[], opts?: { stdin?: boolean; tty?: boolean; workdir?: string }): ExecCommand;
  /**
   * Before a command that changes the build directory: the local inputs (config checkout,
   * overrides) to the container, whose build directory is not the local folder. Absent: nothing to send.
   */
  sendInputs?(workspace: string, configGit: string | undefined, onLine: (line: string, stream: 'stdout' | 'stderr') => void): InputsTransfer;
}
