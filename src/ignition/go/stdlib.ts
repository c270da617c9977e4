/**
 * Behaviour of the Go standard library functions Ignition's validation relies
 * on: path.Clean/IsAbs/Ext/Join, net/url.Parse (error or not), strconv
 * integer parsing, coreos/go-semver parsing. Written from the documented
 * behaviour of those functions; only what the validator needs.
 */

export function pathIsAbs(p: string): boolean {
  return p.startsWith('/');
}

/** Something path.Clean would change in a rooted path (but a trailing slash): `//`, a `.` or `..` element. */
const UNCLEAN_ROOTED = /\/\/|\/\.\.?(?:\/|$)/;

/** Go's path.Clean. */
export function pathClean(p: string): string {
  // most paths in a config are clean already
  if (p.charCodeAt(0) === 0x2f && (p.length === 1 || p.charCodeAt(p.length - 1) !== 0x2f) && !UNCLEAN_ROOTED.test(p)) return p;
  if (p === '') return '.';
  const rooted = p[0] === '/';
  const parts = p.split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

/** Go's path.Ext. */
export function pathExt(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) {
    if (p[i] === '.') return p.slice(i);
  }
  return '';
}

/** Go's path.Join for two elements. */
export function pathJoin(a: string, b: string): string {
  if (a === '' && b === '') return '';
  if (a === '') return pathClean(b);
  if (b === '') return pathClean(a);
  return pathClean(a + '/' + b);
}

function isHexByte(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}
function unhex(c: number): number {
  if (c <= 0x39) return c - 0x30;
  if (c >= 0x61) return c - 0x61 + 10;
  return c - 0x41 + 10;
}

const enum Enc { Path, Host, Zone, UserPassword, QueryComponent, Fragment }

function isAlnum(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
}

/** net/url shouldEscape, only as far as unescape() consults it (host and zone modes). */
function shouldEscapeHost(c: number): boolean {
  if (isAlnum(c)) return false;
  switch (String.fromCharCode(c)) {
    case '!': case '$': case '&': case "'": case '(': case ')': case '*': case '+': case ',': case ';':
    case '=': case ':': case '[': case ']': case '<': case '>': case '"':
    case '-': case '_': case '.': case '~':
      return false;
  }
  return true;
}

/** net/url unescape: true when it would succeed. Works on the UTF-8 bytes' ASCII view. */
function unescapeOk(s: string, mode: Enc): boolean {
  for (let i = 0; i < s.length;) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      if (i + 2 >= s.length || !isHexByte(s.charCodeAt(i + 1)) || !isHexByte(s.charCodeAt(i + 2))) return false;
      if (mode === Enc.Host && unhex(s.charCodeAt(i + 1)) < 8 && s.slice(i, i + 3) !== '%25') return false;
      if (mode === Enc.Zone) {
        const v = (unhex(s.charCodeAt(i + 1)) << 4) | unhex(s.charCodeAt(i + 2));
        if (s.slice(i, i + 3) !== '%25' && v !== 0x20 && shouldEscapeHost(v)) return false;
      }
      i += 3;
      continue;
    }
    if ((mode === Enc.Host || mode === Enc.Zone) && c < 0x80 && shouldEscapeHost(c)) return false;
    i++;
  }
  return true;
}

/** Decoded form of a query component (for s3 versionId); undefined when invalid. */
function unescapeQuery(s: string): string | undefined {
  if (!unescapeOk(s, Enc.QueryComponent)) return undefined;
  const bytes: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < s.length;) {
    const c = s.charCodeAt(i);
    if (c === 0x25) { bytes.push((unhex(s.charCodeAt(i + 1)) << 4) | unhex(s.charCodeAt(i + 2))); i += 3; continue; }
    if (c === 0x2b) { bytes.push(0x20); i++; continue; }
    const cp = s.codePointAt(i) ?? c;
    const ch = String.fromCodePoint(cp);
    for (const b of enc.encode(ch)) bytes.push(b);
    i += ch.length;
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function validOptionalPort(port: string): boolean {
  if (port === '') return true;
  if (port[0] !== ':') return false;
  for (let i = 1; i < port.length; i++) {
    const c = port.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function parseHostOk(host: string): boolean {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0) return false;
    if (!validOptionalPort(host.slice(i + 1))) return false;
    const zone = host.slice(0, i).indexOf('%25');
    if (zone >= 0) {
      return unescapeOk(host.slice(0, zone), Enc.Host) && unescapeOk(host.slice(zone, i), Enc.Zone)
        && unescapeOk(host.slice(i), Enc.Host);
    }
  } else {
    const i = host.lastIndexOf(':');
    if (i !== -1 && !validOptionalPort(host.slice(i))) return false;
  }
  return unescapeOk(host, Enc.Host);
}

function validUserinfo(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (isAlnum(c)) continue;
    if ("-._:~!$&'()*+,;=%@".includes(ch)) continue;
    return false;
  }
  return true;
}

export interface GoUrl {
  scheme: string;
  opaque: string;
  rawQuery: string;
}

