import * as assert from 'node:assert/strict';
import { formatBytes, progressIncrement, PullEvent, PullProgressAggregator, PullSummary, splitJsonStream } from '../../src/cosa/pullProgress';

const MB = 1024 * 1024;

function fold(events: readonly PullEvent[]): PullSummary[] {
  const a = new PullProgressAggregator();
  return events.map((e) => a.push(e));
}

function assertMonotonic(summaries: readonly PullSummary[]): void {
  for (let i = 1; i < summaries.length; i++) {
    assert.ok(summaries[i]!.fraction >= summaries[i - 1]!.fraction, `fraction went back at event ${i}: ${summaries[i - 1]!.fraction} -> ${summaries[i]!.fraction}`);
  }
}

// The Docker engine's /images/create stream (docker, and what dockerode reads), recorded shape.
const DOCKER: PullEvent[] = [
  { status: 'Pulling from coreos-assembler/coreos-assembler', id: 'latest' },
  { status: 'Already exists', progressDetail: {}, id: '9c1b6dd6c1e6' },
  { status: 'Pulling fs layer', progressDetail: {}, id: 'a3ed95caeb02' },
  { status: 'Pulling fs layer', progressDetail: {}, id: '4f4fb700ef54' },
  { status: 'Waiting', progressDetail: {}, id: '4f4fb700ef54' },
  { status: 'Downloading', progressDetail: { current: 1 * MB, total: 4 * MB }, progress: '[====>      ]  1.049MB/4.194MB', id: 'a3ed95caeb02' },
  { status: 'Downloading', progressDetail: { current: 4 * MB, total: 4 * MB }, progress: '[==========>]  4.194MB/4.194MB', id: 'a3ed95caeb02' },
  { status: 'Verifying Checksum', progressDetail: {}, id: 'a3ed95caeb02' },
  { status: 'Download complete', progressDetail: {}, id: 'a3ed95caeb02' },
  { status: 'Downloading', progressDetail: { current: 2 * MB, total: 12 * MB }, id: '4f4fb700ef54' },
  { status: 'Extracting', progressDetail: { current: 1 * MB, total: 4 * MB }, id: 'a3ed95caeb02' },
  { status: 'Extracting', progressDetail: { current: 4 * MB, total: 4 * MB }, id: 'a3ed95caeb02' },
  { status: 'Pull complete', progressDetail: {}, id: 'a3ed95caeb02' },
  { status: 'Downloading', progressDetail: { current: 12 * MB, total: 12 * MB }, id: '4f4fb700ef54' },
  { status: 'Download complete', progressDetail: {}, id: '4f4fb700ef54' },
  { status: 'Extracting', progressDetail: { current: 6 * MB, total: 12 * MB }, id: '4f4fb700ef54' },
  { status: 'Pull complete', progressDetail: {}, id: '4f4fb700ef54' },
  { status: 'Digest: sha256:5b0e8e8a7e3a0b7b5f2f4d0f5b6c4f5a8e9d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5' },
  { status: 'Status: Downloaded newer image for quay.io/coreos-assembler/coreos-assembler:latest' },
];

// podman's compat endpoint (what dockerode gets from a podman socket): no Extracting/Pull complete; sizes may be -1.
const PODMAN_COMPAT: PullEvent[] = [
  { status: 'Pulling fs layer', progressDetail: {}, id: '7a0437f04f83' },
  { status: 'Pulling fs layer', progressDetail: {}, id: 'b5a2c1d0e9f8' },
  { status: 'Downloading', progressDetail: { current: 10 * MB, total: 100 * MB }, id: '7a0437f04f83' },
  { status: 'Downloading', progressDetail: { current: 1 * MB, total: -1 }, id: 'b5a2c1d0e9f8' },
  { status: 'Downloading', progressDetail: { current: 100 * MB, total: 100 * MB }, id: '7a0437f04f83' },
  { status: 'Download complete', progressDetail: {}, id: '7a0437f04f83' },
  { status: 'Download complete', progressDetail: {}, id: 'b5a2c1d0e9f8' },
  { status: 'Status: Downloaded newer image for quay.io/coreos-assembler/coreos-assembler:latest', id: '0c7f5b89278c' },
];

