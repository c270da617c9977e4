// One cosa command by exec in a long-lived cosa container (a remote session, a pod): the
// CosaProcess of such a target, with the same output, failure reading, lock and cancel
// semantics as a local container (src/engine/cosaProcess.ts). A cancel stops the command's
// process group in the container (src/engine/groupedExec.ts). A client that ends without a
// cancel (an ssh connection that dropped) may leave the command running there: its group is
// stopped at once if the container answers, else the message says how. Process level, no vscode.

import { CosaFailure, CosaFailureCollector } from '../cosa/cosaFailure';
import { execPreamble } from '../cosa/execPreamble';
import { CosaSettings, commandLine as quoteCommandLine } from '../cosa/invocation';
import { killGroupArgv } from '../cosa/processGroup';
import { explainRemoteFailure } from '../cosa/remoteSession';
import type { CosaProcess, CosaRunResult } from './cosaProcess';
import { ExecCommand, ExecTransport, InputsTransfer } from './execTransport';
import { GroupedExec, signalGroup } from './groupedExec';
import { removedLockLine, removeLeftoverLocksIn } from './leftoverLocks';
import { CosaOutput } from './cosaOutput';
import { WorkspaceLease } from './workspaceLock';

export interface ExecCosaRequest {
  readonly args: readonly string[];
  readonly tty: boolean;
  readonly settings: CosaSettings;
  /** Seconds between TERM and KILL of the command's group on cancel. */
  readonly graceSeconds: number;
  /** The local workspace whose inputs go to the container first (a command that changes the build directory); absent: none are sent. */
  readonly sendInputsOf?: string;
  /** Changes the build directory: after a cancel, the cosa locks it left there are removed (src/cosa/leftoverLocks.ts). */
  readonly mutating?: boolean;
}

/** Exit codes of the exec client itself (podman: 125; kubectl/ssh: 255, 1 with no marker). */
const CLIENT_FAILURES = new Set([125, 126, 127, 255]);

export class ExecCosaProcess extends CosaOutput implements CosaProcess {
  readonly commandLine: string;
  readonly preamble: readonly string[];
  readonly containerName: string;
  readonly runsIn: string;
  readonly result: Promise<CosaRunResult>;
  private readonly collector = new CosaFailureCollector();
  private readonly stderrTail: string[] = [];
  private exec: GroupedExec | undefined;
  private transfer: InputsTransfer | undefined;
  private startedAt = 0;

  constructor(
    readonly transport: ExecTransport,
    private readonly request: ExecCosaRequest,
    lease: WorkspaceLease | undefined,
    refusal: string | undefined,
    onSettled: () => void,
  ) {
    super();
    const shown = transport.execCommand(['cosa', ...request.args], { stdin: true, ...(request.tty ? { tty: true } : {}) });
    this.commandLine = quoteCommandLine(shown.file, shown.argv);
    this.preamble = execPreamble(transport.description, request.settings, this.commandLine, { sendsInputs: transport.sendInputs !== undefined });
    this.containerName = transport.description;
    this.runsIn = transport.description;
    this.result = this.run(refusal).finally(() => {
      lease?.release();
      onSettled();
    });
  }

  get args(): readonly string[] {
    return this.request.args;
  }

  write(data: string): void {
    this.exec?.write(data);
  }

  private run(refusal: string | undefined): Promise<CosaRunResult> {
    return this.startUnlessEnded(refusal, () => this.spawnAndWait());
  }

  /** The inputs first (when asked), then the command; a cancel during the transfer starts nothing. */
  private async spawnAndWait(): Promise<CosaRunResult> {
    const workspace = this.request.sendInputsOf;
    if (workspace !== undefined && this.transport.sendInputs) {
      const transfer = this.transport.sendInputs(workspace, this.request.settings.configGit, (line, stream) => {
        this.emitData(`${line}\n`);
        this.emitLine(line, stream);
      });
      this.transfer = transfer;
      let sent: boolean;
      try {
        sent = await transfer.done;
      } catch (e) {
        const message = `${this.transport.description}: ${(e as Error).message}. cosa ${this.request.args[0] ?? ''} was not started.`;
        this.emitData(`${message}\n`);
        this.emitLine(message, 'stderr');
        return { exitCode: 1, cancelled: false, failure: { kind: 'builder', exitCode: 1, message, details: [] } };
      }
      // Checked in the tick that spawns (see startUnlessEnded).
      if (!sent || this.cancelled) {
        return { exitCode: 130, cancelled: true };
      }
    }
    return this.execAndWait();
  }

