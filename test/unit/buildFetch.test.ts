import * as assert from 'node:assert/strict';
import { buildFetchArgs, buildFetchProblem, buildFetchQemuArgs, validateBuildFetchUrl, validateFetchBuildId } from '../../src/cosa/buildFetch';

// Flags and messages of coreos-assembler's src/cmd-buildfetch (argparse: --url, -b/--build, --arch
// (append; 'all'), --artifact (append; 'all'), --force; SystemExit "<list> modified locally. Run with
// --force to overwrite local changes"; Exception "Requested artifact X not available in build",
// "Downloaded checksum for X does not match expected"; requests' HTTPError text).

describe('buildFetchArgs', () => {
  it('builds the argv with one flag per arch and artifact', () => {
    assert.deepEqual(buildFetchArgs({ url: ' http://h/builds ' }), ['buildfetch', '--url=http://h/builds']);
    assert.deepEqual(buildFetchArgs({ url: 'http://h/b', buildId: '42.1', arches: ['x86_64', 'aarch64'], artifacts: ['qemu'], force: true }),
      ['buildfetch', '--url=http://h/b', '--build', '42.1', '--arch', 'x86_64', '--arch', 'aarch64', '--artifact', 'qemu', '--force']);
    assert.deepEqual(buildFetchQemuArgs('s3://b/p', '1', 'x86_64'), ['buildfetch', '--url=s3://b/p', '--build', '1', '--arch', 'x86_64', '--artifact', 'qemu']);
  });

  it('checks the URL like cmd-buildfetch does (schemes), before a container starts', () => {
    for (const ok of ['https://builds.coreos.fedoraproject.org/prod/streams/stable/builds', 'http://127.0.0.1:8000', 's3://bucket/prefix', 'file:///srv/x', '/srv/published']) {
      assert.equal(validateBuildFetchUrl(ok), undefined, ok);
    }
    for (const bad of ['', 'ftp://x', 'builds.example.com', 'http://', 'http://a b']) {
      assert.ok(validateBuildFetchUrl(bad), bad);
    }
    assert.equal(validateFetchBuildId(''), undefined);
    assert.equal(validateFetchBuildId('43.20260101.20.0'), undefined);
    assert.ok(validateFetchBuildId('--force'));
    assert.ok(validateFetchBuildId('a/b'));
  });
});

describe('buildFetchProblem', () => {
  it('recognises a locally modified builds.json', () => {
    assert.equal(buildFetchProblem(['builds/builds.json modified locally. Run with --force to overwrite local changes'])?.kind, 'modified-locally');
  });

  it('recognises a missing artifact and a bad checksum in a traceback', () => {
    const p = buildFetchProblem(['Traceback (most recent call last):', '  File "x", line 1', 'Exception: Requested artifact metal not available in build']);
    assert.deepEqual(p?.kind === 'no-artifact' && p.artifact, 'metal');
    assert.equal(buildFetchProblem(['Exception: Downloaded checksum for a.qcow2.xz does not match expected'])?.kind, 'checksum');
  });

  it('keeps the HTTP status and the connection error, not tenacity\'s wrapper', () => {
    assert.deepEqual(buildFetchProblem(['requests.exceptions.HTTPError: 404 Client Error: Not Found for url: http://h/b/1/x86_64/meta.json']),
      { kind: 'http', message: '404 Client Error: Not Found for url: http://h/b/1/x86_64/meta.json' });
    const p = buildFetchProblem([
      'requests.exceptions.ConnectionError: HTTPConnectionPool: Max retries exceeded with url: http://h/builds.json (Connection refused)',
      'tenacity.RetryError: RetryError[<Future state=finished raised ConnectionError>]',
    ]);
    assert.equal(p?.kind, 'unreachable');
    assert.match(p?.message ?? '', /Connection refused/);
  });

  it('falls back to the first Python exception, and to nothing', () => {
    assert.deepEqual(buildFetchProblem(['Exception: Invalid scheme: only file://, s3://, and http(s):// supported']),
      { kind: 'other', message: 'Invalid scheme: only file://, s3://, and http(s):// supported' });
    assert.equal(buildFetchProblem(['Fetching: http://h/builds.json', 'Updated builds/builds.json']), undefined);
  });
});
