/**
 * The semantic checks Ignition runs on top of the JSON types (the Validate()
 * methods of config/v3_X/types, the duplicate check and the unused-key check
 * of config/validate), re-expressed over decoded values.
 *
 * Spec 3.0–3.3 follow Ignition 2.14.0 (the `ignition-validate` Debian ships,
 * our oracle); 3.4.0 and later follow current Ignition (which also added
 * checks to the older specs that 2.14 does not have).
 */

import type { GoValue, GoStruct } from './decode';
import type { SpecVersion } from './model';
import { SPEC_VERSIONS } from './model';
import { dataUrlDecodeError, isPlainDataUrl } from './go/dataurl';
import { goParseQuery, goSemver, goUrlParse, pathClean, pathExt, pathIsAbs, pathJoin, semverEquals } from './go/stdlib';
import { utf8Length } from './go/strings';
import { deserializeUnit } from './go/systemdUnit';

export type PathElem = string | number | { key: string };
export type Level = 'error' | 'warning';
export interface RawEntry { level: Level; path: PathElem[]; message: string }

export const E = {
  invalidVersion: 'invalid config version (couldn\'t parse)',
  unknownVersion: 'unsupported config version',
  duplicate: 'duplicate entry defined',
  compressionInvalid: 'invalid compression method',
  fileUsedSymlink: 'file path includes link in config',
  dirUsedSymlink: 'directory path includes link in config',
  linkUsedSymlink: 'link path includes link in config',
  linkTargetRequired: 'link target is required',
  hardLinkToDirectory: 'hard link target is a directory',
  hardLinkSpecifiesOwner: 'user/group ignored for hard link',
  diskDeviceRequired: 'disk device is required',
  partitionNumbersCollide: 'partition numbers collide',
  partitionsOverlap: 'partitions overlap',
  overwriteAndNilSource: 'overwrite must be false if source is unspecified',
  verificationAndNilSource: 'source must be specified if verification is specified',
  fsInvalidFormat: 'invalid filesystem format',
  labelNeedsFormat: 'filesystem must specify format if label is specified',
  formatNilWithOthers: 'format cannot be empty when path, label, uuid, wipeFilesystem, options, or mountOptions is specified',
  ext4Label: 'filesystem labels cannot be longer than 16 characters when using ext4',
  btrfsLabel: 'filesystem labels cannot be longer than 256 characters when using btrfs',
  xfsLabel: 'filesystem labels cannot be longer than 12 characters when using xfs',
  swapLabel: 'filesystem labels cannot be longer than 15 characters when using swap',
  vfatLabel: 'filesystem labels cannot be longer than 11 characters when using vfat',
  virtiofsLabel: 'filesystem labels cannot be set when using virtiofs',
  virtiofsTagTooLong: 'virtiofs device tag cannot be longer than 36 bytes',
  uuidNotSupported: 'filesystem uuid cannot be set for non-block-device filesystems',
  wipeNotSupported: 'wipeFilesystem cannot be set for non-block-device filesystems',
  mkfsOptionsNotSupported: 'filesystem options (mkfs) cannot be set for non-block-device filesystems',
  luksLabelTooLong: 'luks device labels cannot be longer than 47 characters',
  luksNameSlash: 'device names cannot contain slashes',
  invalidLuksKeyFile: 'invalid key-file source',
  clevisPinRequired: 'missing required custom clevis pin',
  unknownClevisPin: 'unsupported clevis pin',
  clevisConfigRequired: 'missing required custom clevis config',
  clevisCustomWithOthers: 'cannot use custom clevis config with tpm2, tang, or threshold',
  tangThumbprintRequired: 'thumbprint is required',
  invalidTangAdvertisement: 'advertisement is not valid JSON',
  illegalMode: 'illegal file mode',
  modeSpecialBits214: 'setuid/setgid/sticky bits are not supported in spec versions older than 3.4.0',
  modeSpecialBits: 'setuid/setgid/sticky bits are not supported or functional in spec versions older than 3.6.0',
  bothIdAndName: 'cannot set both id and name',
  partLabelTooLong: 'partition labels may not exceed 36 characters',
  guidRegex: 'doesn\'t match the form "01234567-89AB-CDEF-EDCB-A98765432101"',
  partLabelColon: 'partition label will be truncated to text before the colon',
  noPath: 'path not specified',
  pathRelative: 'path not absolute',
  dirtyPath: 'path is not fully simplified',
  noDevice: 'device not specified',
  partitionsOverwritten: 'filesystem overwrites partitioned device',
  filesystemImplicitWipe: 'device matches disk with wipeTable enabled; filesystem will be wiped',
  raidLevelRequired: 'raid level is required',
  sparesUnsupported: 'spares unsupported for linear and raid0 arrays',
  unrecognizedRaidLevel: 'unrecognized raid level',
  raidDevicesRequired: 'raid devices required',
  shouldNotExistWithOthers: 'shouldExist specified false with other options also specified',
  zeroesWithShouldNotExist: 'shouldExist is false for a partition and other partition(s) has start or size 0',
  needLabelOrNumber: 'a partition number >= 1 or a label must be specified',
  duplicateLabels: 'cannot use the same partition label twice',
  invalidProxy: 'proxies must be http(s)',
  insecureProxy: 'insecure plaintext HTTP proxy specified for HTTPS resources',
  pathConflictsSystemd: 'path conflicts with systemd unit or dropin',
  cexWithClevis: 'cannot use cex with clevis',
  cexWithKeyFile: 'cannot use key file with cex',
  invalidSystemdExt: 'invalid systemd unit extension',
  invalidSystemdDropinExt: 'invalid systemd drop-in extension',
  sourceRequired: 'source is required',
  invalidScheme: 'invalid url scheme',
  invalidUrl: 'unable to parse url',
  invalidHttpHeader: 'unable to parse HTTP header',
  emptyHttpHeaderName: 'HTTP header name can\'t be empty',
  unsupportedSchemeForHeaders: 'cannot use HTTP headers with this source scheme',
  hashMalformed: 'malformed hash specifier',
  hashWrongSize: 'incorrect size for hash sum',
  hashUnrecognized: 'unrecognized hash function',
  invalidS3Arn: 'invalid S3 ARN format',
  invalidS3VersionId: 'invalid S3 object VersionId',
} as const;

