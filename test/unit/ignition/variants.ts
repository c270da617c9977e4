/**
 * Seeded, deterministic generation of Ignition config variants for the
 * differential test: valid seed configs per spec version, then mutations
 * (wrong types, bad paths, bad URLs, duplicates, unknown keys, truncation,
 * bad modes, hashes, label lengths, unit contents, versions, syntax damage).
 */

import { mulberry32 } from '../../support/prng';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export { mulberry32 };

const SHA512 = 'sha512-' + 'ab'.repeat(64);
const SHA256 = 'sha256-' + 'cd'.repeat(32);

/** A rich valid-ish config for a spec version (3.0–3.3). */
export function seedConfig(version: string): { [k: string]: Json } {
  const minor = Number(version.split('.')[1]);
  const res = (source: string): { [k: string]: Json } => ({ source, verification: { hash: SHA512 } });
  const cfg: { [k: string]: Json } = {
    ignition: {
      version,
      config: { merge: [res('https://example.com/a.ign')], replace: minor >= 1 ? {} : { source: null } },
      timeouts: { httpTotal: 30 },
      security: { tls: { certificateAuthorities: [{ source: 'data:,ca' }] } },
      ...(minor >= 1 ? { proxy: { httpProxy: 'http://proxy:3128', httpsProxy: 'https://proxy:3129', noProxy: ['localhost'] } } : {}),
    },
    storage: {
      disks: [{ device: '/dev/vdb', wipeTable: true, partitions: [
        { number: 1, label: 'root', sizeMiB: 100, startMiB: 2048, typeGuid: '4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709' },
        { number: 2, label: 'var', sizeMiB: 0, startMiB: 0, guid: '01234567-89AB-CDEF-EDCB-A98765432101' },
      ] }],
      raid: [{ name: 'md0', level: 'raid1', devices: ['/dev/vdc', '/dev/vdd'], spares: 0 }],
      filesystems: [
        { device: '/dev/disk/by-partlabel/var', format: 'xfs', label: 'var', path: '/var', wipeFilesystem: true, options: ['-f'] },
        { device: '/dev/md/md0', format: 'ext4', label: 'data' },
      ],
      files: [
        { path: '/etc/hostname', mode: 420, overwrite: true, contents: { source: 'data:,myhost%0A' } },
        { path: '/etc/motd', append: [{ source: 'data:;base64,aGVsbG8K' }], user: { name: 'core' }, group: { id: 0 } },
        { path: '/opt/bin/tool', mode: 493, contents: { source: 'https://example.com/tool', compression: 'gzip', verification: { hash: SHA512 } } },
      ],
      directories: [{ path: '/opt/data', mode: 493 }],
      links: [{ path: '/etc/localtime', target: '/usr/share/zoneinfo/UTC' }, { path: '/opt/hard', target: '/etc/hostname', hard: true }],
    },
    systemd: {
      units: [
        { name: 'app.service', enabled: true, contents: '[Unit]\nDescription=App\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n' },
        { name: 'docker.service', dropins: [{ name: '10-env.conf', contents: '[Service]\nEnvironment=A=B\n' }] },
        { name: 'masked.socket', mask: true },
      ],
    },
    passwd: {
      users: [{ name: 'core', sshAuthorizedKeys: ['ssh-ed25519 AAAA core@host'], groups: ['wheel'] }, { name: 'svc', uid: 1001, homeDir: '/var/svc', shell: '/bin/bash', system: true }],
      groups: [{ name: 'ops', gid: 2000 }],
    },
  };
  const storage = cfg.storage as { [k: string]: Json };
  if (minor >= 1) {
    (storage.files as Json[]).push({ path: '/etc/remote', contents: { source: 'https://example.com/r', httpHeaders: [{ name: 'Auth', value: 'x' }], verification: { hash: SHA256 } } });
    (storage.filesystems as Json[]).push({ device: '/dev/vde', format: 'ext4', path: '/srv', mountOptions: ['noatime'] });
  }
  if (minor >= 2) {
    storage.luks = [{ name: 'data', device: '/dev/vdf', label: 'luks-data', clevis: { tpm2: true, tang: [{ url: 'https://tang.example', thumbprint: 'abc' }], threshold: 1 }, keyFile: { source: 'data:,key' }, options: ['--cipher', 'aes'] }];
    ((cfg.passwd as { [k: string]: Json }).users as Json[]).push({ name: 'gone', shouldExist: false });
    (((storage.disks as Json[])[0] as { [k: string]: Json }).partitions as Json[]).push({ number: 3, label: 'grow', resize: true });
  }
  if (minor >= 3) {
    cfg.kernelArguments = { shouldExist: ['quiet', 'mitigations=auto'], shouldNotExist: ['debug'] };
    (storage.filesystems as Json[]).push({ device: '/dev/vdg', format: 'none' });
    (storage.luks as Json[]).push({ name: 'other', device: '/dev/vdh', clevis: { custom: { pin: 'tpm2', config: '{}', needsNetwork: false } } });
  }
  return cfg;
}