describe('PullProgressAggregator', () => {
  it('folds a docker pull: layers, bytes, download then extraction, never backwards, done at Status', () => {
    const s = fold(DOCKER);
    assertMonotonic(s);
    // "Pulling from ..." (id = the tag) is not a layer
    assert.equal(s[0]!.layers.length, 0);
    const afterFirstBytes = s[5]!;
    assert.equal(afterFirstBytes.layers.length, 3);
    assert.equal(afterFirstBytes.layersDone, 1, 'the existing layer counts as done');
    assert.equal(afterFirstBytes.bytesDone, 1 * MB);
    assert.equal(afterFirstBytes.bytesTotal, 4 * MB);
    assert.equal(afterFirstBytes.message, '1/3 layers, 1.0 MB of 4.0 MB');
    const midway = s[10]!; // layer 1 extracting, layer 2 at 2/12 MB
    assert.equal(midway.bytesTotal, 16 * MB);
    assert.equal(midway.bytesDone, 6 * MB);
    assert.ok(midway.fraction > 0.2 && midway.fraction < 0.8, String(midway.fraction));
    assert.equal(s[12]!.layersDone, 2);
    const last = s[s.length - 1]!;
    assert.equal(last.finished, true);
    assert.equal(last.fraction, 1);
    assert.equal(last.layersDone, 3);
    assert.equal(last.message, 'done');
    assert.equal(last.error, undefined);
  });

  it('folds podman compat events, with a layer of unknown size (-1)', () => {
    const s = fold(PODMAN_COMPAT);
    assertMonotonic(s);
    const early = s[3]!;
    assert.equal(early.bytesTotal, 100 * MB, 'the -1 size is not counted as bytes');
    assert.deepEqual(early.layers.map((l) => l.total), [100 * MB, undefined]);
    assert.ok(early.fraction > 0 && early.fraction < 0.1, String(early.fraction));
    const downloaded = s[6]!;
    assert.equal(downloaded.finished, false);
    assert.ok(downloaded.fraction >= 0.89 && downloaded.fraction < 1, String(downloaded.fraction));
    assert.equal(s[7]!.fraction, 1);
    assert.equal(s[7]!.layersDone, 2);
  });

  it('reports the error event of a failed pull (docker and podman shape) and does not claim completion', () => {
    const a = new PullProgressAggregator();
    a.push({ status: 'Pulling fs layer', progressDetail: {}, id: '7a0437f04f83' });
    const msg = 'initializing source docker://example.invalid/nope:latest: pinging container registry example.invalid: Get "https://example.invalid/v2/": dial tcp: lookup example.invalid: no such host';
    const s = a.push({ errorDetail: { message: msg }, error: msg });
    assert.equal(s.error, msg);
    assert.equal(s.finished, false);
    assert.match(s.message, /^failed: initializing source/);
    assert.ok(s.fraction < 1);
    assert.equal(new PullProgressAggregator().push({ error: 'manifest unknown' }).error, 'manifest unknown');
  });

  it('reads the libpod stream shape and the podman CLI lines', () => {
    const a = new PullProgressAggregator();
    a.push({ stream: 'Trying to pull quay.io/coreos-assembler/coreos-assembler:latest...\n' });
    a.push({ stream: 'Getting image source signatures\n' });
    let s = a.push({ stream: 'Copying blob sha256:7a0437f04f83a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6\n' });
    assert.deepEqual(s.layers.map((l) => [l.id, l.phase]), [['7a0437f04f83', 'downloading']]);
    s = a.pushLine('Copying blob b5a2c1d0e9f8 skipped: already exists');
    s = a.pushLine('Copying blob 7a0437f04f83 done');
    assert.equal(s.layersDone, 2);
    a.pushLine('Copying config sha256:0c7f5b89278c');
    s = a.pushLine('Writing manifest to image destination');
    assert.equal(s.finished, true);
    assert.equal(s.fraction, 1);
    const retry = new PullProgressAggregator().pushLine('time="2026-11-27T01:43:02Z" level=warning msg="Failed, retrying in 1s ... (1/3). Error: initializing source docker://localhost:1/x:latest: pinging container registry localhost:1: Get \\"https://localhost:1/v2/\\": dial tcp 127.0.0.1:1: connect: connection refused"');
    assert.equal(retry.error, undefined, 'a retry is not the failure');
    assert.match(retry.message, /^Failed, retrying in 1s \.\.\. \(1\/3\)\. Error: .*Get "https:\/\/localhost:1\/v2\/"/);
    const e = new PullProgressAggregator().pushLine('Error: initializing source docker://localhost/nope:x: pinging container registry localhost: connection refused');
    assert.match(e.error!, /^initializing source/);
  });

  it('reads docker CLI lines', () => {
    const a = new PullProgressAggregator();
    a.pushLine('latest: Pulling from coreos-assembler/coreos-assembler');
    a.pushLine('a3ed95caeb02: Pulling fs layer');
    let s = a.pushLine('a3ed95caeb02: Pull complete');
    assert.equal(s.layersDone, 1);
    s = a.pushLine('Status: Downloaded newer image for quay.io/coreos-assembler/coreos-assembler:latest');
    assert.equal(s.finished, true);
  });
});