// ---- value helpers (Go zero values for missing fields) ----
const str = (o: GoStruct, k: string): string => (o[k] as string | undefined) ?? '';
const num = (o: GoStruct, k: string): number => (o[k] as number | undefined) ?? 0;
const optStr = (o: GoStruct, k: string): string | undefined => o[k] as string | undefined;
const optNum = (o: GoStruct, k: string): number | undefined => o[k] as number | undefined;
const optBool = (o: GoStruct, k: string): boolean | undefined => o[k] as boolean | undefined;
const obj = (o: GoStruct, k: string): GoStruct => (o[k] as GoStruct | undefined) ?? {};
const list = (o: GoStruct, k: string): GoValue[] => (o[k] as GoValue[] | undefined) ?? [];
const structs = (o: GoStruct, k: string): GoStruct[] => list(o, k).map((x) => (x as GoStruct | undefined) ?? {});
const notEmpty = (s: string | undefined): boolean => s !== undefined && s !== '';
const nilOrEmpty = (s: string | undefined): boolean => s === undefined || s === '';
const isTrue = (b: boolean | undefined): boolean => b === true;
const isFalse = (b: boolean | undefined): boolean => b === false;

export class RuleContext {
  readonly entries: RawEntry[] = [];
  /** true for 3.0–3.3 (Ignition 2.14 behaviour), false for 3.4+ (current Ignition). */
  readonly legacy: boolean;
  readonly at: (min: SpecVersion) => boolean;
  readonly maxVersion: SpecVersion;
  constructor(readonly version: SpecVersion) {
    this.legacy = SPEC_VERSIONS.indexOf(version) <= SPEC_VERSIONS.indexOf('3.3.0');
    const index = SPEC_VERSIONS.indexOf(version);
    this.at = (min) => index >= SPEC_VERSIONS.indexOf(min);
    this.maxVersion = version;
  }
  err(path: PathElem[], message: string | undefined): void {
    // copied: callers may pass the walker's live path
    if (message !== undefined) this.entries.push({ level: 'error', path: path.slice(), message });
  }
  warn(path: PathElem[], message: string | undefined): void {
    if (message !== undefined) this.entries.push({ level: 'warning', path: path.slice(), message });
  }
  /** err([...c, key], message), the path made only when there is an entry (most checks pass). */
  errIn(c: PathElem[], key: string, message: string | undefined): void {
    if (message !== undefined) this.entries.push({ level: 'error', path: [...c, key], message });
  }
  warnIn(c: PathElem[], key: string, message: string | undefined): void {
    if (message !== undefined) this.entries.push({ level: 'warning', path: [...c, key], message });
  }
}

// ---- shared checks ----
export function validatePath(p: string): string | undefined {
  if (p === '') return E.noPath;
  if (!pathIsAbs(p)) return E.pathRelative;
  if (pathClean(p) !== p) return E.dirtyPath;
  return undefined;
}
function validatePathNilOK(p: string | undefined): string | undefined {
  return nilOrEmpty(p) ? undefined : validatePath(p as string);
}

