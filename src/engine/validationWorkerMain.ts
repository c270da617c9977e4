// The validation worker thread's entry (bundled as dist/validationWorker.js by
// scripts/build.mjs): validates each request it receives and answers with the
// findings, so a big config never blocks the extension host's main thread.

import { parentPort } from 'node:worker_threads';
import { findingsOf } from '../ignition/findings';
import type { ValidationRequest, ValidationResponse } from './validationWorker';

const port = parentPort;
if (!port) throw new Error('validationWorkerMain runs only as a worker thread');
port.on('message', (req: ValidationRequest) => {
  const response: ValidationResponse = { id: req.id, findings: findingsOf(req.kind, req.text) };
  port.postMessage(response);
});
