// The test fixtures must be what cosa itself would accept, or the e2e tests
// prove nothing about real build directories.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parseBuildsIndex } from '../../src/cosa/buildsIndex';
import { withoutNestedIds } from '../../src/cosa/metaSchema';
import { referenceFixtures } from './referenceFixtures';

const buildsDir = path.resolve(__dirname, '..', 'fixtures', 'workspaces', 'builds', 'builds');

describe('e2e fixture build directory', () => {
  const schema = withoutNestedIds(JSON.parse(fs.readFileSync(path.join(referenceFixtures, 'cosa', 'v1.json'), 'utf8'))) as object;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  const index = parseBuildsIndex(fs.readFileSync(path.join(buildsDir, 'builds.json'), 'utf8'));

  it('has a builds.json cosa reads, newest first, with latest pointing at the newest', () => {
    assert.equal(index.error, undefined);
    assert.ok(index.builds.length >= 2);
    assert.equal(fs.readlinkSync(path.join(buildsDir, 'latest')), index.builds[0]!.id);
  });

  it('has a meta.json valid against cosa v1.json for every build and arch', () => {
    for (const build of index.builds) {
      for (const arch of build.arches) {
        const meta = JSON.parse(fs.readFileSync(path.join(buildsDir, build.id, arch, 'meta.json'), 'utf8')) as { buildid: string };
        assert.ok(validate(meta), `${build.id}/${arch}: ${JSON.stringify(validate.errors)}`);
        assert.equal(meta.buildid, build.id);
      }
    }
  });

  it('rejects a meta.json with an unknown key (kola would too)', () => {
    const meta = JSON.parse(fs.readFileSync(path.join(buildsDir, index.builds[0]!.id, 'x86_64', 'meta.json'), 'utf8')) as object;
    assert.equal(validate({ ...meta, 'vscode-extra': 1 }), false);
  });
});
