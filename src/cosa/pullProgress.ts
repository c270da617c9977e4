// Image pull progress, folded from what the runtimes report. Pure.
//
// Shapes understood:
// - the Docker-compatible API (docker, and podman's compat endpoint that
//   dockerode uses): JSON objects with `status`, `id` (12-hex layer id),
//   `progressDetail: {current, total}`, `progress` (a bar text), and
//   `error` / `errorDetail.message`. Docker: Pulling fs layer -> Waiting ->
//   Downloading -> Verifying Checksum -> Download complete -> Extracting ->
//   Pull complete (or Already exists). Podman's compat endpoint: Pulling fs
//   layer -> Downloading (total may be -1) -> Download complete / Already exists.
// - podman's libpod API: `{"stream": "Copying blob sha256:…\n"}`, `{"images": […]}`, `{"error": …}`.
// - CLI text lines: podman (`Copying blob 7a04… done`, `Copying blob sha256:… skipped: already exists`)
//   and docker (`7a0437f04f83: Pull complete`).

export interface PullEvent {
  readonly id?: string;
  readonly status?: string;
  readonly progressDetail?: { readonly current?: number; readonly total?: number };
  readonly progress?: string;
  readonly error?: string;
  readonly errorDetail?: { readonly message?: string };
  /** libpod API text (one or more lines). */
  readonly stream?: string;
  /** libpod API: the pulled image ids (the pull is done). */
  readonly images?: readonly string[];
}

export type LayerPhase = 'waiting' | 'downloading' | 'downloaded' | 'extracting' | 'done' | 'exists';

export interface LayerState {
  readonly id: string;
  readonly phase: LayerPhase;
  /** Bytes downloaded (or extracted, in the extracting phase). */
  readonly current: number;
  /** Layer size when known (> 0). */
  readonly total?: number;
}

export interface PullSummary {
  readonly layers: readonly LayerState[];
  readonly layersDone: number;
  /** Downloaded bytes over the layers whose size is known, and that size. */
  readonly bytesDone: number;
  readonly bytesTotal: number;
  /** 0..1; never decreases over a pull. */
  readonly fraction: number;
  /** One line for the notification. */
  readonly message: string;
  readonly error?: string;
  readonly finished: boolean;
}

/** Share of a layer's weight that downloading covers (extraction is the rest). */
const DOWNLOAD_SHARE = 0.9;

const FINISHED_STATUS = /^(Status: (Downloaded newer image|Image is up to date) for |Digest: )/;

export function formatBytes(n: number): string {
  if (n < 1024) {
    return `${n} B`;
  }
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

const known = (n: number | undefined): number | undefined => (n !== undefined && n > 0 ? n : undefined);

/** Layer ids as the runtimes print them: 12 hex (docker) or a digest (podman). Shortened to 12. */
function layerId(raw: string): string {
  return raw.startsWith('sha256:') ? raw.slice(7, 19) : raw.slice(0, 12);
}

const COPYING_BLOB = 'Copying blob ';
const isLowerHex = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66);
/** What `\s` matches (a RegExp on one character: the rare non-ASCII spaces included). */
const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c > 0x7f && /\s/.test(String.fromCharCode(c)));
/** What `.` does not match. */
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;
const RARE_IN_REST = /skipped|already exists|done|[\n\r\u2028\u2029]/gi;
/**
 * RARE_IN_REST, or anything the cleaning in applyLine would change (ESC, `\r`, a logfmt `level=`, trailing
 * whitespace): a raw line without any of them is read as it is, the others are cleaned first.
 */
// eslint-disable-next-line no-control-regex
const RARE_OR_UNCLEAN = /skipped|already exists|done|level=|[\n\r\u2028\u2029\u001b]|\s$/gi;

