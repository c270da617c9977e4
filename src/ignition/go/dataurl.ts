/**
 * The error behaviour of vincent-petithory/dataurl DecodeString (used by
 * Ignition to check data: URLs) and of Go's base64.StdEncoding, reimplemented:
 * returns the error message Ignition reports, or undefined when the URL decodes.
 */

function isTokenRune(r: number): boolean {
  if (r > 0x7f) return false;
  if (r < 0x20 || r === 0x7f) return false; // control
  if (r === 0x20) return false; // space (other ASCII spaces are controls)
  return !isTSpecial(r);
}

const TSPECIALS = new Uint8Array(0x80);
for (const c of '()<>@,;:\\"/[]?=') TSPECIALS[c.charCodeAt(0)] = 1;

function isTSpecial(r: number): boolean {
  return TSPECIALS[r] === 1;
}

/**
 * The first character of a data URL's payload that is not a URL character
 * (ASCII, not a control, not one of ` <>#"{}|\^[]` and the backtick) or,
 * for base64, not a base64 character or a newline.
 */
const NOT_URL_CHAR = /[^\x21\x24-\x3b\x3d\x3f-\x5a\x5f\x61-\x7a\x7e]/g;
const NOT_BASE64_CHAR = /[^a-zA-Z0-9+/=\n]/g;

function isDiscreteType(s: string): boolean {
  return s.startsWith('text') || s.startsWith('image') || s.startsWith('audio') || s.startsWith('video') || s.startsWith('application');
}
function isCompositeType(s: string): boolean {
  return s.startsWith('message') || s.startsWith('multipart');
}

/** Go's base64.StdEncoding.DecodeString error, or undefined. Input is ASCII here. */
export function goBase64StdError(src: string): string | undefined {
  const val = (c: number): number => {
    if (c >= 0x41 && c <= 0x5a) return c - 0x41;
    if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 26;
    if (c >= 0x30 && c <= 0x39) return c - 0x30 + 52;
    if (c === 0x2b) return 62;
    if (c === 0x2f) return 63;
    return -1;
  };
  const corrupt = (i: number): string => `illegal base64 data at input byte ${i}`;
  const n = src.length;
  let si = 0;
  while (true) {
    // decodeQuantum
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let trailing: string | undefined;
    let j = 0;
    for (; j < 4; j++) {
      if (n === si) {
        if (j === 0) return undefined;
        return corrupt(si - j); // StdEncoding pads, so any short quantum is corrupt
      }
      const inC = src.charCodeAt(si);
      si++;
      const out = val(inC);
      if (out >= 0) { dbuf[j] = out; continue; }
      if (inC === 0x0a || inC === 0x0d) { j--; continue; }
      if (inC !== 0x3d) return corrupt(si - 1);
      // padding
      if (j === 0 || j === 1) return corrupt(si - 1);
      if (j === 2) {
        while (si < n && (src.charCodeAt(si) === 0x0a || src.charCodeAt(si) === 0x0d)) si++;
        if (si === n) return corrupt(n);
        if (src.charCodeAt(si) !== 0x3d) return corrupt(si - 1);
        si++;
      }
      while (si < n && (src.charCodeAt(si) === 0x0a || src.charCodeAt(si) === 0x0d)) si++;
      if (si < n) trailing = corrupt(si);
      dlen = j;
      break;
    }
    void dbuf;
    if (trailing !== undefined) return trailing;
    if (dlen < 4) return undefined;
  }
}

const ESCAPE_OR_NON_ASCII = /[%\u0080-\uffff]/;

/** rfc2396 Unescape from the dataurl package. */
function rfc2396UnescapeError(s: string): string | undefined {
  if (!ESCAPE_OR_NON_ASCII.test(s)) return undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return 'rfc2396: non-ASCII char detected';
    if (c === 0x25) {
      if (i + 1 >= s.length) return 'rfc2396: unexpected end of unescape sequence';
      if (!isHex(s.charCodeAt(i + 1))) return 'rfc2396: invalid char 0x25 in unescape sequence';
      if (i + 2 >= s.length) return 'rfc2396: unexpected end of unescape sequence';
      if (!isHex(s.charCodeAt(i + 2))) return 'rfc2396: invalid char 0x25 in unescape sequence';
      i += 2;
    }
  }
  return undefined;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/** strconv.Unquote("\"" + val + "\"") succeeds? (val comes from a quoted data URL parameter). */
