// Validation off the extension host's main thread: one worker thread
// (src/engine/validationWorkerMain.ts) validates one document at a time.
// Per document only the newest request counts: a request waiting for the
// worker is replaced by a newer one (its text is read only when it is sent, so
// a burst of keystrokes costs one read), a running one is answered
// `undefined`, and a stale one that has run for `restartAfterMs` is stopped
// by restarting the worker (a 10 MB Butane file takes seconds) unless the
// document's last validation (its time per character) says it ends soon: a new worker starts cold (its
// first validations of a 1 MB config are several times slower), so stopping a
// validation that ends within `keepIfEndsWithinMs` costs more than it saves
// (a 1.28 MB config took 250-350 ms while typing: bench/RESULTS.md).
// A validation that is not stale but runs long (a big Butane config with
// thousands of findings takes seconds) while other documents wait is handed
// its worker to finish in (one such at a time) and a new worker takes the
// others: editing one file never waits for another's long validation.
// The worker keeps the last text of each document it was sent with a version,
// so a keystroke sends the edits since then, not the whole text
// (src/engine/textEdits.ts); when its copy does not match it asks for the
// whole text, and a new worker is always sent whole texts.

import { Worker } from 'node:worker_threads';
import { validatorFailure, type ConfigKind, type ValidationFinding } from '../ignition/findings';
import type { TextUpdate } from './textEdits';

export interface ValidationRequest {
  readonly id: number;
  readonly kind: ConfigKind;
  /** The document (the worker keeps its text under this key). */
  readonly key: string;
  readonly update: TextUpdate;
}

/** Tells the worker to drop a document's kept text. */
export interface ForgetRequest {
  readonly forget: string;
}

export interface ValidationResponse {
  readonly id: number;
  /** Absent when the worker's copy did not take the edits: send the whole text. */
  readonly findings?: ValidationFinding[];
}

/**
 * What to send for a document: the whole text, or (with the version the worker keeps, `held`) the edits
 * since. Called when the worker takes the request.
 */
export type TextReader = (held: number | undefined) => string | TextUpdate;

/** `undefined`: a newer request for the same document replaced this one. */
type Answer = ValidationFinding[] | undefined;

interface Job {
  readonly key: string;
  readonly kind: ConfigKind;
  readonly read: TextReader;
  readonly resolve: (a: Answer) => void;
}

interface Running extends Job {
  id: number;
  /** The text's length (UTF-16 code units). */
  readonly length: number;
  readonly started: number;
  superseded: boolean;
}

export interface ValidationWorkerOptions {
  /** A superseded validation that has run this long is stopped by restarting the worker. */
  readonly restartAfterMs?: number;
  /** ...unless the document's last validation says this one ends within this many ms (default 500). */
  readonly keepIfEndsWithinMs?: number;
  /**
   * The worker's heap limit: a document that needs more ends the worker with an error finding
   * (without a limit, a worker out of memory takes the whole extension host with it).
   */
  readonly maxHeapMb?: number;
  /**
   * A validation running this long while other documents wait keeps its worker to itself and a new worker
   * takes the others (default 1000 ms; at most one such validation at a time, so at most two workers).
   */
  readonly detachAfterMs?: number;
}

const DEFAULT_MAX_HEAP_MB = 1024;

export class ValidationWorker {
  private worker: Worker | undefined;
  private readonly waiting = new Map<string, Job>();
  /** Each document's last completed validation: ms per character of its text. */
  private readonly msPerChar = new Map<string, number>();
  private running: Running | undefined;
  /** A long validation that was left its worker while a new one took the other documents. */
  private detached: { readonly worker: Worker; readonly running: Running } | undefined;
  private detachTimer: ReturnType<typeof setTimeout> | undefined;
  /** The version of each document's text the current worker keeps (none for a new worker). */
  private readonly held = new Map<string, number>();
  private nextId = 1;
  private disposed = false;
  /** Workers started so far (tests and benches read it). */
  starts = 0;
  /** Requests sent as edits, and whole texts sent again because the worker's copy did not match (tests read them). */
  editsSent = 0;
  resends = 0;

