/**
 * Live Ignition diagnostics (src/vscode/ignitionDiagnostics.ts) do not wait
 * after a keystroke in a config below 2 MB: the worker already keeps only a
 * document's newest request (test/unit/validationWorker.test.ts), so a wait
 * only adds to keystroke -> squiggle (bench/keystroke.bench.ts).
 */

import '../mocks/registerVscode';
import * as assert from 'node:assert/strict';
import { debounceMs } from '../../src/vscode/ignitionDiagnostics';

describe('live diagnostics debounce (src/vscode/ignitionDiagnostics.ts)', () => {
  it('validates a 1.3 MB config right after a change (no debounce below 2 MB)', () => {
    for (const length of [0, 5_000, 1_300_000, 1_999_999]) assert.equal(debounceMs(length), 0, `${length} chars`);
  });

  it('waits above 2 MB, where reading the text for the worker costs the host milliseconds', () => {
    assert.ok(debounceMs(2_000_000) > 0);
    assert.ok(debounceMs(10_000_000) > 0);
  });
});
