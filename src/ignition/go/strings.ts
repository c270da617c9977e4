/** Small re-implementations of Go string behaviour that show up in Ignition's messages. */

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

/** Number of UTF-8 bytes of a JS string (Go's len(string)). */
export function utf8Length(s: string): number {
  if (!NON_ASCII.test(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { n += 4; i++; } else n += 3;
    } else n += 3;
  }
  return n;
}

/** Go's unicode.IsPrint approximation for the ranges we meet (Latin-1 and common planes). */
function isPrint(cp: number): boolean {
  if (cp < 0x20 || cp === 0x7f) return false;
  if (cp >= 0x80 && cp < 0xa0) return false;
  if (cp === 0xad) return false;
  if (cp >= 0xd800 && cp <= 0xdfff) return false;
  if (cp === 0xfffe || cp === 0xffff) return false;
  if ((cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f) || cp === 0xfeff) return false;
  if (cp >= 0xe000 && cp <= 0xf8ff) return false;
  if (cp > 0x10ffff) return false;
  // Go's IsPrint treats U+0020 as printable, other spaces (U+00A0, U+2000..) are not printable
  if (cp === 0xa0 || cp === 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp === 0x202f || cp === 0x205f || cp === 0x3000) return false;
  return true;
}

function escapeRune(cp: number, quote: number): string {
  if (cp === quote || cp === 0x5c) return '\\' + String.fromCodePoint(cp);
  if (isPrint(cp)) return String.fromCodePoint(cp);
  switch (cp) {
    case 0x07: return '\\a';
    case 0x08: return '\\b';
    case 0x0c: return '\\f';
    case 0x0a: return '\\n';
    case 0x0d: return '\\r';
    case 0x09: return '\\t';
    case 0x0b: return '\\v';
  }
  if (cp < 0x20 || cp === 0x7f) return '\\x' + cp.toString(16).padStart(2, '0');
  if (cp < 0x10000) return '\\u' + cp.toString(16).padStart(4, '0');
  return '\\U' + cp.toString(16).padStart(8, '0');
}

/** Go's strconv.Quote (and %q of a string). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) out += escapeRune(ch.codePointAt(0) ?? 0, 0x22);
  return out + '"';
}

/** encoding/json's quoteChar(c byte): the byte as a rune, quoted with single quotes. */
export function goQuoteRuneOfByte(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return '\'"\'';
  return "'" + escapeRune(c, 0x22) + "'";
}

/** Go's unicode.IsSpace. */
export function goIsSpace(cp: number): boolean {
  switch (cp) {
    case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0d: case 0x20: case 0x85: case 0xa0:
    case 0x1680: case 0x2028: case 0x2029: case 0x202f: case 0x205f: case 0x3000:
      return true;
  }
  return cp >= 0x2000 && cp <= 0x200a;
}

/** Go's strings.TrimSpace. */
export function goTrimSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && goIsSpace(s.charCodeAt(a))) a++;
  while (b > a && goIsSpace(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

/**
 * What fmt.Fprintf(w, s) prints when `s` (which is not meant as a format) is
 * used as the format with no arguments: validate/main.go does exactly that
 * with the report text, so a '%' in a key name comes out as "%!x(MISSING)".
 */
export function goSprintfNoArgs(s: string): string {
  if (s.indexOf('%') < 0) return s;
  let out = '';
  let i = 0;
  const n = s.length;
  while (i < n) {
    const pct = s.indexOf('%', i);
    if (pct < 0) { out += s.slice(i); break; }
    out += s.slice(i, pct);
    i = pct + 1;
    // flags
    while (i < n && '+-# 0'.includes(s[i])) i++;
    let badIndex = false;
    if (i < n && s[i] === '[') { // explicit argument index
      const close = s.indexOf(']', i);
      if (close > 0) { i = close + 1; badIndex = true; }
    }
    // width
    if (i < n && s[i] === '*') { out += '%!(BADWIDTH)'; i++; } else while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    // precision
    if (i < n && s[i] === '.') {
      i++;
      if (i < n && s[i] === '[') {
        const close = s.indexOf(']', i);
        if (close > 0) { i = close + 1; badIndex = true; }
      }
      if (i < n && s[i] === '*') { out += '%!(BADPREC)'; i++; } else while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    }
    if (i >= n) { out += '%!(NOVERB)'; break; }
    const cp = s.codePointAt(i) ?? 0;
    const verb = String.fromCodePoint(cp);
    i += verb.length;
    if (verb === '%') { out += '%'; continue; }
    if (badIndex) { out += '%!' + verb + '(BADINDEX)'; continue; }
    out += '%!' + verb + '(MISSING)';
  }
  return out;
}