/** Go's net/url.Parse: the parts Ignition looks at, or undefined when Parse returns an error. */
export function goUrlParse(raw: string): GoUrl | undefined {
  const hash = raw.indexOf('#');
  const u = hash >= 0 ? raw.slice(0, hash) : raw;
  const frag = hash >= 0 ? raw.slice(hash + 1) : '';
  // parse(u, false)
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(u)) return undefined;
  let scheme = '';
  let rest = u;
  if (u !== '*') {
    for (let i = 0; i < u.length; i++) {
      const c = u.charCodeAt(i);
      if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) continue;
      if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
        if (i === 0) break;
        continue;
      }
      if (c === 0x3a) {
        if (i === 0) return undefined; // missing protocol scheme
        scheme = u.slice(0, i).toLowerCase();
        rest = u.slice(i + 1);
      }
      break;
    }
    let rawQuery = '';
    if (rest.endsWith('?') && rest.split('?').length === 2) {
      rest = rest.slice(0, -1);
    } else {
      const q = rest.indexOf('?');
      if (q >= 0) { rawQuery = rest.slice(q + 1); rest = rest.slice(0, q); }
    }
    if (!rest.startsWith('/')) {
      if (scheme !== '') {
        return fragmentOk(frag) ? { scheme, opaque: rest, rawQuery } : undefined;
      }
      const slash = rest.indexOf('/');
      const segment = slash >= 0 ? rest.slice(0, slash) : rest;
      if (segment.includes(':')) return undefined;
    }
    if ((scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
      let authority = rest.slice(2);
      let path = '';
      const slash = authority.indexOf('/');
      if (slash >= 0) { path = authority.slice(slash); authority = authority.slice(0, slash); }
      const at = authority.lastIndexOf('@');
      if (!parseHostOk(at < 0 ? authority : authority.slice(at + 1))) return undefined;
      if (at >= 0) {
        const userinfo = authority.slice(0, at);
        if (!validUserinfo(userinfo)) return undefined;
        const colon = userinfo.indexOf(':');
        if (colon < 0) {
          if (!unescapeOk(userinfo, Enc.UserPassword)) return undefined;
        } else if (!unescapeOk(userinfo.slice(0, colon), Enc.UserPassword) || !unescapeOk(userinfo.slice(colon + 1), Enc.UserPassword)) {
          return undefined;
        }
      }
      rest = path;
    }
    if (!unescapeOk(rest, Enc.Path)) return undefined;
    return fragmentOk(frag) ? { scheme, opaque: '', rawQuery } : undefined;
  }
  return fragmentOk(frag) ? { scheme: '', opaque: '', rawQuery: '' } : undefined;
}

function fragmentOk(frag: string): boolean {
  return frag === '' || unescapeOk(frag, Enc.Fragment);
}

/** url.Values as Go's URL.Query() parses them (errors dropped). */
export function goParseQuery(rawQuery: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const part of rawQuery.split('&')) {
    if (part === '' || part.includes(';')) continue;
    const eq = part.indexOf('=');
    const k = unescapeQuery(eq >= 0 ? part.slice(0, eq) : part);
    if (k === undefined) continue;
    const v = unescapeQuery(eq >= 0 ? part.slice(eq + 1) : '');
    if (v === undefined) continue;
    const list = m.get(k);
    if (list) list.push(v); else m.set(k, [v]);
  }
  return m;
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** strconv.ParseInt(s, 10, 64); undefined on error. Returns a JS number (may lose precision beyond 2^53). */
export function goParseInt64(s: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  if (s.length > 15) {
    const big = BigInt(s);
    if (big > INT64_MAX || big < INT64_MIN) return undefined;
    return Number(big);
  }
  return Number(s);
}

export interface SemVer { major: number; minor: number; patch: number; preRelease: string; metadata: string }

const reIdentifier = /^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/;

/** coreos/go-semver NewVersion; undefined on error. */
export function goSemver(version: string): SemVer | undefined {
  let v = version;
  let metadata = '';
  const plus = v.indexOf('+');
  if (plus >= 0) { metadata = v.slice(plus + 1); v = v.slice(0, plus); }
  let preRelease = '';
  const dash = v.indexOf('-');
  if (dash >= 0) { preRelease = v.slice(dash + 1); v = v.slice(0, dash); }
  const dot1 = v.indexOf('.');
  if (dot1 < 0) return undefined;
  const dot2 = v.indexOf('.', dot1 + 1);
  if (dot2 < 0) return undefined;
  const parts = [v.slice(0, dot1), v.slice(dot1 + 1, dot2), v.slice(dot2 + 1)];
  if (preRelease !== '' && !reIdentifier.test(preRelease)) return undefined;
  if (metadata !== '' && !reIdentifier.test(metadata)) return undefined;
  const nums: number[] = [];
  for (const p of parts) {
    const x = goParseInt64(p);
    if (x === undefined) return undefined;
    nums.push(x);
  }
  return { major: nums[0], minor: nums[1], patch: nums[2], preRelease, metadata };
}

export function semverEquals(a: SemVer, b: SemVer): boolean {
  return a.major === b.major && a.minor === b.minor && a.patch === b.patch && a.preRelease === b.preRelease && a.metadata === b.metadata;
}

export function semverString(v: SemVer): string {
  return `${v.major}.${v.minor}.${v.patch}` + (v.preRelease ? '-' + v.preRelease : '') + (v.metadata ? '+' + v.metadata : '');
}
