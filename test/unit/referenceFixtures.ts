import * as path from 'node:path';

/**
 * Upstream facts the tests check against (cosa's v1.json and meta.json fixtures, the Ignition/Butane
 * corpus, ...), copied into the repository: where each file comes from is in the PROVENANCE.md of
 * its folder. Tests never read outside the checkout (test/unit/selfContained.test.ts proves it).
 */
export const referenceFixtures = path.resolve(__dirname, '..', 'fixtures', 'reference');
