// src/vscode/ignitionDiagnostics.ts with the typed vscode stand-in (test/mocks/vscode.ts) and a real
// validation worker: after a document's first validation, a keystroke sends the worker the edit, not the
// whole text (the text is not read again), and the diagnostics are those of the edited text; a change
// event the log did not see (a skipped version) makes it send the whole text again.

import '../../mocks/registerVscode';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findingsOf } from '../../../src/ignition';
import { IgnitionDiagnostics } from '../../../src/vscode/ignitionDiagnostics';
import { bigIgnitionConfig } from '../../support/bigIgnitionConfig';
import { buildValidationWorker } from '../../support/validationWorkerBundle';
import { standIn, StandInTextDocument, Uri, type Diagnostic } from '../../mocks/vscode';

describe('live Ignition diagnostics send the worker edits (src/vscode/ignitionDiagnostics.ts)', function () {
  this.timeout(60_000);
  let dir: string;
  let script: string;
  let diagnostics: IgnitionDiagnostics | undefined;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ignition-diagnostics-'));
    script = await buildValidationWorker(dir);
  });
  beforeEach(() => standIn.reset());
  afterEach(() => {
    diagnostics?.dispose();
    diagnostics = undefined;
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Resolves after the diagnostics of `file` were next updated. */
  const updated = (d: IgnitionDiagnostics, file: string): Promise<Diagnostic[]> => new Promise((resolve) => {
    const key = Uri.file(file).toString();
    const sub = d.onDidUpdate((uri) => {
      if (uri.toString() !== key) return;
      sub.dispose();
      resolve(standIn.diagnostics.get(uri.toString()) ?? []);
    });
  });

  /** The diagnostics' messages must be those of validating the document's text in-process. */
  const assertMatches = (shown: Diagnostic[], doc: StandInTextDocument): void => {
    const expected = findingsOf('ignition', doc.content).map((f) => (f.path ? `${f.message} (${f.path})` : f.message));
    assert.deepEqual(shown.map((d) => d.message), expected);
  };

  it('reads the text once, then sends each keystroke as an edit, with the edited text\'s diagnostics', async () => {
    const d = diagnostics = new IgnitionDiagnostics(script);
    const big = bigIgnitionConfig(1024 * 1024);
    const file = path.join(dir, 'big.ign');
    const first = updated(d, file);
    const doc = StandInTextDocument.open(file, big);
    assert.deepEqual(await first, []);
    assert.equal(doc.getTextCalls, 1);

    // `0` after the first "mode": 420: an illegal file mode
    const at = big.indexOf('"mode": 420') + '"mode": 420'.length;
    let next = updated(d, file);
    doc.edit([{ offset: at, deleteCount: 0, text: '0' }]);
    const shown = await next;
    assertMatches(shown, doc);
    assert.equal(shown.length, 1);
    assert.match(shown[0]!.message, /illegal file mode \(\$\.storage\.files\.0\.mode\)/);
    assert.deepEqual([shown[0]!.range.start.line, shown[0]!.range.start.character], [doc.positionAt(at - 3).line, doc.positionAt(at - 3).character]);

    // Backspace, then two cursors in one event (the later change first, as VS Code lists them)
    next = updated(d, file);
    doc.edit([{ offset: at, deleteCount: 1, text: '' }]);
    assert.deepEqual(await next, []);
    const second = big.indexOf('"mode": 420', at) + '"mode": 420'.length;
    next = updated(d, file);
    doc.edit([{ offset: second, deleteCount: 0, text: '1' }, { offset: at, deleteCount: 0, text: '9' }]);
    const two = await next;
    assertMatches(two, doc);
    assert.equal(two.length, 2);
    assert.equal(doc.getTextCalls, 1, 'the whole text was read once, at the first validation');
  });

  it('sends the whole text again after a change event it did not see, and starts again for a reopened document', async () => {
    const d = diagnostics = new IgnitionDiagnostics(script);
    const file = path.join(dir, 'small.ign');
    const text = '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/etc/motd","mode":420}]}}';
    const first = updated(d, file);
    let doc = StandInTextDocument.open(file, text);
    await first;
    assert.equal(doc.getTextCalls, 1);
    // a version the extension never heard of: its log cannot vouch for the edits
    doc.version++;
    let next = updated(d, file);
    doc.edit([{ offset: text.indexOf('/etc'), deleteCount: 1, text: '' }]);
    const shown = await next;
    assertMatches(shown, doc);
    assert.match(shown[0]!.message, /path not absolute/);
    assert.equal(doc.getTextCalls, 2, 'the whole text was sent again');
    // closed: diagnostics gone; opened again: validated from its whole text
    doc.close();
    assert.equal(standIn.diagnostics.has(doc.uri.toString()), false);
    const reopened = updated(d, file);
    doc = StandInTextDocument.open(file, text);
    await reopened;
    assert.equal(doc.getTextCalls, 1);
    next = updated(d, file);
    doc.edit([{ offset: text.indexOf('420'), deleteCount: 3, text: '99999' }]);
    assertMatches(await next, doc);
    assert.equal(doc.getTextCalls, 1);
  });
});