type PathT = (string | number)[];

function collectPaths(v: Json, path: PathT, out: PathT[]): void {
  out.push(path);
  if (Array.isArray(v)) v.forEach((x, i) => collectPaths(x, [...path, i], out));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) collectPaths(v[k], [...path, k], out);
}

function getAt(root: Json, path: PathT): Json {
  let v: Json = root;
  for (const p of path) v = (v as { [k: string]: Json })[p as string];
  return v;
}

function setAt(root: Json, path: PathT, value: Json | undefined): void {
  const parent = getAt(root, path.slice(0, -1)) as { [k: string]: Json } | Json[];
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(last as number, 1); else delete parent[last as string];
  } else (parent as { [k: string]: Json })[last as string] = value;
}

const BAD_URLS = [
  'data:,a%zz', 'data:;base64,YQ=', 'data:;base64,Y', 'data:text/plain;charset=utf-8;base64,aGk=', 'data:text,x', 'data:x-foo/bar,x', 'data:text/plain,a b',
  'data:;foo=bar,x', 'data:;base64x,x', 'data:,', 'data:', 'data:;base64,aGk=\n', 'data:;charset="utf\\"8",x', 'data:;charset="utf8,x', 'data:,a#frag',
  'http://exa mple.com/', 'http://example.com:port/', 'http://[::1]:80/x', 'http://[::1/x', 'ftp://example.com/x', 's3://bucket/key?versionId=', 's3://bucket/key?versionId=abc',
  'gs://bucket/obj', 'tftp://host/file', 'relative/path', '/abs/path', ':nope', 'HTTPS://EXAMPLE.COM', 'http://user:p@ss@host/', 'http://%zz/', 'https://example.com/%zz',
  'https://example.com/a#%zz', 'http://ex%41mple.com/', 'http://host/\u00e9', 'arn:aws:s3:::bucket/key', '', 'data:image/png;base64,iVBORw0KGgo=',
];
const BAD_PATHS = ['', 'relative', '/a/../b', '/a//b', '/a/./b', '/a/', '/', '.', '/ok/path', '//x', '/é/x'];
const BAD_HASHES = ['sha512-abc', 'sha512', 'md5-abcd', 'sha256-' + 'a'.repeat(64), 'sha256-' + 'a'.repeat(63), SHA512, 'sha512-' + 'z'.repeat(128), '-', 'sha512-' + 'é'.repeat(64)];
const MODES: Json[] = [-1, 0, 420, 4095, 4096, 0o4755, 0o2755, 0o1777, 1.5, 1e3, '420', 99999999999, 9007199254740991, 1e19, -0];
const LABEL_FORMATS = ['ext4', 'btrfs', 'xfs', 'swap', 'vfat', 'none', null, 'zfs', ''];
const UNIT_CONTENTS = [
  '[Unit]\nDescription=x\n', '[Unit\n', '[Unit] junk\nA=b\n', '[Service]\nExecStart=/bin/true', '[Service]\nExec', '[Service]\nExecStart\n=x', '# c\n[Install]\nWantedBy=a\n',
  'garbage before\n[Install]\nA=b', '[Install]\nWantedBy=multi-user.target\n', '[Service]\nExecStart=/bin/sh -c "' + 'x'.repeat(2100) + '"\n', '[Service]\nA=b\\\n  c\n',
  '', '[Unit]\r\nA=b\r\n', ';comment\n[Install]', '[Service]\n' + 'Environment=A=' + 'y'.repeat(5000) + '\n[Install]\nWantedBy=x\n',
];
const VERSIONS = ['3.0.0', '3.1.0', '3.2.0', '3.3.0', '3.3.0-', '03.3.0', '3.3', '3.3.0+meta', '3.4.0-experimental', '3.5.0', 'x', '', '3.3.0-rc.1', '+3.3.0', '3.3.0.0', '2.2.0'];
const UNIT_NAMES = ['a.service', 'a', 'a.conf', 'a.timer', 'a@b.service', 'a@.service', 'x.swap', '.service'];
const KEYS = ['unknown', 'Path', 'PATH', 'path ', 'foo%d', 'a%', 'ßpath', 'contents', 'mode', 'version', 'Ignition', 'é'];
const RAID_LEVELS: Json[] = ['raid0', 'linear', 'stripe', '0', 'raid5', 'raid10', 'raid7', '', null, 'mirror'];

