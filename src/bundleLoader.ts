// Parts of the extension built into bundles of their own beside
// dist/extension.js (scripts/build.mjs), required on first use so activation
// does not load them; when running from source (tests) the module itself.
// No imports of the project: every layer may use it.

import { createRequire } from 'node:module';
import * as path from 'node:path';

/** `bundleFile` beside this bundle, else `sourceId` resolved from src/; throws what the last try threw. */
export function requireBundle<T>(bundleFile: string, sourceId: string): T {
  // A computed id: esbuild leaves it alone instead of inlining the module.
  const load = createRequire(__filename);
  let failure: unknown;
  for (const id of [path.join(__dirname, bundleFile), sourceId]) {
    try {
      return load(id) as T;
    } catch (e) {
      failure = e;
    }
  }
  throw failure;
}
