/**
 * Rules the oracle (Ignition 2.14, spec 3.0–3.3) cannot check: spec 3.4–3.6 and
 * 3.7.0-experimental follow current Ignition. Expectations come from the
 * corpus INDEX.md and from Ignition's source (config/v3_X/types, errors.go).
 */

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateIgnition, type IgnitionResult } from '../../../src/ignition';
import { referenceFixtures } from '../referenceFixtures';

const corpus = join(referenceFixtures, 'ignition', 'corpus');
const read = (f: string): string => readFileSync(join(corpus, f), 'utf8');
const lines = (r: IgnitionResult): string[] => r.entries.map((e) => `${e.level} $.${e.path.join('.')}: ${e.message}`);
const cfg = (version: string, rest: object = {}): string => JSON.stringify({ ignition: { version }, ...rest });

describe('ignition: spec 3.4+ (current Ignition rules) and corpus expectations', () => {
  it('accepts the valid 3.4/3.5 corpus configs with an empty report (docs CI requires it)', () => {
    for (const f of ['coreos-ignition__docs_migrating-configs.md__02.ign', 'coreos-ignition__docs_migrating-configs.md__03.ign',
      'coreos-ignition__docs_migrating-configs.md__05.ign', 'coreos-ignition__docs_migrating-configs.md__06.ign',
      'coreos-coreos-assembler__mantle_kola_tests_fips_failure.go__failConfig.ign', 'coreos-coreos-assembler__mantle_kola_tests_ignition_luks.go__cex.ign']) {
      const r = validateIgnition(read(f));
      assert.equal(r.fatal, undefined, f);
      assert.deepEqual(lines(r), [], f);
    }
  });

  it('reports the two filesystem errors of config_test.go L217 (3.6.0)', () => {
    const r = validateIgnition(read('coreos-ignition__config_v3_6_config_test.go__L217.ign'));
    assert.deepEqual(lines(r), [
      'error $.storage.filesystems.0.device: path not specified',
      'error $.storage.filesystems.0.label: filesystem labels cannot be longer than 16 characters when using ext4',
    ]);
  });

  it('treats versions like current Ignition: 3.6.0 stable, 3.6.0-experimental and 3.7.0 unsupported, 3.7.0-experimental accepted', () => {
    assert.equal(validateIgnition(read('coreos-ignition__config_v3_6_config_test.go__L197.ign')).fatal, 'unsupported config version');
    assert.equal(validateIgnition(read('coreos-ignition__config_v3_6_config_test.go__L205.ign')).fatal, 'unsupported config version');
    assert.equal(validateIgnition(read('coreos-ignition__config_v3_6_config_test.go__L151.ign')).fatal, "invalid config version (couldn't parse)");
    assert.equal(validateIgnition(read('coreos-ignition__config_v3_6_config_test.go__L39.ign')).fatal, "invalid config version (couldn't parse)");
    assert.equal(validateIgnition(read('coreos-ignition__config_v3_6_config_test.go__empty.ign')).fatal, 'not a config (empty)');
    assert.equal(validateIgnition(read('coreos-ignition__tests_negative_general_config.go__version-2.5.0-exp.ign')).fatal, 'unsupported config version');
    assert.deepEqual(lines(validateIgnition(cfg('3.6.0'))), []);
    assert.deepEqual(lines(validateIgnition(cfg('3.7.0-experimental'))), []);
    assert.equal(validateIgnition(cfg('3.4.0-experimental')).fatal, 'unsupported config version');
  });

  it('reports the JSON syntax error of the no_device negative test at its offset', () => {
    const r = validateIgnition(read('coreos-ignition__tests_negative_filesystems_no_device.go__nodevice.ign'));
    assert.equal(r.entries.length, 1);
    assert.equal(r.entries[0].message, "invalid character '}' looking for beginning of object key string");
  });

  it('uses current wording for 3.4+: "unused key", special mode bits only before 3.6.0', () => {
    assert.deepEqual(lines(validateIgnition(cfg('3.4.0', { foo: 1 }))), ['warning $.foo: unused key foo']);
    assert.deepEqual(lines(validateIgnition(cfg('3.3.0', { foo: 1 }))), ['warning $.foo: Unused key foo']);
    const setuid = { storage: { files: [{ path: '/x', mode: 0o4755 }] } };
    assert.deepEqual(lines(validateIgnition(cfg('3.5.0', setuid))), ['warning $.storage.files.0.mode: setuid/setgid/sticky bits are not supported or functional in spec versions older than 3.6.0']);
    assert.deepEqual(lines(validateIgnition(cfg('3.6.0', setuid))), []);
  });

  it('checks 3.4+ additions: tang advertisement, cex exclusivity, systemd path conflicts, hard link owners, virtiofs', () => {
    assert.deepEqual(lines(validateIgnition(cfg('3.4.0', { storage: { luks: [{ name: 'a', device: '/dev/a', clevis: { tang: [{ url: 'https://t', thumbprint: 'x', advertisement: '{bad' }] } }] } }))),
      ['error $.storage.luks.0.clevis.tang.0.advertisement: advertisement is not valid JSON']);
    assert.deepEqual(lines(validateIgnition(cfg('3.5.0', { storage: { luks: [{ name: 'a', device: '/dev/a', cex: { enabled: true }, clevis: { tpm2: true }, keyFile: { source: 'data:,k' } }] } }))),
      ['error $.storage.luks.0.cex: cannot use cex with clevis', 'error $.storage.luks.0.cex: cannot use key file with cex']);
    assert.deepEqual(lines(validateIgnition(cfg('3.4.0', { storage: { files: [{ path: '/etc/systemd/system/a.service' }] }, systemd: { units: [{ name: 'a.service', contents: '[Unit]\n' }] } }))),
      ['error $.storage.files.0.path: path conflicts with systemd unit or dropin']);
    assert.deepEqual(lines(validateIgnition(cfg('3.4.0', { storage: { links: [{ path: '/a', target: '/b', hard: true, user: { id: 0 } }] } }))),
      ['warning $.storage.links.0.user.id: user/group ignored for hard link']);
    assert.deepEqual(lines(validateIgnition(cfg('3.7.0-experimental', { storage: { filesystems: [{ device: 'tag', format: 'virtiofs', label: 'x', path: '/mnt' }] } }))),
      ['error $.storage.filesystems.0.label: filesystem labels cannot be set when using virtiofs']);
    assert.deepEqual(lines(validateIgnition(cfg('3.6.0', { storage: { filesystems: [{ device: 'tag', format: 'virtiofs' }] } }))),
      ['error $.storage.filesystems.0.device: path not absolute', 'error $.storage.filesystems.0.format: invalid filesystem format']);
  });

  it('gives editor ranges: offsets of the marked value/key in UTF-16 units', () => {
    const text = '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"rel"}]},"é":1}';
    const r = validateIgnition(text);
    const path = r.entries.find((e) => e.message === 'path not absolute')!;
    assert.equal(text.substr(path.offset, path.length), '"rel"');
    const key = r.entries.find((e) => e.atKey)!;
    assert.equal(text.substr(key.offset, key.length), '"é"');
    assert.equal(key.column, text.indexOf('"é"') + 1); // all ASCII before it
  });
});