describe('PullProgressAggregator summary reuse', () => {
  it('the summary after each input is the one a fresh aggregator fed the same inputs gives (nothing stale is reused)', () => {
    const inputs: (string | PullEvent)[] = [
      'Trying to pull quay.io/coreos-assembler/coreos-assembler:latest...', 'Getting image source signatures', 'Getting image source signatures',
      'Copying blob sha256:7a0437f04f83aaaa', 'Copying blob 7a0437f04f83 12 MiB / 100 MiB', 'Copying blob sha256:b5a2c1d0e9f8', 'Installing x',
      { id: 'a3ed95caeb02', status: 'Downloading', progressDetail: { current: 10, total: 100 } },
      { id: 'a3ed95caeb02', status: 'Downloading', progressDetail: { current: 10, total: 100 } },
      { id: 'a3ed95caeb02', status: 'Extracting', progressDetail: { current: 50, total: 100 } },
      'Copying blob 7a0437f04f83 done', 'Copying blob b5a2c1d0e9f8 skipped: already exists', 'some status line',
      'Error: something failed', 'Writing manifest to image destination', 'Storing signatures',
    ];
    const live = new PullProgressAggregator();
    for (let i = 0; i < inputs.length; i++) {
      const step = (a: PullProgressAggregator, x: string | PullEvent) => (typeof x === 'string' ? a.pushLine(x) : a.push(x));
      const got = step(live, inputs[i]!);
      const fresh = new PullProgressAggregator();
      let want = fresh.summary();
      for (const x of inputs.slice(0, i + 1)) want = step(fresh, x);
      assert.deepEqual(got, want, `after input ${i}`);
      assert.deepEqual(live.summary(), want);
    }
  });
});

describe('splitJsonStream', () => {
  it('splits newline-separated and concatenated objects and keeps an incomplete tail', () => {
    const { events, rest } = splitJsonStream('{"status":"a"}\r\n{"status":"b {}"}{"status":"c\\"}"}\n{"status":"d"');
    assert.deepEqual(events.map((e) => e.status), ['a', 'b {}', 'c"}']);
    assert.equal(rest, '{"status":"d"');
    const more = splitJsonStream(`${rest}}\n`);
    assert.deepEqual(more.events.map((e) => e.status), ['d']);
    assert.equal(more.rest, '');
  });
});

describe('progress helpers', () => {
  it('turns a fraction into a non-negative percent increment', () => {
    assert.equal(progressIncrement(0, 0.256), 25);
    assert.equal(progressIncrement(25, 0.2), 0);
    assert.equal(progressIncrement(25, 1.5), 75);
  });

  it('formats bytes', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(4 * MB), '4.0 MB');
    assert.equal(formatBytes(2.5 * 1024 * MB), '2.5 GB');
    assert.equal(formatBytes(300 * MB), '300 MB');
  });
});

