/**
 * Shortcuts taken for the speed of a valid 10 MB config (bench/RESULTS.md, session 10), each held to the
 * slower code it skips, on the edge cases it touches.
 */

import * as assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { parseDocument, type ScalarTag } from 'yaml';
import { validateIgnition } from '../../../src/ignition';
import { desugar, validateButane } from '../../../src/ignition/butane';
import { dataUrlDecodeError, isPlainDataUrl } from '../../../src/ignition/go/dataurl';
import { goUrlParse } from '../../../src/ignition/go/stdlib';
import { readYamlSubset, type YamlSubsetOptions } from '../../../src/ignition/yamlSubset';
import { mulberry32 } from './variants';

type Rnd = () => number;
type Path = (string | number)[];
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** butaneRules (src/ignition/butane.ts) as it was before session 10: every rule's key looked up in every object. */
function butaneRulesBefore(v: unknown, path: Path, filesDir: boolean, out: string[]): void {
  if (Array.isArray(v)) {
    v.forEach((x, i) => butaneRulesBefore(x, [...path, i], filesDir, out));
    return;
  }
  if (!isObj(v)) return;
  const set = (['local', 'inline', 'source'] as const).filter((k) => v[k] !== undefined && v[k] !== null);
  if (set.length > 1) out.push(`${[...path, set[set.length - 1]!].join('.')}: only one of the following can be set: inline, local, source`);
  const storageLevel = path.length === 1 && path[0] === 'storage';
  if (!filesDir) {
    for (const k of ['local', 'contents_local', 'ssh_authorized_keys_local']) {
      if (v[k] !== undefined && v[k] !== null && (k !== 'local' || typeof v[k] === 'string')) out.push(`${[...path, k].join('.')}: local file paths are relative to a files directory that must be specified with -d/--files-dir`);
    }
    const trees = v['trees'];
    if (Array.isArray(trees) && storageLevel) {
      trees.forEach((t, i) => { if (isObj(t) && t['local'] !== undefined) out.push(`${[...path, 'trees', i, 'local'].join('.')}: local file paths are relative to a files directory that must be specified with -d/--files-dir`); });
    }
  }
  for (const k of Object.keys(v)) if (!(storageLevel && k === 'trees')) butaneRulesBefore(v[k], [...path, k], filesDir, out);
}

/** desugar (src/ignition/butane.ts) as it was before session 10: two lookups per key, every object asked for inline/local. */
function desugarBefore(v: unknown, root: boolean): unknown {
  const dropRoot = new Set(['variant', 'version', 'boot_device', 'grub', 'metadata', 'openshift']);
  const dropAny = new Set(['trees', 'ssh_authorized_keys_local', 'contents_local', 'with_mount_unit', 'local', 'inline']);
  if (Array.isArray(v)) return v.map((x) => desugarBefore(x, false));
  if (!isObj(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    if ((root ? dropRoot : dropAny).has(k)) continue;
    out[k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()).replace(/Mib$/, 'MiB')] = desugarBefore(v[k], false);
  }
  if (out['source'] === undefined || out['source'] === null) {
    if (typeof v['inline'] === 'string') out['source'] = 'data:,' + encodeURIComponent(v['inline']);
    else if (v['local'] !== undefined && v['local'] !== null) out['source'] = 'data:,';
  }
  return out;
}

const RULE_KEYS = ['inline', 'source', 'local', 'contents_local', 'ssh_authorized_keys_local', 'trees', 'path', 'size_mib', 'with_mount_unit', 'variant', '__proto__'];

/** A block-YAML value of nested mappings and sequences over the keys the rules and desugar name. */
function yamlValue(rnd: Rnd, depth: number, indent: string): string {
  const r = rnd();
  if (depth > 2 || r < 0.3) return ' ' + ['x', '~', '1', '"a b"', 'true', '[a, b]'][Math.floor(rnd() * 6)]!;
  if (r < 0.45) return Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => `\n${indent}-${yamlValue(rnd, depth + 1, indent + '  ')}`).join('');
  const keys = [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => RULE_KEYS[Math.floor(rnd() * RULE_KEYS.length)]!))];
  return keys.map((k) => `\n${indent}${k}:${yamlValue(rnd, depth + 1, indent + '  ')}`).join('');
}

// the options src/ignition/butane.ts reads with (go-yaml v3's octal `0644`)
const goOctal: ScalarTag = { tag: 'tag:yaml.org,2002:int', default: true, test: /^[-+]?0[0-7]+$/, resolve: (s: string) => parseInt(s, 8) };
const OPTIONS: YamlSubsetOptions = { customTags: (tags) => [goOctal, ...tags], uniqueKeys: false, prettyErrors: false };

/** What validateURL (src/ignition/rules.ts) did for a data URL before the shortcut: parse, then decode. */
const parsedAndDecodes = (s: string): boolean => goUrlParse(s)?.scheme === 'data' && dataUrlDecodeError(s) === undefined;