  /** `script`: the worker's JavaScript file (dist/validationWorker.js in the extension). */
  constructor(private readonly script: string, private readonly options: ValidationWorkerOptions = {}) {}

  /**
   * Validates the text `read` gives when the worker takes the request. Resolves with the findings,
   * or `undefined` when a newer request for `key` replaced this one. A crashed worker gives an error finding.
   */
  validate(key: string, kind: ConfigKind, read: TextReader): Promise<Answer> {
    if (this.disposed) return Promise.resolve(undefined);
    return new Promise<Answer>((resolve) => {
      this.waiting.get(key)?.resolve(undefined);
      this.waiting.delete(key);
      this.waiting.set(key, { key, kind, read, resolve });
      this.supersede(key);
      this.pump();
      this.watchLong();
    });
  }

  /** Drops what is waiting or running for `key` (a closed document). */
  cancel(key: string): void {
    this.msPerChar.delete(key);
    if (this.held.delete(key)) this.worker?.postMessage({ forget: key } satisfies ForgetRequest);
    this.waiting.get(key)?.resolve(undefined);
    this.waiting.delete(key);
    this.supersede(key);
    this.pump();
  }

  dispose(): void {
    this.disposed = true;
    for (const job of this.waiting.values()) job.resolve(undefined);
    this.waiting.clear();
    this.running?.resolve(undefined);
    this.running = undefined;
    clearTimeout(this.detachTimer);
    this.stopDetached();
    this.stopWorker();
  }

  private supersede(key: string): void {
    const d = this.detached;
    if (d && d.running.key === key) {
      d.running.superseded = true;
      if (this.worthStopping(d.running)) this.stopDetached();
    }
    const r = this.running;
    if (!r || r.key !== key) return;
    r.superseded = true;
    if (this.worthStopping(r)) {
      this.running = undefined;
      r.resolve(undefined);
      this.stopWorker();
    }
  }

  /** Whether a superseded validation is stopped rather than left to end (a restarted worker is cold). */
  private worthStopping(r: Running): boolean {
    const elapsed = performance.now() - r.started;
    const rate = this.msPerChar.get(r.key);
    const expectedLeft = rate === undefined ? Infinity : rate * r.length - elapsed;
    return elapsed >= (this.options.restartAfterMs ?? 250) && expectedLeft > (this.options.keepIfEndsWithinMs ?? 500);
  }

  /** While a validation runs and other documents wait, checks at detachAfterMs whether to give it its worker. */
  private watchLong(): void {
    const r = this.running;
    if (!r || this.detached || this.detachTimer || this.waiting.size === 0) return;
    const wait = Math.max(0, (this.options.detachAfterMs ?? 1000) - (performance.now() - r.started));
    this.detachTimer = setTimeout(() => {
      this.detachTimer = undefined;
      this.detach();
      this.watchLong();
    }, wait);
    this.detachTimer.unref?.();
  }

  /** The running validation keeps its worker to finish in; the documents waiting get a new one. */
  private detach(): void {
    const r = this.running;
    const w = this.worker;
    if (!r || !w || this.detached || r.superseded || this.disposed) return;
    if (performance.now() - r.started < (this.options.detachAfterMs ?? 1000)) return;
    if (![...this.waiting.keys()].some((k) => k !== r.key)) return;
    this.detached = { worker: w, running: r };
    this.worker = undefined;
    // The texts it keeps leave with it: the next worker is sent whole texts.
    this.held.clear();
    this.running = undefined;
    this.pump();
  }

  private stopDetached(): void {
    const d = this.detached;
    this.detached = undefined;
    d?.running.resolve(undefined);
    void d?.worker.terminate();
  }

  private pump(): void {
    if (this.running || this.disposed) return;
    const next = this.waiting.values().next();
    if (next.done) return;
    const job = next.value;
    this.waiting.delete(job.key);
    const worker = this.ensureWorker();
    const update = this.read(job, this.held.get(job.key));
    if (update === undefined) {
      this.pump();
      return;
    }
    const length = 'text' in update ? update.text.length : update.length;
    const running: Running = { ...job, id: 0, length, started: performance.now(), superseded: false };
    this.running = running;
    this.send(worker, running, update);
  }

