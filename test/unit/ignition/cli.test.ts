/** The CLI prints what ignition-validate prints (same streams, same exit code). */

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { referenceFixtures } from '../referenceFixtures';
import { ORACLE, oracleAvailable } from './oracle';

const repo = resolve(__dirname, '..', '..', '..');
const cli = join(repo, 'src', 'ignition', 'cli.ts');

function run(cmd: string, args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: repo });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('ignition: cli.ts vs ignition-validate', function () {
  this.timeout(60_000);
  let dir: string;
  before(function () {
    const o = oracleAvailable();
    if (!o.ok) throw new Error(`ignition-validate is required for this test: ${o.why}`);
    dir = mkdtempSync(join(tmpdir(), 'ign-cli-'));
  });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  const files: Record<string, string> = {
    'valid.ign': '{"ignition":{"version":"3.3.0"}}',
    'warnings.ign': '{"ignition":{"version":"3.2.0"},"storage":{"files":[{"path":"/etc/x","mode":2541}]},"extra%s":1}\n',
    'errors.ign': '{"ignition":{"version":"3.1.0"},\n "storage":{"files":[{"path":"rel","contents":{"source":"data:;base64,YQ="}}]}}',
    'syntax.ign': '{"ignition":{"version":"3.0.0"},}',
    'type.ign': '{"ignition":{"version":"3.3.0"},"passwd":{"users":[{"name":5}]}}',
    'unsupported.ign': '{"ignition":{"version":"3.9.0"}}',
    'badversion.ign': '{"ignition":{"version":"three"}}',
    'empty.ign': '',
  };

  for (const [name, text] of Object.entries(files)) {
    it(`prints the same as ignition-validate for ${name}`, () => {
      const file = join(dir, name);
      writeFileSync(file, text);
      const want = run(ORACLE, [file]);
      const got = run(process.execPath, ['--import', 'tsx', cli, file]);
      assert.deepEqual(got, want);
    });
  }

  it('prints the same for a corpus file with a warning', () => {
    const file = join(referenceFixtures, 'ignition', 'corpus', 'coreos-coreos-assembler__mantle_kola_tests_ignition_passwd.go__users.ign');
    assert.deepEqual(run(process.execPath, ['--import', 'tsx', cli, file]), run(ORACLE, [file]));
  });
});
