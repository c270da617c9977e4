// The validation worker thread's entry (bundled as dist/validationWorker.js by
// scripts/build.mjs): validates each request it receives and answers with the
// findings, so a big config never blocks the extension host's main thread.

import { parentPort } from 'node:worker_threads';
import { findingsOf } from '../ignition/findings';
import { KeptTexts } from './textEdits';
import type { ForgetRequest, ValidationRequest, ValidationResponse } from './validationWorker';

const port = parentPort;
if (!port) throw new Error('validationWorkerMain runs only as a worker thread');
const kept = new KeptTexts();
port.on('message', (req: ValidationRequest | ForgetRequest) => {
  if ('forget' in req) {
    kept.forget(req.forget);
    return;
  }
  const text = kept.apply(req.key, req.update);
  // no findings: the edits did not fit the kept text, so the host sends the whole text
  const response: ValidationResponse = text === undefined ? { id: req.id } : { id: req.id, findings: findingsOf(req.kind, text) };
  port.postMessage(response);
});