const NO_LAYERS: readonly LayerState[] = Object.freeze([]);
export class PullProgressAggregator {
  private readonly layers = new Map<string, LayerState>();
  /** Extraction progress (0..1) per layer, apart from the download bytes. */
  private readonly extract = new Map<string, number>();
  private lastStatus = '';
  private error: string | undefined;
  private finished = false;
  private maxFraction = 0;
  /** The summary of the current state; dropped when the state changes (pushLine is called for every output line). */
  private cached: PullSummary | undefined;

  /** One API event (Docker-compatible or libpod). */
  push(e: PullEvent): PullSummary {
    const err = e.errorDetail?.message ?? e.error;
    if (err) {
      this.setError(err.trim());
      return this.summary();
    }
    if (e.stream !== undefined) {
      for (const line of e.stream.split('\n')) {
        this.applyLine(line);
      }
      return this.summary();
    }
    if (e.images && e.images.length) {
      this.finish();
      return this.summary();
    }
    const status = e.status?.trim();
    if (!status) {
      return this.summary();
    }
    if (FINISHED_STATUS.test(status)) {
      if (status.startsWith('Status:')) {
        this.finish();
      }
      this.setStatus(status);
      return this.summary();
    }
    // "Pulling from <repo>" (id = the tag), "Pulling image …", "Trying to pull …": not layers.
    if (e.id && !/^Pulling (from|image)\b/.test(status) && /^[0-9a-f]{12,64}$|^sha256:/.test(e.id)) {
      this.applyLayer(layerId(e.id), status, e.progressDetail);
    }
    this.setStatus(e.id && !/^Pulling from\b/.test(status) ? `${layerId(e.id)}: ${status}` : status);
    return this.summary();
  }

  /** One line of CLI output (podman or docker pull), or of the libpod stream. */
  pushLine(raw: string): PullSummary {
    this.applyLine(raw);
    return this.summary();
  }

