/**
 * The verdicts of go-systemd (v22) unit.Deserialize, which Ignition uses to
 * check unit and drop-in contents: the error text, or the parsed options
 * (only their sections matter to Ignition). Includes the 2048-byte line limit,
 * which go-systemd checks on its bufio.Reader's buffered bytes, so the
 * 4096-byte buffer is modelled too.
 */

import { goIsSpace, goQuote } from './strings';

const LINE_MAX = 2048;
const BUF_SIZE = 4096;

class BufReader {
  // never holds more than the whole source: a short unit needs no 4 KiB buffer (the limits use BUF_SIZE)
  private buf: Uint8Array;
  private r = 0;
  private w = 0;
  private srcPos = 0;
  private eof = false;
  private lastRuneSize = -1;
  constructor(private readonly src: Uint8Array) {
    this.buf = new Uint8Array(Math.min(BUF_SIZE, src.length));
  }

  buffered(): number { return this.w - this.r; }

  private fill(): void {
    if (this.r > 0) {
      this.buf.copyWithin(0, this.r, this.w);
      this.w -= this.r;
      this.r = 0;
    }
    const n = Math.min(BUF_SIZE - this.w, this.src.length - this.srcPos);
    if (n > 0) {
      this.buf.set(this.src.subarray(this.srcPos, this.srcPos + n), this.w);
      this.w += n;
      this.srcPos += n;
    } else {
      this.eof = true;
    }
  }

  peekHasNewline(n: number): boolean {
    for (let i = this.r; i < this.r + n; i++) {
      const c = this.buf[i];
      if (c === 0x0a || c === 0x0d) return true;
    }
    return false;
  }

  /** Returns the rune or -1 at EOF. */
  readRune(): number {
    while (this.r + 4 > this.w && !fullRune(this.buf, this.r, this.w) && !this.eof && this.w - this.r < BUF_SIZE) this.fill();
    this.lastRuneSize = -1;
    if (this.r === this.w) return -1;
    const c = this.buf[this.r];
    if (c < 0x80) { this.r++; this.lastRuneSize = 1; return c; }
    const [cp, size] = decodeRune(this.buf, this.r, this.w);
    this.r += size;
    this.lastRuneSize = size;
    return cp;
  }

  unreadRune(): void {
    if (this.lastRuneSize >= 0 && this.r >= this.lastRuneSize) this.r -= this.lastRuneSize;
    this.lastRuneSize = -1;
  }

  /** ReadBytes(delim): [bytes, hitEOF]. */
  readBytes(delim: number): [Uint8Array, boolean] {
    const chunks: Uint8Array[] = [];
    let total = 0;
    this.lastRuneSize = -1;
    while (true) {
      // ReadSlice
      let s = 0;
      let line: Uint8Array | undefined;
      let full = false;
      let hitEof = false;
      while (true) {
        // the bytes past w are stale: a first match there is no match
        const k = this.buf.indexOf(delim, this.r + s);
        const i = k >= 0 && k < this.w ? k - this.r : -1;
        if (i >= 0) { line = this.buf.slice(this.r, this.r + i + 1); this.r += i + 1; break; }
        if (this.eof) { line = this.buf.slice(this.r, this.w); this.r = this.w; hitEof = true; break; }
        if (this.buffered() >= BUF_SIZE) { this.r = this.w; line = this.buf.slice(0); full = true; break; }
        s = this.w - this.r;
        this.fill();
      }
      // the usual case, a line within the buffer: no copy of a copy
      if (!full && chunks.length === 0) return [line, hitEof];
      chunks.push(line);
      total += line.length;
      if (full) continue;
      const out = new Uint8Array(total);
      let o = 0;
      for (const ch of chunks) { out.set(ch, o); o += ch.length; }
      return [out, hitEof];
    }
  }
}

function fullRune(b: Uint8Array, r: number, w: number): boolean {
  const n = w - r;
  if (n <= 0) return false;
  const c = b[r];
  if (c < 0x80) return true;
  const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
  return n >= need;
}

function decodeRune(b: Uint8Array, r: number, w: number): [number, number] {
  const c = b[r];
  const need = c >= 0xf0 && c < 0xf8 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
  if (need === 0 || r + need > w) return [0xfffd, 1];
  let cp = need === 2 ? c & 0x1f : need === 3 ? c & 0x0f : c & 0x07;
  for (let k = 1; k < need; k++) {
    const d = b[r + k];
    if ((d & 0xc0) !== 0x80) return [0xfffd, 1];
    cp = (cp << 6) | (d & 0x3f);
  }
  return [cp, need];
}

