import * as assert from 'node:assert/strict';
import { afterFirstView } from '../../src/engine/afterFirstView';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('afterFirstView (deferred activation work)', () => {
  it('runs nothing synchronously: activate() returns before the work starts', () => {
    let runs = 0;
    const d = afterFirstView(Promise.resolve(), () => runs++, { settleMs: 0, fallbackMs: 0 });
    assert.equal(runs, 0);
    d.dispose();
  });

  it('runs once, shortly after the first view is delivered', async () => {
    let runs = 0;
    let delivered: () => void = () => undefined;
    const first = new Promise<void>((r) => (delivered = r));
    afterFirstView(first, () => runs++, { settleMs: 20, fallbackMs: 5000 });
    await sleep(60);
    assert.equal(runs, 0, 'not before the view');
    delivered();
    await sleep(60);
    assert.equal(runs, 1);
  });

  it('runs after the fallback delay when no view is shown, and only once when the view comes later', async () => {
    let runs = 0;
    let delivered: () => void = () => undefined;
    const first = new Promise<void>((r) => (delivered = r));
    afterFirstView(first, () => runs++, { settleMs: 10, fallbackMs: 30 });
    await sleep(80);
    assert.equal(runs, 1);
    delivered();
    await sleep(50);
    assert.equal(runs, 1);
  });

  it('runs after a failed first view too, and not at all once disposed', async () => {
    let runs = 0;
    afterFirstView(Promise.reject(new Error('x')), () => runs++, { settleMs: 10, fallbackMs: 5000 });
    const d = afterFirstView(Promise.resolve(), () => (runs += 10), { settleMs: 10, fallbackMs: 20 });
    d.dispose();
    await sleep(60);
    assert.equal(runs, 1);
  });
});