  private applyLine(raw: string): void {
    // Most lines of a pull are `Copying blob …` redraws that need no cleaning (bench/RESULTS.md, "Build log throughput")
    if (raw.charCodeAt(0) === 0x43 && this.applyCopyingBlob(raw, RARE_OR_UNCLEAN)) return;
    let line = raw;
    // eslint-disable-next-line no-control-regex
    if (line.includes('\u001b')) line = line.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
    if (line.includes('\r')) line = line.replace(/\r/g, '');
    line = line.trim();
    // podman's logrus lines: time="…" level=warning msg="Failed, retrying in 1s … Error: …"
    const logfmt = line.includes('level=') ? /\blevel=\w+ msg="((?:[^"\\]|\\.)*)"/.exec(line) : null;
    if (logfmt) {
      line = logfmt[1]!.replace(/\\"/g, '"');
    }
    if (!line) {
      return;
    }
    // The lines below start with C, E, W, S, D, e or a hex digit: any other line is only a status.
    const first = line.charCodeAt(0);
    if (!(first === 0x43 || first === 0x45 || first === 0x57 || first === 0x53 || first === 0x44 || (first >= 0x30 && first <= 0x39) || (first >= 0x61 && first <= 0x66))) {
      this.setStatus(line);
      return;
    }
    if (first === 0x43 && this.applyCopyingBlob(line, RARE_IN_REST)) {
      return;
    }
    let m: RegExpExecArray | null;
    if ((m = /^([0-9a-f]{12}): (.+)$/.exec(line))) {
      this.applyLayer(m[1]!, m[2]!, undefined);
      this.setStatus(line);
      return;
    }
    if (/^Error[: ]|^error[: ]/.test(line)) {
      this.setError(line.replace(/^(Error|error):?\s*/, ''));
      return;
    }
    if (/^(Writing manifest to image destination|Storing signatures)$/.test(line) || FINISHED_STATUS.test(line)) {
      if (!line.startsWith('Digest:')) {
        this.finish();
      }
    }
    if (/^[0-9a-f]{64}$/.test(line)) {
      // podman pull prints the image id last
      this.finish();
      return;
    }
    this.setStatus(line);
  }

  /**
   * `Copying blob [sha256:]<12 to 64 hex>[<spaces> <rest>]`, read without a RegExp (this is every line
   * of a pull, bench/RESULTS.md "Build log throughput"); the digest's first 12 hex are the layer id (layerId).
   * False when the line is not one, or when `rare` (a global RegExp) finds something in the rest that needs a closer look
   * (RARE_IN_REST: an ending or a line terminator; RARE_OR_UNCLEAN: also what cleaning the raw line would change).
   */
  private applyCopyingBlob(line: string, rare: RegExp): boolean {
    if (line.lastIndexOf(COPYING_BLOB, 0) !== 0) return false;
    let from = COPYING_BLOB.length;
    if (line.lastIndexOf('sha256:', from) === from) from += 7;
    const n = line.length;
    let to = from;
    while (to < n && to - from < 64 && isLowerHex(line.charCodeAt(to))) to++;
    if (to - from < 12) return false;
    let restAt = to;
    while (restAt < n && isSpace(line.charCodeAt(restAt))) restAt++;
    if (restAt === to && to < n) return false;
    let status = 'Downloading';
    // one scan of the rest, no copy: a rare ending or a character `.` does not match (then the line is not one)
    // RARE_OR_UNCLEAN from the digest's end: the spaces after it may hold a `\r` that cleaning would remove
    rare.lastIndex = rare === RARE_IN_REST ? restAt : to;
    if (rare.lastIndex < n && rare.test(line)) {
      if (rare !== RARE_IN_REST) return false;
      const rest = line.slice(restAt);
      if (LINE_TERMINATOR.test(rest)) return false;
      status = /skipped|already exists/i.test(rest) ? 'Already exists' : /done/i.test(rest) ? 'Pull complete' : status;
    }
    this.applyLayer(line.slice(from, from + 12), status, undefined);
    // no setStatus: with a layer known the message never shows the status
    return true;
  }

  private applyLayer(id: string, status: string, detail: PullEvent['progressDetail']): void {
    const prev = this.layers.get(id);
    let total = prev?.total;
    let phase: LayerPhase = prev?.phase ?? 'waiting';
    let current = prev?.current ?? 0;
    if (status === 'Pull complete' || status === 'Already exists') {
      phase = status === 'Already exists' && (!prev || prev.phase === 'waiting') ? 'exists' : 'done';
      current = total ?? current;
    } else if (status === 'Download complete' || status === 'Verifying Checksum') {
      phase = 'downloaded';
      current = total ?? current;
    } else if (status === 'Downloading') {
      phase = 'downloading';
      total = known(detail?.total) ?? total;
      current = Math.max(current, detail?.current ?? 0);
    } else if (status === 'Extracting') {
      phase = 'extracting';
      // extraction bytes are tracked separately from the download
      const t = known(detail?.total);
      const c = detail?.current ?? 0;
      this.extract.set(id, t ? Math.min(1, c / t) : 0);
      this.cached = undefined;
      total = total ?? t;
      current = total ?? current;
    } else if (status === 'Pulling fs layer' || status === 'Waiting') {
      phase = prev?.phase ?? 'waiting';
    } else {
      // unknown status: keep the state, remember the text
    }
    if (prev && prev.phase === phase && prev.current === current && prev.total === total) {
      return;
    }
    this.layers.set(id, { id, phase, current, ...(total !== undefined ? { total } : {}) });
    this.cached = undefined;
  }

  private setStatus(status: string): void {
    // the message shows the status only while no layer is known (adding a layer drops the summary anyway)
    if (this.layers.size > 0) return;
    this.lastStatus = status;
    this.cached = undefined;
  }

  private setError(error: string): void {
    this.error = error;
    this.cached = undefined;
  }

  private finish(): void {
    this.finished = true;
    this.cached = undefined;
    for (const [id, l] of this.layers) {
      if (l.phase !== 'done' && l.phase !== 'exists') {
        this.layers.set(id, { ...l, phase: 'done', current: l.total ?? l.current });
      }
    }
  }

  private layerFraction(l: LayerState): number {
    switch (l.phase) {
      case 'done':
      case 'exists':
        return 1;
      case 'extracting':
        return DOWNLOAD_SHARE + (1 - DOWNLOAD_SHARE) * (this.extract.get(l.id) ?? 0);
      case 'downloaded':
        return DOWNLOAD_SHARE;
      case 'downloading':
        return l.total ? DOWNLOAD_SHARE * Math.min(1, l.current / l.total) : 0;
      default:
        return 0;
    }
  }

  summary(): PullSummary {
    this.cached ??= this.computeSummary();
    return this.cached;
  }

  private computeSummary(): PullSummary {
    if (this.layers.size === 0 && !this.finished && !this.error) {
      // what the general case below gives with no layer (a build's output changes the status on every line)
      return { layers: NO_LAYERS, layersDone: 0, bytesDone: 0, bytesTotal: 0, fraction: this.maxFraction, message: this.lastStatus, finished: false };
    }
    const layers = [...this.layers.values()];
    let sized = 0;
    let sizeSum = 0;
    for (const l of layers) {
      if (l.total !== undefined) {
        sized++;
        sizeSum += l.total;
      }
    }
    // A layer of unknown size weighs as much as the average known one (or 1 when none is known).
    const avg = sized ? sizeSum / sized : 1;
    let weighted = 0;
    let weights = 0;
    let bytesDone = 0;
    let bytesTotal = 0;
    let layersDone = 0;
    for (const l of layers) {
      // Layers that already exist cost nothing: they would fill the bar before any work.
      if (l.phase !== 'exists') {
        const w = l.total ?? avg;
        weighted += w * this.layerFraction(l);
        weights += w;
      }
      if (l.total !== undefined && l.phase !== 'exists') {
        bytesTotal += l.total;
        bytesDone += Math.min(l.current, l.total);
      }
      if (l.phase === 'done' || l.phase === 'exists') {
        layersDone++;
      }
    }
    const raw = this.finished && !this.error ? 1 : weights > 0 ? weighted / weights : 0;
    this.maxFraction = Math.max(this.maxFraction, raw);
    const parts: string[] = [];
    if (layers.length) {
      parts.push(`${layersDone}/${layers.length} layers`);
    }
    if (bytesTotal > 0) {
      parts.push(`${formatBytes(bytesDone)} of ${formatBytes(bytesTotal)}`);
    }
    const message = this.error ? `failed: ${this.error}` : this.finished ? 'done' : parts.length ? parts.join(', ') : this.lastStatus;
    return {
      layers,
      layersDone,
      bytesDone,
      bytesTotal,
      fraction: this.maxFraction,
      message,
      ...(this.error ? { error: this.error } : {}),
      finished: this.finished,
    };
  }
}

/**
 * Splits a JSON stream (objects separated by newlines, or just concatenated,
 * as the API sends them) into events; returns the events and the incomplete rest.
 */
export function splitJsonStream(buffer: string): { events: PullEvent[]; rest: string } {
  const events: PullEvent[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  for (let i = 0; i < buffer.length; i++) {
    const c = buffer[i];
    if (inString) {
      if (escaped) {
        escaped = false;
      } else if (c === '\\') {
        escaped = true;
      } else if (c === '"') {
        inString = false;
      }
      continue;
    }
    if (c === '"') {
      inString = true;
    } else if (c === '{') {
      if (depth === 0) {
        start = i;
      }
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0 && start >= 0) {
        try {
          events.push(JSON.parse(buffer.slice(start, i + 1)) as PullEvent);
        } catch {
          // not an event
        }
        start = -1;
      }
    }
  }
  return { events, rest: depth > 0 && start >= 0 ? buffer.slice(start) : '' };
}

/** The increment (in percent) to report so a VS Code progress bar reaches `fraction`. */
export function progressIncrement(reportedPercent: number, fraction: number): number {
  const target = Math.floor(Math.min(1, Math.max(0, fraction)) * 100);
  return Math.max(0, target - reportedPercent);
}
