import * as assert from 'node:assert/strict';
import { Coalescer } from '../../src/engine/coalescer';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Coalescer (leading and trailing per key)', () => {
  it('runs the first event of a quiet key at once, without waiting out the window', () => {
    const c = new Coalescer(10_000);
    const runs: string[] = [];
    c.trigger('index', () => runs.push('a'));
    assert.deepEqual(runs, ['a']);
    c.dispose();
  });

  it('collapses the rest of a burst into one run at the end of the window, with the last callback', async () => {
    const c = new Coalescer(40);
    const runs: string[] = [];
    c.trigger('index', () => runs.push('first'));
    c.trigger('index', () => runs.push('second'));
    c.trigger('index', () => runs.push('third'));
    assert.deepEqual(runs, ['first']);
    await sleep(120);
    assert.deepEqual(runs, ['first', 'third']);
    c.dispose();
  });

  it('keeps a window open after a trailing run, so a long burst still coalesces', async () => {
    const c = new Coalescer(40);
    let runs = 0;
    c.trigger('k', () => runs++);
    c.trigger('k', () => runs++);
    await sleep(60); // trailing run happened; a new window is open
    assert.equal(runs, 2);
    c.trigger('k', () => runs++);
    assert.equal(runs, 2, 'inside the new window: deferred');
    await sleep(80);
    assert.equal(runs, 3);
    c.dispose();
  });

  it('keys are independent, and a quiet window ends without a run', async () => {
    const c = new Coalescer(30);
    const runs: string[] = [];
    c.trigger('a', () => runs.push('a'));
    c.trigger('b', () => runs.push('b'));
    await sleep(80);
    assert.deepEqual(runs, ['a', 'b']);
    c.trigger('a', () => runs.push('a2'));
    assert.deepEqual(runs, ['a', 'b', 'a2']);
    c.dispose();
  });

  it('dispose drops pending runs', async () => {
    const c = new Coalescer(30);
    let runs = 0;
    c.trigger('k', () => runs++);
    c.trigger('k', () => runs++);
    c.dispose();
    await sleep(60);
    assert.equal(runs, 1);
  });
});