  /** Spawns before its first await. */
  private async execAndWait(): Promise<CosaRunResult> {
    const exec = new GroupedExec(this.transport, ['cosa', ...this.request.args], {
      ...(this.request.tty ? { tty: true } : {}), killGraceMs: this.request.graceSeconds * 1000,
    });
    this.exec = exec;
    exec.onData((chunk) => this.emitData(chunk));
    exec.onLine((line, stream) => {
      this.collector.push(line);
      if (stream === 'stderr') {
        this.stderrTail.push(line);
        if (this.stderrTail.length > 40) {
          this.stderrTail.shift();
        }
      }
      this.emitLine(line, stream);
    });
    this.startedAt = Date.now();
    const startedAt = this.startedAt;
    const exit = await exec.exit;
    if (exit.cancelled || this.cancelled) {
      if (this.request.mutating) {
        await this.removeLeftoverLocks(startedAt);
      }
      return { exitCode: exit.exitCode, cancelled: true };
    }
    if (exit.contactLost) {
      return { exitCode: exit.exitCode, cancelled: false, failure: await this.lostContact(exit.exitCode, exit.pgid) };
    }
    let failure = this.collector.finish(exit.exitCode);
    if (failure) {
      failure = await this.clientFailure(failure, exit.pgid);
    }
    return { exitCode: exit.exitCode, cancelled: false, ...(failure ? { failure } : {}) };
  }

  /**
   * A failure of the exec client or the connection (not of cosa) says so in words; when the
   * command had started in the container, its group is stopped there (the client is gone, the
   * command may not be).
   */
  private async clientFailure(failure: CosaFailure, pgid: number | undefined): Promise<CosaFailure> {
    const explained = explainRemoteFailure(this.stderrTail.join('\n'));
    const clientFailed = CLIENT_FAILURES.has(failure.exitCode) || pgid === undefined;
    if (!clientFailed) {
      // cosa itself failed; name the reason when we can (a full disk on the builder).
      return explained ? { ...failure, message: `${failure.message} (${explained})` } : failure;
    }
    if (!explained && failure.kind !== 'exit' && failure.kind !== 'runtime') {
      return failure;
    }
    return { ...failure, kind: 'builder', message: `${this.transport.description}: ${explained ?? failure.message}.${await this.whatIsLeft(pgid)}` };
  }

  /** The exec client went silent (src/engine/groupedExec.ts ended it): the connection is taken as lost. */
  private async lostContact(exitCode: number, pgid: number | undefined): Promise<CosaFailure> {
    const explained = 'no output and no heartbeat came from the builder for too long: the connection to it was lost';
    return { kind: 'builder', exitCode, message: `${this.transport.description}: ${explained}.${await this.whatIsLeft(pgid)}`, details: [] };
  }

  /** Stops the command's group there; says whether that worked. */
  private async whatIsLeft(pgid: number | undefined): Promise<string> {
    if (pgid === undefined) {
      return '';
    }
    if (await this.stopOrphan(pgid)) {
      // Killed there as a cancel kills it: the locks cosa held then are removed as after a cancel.
      if (this.request.mutating) {
        await this.removeLeftoverLocks(this.startedAt);
      }
      return ' The command was stopped there.';
    }
    return ` The command may still run there; once the builder answers again, \`${quoteCommandLine(this.killCommand(pgid).file, this.killCommand(pgid).argv)}\` stops it.`;
  }

  private killCommand(pgid: number): ExecCommand {
    return this.transport.execCommand(killGroupArgv(pgid, 'KILL'));
  }

  /** Stop a group whose client is gone; true when the container answered. */
  private async stopOrphan(pgid: number): Promise<boolean> {
    const r = await signalGroup(this.transport, pgid, 'KILL', 20_000).catch(() => undefined);
    if (!r) {
      return false;
    }
    // kill: "No such process" means it had ended already: that is an answer too.
    return r.exitCode === 0 || /no such process/i.test(r.stderr);
  }

  /** The cosa locks the stopped command's processes left in the container's build directory. */
  private async removeLeftoverLocks(startedAt: number): Promise<void> {
    for (const file of await removeLeftoverLocksIn(this.transport, startedAt)) {
      const line = removedLockLine(file);
      this.emitData(`${line}\n`);
      this.emitLine(line, 'stderr');
    }
  }

  cancel(): Promise<void> {
    this.cancelled = true;
    this.transfer?.cancel();
    return (this.exec?.cancel() ?? Promise.resolve()).then(() => this.result).then(() => undefined);
  }
}
