// src/bundleLoader.ts: a bundle beside this one, else the module from source; when neither loads,
// the error names both tries (a bundle missing from the .vsix used to show only as the source id).

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { requireBundle } from '../../src/bundleLoader';

describe('requireBundle', () => {
  it('loads the source module when there is no bundle beside it (running from source)', () => {
    assert.equal(requireBundle<typeof path>('no-such-bundle.js', 'node:path').join('a', 'b'), path.join('a', 'b'));
  });

  it('names the bundle and the source id when neither loads', () => {
    assert.throws(() => requireBundle('no-such-bundle.js', './no/such/module'), (e: Error) => {
      assert.match(e.message, /^cannot load no-such-bundle\.js \(/);
      assert.ok(e.message.includes(path.join(path.dirname(require.resolve('../../src/bundleLoader')), 'no-such-bundle.js')), e.message);
      assert.ok(e.message.includes('./no/such/module: Cannot find module'), e.message);
      return true;
    });
  });
});