describe('ignition: shortcuts held to the code they skip', () => {
  it('isPlainDataUrl accepts only data URLs that net/url.Parse and dataurl.DecodeString both accept', () => {
    const edge = [
      'data:,', 'data:,a', 'data:,hello%2012', 'data:,%41%4a%4F%fF', 'data:,a,b;c=d', 'data:,a?b', 'data:,a?', 'data:,?', 'data:,a??b',
      "data:,-_.!~*'()", 'data:,$&+/:=@', 'data:,%', 'data:,%4', 'data:,%4g', 'data:,%g4', 'data:,a%', 'data:,a#b', 'data:,#', 'data:, ',
      'data:,a b', 'data:,"', 'data:,<>', 'data:,{}', 'data:,|', 'data:,\\', 'data:,^', 'data:,`', 'data:,[]', 'data:,\t', 'data:,\n',
      'data:,\x7f', 'data:,é', 'data:,%C3%A9', 'data:,\u2028', 'data:;base64,YQ==', 'data:text/plain,a', 'DATA:,a', 'Data:,a', 'data:a',
      'data,a', ' data:,a', 'data:,,', 'data:,;', 'data:,%%41', 'data:,%41%', 'https://example.com/a', '',
    ];
    const accepted = edge.filter(isPlainDataUrl);
    for (const s of edge) if (isPlainDataUrl(s)) assert.ok(parsedAndDecodes(s), JSON.stringify(s));
    // not vacuous: the common shapes take the shortcut
    for (const s of ['data:,', 'data:,hello%2012', "data:,-_.!~*'()", 'data:,a?b', 'data:,a,b;c=d']) assert.ok(accepted.includes(s), s);

    // generated: every ASCII character and a few others, `%` and hex digits often
    const rnd = mulberry32(14);
    const alphabet = [...Array.from({ length: 128 }, (_, c) => String.fromCharCode(c)), 'é', '\u2028', '𝄞', '%', '%', '%', 'a', 'F', '4', '0'];
    let shortcut = 0;
    for (let n = 0; n < 30_000; n++) {
      let s = n % 10 === 0 ? 'data:' : 'data:,';
      const len = Math.floor(rnd() * 12);
      // mostly characters of encodeURIComponent's output, so that many are accepted
      for (let i = 0; i < len; i++) s += rnd() < 0.8 ? "%2Fab-_.!~*'()"[Math.floor(rnd() * 14)]! : alphabet[Math.floor(rnd() * alphabet.length)]!;
      if (!isPlainDataUrl(s)) continue;
      shortcut++;
      assert.ok(parsedAndDecodes(s), JSON.stringify(s));
    }
    assert.ok(shortcut > 3_000, `${shortcut} generated URLs took the shortcut`);
    // every inline a Butane config may have, as desugar makes it
    for (const inline of ['', 'hello 1', 'é✓ 𝄞', '#?%&=+;,/:@', '\u0000\t\n\r\u2028', 'a'.repeat(1000)]) {
      const s = 'data:,' + encodeURIComponent(inline);
      assert.ok(isPlainDataUrl(s), s);
      assert.ok(parsedAndDecodes(s), s);
    }
  });

  it('butaneRules and desugar find what they found by looking every key up, on 1,500 generated configs', () => {
    const rnd = mulberry32(10);
    let findings = 0;
    for (let n = 0; n < 1500; n++) {
      const text = `variant: fcos\nversion: 1.5.0\nstorage:${yamlValue(rnd, 0, '  ')}\npasswd:\n  users:\n    -${yamlValue(rnd, 1, '      ')}\n`;
      const value = readYamlSubset(text, OPTIONS) ?? (parseDocument(text, OPTIONS).toJS() as unknown);
      if (!isObj(value)) continue;
      for (const filesDir of [false, true]) {
        const expected: string[] = [];
        butaneRulesBefore(value, [], filesDir, expected);
        const got = validateButane(text, { filesDir }).entries.filter((e) => e.source === 'butane').map((e) => `${e.path.join('.')}: ${e.message}`);
        assert.deepEqual(got.sort(), expected.sort(), text);
        findings += got.length;
      }
      assert.ok(isDeepStrictEqual(desugar(value, true), desugarBefore(value, true)), text);
      for (const k of Object.keys(value)) assert.ok(isDeepStrictEqual(desugar(value[k], false), desugarBefore(value[k], false)), text);
    }
    assert.ok(findings > 500, `${findings} findings`);
  });

  it('the YAML reader finds a key it has read before in place, as by its source text', () => {
    // more keys of one length than it compares in place, keys that are prefixes of others, keys ending in a space or
    // a non-ASCII character, quoted keys (not U+00A0 last: the reader trims it, the package keeps it; before and after)
    const keys = ['pa', 'path', 'pat', 'paths', 'mode', 'mod', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9', 'k10', 'k11',
      'ké', 'k ', 'k  ', '"k1"', "'k2'", 'a b', 'x-y', 'true_x', '__proto__', 'toString', 'é'];
    const rnd = mulberry32(11);
    let read = 0;
    for (let n = 0; n < 400; n++) {
      const lines: string[] = [];
      for (let i = 0; i < 1 + Math.floor(rnd() * 10); i++) {
        // a section of distinct keys, as a mapping or as a sequence's compact entry
        const own = [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => keys[Math.floor(rnd() * keys.length)]!))];
        const entry = rnd() < 0.3;
        lines.push(`s${i}:`, ...own.map((k, j) => `${entry ? (j === 0 ? '  - ' : '    ') : '  '}${k}: ${j}`));
      }
      const text = lines.filter((l) => l !== '').join('\n') + '\n';
      const doc = parseDocument(text, { ...OPTIONS, uniqueKeys: true });
      const fast = readYamlSubset(text, OPTIONS);
      if (fast === undefined) continue;
      read++;
      assert.equal(doc.errors.length, 0, text);
      assert.ok(isDeepStrictEqual(fast, doc.toJS()), text);
    }
    assert.ok(read > 300, `${read} documents read`);
  });

  it('Ignition rules on storage without links and without unit contents find what they found', () => {
    // computed by the code before session 10 (the shortcuts skip copying files and directories)
    const cfg = (version: string, rest: object): string => JSON.stringify({ ignition: { version }, ...rest });
    const lines = (text: string): string[] => validateIgnition(text).entries.map((e) => `${e.level} $.${e.path.join('.')}: ${e.message}`);
    const disks = { disks: [{ device: '/dev/vdb', wipeTable: true }, { device: '/dev/vdc', partitions: [{ label: 'p' }] }], filesystems: [{ device: '/dev/vdb', format: 'ext4' }, { device: '/dev/vdc', format: 'xfs' }] };
    const fsWarnings = ['warning $.storage.filesystems.0.device: device matches disk with wipeTable enabled; filesystem will be wiped', 'warning $.storage.filesystems.1.device: filesystem overwrites partitioned device'];
    assert.deepEqual(lines(cfg('3.4.0', { storage: { ...disks, files: [{ path: '/a/b/f' }, { path: '/etc/systemd/system/x.service' }], directories: [{ path: '/a/b/d' }, { path: '/t' }] } })), fsWarnings);
    assert.deepEqual(lines(cfg('3.4.0', { storage: { ...disks, files: [{ path: '/a/b/f' }], directories: [{ path: '/a/b/d' }, { path: '/t' }], links: [{ path: '/a', target: '/t', hard: true, user: { id: 1 } }, { path: '/a/l', target: 'x' }] } })), [
      'error $.storage.directories.0: directory path includes link in config', 'error $.storage.files.0: file path includes link in config',
      'error $.storage.links.0: hard link target is a directory', 'warning $.storage.links.0.user.id: user/group ignored for hard link',
      'error $.storage.links.1: link path includes link in config', ...fsWarnings]);
    assert.deepEqual(lines(cfg('3.3.0', { storage: { files: [{ path: '/a/b/f' }], directories: [{ path: '/t' }], links: [{ path: '/a', target: '/t', hard: true }, { path: '/a/l' }] } })), [
      'error $.storage.files.0: file path includes link in config', 'error $.storage.links.0: hard link target is a directory',
      'error $.storage.links.1: link path includes link in config', 'error $.storage.links.1.target: link target is required']);
    const units = { units: [{ name: 'x.service', contents: '[Unit]' }, { name: 'y.service' }, { name: 'z.service', dropins: [{ name: 'd.conf', contents: '[Unit]' }] }] };
    assert.deepEqual(lines(cfg('3.4.0', { systemd: units, storage: { files: [{ path: '/etc/systemd/system/x.service' }, { path: '/etc/systemd/system/y.service' }], directories: [{ path: '/etc/systemd/system/z.service.d/d.conf' }], links: [{ path: '/etc/systemd/system/x.service', target: '/t' }] } })), [
      'error $.storage.files.0.path: path conflicts with systemd unit or dropin', 'error $.storage.directories.0.path: path conflicts with systemd unit or dropin',
      'error $.storage.links.0.path: path conflicts with systemd unit or dropin', 'error $.storage.links.0: duplicate entry defined']);
    const noContents = { units: [{ name: 'y.service' }, { name: 'z.service', dropins: [{ name: 'd.conf' }] }] };
    assert.deepEqual(lines(cfg('3.4.0', { systemd: noContents, storage: { files: [{ path: '/etc/systemd/system/y.service' }], directories: [{ path: '/etc/systemd/system/z.service.d/d.conf' }] } })), []);
  });
});
