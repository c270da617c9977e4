/**
 * The validation worker (src/engine/validationWorker.ts): findings computed in
 * a worker thread from the bundled entry (built here as scripts/build.mjs
 * builds it: test/support/validationWorkerBundle.ts), equal to the in-process ones; only a
 * document's newest request is answered; a long stale validation is stopped;
 * a long current one keeps its worker while a new one checks the other documents;
 * the main thread keeps running while the worker validates; a broken worker
 * gives an error finding, not a throw or a hang.
 */

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateOnce, ValidationWorker } from '../../src/engine/validationWorker';
import { findingsOf } from '../../src/ignition';
import { bigIgnitionConfig } from '../support/bigIgnitionConfig';
import { buildValidationWorker } from '../support/validationWorkerBundle';

const BROKEN_IGN = '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"etc/motd"}]}}';
const BUTANE = 'variant: fcos\nversion: 1.5.0\nstorage:\n  files:\n    - path: /etc/motd\n      mode: "x"\n';

describe('validation worker thread', function () {
  this.timeout(60_000);
  let dir: string;
  let script: string;
  const workers: ValidationWorker[] = [];
  const make = (options = {}) => {
    const w = new ValidationWorker(script, options);
    workers.push(w);
    return w;
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validation-worker-'));
    script = await buildValidationWorker(dir);
  });
  afterEach(() => {
    for (const w of workers.splice(0)) w.dispose();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('gives the findings validating in-process gives, for Ignition and Butane', async () => {
    const w = make();
    const [ign, bu] = await Promise.all([w.validate('a.ign', 'ignition', () => BROKEN_IGN), w.validate('b.bu', 'butane', () => BUTANE)]);
    assert.deepEqual(ign, findingsOf('ignition', BROKEN_IGN));
    assert.match(ign![0]!.message, /path not absolute/);
    assert.deepEqual(bu, findingsOf('butane', BUTANE));
    assert.ok(bu!.length > 0);
  });

  it('a document that needs more memory than the worker may use gives an error finding; the next document is checked', async () => {
    const w = make({ maxHeapMb: 48 });
    // 100,000 unknown keys (1 MB): the parser's nodes and one finding per key take far more than 48 MB.
    // (Sequences nested 400 deep, which took hundreds of bytes per input byte, are now refused before parsing:
    // src/ignition/yamlNesting.ts, maxCollections.)
    const keys = `variant: fcos\nversion: 1.5.0\n${Array.from({ length: 100_000 }, (_, i) => `k${i}: 1\n`).join('')}`;
    const findings = await w.validate('keys.bu', 'butane', () => keys);
    assert.equal(findings?.length, 1, JSON.stringify(findings));
    assert.match(findings![0]!.message, /the Butane validator failed on this document: checking it needs more than 48 MB of memory; it was not checked/);
    assert.deepEqual(await w.validate('a.ign', 'ignition', () => BROKEN_IGN), findingsOf('ignition', BROKEN_IGN));
    assert.equal(w.starts, 2);
  });

  it('answers only the newest request of a document; a waiting request\'s text is never read', async () => {
    const w = make();
    const reads: string[] = [];
    const text = (t: string) => () => {
      reads.push(t);
      return t;
    };
    const first = w.validate('a.ign', 'ignition', text('{}'));
    const second = w.validate('a.ign', 'ignition', text('{"x":1}'));
    const third = w.validate('a.ign', 'ignition', text(BROKEN_IGN));
    const other = w.validate('b.ign', 'ignition', text('{"ignition":{"version":"3.3.0"}}'));
    assert.equal(await first, undefined, 'the running validation was superseded');
    assert.equal(await second, undefined, 'the waiting request was replaced');
    assert.deepEqual(await third, findingsOf('ignition', BROKEN_IGN));
    assert.deepEqual(await other, []);
    assert.deepEqual(reads, ['{}', BROKEN_IGN, '{"ignition":{"version":"3.3.0"}}']);
  });

  it('stops a long stale validation by restarting the worker', async () => {
    const w = make({ restartAfterMs: 50 });
    // 3 MB of Butane: seconds of validation
    const big = 'variant: fcos\nversion: 1.5.0\n' + Array.from({ length: 100_000 }, (_, i) => `k${i}: 1\n`).join('');
    const stale = w.validate('big.bu', 'butane', () => big);
    await new Promise((r) => setTimeout(r, 300));
    const t0 = performance.now();
    const fresh = w.validate('big.bu', 'butane', () => BUTANE);
    assert.equal(await stale, undefined);
    assert.deepEqual(await fresh, findingsOf('butane', BUTANE));
    assert.equal(w.starts, 2, 'the stale validation was stopped, not waited for');
    assert.ok(performance.now() - t0 < 10_000);
  });

  it('lets a stale validation finish when the document\'s last one says it ends soon (a restarted worker is cold)', async () => {
    // 200 KB: tens of milliseconds (seconds on the most loaded machine), far below the minute a restart must save
    const w = make({ restartAfterMs: 0, keepIfEndsWithinMs: 60_000 });
    const text = bigIgnitionConfig(200 * 1024);
    assert.deepEqual(await w.validate('a.ign', 'ignition', () => text), []);
    const stale = w.validate('a.ign', 'ignition', () => text);
    const fresh = w.validate('a.ign', 'ignition', () => BROKEN_IGN);
    assert.equal(await stale, undefined, 'the superseded validation is not answered');
    assert.deepEqual(await fresh, findingsOf('ignition', BROKEN_IGN));
    assert.equal(w.starts, 1, 'the worker was kept');
    // the same text for a document without a completed validation: stopped by a restart, as before
    const other = w.validate('b.ign', 'ignition', () => text);
    const otherFresh = w.validate('b.ign', 'ignition', () => BROKEN_IGN);
    assert.equal(await other, undefined);
    assert.deepEqual(await otherFresh, findingsOf('ignition', BROKEN_IGN));
    assert.equal(w.starts, 2, 'no history: the worker was restarted');
  });

  describe('a long validation while other documents wait', () => {
    // 100,000 unknown keys: one finding each, positions from the yaml package: seconds of validation
    const slow = 'variant: fcos\nversion: 1.5.0\n' + Array.from({ length: 100_000 }, (_, i) => `k${i}: 1\n`).join('');
    /** Resolves when `p` does, with the time it did (performance.now()). */
    const settled = async <T>(p: Promise<T>): Promise<{ value: T; at: number }> => ({ value: await p, at: performance.now() });

    it('keeps its worker to finish in; a new worker checks the other documents meanwhile', async () => {
      const w = make({ detachAfterMs: 100 });
      await w.validate('warm.ign', 'ignition', () => '{}');
      const big = settled(w.validate('big.bu', 'butane', () => slow));
      const small = settled(w.validate('a.ign', 'ignition', () => BROKEN_IGN));
      const [b, a] = await Promise.all([big, small]);
      assert.deepEqual(a.value, findingsOf('ignition', BROKEN_IGN));
      assert.ok(a.at < b.at, 'the other document was answered before the long validation ended');
      assert.equal(b.value?.length, 100_000, 'the long validation was answered, not dropped');
      assert.equal(w.starts, 2);
      // the detached worker is gone once it answered; the new one serves on
      assert.deepEqual(await w.validate('b.bu', 'butane', () => BUTANE), findingsOf('butane', BUTANE));
      assert.equal(w.starts, 2);
    });

    it('is stopped when its document changes meanwhile (no history says it ends soon)', async () => {
      const w = make({ detachAfterMs: 100, restartAfterMs: 0 });
      const big = w.validate('big.bu', 'butane', () => slow);
      const small = w.validate('a.ign', 'ignition', () => BROKEN_IGN);
      assert.deepEqual(await small, findingsOf('ignition', BROKEN_IGN));
      const fresh = w.validate('big.bu', 'butane', () => BUTANE);
      assert.equal(await big, undefined);
      assert.deepEqual(await fresh, findingsOf('butane', BUTANE));
    });
  });

  it('the main thread keeps running while the worker validates a 1 MB config', async () => {
    const w = make();
    const text = bigIgnitionConfig(1024 * 1024);
    await w.validate('warm.ign', 'ignition', () => '{}');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const findings = await w.validate('big.ign', 'ignition', () => text);
    clearInterval(timer);
    assert.deepEqual(findings, []);
    // in-process validation would hold the thread for the whole validation: no timer could run
    assert.ok(ticks >= 1, `${ticks} timer ticks while validating`);
  });

  it('is sent the edits since the version it keeps, not the whole text, and gives the findings of the edited text', async () => {
    const w = make();
    const text = bigIgnitionConfig(1024 * 1024);
    const at = text.indexOf('"mode": 420') + '"mode": 420'.length;
    const helds: (number | undefined)[] = [];
    assert.deepEqual(await w.validate('a.ign', 'ignition', (held) => { helds.push(held); return { version: 1, text }; }), []);
    // a keystroke: `0` after the first mode, an illegal mode
    const typed = text.slice(0, at) + '0' + text.slice(at);
    const edit = { version: 2, base: 1, edits: [{ offset: at, deleteCount: 0, text: '0' }], length: typed.length };
    const findings = await w.validate('a.ign', 'ignition', (held) => { helds.push(held); return edit; });
    assert.deepEqual(findings, findingsOf('ignition', typed));
    assert.match(findings![0]!.message, /illegal file mode/);
    // Backspace
    assert.deepEqual(await w.validate('a.ign', 'ignition', (held) => { helds.push(held); return { version: 3, base: 2, edits: [{ offset: at, deleteCount: 1, text: '' }], length: text.length }; }), []);
    assert.deepEqual(helds, [undefined, 1, 2], 'each read was told the version the worker keeps');
    assert.equal(w.editsSent, 2);
    assert.equal(w.resends, 0);
  });

  it('sends the whole text again when the worker\'s copy does not take the edits, and to a new worker', async () => {
    const w = make();
    const doc = { version: 1, text: BROKEN_IGN };
    const reads: (number | undefined)[] = [];
    // the host's idea of the length is wrong (a change it missed): the worker refuses, the whole text follows
    const read = (wrongLength: boolean) => (held: number | undefined) => {
      reads.push(held);
      return held === undefined ? { version: doc.version, text: doc.text } : { version: doc.version, base: held, edits: [], length: doc.text.length + (wrongLength ? 1 : 0) };
    };
    assert.deepEqual(await w.validate('a.ign', 'ignition', read(false)), findingsOf('ignition', BROKEN_IGN));
    doc.version = 2;
    assert.deepEqual(await w.validate('a.ign', 'ignition', read(true)), findingsOf('ignition', BROKEN_IGN));
    assert.deepEqual(reads, [undefined, 1, undefined]);
    assert.equal(w.resends, 1);
    // a closed document: the worker drops its copy, and the host starts again from the whole text
    w.cancel('a.ign');
    doc.version = 3;
    assert.deepEqual(await w.validate('a.ign', 'ignition', read(false)), findingsOf('ignition', BROKEN_IGN));
    assert.deepEqual(reads, [undefined, 1, undefined, undefined]);
    // a restarted worker keeps nothing: a stale validation of another document (no history) is stopped by a restart
    const big = 'variant: fcos\nversion: 1.5.0\n' + Array.from({ length: 100_000 }, (_, i) => `k${i}: 1\n`).join('');
    const slow = new ValidationWorker(script, { restartAfterMs: 0 });
    workers.push(slow);
    assert.deepEqual(await slow.validate('a.ign', 'ignition', read(false)), findingsOf('ignition', BROKEN_IGN));
    // superseded at once: restartAfterMs 0, and no earlier validation says it ends soon
    const stale = slow.validate('big.bu', 'butane', () => big);
    const fresh = slow.validate('big.bu', 'butane', () => BUTANE);
    assert.equal(await stale, undefined);
    await fresh;
    assert.equal(slow.starts, 2);
    doc.version = 4;
    assert.deepEqual(await slow.validate('a.ign', 'ignition', read(false)), findingsOf('ignition', BROKEN_IGN));
    assert.deepEqual(reads.slice(4), [undefined, undefined], 'the new worker was sent the whole text');
  });

  it('a worker that cannot start gives an error finding (and the next request tries again)', async () => {

    const w = make();
    const missing = new ValidationWorker(path.join(dir, 'missing.js'));
    workers.push(missing);
    const f = await missing.validate('a.ign', 'ignition', () => BROKEN_IGN);
    assert.equal(f?.length, 1);
    assert.match(f![0]!.message, /^the Ignition validator failed on this document: /);
    const again = await missing.validate('a.ign', 'ignition', () => BROKEN_IGN);
    assert.match(again![0]!.message, /validator failed/);
    assert.equal(missing.starts, 2);
    assert.deepEqual(await w.validate('a.ign', 'ignition', () => BROKEN_IGN), findingsOf('ignition', BROKEN_IGN));
  });

  describe('validateOnce (one-off checks: Translate Butane, Test in VM)', () => {
    it('gives the in-process findings, with timers running on the calling thread meanwhile', async () => {
      assert.deepEqual(await validateOnce(script, 'ignition', BROKEN_IGN), findingsOf('ignition', BROKEN_IGN));
      assert.deepEqual(await validateOnce(script, 'butane', BUTANE), findingsOf('butane', BUTANE));
      const text = bigIgnitionConfig(1024 * 1024);
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      const findings = await validateOnce(script, 'ignition', text);
      clearInterval(timer);
      assert.deepEqual(findings, []);
      assert.ok(ticks >= 1, `${ticks} timer ticks while validating`);
    });

    it('a config that needs more memory than the limit gives the out-of-memory finding, not a crash or a hang', async () => {
      const keys = `variant: fcos\nversion: 1.5.0\n${Array.from({ length: 100_000 }, (_, i) => `k${i}: 1\n`).join('')}`;
      const findings = await validateOnce(script, 'butane', keys, { maxHeapMb: 48 });
      assert.equal(findings.length, 1, JSON.stringify(findings));
      assert.match(findings[0]!.message, /the Butane validator failed on this document: checking it needs more than 48 MB of memory; it was not checked/);
      assert.equal(findings[0]!.severity, 'error');
    });
  });
});
