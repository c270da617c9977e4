/**
 * Sending the validation worker edits instead of whole texts
 * (src/engine/textEdits.ts): edits applied in order as VS Code applies a
 * change event's contentChanges, the host's log gives the edits between two
 * versions only when it saw every one, and the worker's copy refuses edits
 * that do not fit it (another version, a length that does not match).
 */

import * as assert from 'node:assert/strict';
import { applyEdits, EditLog, KeptTexts } from '../../src/engine/textEdits';
import { mulberry32 } from '../support/prng';

describe('text edits for the validation worker', () => {
  it('applies edits in order, each to the text the previous left, and refuses one outside the text', () => {
    assert.equal(applyEdits('hello world', [{ offset: 6, deleteCount: 5, text: 'there' }, { offset: 0, deleteCount: 0, text: '> ' }]), '> hello there');
    // a multi-cursor event lists its changes from the end, so earlier offsets stay valid
    assert.equal(applyEdits('a,b,c', [{ offset: 4, deleteCount: 1, text: 'C' }, { offset: 0, deleteCount: 1, text: 'A' }]), 'A,b,C');
    assert.equal(applyEdits('abc', [{ offset: 3, deleteCount: 0, text: 'd' }]), 'abcd');
    assert.equal(applyEdits('abc', [{ offset: 2, deleteCount: 2, text: '' }]), undefined);
    assert.equal(applyEdits('abc', [{ offset: -1, deleteCount: 0, text: 'x' }]), undefined);
  });

  it('gives the edits between two versions only when the log saw each version in turn', () => {
    const log = new EditLog();
    assert.equal(log.between(1, 2), undefined, 'nothing known yet');
    log.restart(1);
    assert.deepEqual(log.between(1, 1), []);
    const e2 = { offset: 0, deleteCount: 0, text: 'a' };
    const e3 = { offset: 1, deleteCount: 0, text: 'b' };
    log.record(2, [e2]);
    log.record(3, [e3]);
    assert.deepEqual(log.between(1, 3), [e2, e3]);
    assert.deepEqual(log.between(2, 3), [e3]);
    assert.equal(log.between(0, 3), undefined, 'before what the log knows');
    assert.equal(log.between(1, 4), undefined, 'a version the log has not seen');
    // a skipped version: the log starts again there, and nothing before it can be given
    log.record(5, [e2]);
    assert.equal(log.between(3, 5), undefined);
    assert.deepEqual(log.between(5, 5), []);
    log.record(6, [e3]);
    assert.deepEqual(log.between(5, 6), [e3]);
    log.restart(6);
    assert.equal(log.between(5, 6), undefined, 'forgotten once sent');
  });

  it('keeps a text per document and brings it up to date, or asks for the whole text', () => {
    const kept = new KeptTexts();
    assert.equal(kept.apply('a', { version: 2, base: 1, edits: [], length: 0 }), undefined, 'nothing kept');
    assert.equal(kept.apply('a', { version: 1, text: 'abc' }), 'abc');
    assert.equal(kept.apply('a', { version: 2, base: 1, edits: [{ offset: 3, deleteCount: 0, text: 'd' }], length: 4 }), 'abcd');
    assert.equal(kept.apply('a', { version: 3, base: 1, edits: [], length: 4 }), undefined, 'another version than the one kept');
    assert.equal(kept.apply('a', { version: 3, text: 'xyz' }), 'xyz');
    assert.equal(kept.apply('a', { version: 4, base: 3, edits: [{ offset: 0, deleteCount: 1, text: '' }], length: 3 }), undefined, 'the length does not match');
    assert.equal(kept.apply('a', { version: 4, base: 3, edits: [], length: 3 }), undefined, 'a refused update forgets the copy');
    // a text without a version is not kept
    kept.apply('b', { version: 1, text: 'q' });
    kept.apply('b', { text: 'r' });
    assert.equal(kept.apply('b', { version: 2, base: 1, edits: [], length: 1 }), undefined);
    kept.apply('c', { version: 1, text: 'c' });
    kept.forget('c');
    assert.equal(kept.apply('c', { version: 2, base: 1, edits: [], length: 1 }), undefined);
  });

  it('log and copy together rebuild the document through 2,000 seeded edits', () => {
    const rnd = mulberry32(11);
    let doc = '{"ignition":{"version":"3.3.0"}}';
    const log = new EditLog();
    const kept = new KeptTexts();
    let version = 1;
    log.restart(version);
    kept.apply('d', { version, text: doc });
    let held = version;
    for (let k = 0; k < 2000; k++) {
      const edits = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => {
        const offset = Math.floor(rnd() * (doc.length + 1));
        const deleteCount = Math.floor(rnd() * Math.min(5, doc.length - offset + 1));
        const edit = { offset, deleteCount, text: ['', 'x', '"é"', '\n  ', '\ud83d\ude00'][Math.floor(rnd() * 5)] };
        doc = doc.slice(0, offset) + edit.text + doc.slice(offset + deleteCount);
        return edit;
      });
      log.record(++version, edits);
      // the worker is sent something every few versions, as keystrokes come faster than validations
      if (rnd() < 0.4) {
        const between = log.between(held, version)!;
        log.restart(version);
        assert.equal(kept.apply('d', { version, base: held, edits: between, length: doc.length }), doc);
        held = version;
      }
    }
  });
});
