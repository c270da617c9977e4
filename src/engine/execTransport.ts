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

export interface ExecTransport {
  readonly kind: ExecTargetKind;
  /** For people: "remote session 4644a05b735e on builder1". */
  readonly description: string;
  /** The build directory inside the container (cosa's working directory, /srv). */
  readonly workdir: string;
  /** The local command that runs `argv` in the container. */
  execCommand(argv: readonly string[], opts?: { stdin?: boolean; tty?: boolean; workdir?: string }): ExecCommand;
}
