// sessionBuildDir's signatures and readSigned (src/engine/buildDirSource.ts): one `stat` in the
// container for many entries of builds/, parsed back per entry; a file read with its signatures. The container here is this machine: the
// target runs the argv it is given as it is (GNU stat, as in cosa's Fedora image and the
// stand-in's Debian one) in a build directory of the test's.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CapturingTarget, sessionBuildDir } from '../../src/engine/buildDirSource';
import { runCaptured } from '../../src/engine/processRunner';

describe('sessionBuildDir signatures (src/engine/buildDirSource.ts)', () => {
  let dir: string;
  const argvs: string[][] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-signatures-'));
    fs.mkdirSync(path.join(dir, 'builds', '42.1', 'x86_64'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'builds', '42.1', 'x86_64', 'meta.json'), '{}');
    argvs.length = 0;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const here = (): CapturingTarget => ({
    kind: 'remote-session', description: 'this machine', workdir: dir,
    execCommand: (argv) => ({ file: argv[0]!, argv: argv.slice(1), env: process.env }),
    capture: (argv) => {
      argvs.push([...argv]);
      return runCaptured(argv[0]!, argv.slice(1), { timeoutMs: 30_000 });
    },
  });

  it('one stat for all entries; a rewrite (rename over it, as cosa writes meta.json) or a marker changes them; a missing entry is undefined', async () => {
    const source = sessionBuildDir(here());
    const entries = [
      { buildId: '42.1', arch: 'x86_64', file: 'meta.json' }, { buildId: '42.1', arch: 'x86_64' }, { buildId: '42.2', arch: 'x86_64', file: 'meta.json' },
    ];
    const first = await source.signatures!(entries);
    assert.equal(argvs.length, 1, 'one exec');
    assert.ok(first[0] && first[1], JSON.stringify(first));
    assert.equal(first[2], undefined);
    assert.deepEqual(await source.signatures!(entries), first, 'nothing changed: the same');
    const meta = path.join(dir, 'builds', '42.1', 'x86_64', 'meta.json');
    fs.writeFileSync(`${meta}.tmp`, '{"a": 1}');
    fs.renameSync(`${meta}.tmp`, meta);
    const rewritten = await source.signatures!(entries);
    assert.notEqual(rewritten[0], first[0]);
    fs.writeFileSync(path.join(dir, 'builds', '42.1', 'x86_64', '.qemu.building'), '');
    const marked = await source.signatures!(entries);
    assert.equal(marked[0], rewritten[0]);
    assert.notEqual(marked[1], rewritten[1], 'the arch directory changed');
    assert.deepEqual(await source.signatures!([]), [], 'nothing asked: no exec');
    assert.equal(argvs.length, 4, 'one exec per look');
  });

  it('readSigned: the file and the signatures of it and its directory, in one exec, as signatures() gives them; a missing file is ENOENT', async () => {
    const source = sessionBuildDir(here());
    const entry = { buildId: '42.1', arch: 'x86_64', file: 'meta.json' };
    const signed = await source.readSigned!(entry);
    assert.equal(argvs.length, 1);
    assert.equal(new TextDecoder().decode(signed.bytes), '{}');
    assert.deepEqual(signed.signatures, await source.signatures!([entry, { buildId: '42.1', arch: 'x86_64' }]));
    fs.writeFileSync(path.join(dir, 'builds', '42.1', 'x86_64', 'meta.json'), '{\n  "multi": "line"\n}\n');
    assert.equal(new TextDecoder().decode((await source.readSigned!(entry)).bytes), '{\n  "multi": "line"\n}\n', 'the bytes after the stat lines, exactly');
    await assert.rejects(source.readSigned!({ buildId: '42.2', arch: 'x86_64', file: 'meta.json' }), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
  });

  it('a stat failing otherwise than "No such file" is an error (the tree then reads everything again)', async () => {
    const failing: CapturingTarget = { ...here(), capture: async () => ({ exitCode: 255, stdout: '', stderr: 'Error: ssh: connect to host builder1 port 22: Connection refused', timedOut: false }) };
    await assert.rejects(sessionBuildDir(failing).signatures!([{ buildId: '42.1', arch: 'x86_64' }]), /Looking at builds\/ on the builder failed/);
  });
});