describe('podman\'s "Copying blob" lines (read without a RegExp)', () => {
  // The RegExp the reader replaced: a line it matches is a layer, its first 12 hex the id; any other line is not.
  const REFERENCE = /^Copying blob (?:sha256:)?([0-9a-f]{12})[0-9a-f]{0,52}(?:\s+(.*))?$/;
  const statusOf = (rest: string): string => (!/skipped|already exists|done/i.test(rest) ? 'downloading' : /skipped|already exists/i.test(rest) ? 'exists' : 'done');

  it('reads every line as the RegExp did: digests of 0-70 hex, with and without sha256:, any spaces and endings', () => {
    const hex = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456';
    let lines = 0;
    for (const prefix of ['', 'sha256:', 'sha256', 'SHA256:']) {
      for (const len of [0, 11, 12, 13, 40, 63, 64, 65, 70]) {
        for (const digest of [hex.slice(0, len), hex.slice(0, len).toUpperCase(), `${hex.slice(0, len)}g`]) {
          for (const sep of ['', ' ', '\t', '  ', '\u00a0', '\u2028', ' \u2028 ', 'x', ':']) {
            for (const rest of ['', 'done', 'skipped: already exists', '12 MiB / 30 MiB', 'Already Exists', 'DONE', 'x\u2029y', 'a\u2028']) {
              const line = `Copying blob ${prefix}${digest}${sep}${rest}`;
              const m = REFERENCE.exec(line.trim());
              const agg = new PullProgressAggregator();
              const s = agg.pushLine(line);
              lines++;
              if (!m) {
                assert.equal(s.layers.length, 0, JSON.stringify(line));
                continue;
              }
              assert.equal(s.layers.length, 1, JSON.stringify(line));
              assert.equal(s.layers[0].id, m[1], JSON.stringify(line));
              assert.equal(s.layers[0].phase, statusOf(m[2] ?? ''), JSON.stringify(line));
            }
          }
        }
      }
    }
    assert.ok(lines > 5000);
  });
});

describe('podman\'s "Copying blob" lines as they come (read before cleaning when nothing needs cleaning)', () => {
  // What the aggregator reads a line as, written out here: CSI escapes and `\r` removed, trimmed, a logfmt line's msg.
  const cleaned = (raw: string): string => {
    // eslint-disable-next-line no-control-regex
    const line = raw.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '').trim();
    const m = /\blevel=\w+ msg="((?:[^"\\]|\\.)*)"/.exec(line);
    return m ? m[1]!.replace(/\\"/g, '"') : line;
  };

  it('gives for every raw line what its cleaned form gives: escapes, \\r, spaces, logfmt anywhere in it', () => {
    const hex64 = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2';
    const lines = [
      `Copying blob ${hex64}\r0`, // 65 hex once the \r is gone: not a layer
      `Copying blob a1b2c3d4e5f0 d\u001b[0mone`, // "done" once the escape is gone
      `Copying blob a1b2c3d4e5f0 12 MiB\u001b[K`,
      `Copying blob a1b2c3d4e5f0 time="x" level=info msg="Copying blob b5a2c1d0e9f8 done"`,
      `Copying blob a1b2c3d4e5f0 LEVEL=info msg="x"`,
      `Copying blob a1b2c3d4e5f0 \r\rdone`,
      `Copying blob a1b2c3d4e5f0\r`,
      `Copying blob a1b2c3d4e5f0 12 MiB / 100 MiB  \u2028`,
      `Copying blob a1b2c3d4e5f0 \u2028 12 MiB`,
      `Copying blob sha256:a1b2c3d4e5f0 12 MiB / 100 MiB`,
      `Copying blob sha256:${hex64}\u001b[1m`,
      `Copying blob a1b2c3d4e5f0\u00a0skipped: already exists\u00a0`,
      'Copying blob a1b2c3d4e5f',
      `Copying blob a1b2c3d4e5f0 12 MiB`,
    ];
    for (const raw of lines) {
      for (const line of [raw, `${raw}\r`, `${raw} `, `${raw}\u001b[0m`]) {
        assert.deepEqual(new PullProgressAggregator().pushLine(line), new PullProgressAggregator().pushLine(cleaned(line)), JSON.stringify(line));
        // and after the layer is known (a redraw of the same layer)
        const a = new PullProgressAggregator();
        const b = new PullProgressAggregator();
        a.pushLine(`Copying blob a1b2c3d4e5f0 1 MiB / 100 MiB`);
        b.pushLine(`Copying blob a1b2c3d4e5f0 1 MiB / 100 MiB`);
        assert.deepEqual(a.pushLine(line), b.pushLine(cleaned(line)), JSON.stringify(line));
      }
    }
  });
});