function trimSpaceBytes(b: Uint8Array): Uint8Array {
  let a = 0;
  let e = b.length;
  while (a < e && (b[a] === 0x20 || (b[a] >= 0x09 && b[a] <= 0x0d))) a++;
  while (e > a && (b[e - 1] === 0x20 || (b[e - 1] >= 0x09 && b[e - 1] <= 0x0d))) e--;
  return b.subarray(a, e);
}

function toEOL(buf: BufReader): [Uint8Array, boolean] {
  const read = buf.readBytes(0x0a);
  let line = read[0];
  const eof = read[1];
  if (line.length && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
  if (line.length && line[line.length - 1] === 0x0a) line = line.subarray(0, line.length - 1);
  return [line, eof];
}

export interface UnitParseResult {
  error?: string;
  /** Section names of the options parsed (only meaningful without error). */
  optionSections: string[];
}

// one of each per process: making them per unit cost more than parsing a short unit
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** go-systemd unit.Deserialize over the contents string. */
export function deserializeUnit(contents: string): UnitParseResult {
  const src = utf8.encode(contents);
  const buf = new BufReader(src);
  const sections: string[] = [];
  const dec = utf8Decoder;
  type Step = () => Step | undefined;
  let err: string | undefined;

  const isComment = (r: number): boolean => r === 0x23 || r === 0x3b;

  const ignoreLine = (nextStep: Step): Step => () => {
    while (true) {
      let [line] = toEOL(buf);
      while (line.length && line[line.length - 1] === 0x20) { line = line.subarray(0, line.length - 1); break; }
      if (!(line.length && line[line.length - 1] === 0x5c)) break;
    }
    return nextStep;
  };

  const optionValue = (section: string): Step => () => {
    while (true) {
      const [line, eof] = toEOL(buf);
      if (trimSpaceBytes(line).length === 0) break;
      const idx = line.lastIndexOf(0x5c);
      if (idx === -1 || idx !== line.length - 1) break;
      void eof;
      return optionValue(section);
    }
    sections.push(section);
    return nextSectionOrOption(section);
  };

  const optionName = (section: string): Step => () => {
    while (true) {
      const r = buf.readRune();
      if (r < 0) { err = 'EOF'; return undefined; }
      if (r === 0x0a || r === 0x0d) { err = 'unexpected newline encountered while parsing option name'; return undefined; }
      if (r === 0x3d) break;
    }
    return optionValue(section);
  };

  const nextSectionOrOption = (section: string): Step => () => {
    const r = buf.readRune();
    if (r < 0) return undefined;
    if (goIsSpace(r)) return nextSectionOrOption(section);
    if (r === 0x5b) return sectionName;
    if (isComment(r)) return ignoreLine(nextSectionOrOption(section));
    buf.unreadRune();
    return optionName(section);
  };

  const sectionSuffix = (section: string): Step => () => {
    const [garbage] = toEOL(buf);
    const g = trimSpaceBytes(garbage);
    if (g.length > 0) {
      err = `found garbage after section name : ${goQuote(dec.decode(g))}`;
      return undefined;
    }
    return nextSectionOrOption(section);
  };

  const sectionName: Step = () => {
    const [sec, eof] = buf.readBytes(0x5d);
    if (eof) { err = 'unable to find end of section'; return undefined; }
    return sectionSuffix(dec.decode(sec.subarray(0, sec.length - 1)));
  };

  const nextSection: Step = () => {
    const r = buf.readRune();
    if (r < 0) return undefined;
    if (r === 0x5b) return sectionName;
    if (isComment(r)) return ignoreLine(nextSection);
    return nextSection;
  };

  let step: Step | undefined = nextSection;
  while (step) {
    if (buf.buffered() >= LINE_MAX && !buf.peekHasNewline(LINE_MAX)) {
      return { error: `line too long (max ${LINE_MAX} bytes)`, optionSections: [] };
    }
    step = step();
    if (err !== undefined) return { error: err, optionSections: [] };
  }
  return { optionSections: sections };
}