function validateURL(rc: RuleContext, s: string): string | undefined {
  // every translated Butane `inline`: parsing it twice was ~5 % of a valid 10 MB Butane config's time
  if (isPlainDataUrl(s)) return undefined;
  const u = goUrlParse(s);
  if (!u) return E.invalidUrl;
  switch (u.scheme) {
    case 'http': case 'https': case 'tftp':
      return undefined;
    case 'gs':
      return rc.at('3.2.0') ? undefined : E.invalidScheme;
    case 's3': {
      const v = goParseQuery(u.rawQuery).get('versionId');
      if (v !== undefined && (v.length === 0 || v[0] === '')) return E.invalidS3VersionId;
      return undefined;
    }
    case 'arn':
      if (!rc.at('3.4.0')) return E.invalidScheme;
      return validateArn(u.scheme + ':' + u.opaque, u.rawQuery);
    case 'data':
      return dataUrlDecodeError(s);
    default:
      return E.invalidScheme;
  }
}

/** aws-sdk-go-v2 arn.IsARN/Parse plus Ignition's S3 checks (spec 3.4+). */
function validateArn(full: string, rawQuery: string): string | undefined {
  if (!(full.startsWith('arn:') && full.split(':').length - 1 >= 5)) return E.invalidS3Arn;
  const sections = splitN(full, ':', 6);
  if (sections.length !== 6) return 'arn: not enough sections';
  if (sections[1] === '') return 'arn: invalid partition';
  if (sections[2] === '') return 'arn: invalid service';
  if (sections[5] === '') return 'arn: invalid resource';
  if (sections[2] !== 's3') return E.invalidS3Arn;
  const urlSplit = full.split('/');
  if (sections[5].startsWith('accesspoint/') && urlSplit.length < 3) return E.invalidS3Arn;
  else if (urlSplit.length < 2) return E.invalidS3Arn;
  const v = goParseQuery(rawQuery).get('versionId');
  if (v !== undefined && (v.length === 0 || v[0] === '')) return E.invalidS3VersionId;
  return undefined;
}

function splitN(s: string, sep: string, n: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (out.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) break;
    out.push(rest.slice(0, i));
    rest = rest.slice(i + sep.length);
  }
  out.push(rest);
  return out;
}

function validateURLNilOK(rc: RuleContext, s: string | undefined): string | undefined {
  return nilOrEmpty(s) ? undefined : validateURL(rc, s as string);
}

function validateRequiredSource(rc: RuleContext, res: GoStruct): string | undefined {
  const src = optStr(res, 'source');
  if (nilOrEmpty(src)) return E.sourceRequired;
  return validateURL(rc, src as string);
}

function validateMode(m: number | undefined): string | undefined {
  return m !== undefined && (m < 0 || m > 0o7777) ? E.illegalMode : undefined;
}
function validateModeSpecialBits(rc: RuleContext, m: number | undefined): string | undefined {
  if (m === undefined) return undefined;
  // Go's uint32(mode): the low 32 bits, which `&` (ToInt32, modulo 2^32) keeps exactly for any double
  if ((Math.trunc(m) & 0o7000) !== 0) return rc.legacy ? E.modeSpecialBits214 : E.modeSpecialBits;
  return undefined;
}

function validateGUID(g: string | undefined): string | undefined {
  if (g === undefined) return undefined;
  return /^(|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})$/.test(g) ? undefined : E.guidRegex;
}

function unitContent(contents: string | undefined): { error?: string; sections?: string[] } {
  if (contents === undefined) return { sections: [] };
  const res = deserializeUnit(contents);
  if (res.error !== undefined) return { error: 'invalid unit content: ' + res.error };
  return { sections: res.optionSections };
}

function goQuoteSimple(s: string): string {
  // %q of a unit name
  return JSON.stringify(s).replace(/\\u([0-9a-f]{4})/g, (_m, h: string) => '\\u' + h);
}

function resourceValidate(rc: RuleContext, res: GoStruct, c: PathElem[]): void {
  const compression = optStr(res, 'compression');
  if (compression !== undefined && compression !== '' && compression !== 'gzip') rc.errIn(c, 'compression', E.compressionInvalid);
  const verification = obj(res, 'verification');
  if (optStr(verification, 'hash') !== undefined && optStr(res, 'source') === undefined) rc.err([...c, 'verification', 'hash'], E.verificationAndNilSource);
  rc.errIn(c, 'source', validateURLNilOK(rc, optStr(res, 'source')));
  if (rc.at('3.1.0')) {
    // validateSchemeForHTTPHeaders
    if (list(res, 'httpHeaders').length >= 1) {
      const src = optStr(res, 'source');
      let e: string | undefined;
      if (nilOrEmpty(src)) e = E.invalidUrl;
      else {
        const u = goUrlParse(src as string);
        if (!u) e = E.invalidUrl;
        else if (u.scheme !== 'http' && u.scheme !== 'https') e = E.unsupportedSchemeForHeaders;
      }
      rc.errIn(c, 'httpHeaders', e);
    }
  }
}

