import * as path from 'node:path';

/** `../shared/reference` beside the checkout (read-only; CI lays a copy there too). */
export const sharedReference = process.env.COREOS_SHARED_REFERENCE
  ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'reference');
