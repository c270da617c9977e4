/**
 * Butane validation: the corpus .bu files against their INDEX.md expectations,
 * Butane's report-correlation cases (message and line), and position mapping.
 */

import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateButane, withoutKeysAt, type ButaneEntry } from '../../../src/ignition/butane';
import { referenceFixtures } from '../referenceFixtures';

const corpusDir = join(referenceFixtures, 'ignition', 'corpus');

interface Row { file: string; status: string; expected: string; notes: string }

function indexRows(): Row[] {
  const rows: Row[] = [];
  for (const line of readFileSync(join(corpusDir, 'INDEX.md'), 'utf8').split('\n')) {
    const m = /^\| `([^`]+\.bu)` \|/.exec(line);
    if (!m) continue;
    const cols = line.split('|').map((s) => s.trim());
    rows.push({ file: m[1], status: cols[4], expected: cols[5], notes: cols[6] });
  }
  return rows;
}

const verdict = (entries: ButaneEntry[]): string =>
  entries.some((e) => e.level === 'error') ? 'invalid' : entries.some((e) => e.level === 'warning') ? 'valid-with-warning' : 'valid';
const shown = (entries: ButaneEntry[]): string[] => entries.filter((e) => e.level !== 'info').map((e) => `${e.level} line ${e.line}: ${e.message}`);

/**
 * Known disagreements, each with its reason. The test fails if one disappears
 * (update the list) or a new one appears.
 */
const KNOWN_DISAGREEMENTS: Record<string, string> = {
  // Butane vendors Ignition <= 2.26, which rejects this; current Ignition (whose
  // rules src/ignition applies to spec 3.4+) dropped the check (coreos/ignition#2234).
  'coreos-butane__config_fcos_v1_6_validate_test.go__case7.bu': 'valid',
};

describe('butane: corpus against INDEX.md', () => {
  const rows = indexRows();

  it('has the corpus and its index', () => {
    assert.ok(rows.length >= 100, `expected the .bu rows of ${corpusDir}/INDEX.md, got ${rows.length}`);
    const files = readdirSync(corpusDir).filter((f) => f.endsWith('.bu'));
    assert.equal(files.length, rows.length, 'every .bu file has an index row');
  });

  it('agrees with every non-template expectation except the documented ones', () => {
    let agree = 0;
    const disagreements: Record<string, string> = {};
    const details: string[] = [];
    for (const row of rows.filter((r) => r.status !== 'template')) {
      const text = readFileSync(join(corpusDir, row.file), 'utf8');
      // Docs CI and cosa translate with --files-dir; the one case about its absence does not.
      const filesDir = !/must be specified with -d\/--files-dir/.test(row.expected);
      const r = validateButane(text, { filesDir });
      const v = verdict(r.entries);
      if (v === row.status) agree++;
      else {
        disagreements[row.file] = v;
        details.push(`${row.file}: expected ${row.status}, got ${v}: ${shown(r.entries).join('; ')}`);
      }
    }
    console.log(`      ${agree} of ${agree + Object.keys(disagreements).length} non-template corpus .bu files agree with INDEX.md`);
    assert.deepEqual(disagreements, KNOWN_DISAGREEMENTS, details.join('\n'));
  });

  it('reports the expected message at the expected line for the butane report-correlation cases', () => {
    const cases = rows.filter((r) => r.file.includes('validate_test.go__case') && !(r.file in KNOWN_DISAGREEMENTS));
    assert.ok(cases.length >= 5);
    for (const row of cases) {
      const m = /^(error|warning)[^:]*: (.*) -- reported at source line (\d+)/.exec(row.expected);
      assert.ok(m, `cannot read the expectation of ${row.file}: ${row.expected}`);
      const [, level, message, line] = m;
      const filesDir = !/files-dir/.test(message);
      const r = validateButane(readFileSync(join(corpusDir, row.file), 'utf8'), { filesDir });
      const real = r.entries.filter((e) => e.level !== 'info');
      assert.equal(real.length, 1, `${row.file}: exactly one entry expected, got ${shown(r.entries).join('; ')}`);
      assert.equal(real[0].level, level, row.file);
      assert.equal(real[0].message, message, row.file);
      assert.equal(real[0].line, Number(line), row.file);
    }
  });

  it('reads the Ignition warning of a kola config and survives the Terraform templates', () => {
    const clhm = rows.find((r) => r.file.includes('clhm_ignition-warnings'))!;
    const r = validateButane(readFileSync(join(corpusDir, clhm.file), 'utf8'));
    assert.deepEqual(r.entries.filter((e) => e.level === 'warning').map((e) => `${e.path.join('.')}: ${e.message}`),
      ['systemd.units.0.contents: unit "echo.service" is enabled, but has no install section so enable does nothing']);
    for (const row of rows.filter((x) => x.status === 'template')) {
      const t = validateButane(readFileSync(join(corpusDir, row.file), 'utf8'), { filesDir: true });
      assert.ok(t.variant, `${row.file} parsed`);
    }
  });
});

describe('butane: positions and rules', () => {
  const at = (text: string, pred: (e: ButaneEntry) => boolean): ButaneEntry => {
    const r = validateButane(text);
    const e = r.entries.find(pred);
    assert.ok(e, `no matching entry in ${JSON.stringify(r.entries, null, 1)}`);
    return e;
  };

  it('marks a type error at the value, with line, column, offset and length', () => {
    const text = 'variant: fcos\nversion: 1.6.0\npasswd:\n  users:\n    - name: core\n      uid: abc\n';
    const e = at(text, (x) => x.level === 'error');
    assert.deepEqual([e.line, e.column, e.path, e.message], [6, 12, ['passwd', 'users', 0, 'uid'], 'expected integer, got string']);
    assert.equal(text.slice(e.offset, e.offset + e.length), 'abc');
  });

  it('marks an unknown key at the key, as a warning', () => {
    const text = 'variant: fcos\nversion: 1.5.0\nstorage:\n  filez: []\n';
    const e = at(text, (x) => x.message === 'unused key filez');
    assert.deepEqual([e.level, e.line, e.column], ['warning', 4, 3]);
    assert.equal(text.slice(e.offset, e.offset + e.length), 'filez');
  });

  it('reads 0644 as octal like go-yaml (a valid mode), and flags a mode with special bits as Ignition does', () => {
    const ok = validateButane('variant: fcos\nversion: 1.6.0\nstorage:\n  files:\n    - path: /etc/x\n      mode: 0644\n      contents:\n        inline: hi\n');
    assert.deepEqual(shown(ok.entries), []);
    const e = at('variant: fcos\nversion: 1.5.0\nstorage:\n  files:\n    - path: /etc/x\n      mode: 04755\n', (x) => x.source === 'ignition');
    assert.deepEqual([e.level, e.line, e.path], ['warning', 6, ['storage', 'files', 0, 'mode']]);
  });

  it('reports YAML syntax errors and duplicate keys at their position', () => {
    const e = at('variant: fcos\nversion: 1.6.0\nstorage:\n  files:\n   - path: "/a\n', (x) => x.source === 'yaml');
    assert.equal(e.level, 'error');
    assert.ok(e.line >= 5, `line ${e.line}`);
    const d = at('variant: fcos\nversion: 1.6.0\nvariant: fcos\n', (x) => x.source === 'yaml');
    assert.equal(d.line, 3);
  });

  it('requires variant and a known version', () => {
    assert.equal(at('version: 1.6.0\n', (x) => x.level === 'error').message, 'error parsing variant; must be specified');
    const e = at('variant: fcos\nversion: 1.99.0\n', (x) => x.level === 'error');
    assert.match(e.message, /^No translator exists for variant fcos with version 1\.99\.0/);
    assert.equal(e.line, 2);
  });

  it('uses the exact community schema where one exists, else the nearest, and says so', () => {
    assert.equal(validateButane('variant: fcos\nversion: 1.6.0\n').schema, 'fcos 1.6.0');
    const older = validateButane('variant: fcos\nversion: 1.3.0\n');
    assert.equal(older.ignitionVersion, '3.2.0');
    assert.equal(older.schema, 'fcos 1.4.0');
    assert.ok(older.entries.some((e) => e.level === 'info' && /nearest/.test(e.message)));
    const os = validateButane('variant: openshift\nversion: 4.19.0\nmetadata:\n  name: x\n  labels:\n    machineconfiguration.openshift.io/role: worker\nopenshift:\n  fips: true\n');
    assert.deepEqual(shown(os.entries), []);
  });

  it('applies Ignition\'s rules to the rest of the config when the schema found an error elsewhere (Translate would report them)', () => {
    // the schema error (a mode as a string) used to switch the Ignition rules off for the whole
    // document: "path not absolute" then came only from Translate
    const text = 'variant: fcos\nversion: 1.5.0\nstorage:\n  files:\n    - path: etc/hostname\n      mode: "0644"\n      contents:\n        inline: myhost\n  links:\n    - path: /etc/l\n';
    const r = validateButane(text, { filesDir: true });
    assert.deepEqual(r.entries.map((e) => [e.source, e.level, e.line, e.message]), [
      ['ignition', 'error', 5, 'path not absolute'],
      ['schema', 'error', 6, 'expected integer, got string'],
      ['ignition', 'error', 10, 'link target is required'],
    ]);
    assert.deepEqual(r.entries[0]!.path, ['storage', 'files', 0, 'path']);
    // the key in error is left out of the Ignition pass: no second finding about the same mode
    assert.equal(r.entries.filter((e) => e.path.join('.') === 'storage.files.0.mode').length, 1);
  });

  it('leaves out the deepest key of each path without touching the document or shifting indexes', () => {
    const doc = { storage: { files: [{ path: 'a', mode: 'x' }, { path: 'b' }] }, systemd: { units: [{ name: 'u', dropins: [{ name: 'd' }] }] } };
    const before = JSON.stringify(doc);
    const out = withoutKeysAt(doc, [['storage', 'files', 0, 'mode'], ['systemd', 'units', 0, 'dropins', 0], ['nothing', 'here'], []]);
    assert.deepEqual(out, { storage: { files: [{ path: 'a' }, { path: 'b' }] }, systemd: { units: [{ name: 'u' }] } });
    assert.equal(JSON.stringify(doc), before);
  });

  it('maps Ignition findings on the desugared config back to Butane keys', () => {
    const text = 'variant: fcos\nversion: 1.6.0\nstorage:\n  files:\n    - path: /etc/a\n      contents:\n        source: ftp://example.com/x\n';
    const e = at(text, (x) => x.source === 'ignition');
    assert.deepEqual([e.path, e.message, e.line], [['storage', 'files', 0, 'contents', 'source'], 'invalid url scheme', 7]);
    const k = at('variant: fcos\nversion: 1.6.0\nkernel_arguments:\n  should_exist: [a, a]\n', (x) => x.source === 'ignition');
    assert.deepEqual([k.path, k.message], [['kernel_arguments', 'should_exist', 1], 'duplicate entry defined']);
  });
});
