import * as assert from 'node:assert/strict';
import { SerialRefresh } from '../../src/engine/serialRefresh';

/** A refresh that reads `disk` when it starts and shows what it read when its gate opens (a slow read). */
function slowReader() {
  const state = { disk: 'old', shown: '', starts: 0, gates: [] as (() => void)[] };
  const refresh = async () => {
    state.starts++;
    const read = state.disk;
    await new Promise<void>((open) => state.gates.push(open));
    state.shown = read;
  };
  return { state, refresh };
}

const ticks = () => new Promise((r) => setImmediate(r));

describe('SerialRefresh (one refresh at a time; the latest read lands last)', () => {
  it('a refresh asked for during a slow one runs after it, so the older read never lands last', async () => {
    const { state, refresh } = slowReader();
    const serial = new SerialRefresh(refresh);
    const first = serial.run(); // reads "old"
    state.disk = 'new';
    const second = serial.run();
    assert.equal(state.starts, 1, 'the second waits for the first');
    state.gates.shift()!();
    await first;
    await ticks();
    assert.equal(state.starts, 2);
    state.gates.shift()!();
    await second;
    assert.equal(state.shown, 'new');
  });

  it('any number of calls during a run cost one more run, and all of them resolve after it', async () => {
    const { state, refresh } = slowReader();
    const serial = new SerialRefresh(refresh);
    const first = serial.run();
    const later = [serial.run(), serial.run(), serial.run()];
    assert.equal(later[0], later[2], 'one queued run shared by the callers');
    state.gates.shift()!();
    await first;
    await ticks();
    state.gates.shift()!();
    await Promise.all(later);
    assert.equal(state.starts, 2);
  });

  it('after everything settled a call starts at once; a failed run does not stop the next', async () => {
    let calls = 0;
    const serial = new SerialRefresh(async () => {
      calls++;
      if (calls === 1) {
        throw new Error('findFiles failed');
      }
    });
    const failing = serial.run();
    const queued = serial.run();
    await assert.rejects(failing, /findFiles failed/);
    await queued;
    assert.equal(calls, 2);
    await serial.run();
    assert.equal(calls, 3);
  });
});
