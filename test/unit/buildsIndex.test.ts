import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseBuildsIndex } from '../../src/cosa/buildsIndex';
import { referenceFixtures } from './referenceFixtures';

describe('parseBuildsIndex', () => {
  it('reads the builds.json example from cosa (newest first, arches, tags)', () => {
    const text = fs.readFileSync(path.join(referenceFixtures, 'cosa', 'builds.json.example-from-builds_test.go.json'), 'utf8');
    const index = parseBuildsIndex(text);
    assert.equal(index.error, undefined);
    assert.ok(index.builds.length > 0);
    for (const b of index.builds) {
      assert.equal(typeof b.id, 'string');
      assert.ok(b.arches.length > 0, `build ${b.id} has arches`);
    }
    const raw = JSON.parse(text) as { builds: { id: string }[] };
    assert.deepEqual(index.builds.map((b) => b.id), raw.builds.map((b) => b.id));
  });

  it('keeps order and tags of a file written by cosa tag', () => {
    const index = parseBuildsIndex(JSON.stringify({
      'schema-version': '1.0.0',
      builds: [{ id: '2', arches: ['x86_64'] }, { id: '1', arches: ['x86_64', 'aarch64'] }],
      tags: [{ name: 'keep', target: '1', created: '2026-01-01T00:00:00Z' }],
      timestamp: '2026-01-02T00:00:00Z',
    }));
    assert.deepEqual(index.builds.map((b) => b.id), ['2', '1']);
    assert.deepEqual(index.builds[1]?.arches, ['x86_64', 'aarch64']);
    assert.deepEqual(index.tags, [{ name: 'keep', target: '1', created: '2026-01-01T00:00:00Z' }]);
    assert.equal(index.timestamp, '2026-01-02T00:00:00Z');
    assert.equal(index.error, undefined);
  });

  it('turns truncated JSON into an error, not an exception', () => {
    const index = parseBuildsIndex('{"schema-version": "1.0.0", "builds": [{"id": "4');
    assert.deepEqual(index.builds, []);
    assert.match(index.error ?? '', /not valid JSON/);
  });

  it('salvages good entries next to broken ones and names the broken ones', () => {
    const index = parseBuildsIndex(JSON.stringify({ 'schema-version': '1.0.0', builds: [{ id: 'a', arches: ['x86_64'] }, { arches: [] }, 7] }));
    assert.deepEqual(index.builds.map((b) => b.id), ['a']);
    assert.match(index.error ?? '', /builds\[1\] has no id; builds\[2\] has no id/);
  });

  it('refuses schema versions cosa refuses', () => {
    assert.match(parseBuildsIndex('{"schema-version":"2.0.0","builds":[]}').error ?? '', /unsupported schema-version 2\.0\.0/);
    assert.match(parseBuildsIndex('{"builds":[]}').error ?? '', /missing "schema-version"/);
    assert.match(parseBuildsIndex('[]').error ?? '', /expected a JSON object/);
  });
});