function goUnquoteOk(val: string): boolean {
  // val contains only ASCII (lexer guarantees) and no unescaped '"'
  for (let i = 0; i < val.length; i++) {
    const c = val[i];
    if (c === '\n') return false;
    if (c !== '\\') continue;
    i++;
    const e = val[i];
    if ('abfnrtv\\"'.includes(e)) continue;
    if (e === 'x') { if (!(isHex(val.charCodeAt(i + 1)) && isHex(val.charCodeAt(i + 2)))) return false; i += 2; continue; }
    if (e === 'u' || e === 'U') {
      const len = e === 'u' ? 4 : 8;
      let cp = 0;
      for (let k = 1; k <= len; k++) {
        if (!isHex(val.charCodeAt(i + k))) return false;
        cp = cp * 16 + parseInt(val[i + k], 16);
      }
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
      i += len;
      continue;
    }
    if (e >= '0' && e <= '7') {
      let v = 0;
      for (let k = 0; k < 3; k++) {
        const d = val[i + k];
        if (d === undefined || d < '0' || d > '7') return false;
        v = v * 8 + (d.charCodeAt(0) - 0x30);
      }
      if (v > 255) return false;
      i += 2;
      continue;
    }
    return false;
  }
  return true;
}

type R = ((l: Lx) => R) | string | undefined;
interface Lx { input: string; pos: number; start: number; width: number; seenBase64: boolean; quoted: boolean; dataIsBase64: boolean }
const EOF = -1;
function next(l: Lx): number {
  if (l.pos >= l.input.length) { l.width = 0; return EOF; }
  const cp = l.input.codePointAt(l.pos) ?? 0;
  l.width = cp >= 0x10000 ? 2 : 1;
  l.pos += l.width;
  return cp;
}
function backup(l: Lx): void { l.pos -= l.width; }

