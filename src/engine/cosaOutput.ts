// The listeners every kind of CosaProcess has (a local container, an exec in a session or pod):
// raw output for terminals, tagged lines for parsers, and the refusal of a busy workspace,
// said on both. Process level, no vscode.

import { CosaFailure } from '../cosa/cosaFailure';
import type { CosaRunResult } from './cosaProcess';
import { Disposable, StreamName } from './processRunner';

export abstract class CosaOutput {
  private readonly dataListeners = new Set<(chunk: string) => void>();
  private readonly lineListeners = new Set<(line: string, stream: StreamName) => void>();
  /** Set by cancel(); a run cancelled before it started ends at once. */
  protected cancelled = false;

  onData(listener: (chunk: string) => void): Disposable {
    this.dataListeners.add(listener);
    return { dispose: () => this.dataListeners.delete(listener) };
  }

  onLine(listener: (line: string, stream: StreamName) => void): Disposable {
    this.lineListeners.add(listener);
    return { dispose: () => this.lineListeners.delete(listener) };
  }

  protected emitData(chunk: string): void {
    for (const l of this.dataListeners) {
      l(chunk);
    }
  }

  protected emitLine(line: string, stream: StreamName): void {
    for (const l of this.lineListeners) {
      l(line, stream);
    }
  }

  /**
   * The start of every run: lets the caller attach listeners first (start() returns synchronously),
   * then a refusal or a cancel that came before the start ends the run; otherwise `spawn` runs in
   * the same tick as the cancel check, so a cancel either ends the run here or finds the child
   * spawn made (a tick between the two would let a cancel see neither).
   */
  protected async startUnlessEnded(refusal: string | undefined, spawn: () => Promise<CosaRunResult>): Promise<CosaRunResult> {
    await Promise.resolve();
    if (refusal) {
      return this.refuse(refusal);
    }
    return this.cancelled ? { exitCode: 130, cancelled: true } : spawn();
  }

  /** Nothing was started: the workspace runs a mutating command already. */
  protected refuse(message: string): { exitCode: number; cancelled: false; failure: CosaFailure } {
    this.emitData(`${message}\n`);
    this.emitLine(message, 'stderr');
    return { exitCode: 125, cancelled: false, failure: { kind: 'workspace-busy', exitCode: 125, message, details: [] } };
  }
}