function validateProxyURL(rc: RuleContext, s: string | undefined, p: PathElem[], httpOk: boolean): void {
  if (s === undefined) return;
  const u = goUrlParse(s);
  if (!u) { rc.err(p, E.invalidUrl); return; }
  if (u.scheme !== 'https' && u.scheme !== 'http') { rc.err(p, E.invalidProxy); return; }
  if (u.scheme === 'http' && !httpOk) rc.warn(p, E.insecureProxy);
}

function partitionEnd(p: GoStruct): number {
  const size = num(p, 'sizeMiB');
  const start = num(p, 'startMiB');
  return size === 0 ? start : start + size - 1;
}

function isGoJSON(s: string): boolean {
  try { JSON.parse(s); return true; } catch { return false; }
}

/** The Validate() method of a Go struct type, if it has one. */
export function validateStruct(rc: RuleContext, typeName: string, v: GoStruct, c: PathElem[]): void {
  switch (typeName) {
    case 'Config': {
      if (rc.legacy) return;
      const systemdPath = '/etc/systemd/system/';
      const unitPaths = new Set<string>();
      for (const u of structs(obj(v, 'systemd'), 'units')) {
        if (!nilOrEmpty(optStr(u, 'contents'))) unitPaths.add(systemdPath + str(u, 'name'));
        for (const d of structs(u, 'dropins')) {
          if (!nilOrEmpty(optStr(d, 'contents'))) unitPaths.add(systemdPath + str(u, 'name') + '.d/' + str(d, 'name'));
        }
      }
      // no unit or drop-in with contents: no path can conflict (and a 10 MB config's 100,000 files are not copied)
      if (unitPaths.size === 0) return;
      const storage = obj(v, 'storage');
      structs(storage, 'files').forEach((f, i) => { if (unitPaths.has(str(f, 'path'))) rc.err([...c, 'storage', 'files', i, 'path'], E.pathConflictsSystemd); });
      structs(storage, 'directories').forEach((d, i) => { if (unitPaths.has(str(d, 'path'))) rc.err([...c, 'storage', 'directories', i, 'path'], E.pathConflictsSystemd); });
      structs(storage, 'links').forEach((l, i) => { if (unitPaths.has(str(l, 'path'))) rc.err([...c, 'storage', 'links', i, 'path'], E.pathConflictsSystemd); });
      return;
    }
    case 'Ignition': {
      const cv = [...c, 'version'];
      const tv = goSemver(str(v, 'version'));
      if (!tv) { rc.err(cv, E.invalidVersion); return; }
      const max = goSemver(rc.maxVersion);
      if (max && !semverEquals(max, tv)) rc.err(cv, E.unknownVersion);
      return;
    }
    case 'IgnitionConfig':
      if (!rc.at('3.1.0')) return;
      structs(v, 'merge').forEach((res, i) => rc.err([...c, 'merge', i], validateRequiredSource(rc, res)));
      return;
    case 'ConfigReference':
      rc.errIn(c, 'source', validateURLNilOK(rc, optStr(v, 'source')));
      return;
    case 'CaReference':
      rc.errIn(c, 'source', validateURL(rc, str(v, 'source')));
      return;
    case 'TLS':
      if (!rc.at('3.1.0')) return;
      structs(v, 'certificateAuthorities').forEach((ca, i) => rc.err([...c, 'certificateAuthorities', i], validateRequiredSource(rc, ca)));
      return;
    case 'Proxy':
      validateProxyURL(rc, optStr(v, 'httpProxy'), [...c, 'httpProxy'], true);
      validateProxyURL(rc, optStr(v, 'httpsProxy'), [...c, 'httpsProxy'], false);
      return;
    case 'Resource': case 'FileContents':
      resourceValidate(rc, v, c);
      return;
    case 'HTTPHeader':
      rc.errIn(c, 'name', str(v, 'name') === '' ? E.emptyHttpHeaderName : undefined);
      rc.errIn(c, 'value', optStr(v, 'value') === '' ? E.invalidHttpHeader : undefined);
      return;
    case 'Verification': {
      const hash = optStr(v, 'hash');
      if (hash === undefined) return;
      const dash = hash.indexOf('-');
      if (dash < 0) { rc.errIn(c, 'hash', E.hashMalformed); return; }
      const fn = hash.slice(0, dash);
      const sum = hash.slice(dash + 1);
      let size: number;
      if (fn === 'sha512') size = 64;
      else if (fn === 'sha256' && rc.at('3.1.0')) size = 32;
      else { rc.errIn(c, 'hash', E.hashUnrecognized); return; }
      if (utf8Length(sum) !== size * 2) rc.errIn(c, 'hash', E.hashWrongSize);
      return;
    }
    case 'Storage': {
      // files and directories are checked against links only: without links they are not copied (100,000 in a 10 MB config)
      const links = structs(v, 'links');
      const dirs = links.length > 0 ? structs(v, 'directories') : [];
      const files = links.length > 0 ? structs(v, 'files') : [];
      dirs.forEach((d, i) => { for (const l of links) if (str(d, 'path').startsWith(str(l, 'path') + '/')) rc.err([...c, 'directories', i], E.dirUsedSymlink); });
      files.forEach((f, i) => { for (const l of links) if (str(f, 'path').startsWith(str(l, 'path') + '/')) rc.err([...c, 'files', i], E.fileUsedSymlink); });
      links.forEach((l1, i) => {
        for (const l2 of links) if (str(l1, 'path').startsWith(str(l2, 'path') + '/')) rc.err([...c, 'links', i], E.linkUsedSymlink);
        let target: string;
        if (rc.at('3.3.0')) {
          const t = optStr(l1, 'target');
          if (nilOrEmpty(t)) { rc.err([...c, 'links', i, 'target'], E.linkTargetRequired); return; }
          target = t as string;
        } else target = str(l1, 'target');
        if (!isTrue(optBool(l1, 'hard'))) return;
        let resolved = pathClean(target);
        if (!pathIsAbs(resolved)) resolved = pathJoin(str(l1, 'path'), target);
        for (const d of dirs) if (resolved === str(d, 'path')) rc.err([...c, 'links', i], E.hardLinkToDirectory);
        if (!rc.legacy) {
          const user = obj(l1, 'user');
          const group = obj(l1, 'group');
          if (optNum(user, 'id') !== undefined) rc.warn([...c, 'links', i, 'user', 'id'], E.hardLinkSpecifiesOwner);
          if (optStr(user, 'name') !== undefined) rc.warn([...c, 'links', i, 'user', 'name'], E.hardLinkSpecifiesOwner);
          if (optNum(group, 'id') !== undefined) rc.warn([...c, 'links', i, 'group', 'id'], E.hardLinkSpecifiesOwner);
          if (optStr(group, 'name') !== undefined) rc.warn([...c, 'links', i, 'group', 'name'], E.hardLinkSpecifiesOwner);
        }
      });
      if (!rc.legacy) {
        const disks = new Map<string, GoStruct>();
        for (const d of structs(v, 'disks')) disks.set(str(d, 'device'), d);
        structs(v, 'filesystems').forEach((f, i) => {
          const disk = disks.get(str(f, 'device'));
          if (!disk) return;
          if (list(disk, 'partitions').length > 0) rc.warn([...c, 'filesystems', i, 'device'], E.partitionsOverwritten);
          else if (!isTrue(optBool(f, 'wipeFilesystem')) && isTrue(optBool(disk, 'wipeTable'))) rc.warn([...c, 'filesystems', i, 'device'], E.filesystemImplicitWipe);
        });
      }
      return;
    }
    case 'Directory':
      rc.errIn(c, 'path', validatePath(str(v, 'path')));
      rc.errIn(c, 'mode', validateMode(optNum(v, 'mode')));
      if (!rc.at('3.6.0')) rc.warnIn(c, 'mode', validateModeSpecialBits(rc, optNum(v, 'mode')));
      return;
    case 'File':
      rc.errIn(c, 'path', validatePath(str(v, 'path')));
      rc.errIn(c, 'mode', validateMode(optNum(v, 'mode')));
      if (!rc.at('3.6.0')) rc.warnIn(c, 'mode', validateModeSpecialBits(rc, optNum(v, 'mode')));
      if (isTrue(optBool(v, 'overwrite')) && optStr(obj(v, 'contents'), 'source') === undefined) rc.errIn(c, 'overwrite', E.overwriteAndNilSource);
      return;
    case 'Link':
      rc.errIn(c, 'path', validatePath(str(v, 'path')));
      return;
    case 'NodeUser': case 'NodeGroup':
      rc.err(c, optNum(v, 'id') !== undefined && notEmpty(optStr(v, 'name')) ? E.bothIdAndName : undefined);
      return;
    case 'Disk': {
      const device = str(v, 'device');
      if (device.length === 0) { rc.errIn(c, 'device', E.diskDeviceRequired); return; }
      rc.errIn(c, 'device', validatePath(device));
      const parts = structs(v, 'partitions');
      // partition numbers collide (Go iterates a map: report the first number with a second use)
      const byNumber = new Map<number, number[]>();
      parts.forEach((p, i) => { const n = num(p, 'number'); if (n !== 0) { const l = byNumber.get(n) ?? []; l.push(i); byNumber.set(n, l); } });
      for (const idx of byNumber.values()) if (idx.length > 1) { rc.err([...c, 'partitions', idx[1]], E.partitionNumbersCollide); break; }
      // overlap
      overlap: for (let pi = 0; pi < parts.length; pi++) {
        const p = parts[pi];
        const ps = optNum(p, 'startMiB');
        if (ps === undefined || optNum(p, 'sizeMiB') === undefined || ps === 0) continue;
        for (let i = 0; i < parts.length; i++) {
          const o = parts[i];
          const os = optNum(o, 'startMiB');
          if (os === undefined || optNum(o, 'sizeMiB') === undefined || i === pi || os === 0) continue;
          const pe = partitionEnd(p);
          const oe = partitionEnd(o);
          if ((ps >= os && ps <= oe) || (pe >= os && pe <= oe) || (ps < os && pe > oe)) {
            rc.err([...c, 'partitions', i], E.partitionsOverlap);
            break overlap;
          }
        }
      }
      if (rc.legacy) {
        let hasZero = false;
        let hasShouldNotExist = false;
        for (const p of parts) { hasShouldNotExist ||= isFalse(optBool(p, 'shouldExist')); hasZero ||= num(p, 'number') === 0; }
        if (hasZero && hasShouldNotExist) rc.errIn(c, 'partitions', E.zeroesWithShouldNotExist);
      }
      const labels = new Set<string>();
      for (let i = 0; i < parts.length; i++) {
        const l = optStr(parts[i], 'label');
        if (l === undefined) continue;
        if (labels.has(l)) { rc.err([...c, 'partitions', i], E.duplicateLabels); break; }
        labels.add(l);
      }
      return;
    }
    case 'Partition': {
      const label = optStr(v, 'label');
      if (isFalse(optBool(v, 'shouldExist')) && (label !== undefined || notEmpty(optStr(v, 'typeGuid')) || notEmpty(optStr(v, 'guid')) || optNum(v, 'startMiB') !== undefined || optNum(v, 'sizeMiB') !== undefined)) {
        rc.err(c, E.shouldNotExistWithOthers);
      }
      if (num(v, 'number') === 0 && label === undefined) rc.err(c, E.needLabelOrNumber);
      if (label !== undefined) {
        if (utf8Length(label) > 36) rc.errIn(c, 'label', E.partLabelTooLong);
        else if (label.includes(':')) rc.errIn(c, 'label', E.partLabelColon);
      }
      rc.errIn(c, 'guid', validateGUID(optStr(v, 'guid')));
      rc.errIn(c, 'typeGuid', validateGUID(optStr(v, 'typeGuid')));
      return;
    }
    case 'Filesystem': {
      const format = optStr(v, 'format');
      const label = optStr(v, 'label');
      rc.errIn(c, 'path', validatePathNilOK(optStr(v, 'path')));
      const virtiofs = format === 'virtiofs' && rc.at('3.7.0-experimental');
      if (rc.at('3.7.0-experimental') && notEmpty(format) && format === 'virtiofs') {
        const dev = str(v, 'device');
        rc.errIn(c, 'device', dev === '' ? E.noDevice : utf8Length(dev) > 36 ? E.virtiofsTagTooLong : undefined);
      } else rc.errIn(c, 'device', validatePath(str(v, 'device')));
      // format
      let fe: string | undefined;
      if (nilOrEmpty(format)) {
        if (notEmpty(optStr(v, 'path')) || notEmpty(label) || notEmpty(optStr(v, 'uuid')) || isTrue(optBool(v, 'wipeFilesystem'))
          || list(v, 'mountOptions').length !== 0 || list(v, 'options').length !== 0) fe = E.formatNilWithOthers;
      } else {
        const formats = ['ext4', 'btrfs', 'xfs', 'swap', 'vfat'];
        if (rc.at('3.3.0')) formats.push('none');
        if (rc.at('3.7.0-experimental')) formats.push('virtiofs');
        if (!formats.includes(format as string)) fe = E.fsInvalidFormat;
      }
      rc.errIn(c, 'format', fe);
      // label
      let le: string | undefined;
      if (!nilOrEmpty(label)) {
        const n = utf8Length(label as string);
        if (nilOrEmpty(format)) le = E.labelNeedsFormat;
        else if (format === 'ext4' && n > 16) le = E.ext4Label;
        else if (format === 'btrfs' && n > 256) le = E.btrfsLabel;
        else if (format === 'xfs' && n > 12) le = E.xfsLabel;
        else if (format === 'swap' && n > 15) le = E.swapLabel;
        else if (format === 'vfat' && n > 11) le = E.vfatLabel;
        else if (virtiofs) le = E.virtiofsLabel;
      }
      rc.errIn(c, 'label', le);
      if (virtiofs) {
        if (notEmpty(optStr(v, 'uuid'))) rc.errIn(c, 'uuid', E.uuidNotSupported);
        if (isTrue(optBool(v, 'wipeFilesystem'))) rc.errIn(c, 'wipeFilesystem', E.wipeNotSupported);
        if (list(v, 'options').length > 0) rc.errIn(c, 'options', E.mkfsOptionsNotSupported);
      }
      return;
    }
    case 'Raid': {
      let e: string | undefined;
      const level = rc.at('3.3.0') ? optStr(v, 'level') : str(v, 'level');
      if (rc.at('3.3.0') && nilOrEmpty(level)) e = E.raidLevelRequired;
      else {
        switch (level) {
          case 'linear': case 'raid0': case '0': case 'stripe': {
            const spares = optNum(v, 'spares');
            if (spares !== undefined && spares !== 0) e = E.sparesUnsupported;
            break;
          }
          case 'raid1': case '1': case 'mirror': case 'raid4': case '4': case 'raid5': case '5': case 'raid6': case '6': case 'raid10': case '10':
            break;
          default: e = E.unrecognizedRaidLevel;
        }
      }
      rc.errIn(c, 'level', e);
      if (list(v, 'devices').length === 0) rc.errIn(c, 'devices', E.raidDevicesRequired);
      return;
    }
    case 'Luks': {
      if (str(v, 'name').includes('/')) rc.errIn(c, 'name', E.luksNameSlash);
      const label = optStr(v, 'label');
      if (!nilOrEmpty(label) && utf8Length(label as string) > 47) rc.errIn(c, 'label', E.luksLabelTooLong);
      const device = optStr(v, 'device');
      if (nilOrEmpty(device)) rc.errIn(c, 'device', E.diskDeviceRequired);
      else rc.errIn(c, 'device', validatePath(device as string));
      const clevisRaw = v['clevis'] as GoStruct | undefined;
      const clevisPresent = (cl: GoStruct): boolean => list(cl, 'tang').length > 0 || isTrue(optBool(cl, 'tpm2')) || (optNum(cl, 'threshold') !== undefined && optNum(cl, 'threshold') !== 0);
      if (rc.at('3.3.0')) {
        const cl = clevisRaw ?? {};
        if (notEmpty(optStr(obj(cl, 'custom'), 'pin')) && clevisPresent(cl)) rc.errIn(c, 'clevis', E.clevisCustomWithOthers);
      } else if (clevisRaw !== undefined) {
        if (clevisRaw['custom'] !== undefined && clevisPresent(clevisRaw)) rc.errIn(c, 'clevis', E.clevisCustomWithOthers);
      }
      if (validateURLNilOK(rc, optStr(obj(v, 'keyFile'), 'source')) !== undefined) rc.errIn(c, 'keys', E.invalidLuksKeyFile);
      if (rc.at('3.5.0')) {
        const cl = clevisRaw ?? {};
        const clevisIsPresent = notEmpty(optStr(obj(cl, 'custom'), 'pin')) || list(cl, 'tang').length > 0 || isTrue(optBool(cl, 'tpm2')) || (optNum(cl, 'threshold') !== undefined && optNum(cl, 'threshold') !== 0);
        const cexPresent = isTrue(optBool(obj(v, 'cex'), 'enabled'));
        if (clevisIsPresent && cexPresent) rc.errIn(c, 'cex', E.cexWithClevis);
        if (cexPresent && notEmpty(optStr(obj(v, 'keyFile'), 'source'))) rc.errIn(c, 'cex', E.cexWithKeyFile);
      }
      return;
    }
    case 'Custom': { // 3.2 clevis custom
      const pin = str(v, 'pin');
      const config = str(v, 'config');
      if (pin === '' && config === '') return;
      if (!['tpm2', 'tang', 'sss'].includes(pin)) rc.errIn(c, 'pin', E.unknownClevisPin);
      if (config === '') rc.errIn(c, 'config', E.clevisConfigRequired);
      return;
    }
    case 'ClevisCustom': {
      const pin = optStr(v, 'pin');
      if (nilOrEmpty(pin) && nilOrEmpty(optStr(v, 'config')) && !isTrue(optBool(v, 'needsNetwork'))) return;
      if (notEmpty(pin)) {
        if (!rc.at('3.6.0') && !['tpm2', 'tang', 'sss'].includes(pin as string)) rc.errIn(c, 'pin', E.unknownClevisPin);
      } else rc.errIn(c, 'pin', E.clevisPinRequired);
      if (nilOrEmpty(optStr(v, 'config'))) rc.errIn(c, 'config', E.clevisConfigRequired);
      return;
    }
    case 'Tang': {
      const u = goUrlParse(str(v, 'url'));
      rc.errIn(c, 'url', !u ? E.invalidUrl : u.scheme === 'http' || u.scheme === 'https' ? undefined : E.invalidScheme);
      if (nilOrEmpty(optStr(v, 'thumbprint'))) rc.errIn(c, 'thumbprint', E.tangThumbprintRequired);
      if (rc.at('3.4.0')) {
        const adv = optStr(v, 'advertisement');
        if (notEmpty(adv) && !isGoJSON(adv as string)) rc.errIn(c, 'advertisement', E.invalidTangAdvertisement);
      }
      return;
    }
    case 'Systemd': {
      if (rc.legacy) return;
      const units = structs(v, 'units');
      const byName = new Map<string, GoStruct>();
      for (const u of units) byName.set(str(u, 'name'), u);
      units.forEach((u, index) => {
        const prefix = instanceUnitPrefix(str(u, 'name'));
        if (prefix === undefined || !isTrue(optBool(u, 'enabled'))) return;
        const inst = prefix + '@.service';
        const tmpl = byName.get(inst);
        if (!tmpl || !notEmpty(optStr(tmpl, 'contents'))) return;
        const parsed = unitContent(optStr(tmpl, 'contents'));
        if (parsed.error !== undefined) return;
        if (!(parsed.sections ?? []).includes('Install')) {
          rc.warn([...c, 'units', index, 'contents'], `template unit ${goQuoteSimple(inst)} for ${goQuoteSimple(str(u, 'name'))} doesn't have Install section`);
        }
      });
      return;
    }
    case 'Unit': {
      const name = str(v, 'name');
      const ext = pathExt(name);
      const okExt = ['.service', '.socket', '.device', '.mount', '.automount', '.swap', '.target', '.path', '.timer', '.snapshot', '.slice', '.scope'];
      rc.errIn(c, 'name', okExt.includes(ext) ? undefined : E.invalidSystemdExt);
      const cc = [...c, 'contents'];
      const contents = optStr(v, 'contents');
      const parsed = unitContent(contents);
      rc.err(cc, parsed.error);
      // ValidateInstallSection
      if (isTrue(optBool(v, 'enabled')) && !nilOrEmpty(contents) && parsed.sections !== undefined && !parsed.sections.includes('Install')) {
        rc.warn(cc, `unit ${goQuoteSimple(name)} is enabled, but has no install section so enable does nothing`);
      }
      return;
    }
    case 'Dropin': {
      rc.errIn(c, 'contents', unitContent(optStr(v, 'contents')).error);
      if (pathExt(str(v, 'name')) !== '.conf') rc.errIn(c, 'name', E.invalidSystemdDropinExt);
      return;
    }
    default:
      return;
  }
}