function data(l: Lx): R {
  const startData = l.pos;
  // one native scan of the payload (the lexer's rune loop, which stops at the first bad character)
  const bad = l.dataIsBase64 ? NOT_BASE64_CHAR : NOT_URL_CHAR;
  bad.lastIndex = startData;
  if (bad.test(l.input)) return 'invalid data character';
  l.pos = l.input.length;
  if (l.pos > startData) {
    const payload = l.input.slice(startData, l.pos);
    return l.dataIsBase64 ? goBase64StdError(payload) : rfc2396UnescapeError(payload);
  }
  return undefined;
}
function dataComma(l: Lx): R { next(l); l.start = l.pos; l.dataIsBase64 = l.seenBase64; return data; }
function paramSemicolon(l: Lx): R { next(l); l.start = l.pos; return afterParamSemicolon; }
function afterParamVal(l: Lx): R {
  const r = next(l);
  if (r === 0x3b) { backup(l); return paramSemicolon; }
  if (r === 0x2c) { backup(l); return dataComma; }
  if (r === EOF) return 'missing comma before data';
  return 'expected semicolon or comma';
}
function paramVal(l: Lx): R {
  if (l.pos > l.start) {
    const v = l.input.slice(l.start, l.pos);
    if (l.quoted) { l.quoted = false; if (!goUnquoteOk(v)) return 'invalid syntax'; }
    else { const e = rfc2396UnescapeError(v); if (e) return e; }
  }
  l.start = l.pos;
  return afterParamVal;
}
function inParamVal(l: Lx): R {
  while (true) {
    const r = next(l);
    if (r === 0x3b || r === 0x2c) { backup(l); return paramVal; }
    if (r === EOF) return 'missing comma before data';
    if (isTokenRune(r)) continue;
    return 'invalid character for parameter value';
  }
}
function quotedParamVal(l: Lx): R {
  if (l.pos > l.start) {
    const v = l.input.slice(l.start, l.pos);
    if (l.quoted) { l.quoted = false; if (!goUnquoteOk(v)) return 'invalid syntax'; }
  }
  next(l); // right quote
  l.start = l.pos;
  return afterParamVal;
}
function escapedChar(l: Lx): R {
  const r = next(l);
  if (r === EOF) return 'unexpected eof';
  if (r <= 0x7f) return inQuoted;
  return 'invalid escaped character';
}
function inQuoted(l: Lx): R {
  while (true) {
    const r = next(l);
    if (r === EOF) return 'unclosed quoted string';
    if (r === 0x5c) return escapedChar;
    if (r === 0x22) { backup(l); return quotedParamVal; }
    if (r <= 0x7f) continue;
    return 'invalid character for parameter value';
  }
}
function afterParamEqual(l: Lx): R {
  const r = next(l);
  if (r === 0x22) { l.start = l.pos; l.quoted = true; return inQuoted; }
  if (r === EOF) return 'missing comma before data';
  if (isTokenRune(r)) return inParamVal;
  return 'invalid character for parameter value';
}
function paramEqual(l: Lx): R { next(l); l.start = l.pos; return afterParamEqual; }
function base64Enc(l: Lx): R {
  if (l.pos > l.start) {
    const v = l.input.slice(l.start, l.pos);
    if (v !== 'base64') return `expected base64, got ${v}`;
    l.seenBase64 = true;
    l.start = l.pos;
  }
  return dataComma;
}
function inParamAttr(l: Lx): R {
  while (true) {
    const r = next(l);
    if (r === 0x3d) { backup(l); l.start = l.pos; return paramEqual; }
    if (r === 0x2c) { backup(l); return base64Enc; }
    if (r === EOF) return 'unterminated parameter sequence';
    if (isTokenRune(r)) continue;
    return 'invalid character for parameter attribute';
  }
}
function afterParamSemicolon(l: Lx): R {
  const r = next(l);
  if (r === EOF) return 'unterminated parameter sequence';
  if (r === 0x3d || r === 0x2c) return 'unterminated parameter sequence';
  if (isTokenRune(r)) { backup(l); return inParamAttr; }
  return 'invalid character for parameter attribute';
}
function afterMediaSubType(l: Lx): R {
  const r = next(l);
  if (r === 0x3b) { backup(l); return paramSemicolon; }
  if (r === 0x2c) { backup(l); return dataComma; }
  if (r === EOF) return 'missing comma before data';
  return 'expected semicolon or comma';
}
function afterMediaSep(l: Lx): R {
  while (true) {
    const r = next(l);
    if (r === 0x3b || r === 0x2c) { backup(l); l.start = l.pos; return afterMediaSubType; }
    if (r === EOF) return 'incomplete media type';
    if (isTokenRune(r)) continue;
    return 'invalid character for media subtype';
  }
}
function mediaSep(l: Lx): R { next(l); l.start = l.pos; return afterMediaSep; }
function inDiscreteMediaType(l: Lx): R {
  while (true) {
    const r = next(l);
    if (r === 0x2f) {
      backup(l);
      const t = l.input.slice(l.start, l.pos);
      if (!isDiscreteType(t) && !isCompositeType(t)) return 'invalid media type';
      return mediaSep;
    }
    if (r === EOF) return 'missing media type slash';
    if (isTokenRune(r)) continue;
    return 'invalid character for media type';
  }
}
function xTokenMediaType(l: Lx): R {
  while (true) {
    const r = next(l);
    if (r === 0x2f) { backup(l); return mediaSep; }
    if (r === EOF) return 'missing media type slash';
    if (isTokenRune(r)) continue;
    return 'invalid character for media type';
  }
}
function afterDataPrefix(l: Lx): R {
  const r = next(l);
  if (r === 0x3b) { backup(l); return paramSemicolon; }
  if (r === 0x2c) { backup(l); return dataComma; }
  if (r === EOF) return 'missing comma before data';
  if (r === 0x78 || r === 0x58) {
    if (next(l) === 0x2d) return xTokenMediaType;
    return inDiscreteMediaType;
  }
  if (isTokenRune(r)) return inDiscreteMediaType;
  return 'invalid character after data prefix';
}
/** The URL characters of a data URL's payload (the complement of NOT_URL_CHAR) but `%`, which must start an escape. */
const PLAIN_PAYLOAD = new Uint8Array(0x80);
const notUrlChar = new RegExp(NOT_URL_CHAR.source); // without /g: no lastIndex
for (let c = 0; c < 0x80; c++) if (c !== 0x25 && !notUrlChar.test(String.fromCharCode(c))) PLAIN_PAYLOAD[c] = 1;

/**
 * True for `data:,` followed by URL characters and `%XX` escapes (Butane's `inline` becomes `data:,` +
 * encodeURIComponent(…)): a URL Ignition's check accepts in every spec. goUrlParse: no `#` or control
 * character, scheme `data`, an opaque rest (it starts with `,`); dataUrlDecodeError: no media type, a
 * payload of URL characters whose escapes decode. False says nothing: the caller parses.
 */
export function isPlainDataUrl(s: string): boolean {
  if (!s.startsWith('data:,')) return false;
  for (let i = 6; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      if (!isHex(s.charCodeAt(i + 1)) || !isHex(s.charCodeAt(i + 2))) return false;
      i += 2;
    } else if (c >= 0x80 || PLAIN_PAYLOAD[c] !== 1) return false;
  }
  return true;
}

/** dataurl.DecodeString: undefined when it decodes, else the error message. */
export function dataUrlDecodeError(input: string): string | undefined {
  if (!input.startsWith('data:')) return 'missing data prefix';
  const l: Lx = { input, pos: 5, start: 5, width: 0, seenBase64: false, quoted: false, dataIsBase64: false };
  let st: R = afterDataPrefix;
  while (typeof st === 'function') st = st(l);
  return st;
}
