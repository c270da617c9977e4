// The image setting is placed right before cosa's arguments in the runtime's
// argv: only image references (the docker/podman grammar) pass, in the run,
// inspect and pull paths, so a value like "--entrypoint=/bin/sh" can never
// become a runtime option.
import * as assert from 'node:assert/strict';
import { imageReferenceProblem, isImageReference } from '../../src/cosa/imageReference';
import { inspectImage } from '../../src/engine/hostFacts';

describe('image references (distribution/reference grammar)', () => {
  const valid = [
    'quay.io/coreos-assembler/coreos-assembler:latest', 'localhost/coreos-assembler:test', 'coreos-assembler', 'fedora:40',
    'localhost:5000/a/b_c/d__e/f-g/h--i.j:tag-1.2_3', '[::1]:5000/cosa:x', 'registry.example.com/org/img@sha256:' + 'a'.repeat(64),
    'img:t@sha512:' + 'F'.repeat(128), 'f'.repeat(64), 'sha256:' + '0'.repeat(64), 'Registry.Example.com/cosa', 'Quay/x', 'a'.repeat(255),
  ];
  for (const ref of valid) {
    it(`accepts ${ref.length > 60 ? `${ref.slice(0, 60)}…` : ref}`, () => assert.equal(imageReferenceProblem(ref), undefined));
  }
  const invalid: [string, RegExp][] = [
    ['--entrypoint=/bin/sh', /starts with "-"/], ['-v', /starts with "-"/], ['', /empty/], ['a b', /white space/], ['a\0b', /white space/],
['quay.io/Upper', /"Upper" is not a valid name component/],
    ['a//b', /"" is not a valid name component/], ['a/', /not a valid name component/], ['/a', /not a valid name component/],
    ['img:', /"" is not a tag/], ['img:-x', /"-x" is not a tag/], [`img:${'t'.repeat(129)}`, /is not a tag/],
    ['img@sha256:abc', /is not a digest/], ['img@', /is not a digest/], ['a_-b', /not a valid name component/], ['a___b', /not a valid name component/],
    ['docker://quay.io/x', /"docker:" is not a registry host/], ['reg.io:port/x', /"reg.io:port" is not a registry host/],
    ['-.io/x', /starts with "-"/], ['a.-b.io/x', /"a.-b.io" is not a registry host/], ['a'.repeat(256), /longer than 255/],
    ['img\u00a0x', /white space/],
  ];
  for (const [ref, why] of invalid) {
    it(`refuses ${JSON.stringify(ref.length > 40 ? `${ref.slice(0, 40)}…` : ref)}`, () => {
      assert.equal(isImageReference(ref), false);
      assert.match(imageReferenceProblem(ref) ?? '', why);
    });
  }

  it('is linear on long hostile inputs (no backtracking blow-up)', () => {
    for (const ref of [`${'a-'.repeat(100_000)}!`, `${'a.'.repeat(100_000)}/x`, `x@sha256:${'a'.repeat(1_000_000)}g`, `${'a_'.repeat(100_000)}_`]) {
      // CPU time, not wall time: another process on the machine stretches the wall clock (573 ms seen at load 10), not
      // this thread's work; a backtracking blow-up on 200,000 characters costs seconds of CPU either way.
      const t0 = process.cpuUsage();
      imageReferenceProblem(ref);
      const used = process.cpuUsage(t0);
      const ms = (used.user + used.system) / 1000;
      assert.ok(ms < 200, `${ms} ms of CPU for ${ref.length} characters`);
    }
  });

  it('inspect refuses a non-reference before running the runtime (it would be taken as an option; the pull gets only checked settings)', async () => {
    // A runtime path that does not exist: reaching it would fail differently (ENOENT), not with the grammar's reason.
    const facts = await inspectImage('/nonexistent/podman', '--entrypoint=/bin/sh');
    assert.deepEqual(facts, { ref: '--entrypoint=/bin/sh', present: false, error: 'not a container image reference: it starts with "-", so the container runtime would take it as an option' });
  });
});
