// Import first in a glue unit test: `require('vscode')` then loads the
// stand-in in test/mocks/vscode.ts (there is no real `vscode` module outside
// an extension host).

import Module from 'node:module';

const loader = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolve = loader._resolveFilename;
const standIn = require.resolve('./vscode');
loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
  return request === 'vscode' ? standIn : resolve.call(this, request, ...rest);
};