/**
 * The template prefix of an instance unit name: group 1 of Ignition's
 * `^(.+?)@(.+?)\.service$` (Go regexp: `.` is any character but a newline),
 * in linear time. The lazy first group ends at the first `@` after at least
 * one character; the name must end in `.service` with at least one character
 * between that `@` and the suffix. A backtracking RegExp takes minutes on a
 * long run of `@`.
 */
export function instanceUnitPrefix(name: string): string | undefined {
  const suffix = '.service';
  if (!name.endsWith(suffix) || name.includes('\n')) return undefined;
  const at = name.indexOf('@', 1);
  if (at < 0 || name.length - suffix.length - (at + 1) < 1) return undefined;
  return name.slice(0, at);
}

/** Device (raid devices) is a string type with a Validate method. */
export function validateNamedString(rc: RuleContext, typeName: string, s: string, c: PathElem[]): void {
  if (typeName === 'types.Device') rc.err(c, validatePath(s));
}

/** Key() of an element for the duplicate check. */
export function dupKey(typeName: string, v: GoValue): string {
  if (typeof v === 'string') return v;
  const o = (v as GoStruct | undefined) ?? {};
  switch (typeName) {
    case 'Partition': {
      const n = num(o, 'number');
      if (n !== 0) return `number:${n}`;
      const l = optStr(o, 'label');
      return l !== undefined ? `label:${l}` : '';
    }
    case 'Disk': case 'Filesystem': return str(o, 'device');
    case 'Directory': case 'File': case 'Link': return str(o, 'path');
    case 'Resource': case 'ConfigReference': { const s = optStr(o, 'source'); return s ?? ''; }
    case 'CaReference': return str(o, 'source');
    case 'Tang': return str(o, 'url');
    case 'HTTPHeader': case 'Luks': case 'Raid': case 'PasswdUser': case 'PasswdGroup': case 'Unit': case 'Dropin':
      return str(o, 'name');
    default:
      return '';
  }
}

/** IgnoreDuplicates(): Go field names whose duplicates are allowed. */
export function ignoredDupFields(typeName: string): readonly string[] {
  switch (typeName) {
    case 'File': return ['Append'];
    case 'Filesystem': return ['Options', 'MountOptions'];
    case 'Luks': return ['Options'];
    case 'Raid': return ['Options'];
    default: return [];
  }
}

/** MergedKeys(): Go field name -> shared duplicate list name. */
export function mergedDupLists(typeName: string): Record<string, string> {
  switch (typeName) {
    case 'Storage': return { Directories: 'Node', Files: 'Node', Links: 'Node' };
    case 'KernelArguments': return { ShouldExist: 'KernelArgument', ShouldNotExist: 'KernelArgument' };
    default: return {};
  }
}