  /** The job's text update; undefined (the job answered with an error finding) when reading failed. */
  private read(job: Job, held: number | undefined): TextUpdate | undefined {
    try {
      const read = job.read(held);
      return typeof read === 'string' ? { text: read } : read;
    } catch (e) {
      job.resolve([validatorFailure(job.kind, e)]);
      return undefined;
    }
  }

  private send(worker: Worker, running: Running, update: TextUpdate): void {
    running.id = this.nextId++;
    if ('text' in update) {
      if (update.version === undefined) this.held.delete(running.key); else this.held.set(running.key, update.version);
    } else {
      this.held.set(running.key, update.version);
      this.editsSent++;
    }
    const request: ValidationRequest = { id: running.id, kind: running.kind, key: running.key, update };
    worker.postMessage(request);
    this.watchLong();
  }

  /** The worker's copy did not take the edits: the same document again, whole (or its newer request, if superseded). */
  private resend(worker: Worker, r: Running): void {
    this.resends++;
    this.held.delete(r.key);
    if (r.superseded) {
      this.running = undefined;
      r.resolve(undefined);
      this.pump();
      return;
    }
    const update = this.read(r, undefined);
    if (update === undefined) {
      this.running = undefined;
      this.pump();
      return;
    }
    this.send(worker, r, update);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const maxHeapMb = this.options.maxHeapMb ?? DEFAULT_MAX_HEAP_MB;
    const worker = new Worker(this.script, { resourceLimits: { maxOldGenerationSizeMb: maxHeapMb } });
    this.starts++;
    worker.on('message', (m: ValidationResponse) => {
      const d = this.detached;
      if (d && worker === d.worker && d.running.id === m.id) {
        this.detached = undefined;
        this.msPerChar.set(d.running.key, (performance.now() - d.running.started) / Math.max(1, d.running.length));
        d.running.resolve(d.running.superseded ? undefined : m.findings);
        void worker.terminate();
        this.watchLong();
        return;
      }
      const r = this.running;
      if (worker !== this.worker || !r || r.id !== m.id) return;
      if (m.findings === undefined) {
        this.resend(worker, r);
        return;
      }
      this.running = undefined;
      this.msPerChar.set(r.key, (performance.now() - r.started) / Math.max(1, r.length));
      r.resolve(r.superseded ? undefined : m.findings);
      this.pump();
    });
    const failed = (e: unknown) => {
      const outOfMemory = (e as { code?: string } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
      const why = outOfMemory ? new Error(`checking it needs more than ${maxHeapMb} MB of memory; it was not checked`) : e;
      const d = this.detached;
      if (d && worker === d.worker) {
        this.detached = undefined;
        d.running.resolve(d.running.superseded ? undefined : [validatorFailure(d.running.kind, why)]);
        void worker.terminate();
        this.watchLong();
        return;
      }
      if (worker !== this.worker) return; // stopped on purpose
      this.worker = undefined;
      this.held.clear();
      const r = this.running;
      this.running = undefined;
      r?.resolve(r.superseded ? undefined : [validatorFailure(r.kind, why)]);
      void worker.terminate();
      this.pump();
    };
    worker.on('error', failed);
    worker.on('exit', (code) => failed(new Error(`the validation worker stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private stopWorker(): void {
    const w = this.worker;
    this.worker = undefined;
    this.held.clear();
    void w?.terminate();
    this.pump();
  }
}

/**
 * Validates one text in a worker of its own, ended afterwards: a one-off check (Translate Butane, Test in VM)
 * never holds the caller's thread (a 10 MB Butane config takes tens of seconds and hundreds of MB of heap,
 * bench/RESULTS.md) and gets the worker's out-of-memory finding instead of exhausting the caller's heap.
 */
export async function validateOnce(script: string, kind: ConfigKind, text: string, options: ValidationWorkerOptions = {}): Promise<ValidationFinding[]> {
  const worker = new ValidationWorker(script, options);
  try {
    // never superseded: the key is this worker's only one
    return (await worker.validate('once', kind, () => text)) ?? [];
  } finally {
    worker.dispose();
  }
}
