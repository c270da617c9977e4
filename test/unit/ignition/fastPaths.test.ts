/**
 * Shortcuts taken for the speed of a valid 10 MB config (bench/RESULTS.md, session 10), each held to the
 * slower code it skips, on the edge cases it touches.
 */

import * as assert from 'node:assert/strict';
import { dataUrlDecodeError, isPlainDataUrl } from '../../../src/ignition/go/dataurl';
import { goUrlParse } from '../../../src/ignition/go/stdlib';
import { mulberry32 } from './variants';

/** What validateURL (src/ignition/rules.ts) did for a data URL before the shortcut: parse, then decode. */
const parsedAndDecodes = (s: string): boolean => goUrlParse(s)?.scheme === 'data' && dataUrlDecodeError(s) === undefined;

describe('ignition: shortcuts held to the code they skip', () => {
  it('isPlainDataUrl accepts only data URLs that net/url.Parse and dataurl.DecodeString both accept', () => {
    const edge = [
      'data:,', 'data:,a', 'data:,hello%2012', 'data:,%41%4a%4F%fF', 'data:,a,b;c=d', 'data:,a?b', 'data:,a?', 'data:,?', 'data:,a??b',
      "data:,-_.!~*'()", 'data:,$&+/:=@', 'data:,%', 'data:,%4', 'data:,%4g', 'data:,%g4', 'data:,a%', 'data:,a#b', 'data:,#', 'data:, ',
      'data:,a b', 'data:,"', 'data:,<>', 'data:,{}', 'data:,|', 'data:,\\', 'data:,^', 'data:,`', 'data:,[]', 'data:,\t', 'data:,\n',
      'data:,\x7f', 'data:,é', 'data:,%C3%A9', 'data:,\u2028', 'data:;base64,YQ==', 'data:text/plain,a', 'DATA:,a', 'Data:,a', 'data:a',
      'data,a', ' data:,a', 'data:,,', 'data:,;', 'data:,%%41', 'data:,%41%', 'https://example.com/a', '',
    ];
    const accepted = edge.filter(isPlainDataUrl);
    for (const s of edge) if (isPlainDataUrl(s)) assert.ok(parsedAndDecodes(s), JSON.stringify(s));
    // not vacuous: the common shapes take the shortcut
    for (const s of ['data:,', 'data:,hello%2012', "data:,-_.!~*'()", 'data:,a?b', 'data:,a,b;c=d']) assert.ok(accepted.includes(s), s);

    // generated: every ASCII character and a few others, `%` and hex digits often
    const rnd = mulberry32(14);
    const alphabet = [...Array.from({ length: 128 }, (_, c) => String.fromCharCode(c)), 'é', '\u2028', '𝄞', '%', '%', '%', 'a', 'F', '4', '0'];
    let shortcut = 0;
    for (let n = 0; n < 30_000; n++) {
      let s = n % 10 === 0 ? 'data:' : 'data:,';
      const len = Math.floor(rnd() * 12);
      // mostly characters of encodeURIComponent's output, so that many are accepted
      for (let i = 0; i < len; i++) s += rnd() < 0.8 ? "%2Fab-_.!~*'()"[Math.floor(rnd() * 14)]! : alphabet[Math.floor(rnd() * alphabet.length)]!;
      if (!isPlainDataUrl(s)) continue;
      shortcut++;
      assert.ok(parsedAndDecodes(s), JSON.stringify(s));
    }
    assert.ok(shortcut > 3_000, `${shortcut} generated URLs took the shortcut`);
    // every inline a Butane config may have, as desugar makes it
    for (const inline of ['', 'hello 1', 'é✓ 𝄞', '#?%&=+;,/:@', '\u0000\t\n\r\u2028', 'a'.repeat(1000)]) {
      const s = 'data:,' + encodeURIComponent(inline);
      assert.ok(isPlainDataUrl(s), s);
      assert.ok(parsedAndDecodes(s), s);
    }
  });
});