function arr(o: { [k: string]: Json }, k: string): Json[] {
  const v = o[k];
  if (Array.isArray(v)) return v;
  const fresh: Json[] = [];
  o[k] = fresh;
  return fresh;
}

/** Produce one mutated config text from a seed config. */
export function mutate(seed: { [k: string]: Json }, rnd: () => number): string {
  const cfg = JSON.parse(JSON.stringify(seed)) as { [k: string]: Json };
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
  const nMut = 1 + Math.floor(rnd() * 3);
  let text: string | undefined;
  for (let m = 0; m < nMut; m++) {
    const paths: PathT[] = [];
    collectPaths(cfg, [], paths);
    const p = pick(paths.slice(1));
    const last = p[p.length - 1];
    const kind = Math.floor(rnd() * 20);
    const cur = getAt(cfg, p);
    // a mutation that does not fit an already-mangled config is skipped (deterministically)
    try { switch (kind) {
      case 0: setAt(cfg, p, pick<Json>([5, 'str', true, [], {}, null, 1.5, [1], { a: 1 }, -1])); break;
      case 1: if (last === 'path' || last === 'device' || last === 'homeDir' || typeof cur === 'string') setAt(cfg, p, pick(BAD_PATHS)); break;
      case 2: if (last === 'source' || last === 'httpProxy' || last === 'httpsProxy' || last === 'url' || typeof cur === 'string') setAt(cfg, p, pick(BAD_URLS)); break;
      case 3: { // duplicate an array element
        const arrPath = p.slice(0, -1);
        const arr = getAt(cfg, arrPath);
        if (Array.isArray(arr) && typeof last === 'number') arr.push(JSON.parse(JSON.stringify(arr[last])) as Json);
        break;
      }
      case 4: { // unknown key
        const target = cur && typeof cur === 'object' && !Array.isArray(cur) ? cur : getAt(cfg, p.slice(0, -1));
        if (target && typeof target === 'object' && !Array.isArray(target)) (target as { [k: string]: Json })[pick(KEYS)] = pick<Json>([1, 'x', null, {}, '/rel']);
        break;
      }
      case 5: if (last === 'mode' || last === 'uid' || last === 'gid' || last === 'number' || typeof cur === 'number') setAt(cfg, p, pick(MODES)); break;
      case 6: if (last === 'hash' || typeof cur === 'string') setAt(cfg, p, pick(BAD_HASHES)); break;
      case 7: { // label length vs format
        const fss = ((cfg.storage as { [k: string]: Json } | undefined)?.filesystems as Json[] | undefined) ?? [];
        if (fss.length) {
          const fs = pick(fss) as { [k: string]: Json };
          const f = pick(LABEL_FORMATS);
          if (f === null) delete fs.format; else fs.format = f;
          fs.label = 'L'.repeat(pick([0, 1, 11, 12, 13, 15, 16, 17, 36, 256, 257]));
        }
        break;
      }
      case 8: if (cur !== undefined && p.length > 1) setAt(cfg, p, undefined); break; // delete
      case 9: { // unit contents / names
        const units = ((cfg.systemd as { [k: string]: Json } | undefined)?.units as Json[] | undefined) ?? [];
        if (units.length) {
          const u = pick(units) as { [k: string]: Json };
          if (rnd() < 0.6) u.contents = pick(UNIT_CONTENTS); else u.name = pick(UNIT_NAMES);
          if (rnd() < 0.5) u.enabled = pick([true, false, null]);
        }
        break;
      }
      case 10: (cfg.ignition as { [k: string]: Json }).version = pick(VERSIONS); break;
      case 11: { // partitions
        const disks = ((cfg.storage as { [k: string]: Json } | undefined)?.disks as Json[] | undefined) ?? [];
        if (Array.isArray(disks) && disks.length) {
          const d = disks[0] as { [k: string]: Json };
          if (!d || typeof d !== 'object' || Array.isArray(d)) break;
          const parts = arr(d, 'partitions');
          parts.push(pick<Json>([{ number: 1 }, { label: 'root' }, {}, { number: 0, shouldExist: false }, { number: 5, startMiB: 2050, sizeMiB: 10 },
            { number: 6, startMiB: 1000, sizeMiB: 5000 }, { label: 'a:b' }, { label: 'x'.repeat(37) }, { number: 7, shouldExist: false, label: 'z' }, { number: 8, guid: 'nope' }]));
        }
        break;
      }
      case 12: { // raid
        const raids = ((cfg.storage as { [k: string]: Json } | undefined)?.raid as Json[] | undefined) ?? [];
        if (raids.length) {
          const r = raids[0] as { [k: string]: Json };
          const lvl = pick(RAID_LEVELS);
          if (lvl === null) delete r.level; else r.level = lvl;
          if (rnd() < 0.4) r.spares = pick([0, 1, 2]);
          if (rnd() < 0.2) r.devices = pick<Json>([[], ['rel'], ['/dev/a', '/dev/a']]);
        }
        break;
      }
      case 13: { // links / overwrite / user-group id+name
        const st = cfg.storage as { [k: string]: Json } | undefined;
        if (st && typeof st === 'object' && !Array.isArray(st)) {
          const choice = Math.floor(rnd() * 4);
          if (choice === 0) arr(st, 'links').push({ path: '/opt/data', target: pick(['/x', '', 'rel']), hard: pick([true, false]) });
          else if (choice === 1) arr(st, 'files').push({ path: '/etc/localtime/sub', overwrite: pick([true, false]) });
          else if (choice === 2) arr(st, 'links').push({ path: '/opt/hard2', target: '/opt/data', hard: true });
          else arr(st, 'files').push({ path: '/etc/x' + Math.floor(rnd() * 3), user: { id: 1, name: pick(['core', '']) }, group: { id: 2, name: 'g' } });
        }
        break;
      }
      case 14: { // luks / clevis
        const l = ((cfg.storage as { [k: string]: Json } | undefined)?.luks as Json[] | undefined) ?? [];
        if (l.length) {
          const x = pick(l) as { [k: string]: Json };
          const c = Math.floor(rnd() * 5);
          if (c === 0) x.name = 'a/b';
          else if (c === 1) x.label = 'l'.repeat(pick([47, 48]));
          else if (c === 2) x.clevis = { custom: pick<Json>([{ pin: 'foo', config: 'c' }, { pin: '', config: '' }, { needsNetwork: true }, { pin: 'tang' }]), ...(rnd() < 0.5 ? { tpm2: true } : {}) };
          else if (c === 3) x.keyFile = { source: pick(BAD_URLS) };
          else delete x.device;
        }
        break;
      }
      case 15: { // proxies, headers
        const ign = cfg.ignition as { [k: string]: Json };
        if (ign.proxy) (ign.proxy as { [k: string]: Json })[pick(['httpProxy', 'httpsProxy'])] = pick(['http://p', 'https://p', 'socks5://p', '%zz', 'p']);
        break;
      }
      case 16: { // compression / verification without source
        const files = ((cfg.storage as { [k: string]: Json } | undefined)?.files as Json[] | undefined) ?? [];
        if (files.length) {
          const f = pick(files) as { [k: string]: Json };
          f.contents = pick<Json>([{ compression: 'xz', source: 'data:,x' }, { verification: { hash: SHA512 } }, { compression: '' , source: null }, { source: 'data:,x', httpHeaders: [{ name: '' }, { name: 'a', value: '' }] }]);
        }
        break;
      }
      case 17: text = JSON.stringify(cfg, null, pick([0, 2, 4])); text = text.slice(0, Math.floor(rnd() * text.length)); break; // truncate
      case 18: { // syntax damage
        const t = JSON.stringify(cfg, null, 2);
        const i = Math.floor(rnd() * t.length);
        text = t.slice(0, i) + pick([',', '}', ']', '"', 'x', '\n', 'é', '\\', ':', '01', '-', 'tru', '\t', '\u0001']) + t.slice(i);
        break;
      }
      case 19: if (typeof cur === 'string') setAt(cfg, p, cur + pick(['é', '\u0000', '%', ' ', '\n', '/'])); break;
    } } catch { /* skipped */ }
    if (text !== undefined) return text;
  }
  return JSON.stringify(cfg, null, Math.floor(rnd() * 3) === 0 ? undefined : 2);
}

/** `count` variants: deterministic for a given seed. */
export function generateVariants(count: number, seed = 20240801): { name: string; text: string }[] {
  const rnd = mulberry32(seed);
  const versions = ['3.0.0', '3.1.0', '3.2.0', '3.3.0'];
  const seeds = versions.map((v) => seedConfig(v));
  const out: { name: string; text: string }[] = [];
  for (const s of seeds) out.push({ name: `seed-${(s.ignition as { version: string }).version}.ign`, text: JSON.stringify(s, null, 2) });
  for (let i = out.length; i < count; i++) {
    const s = seeds[Math.floor(rnd() * seeds.length)];
    out.push({ name: `variant-${String(i).padStart(5, '0')}.ign`, text: mutate(s, rnd) });
  }
  return out;
}
