// coreos.runtimeArgs / COREOS_ASSEMBLER_CONTAINER_RUNTIME_ARGS split exactly
// as the documented alias' bash splits its unquoted expansion, compared with
// bash itself (`set -f`: our one documented difference is no globbing).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { splitLikeUnquotedExpansion } from '../../src/cosa/settingsResolution';

/** The words bash makes of "$V" expanded unquoted, like the alias' ${COREOS_ASSEMBLER_CONTAINER_RUNTIME_ARGS}. */
function bashWords(value: string): string[] {
  const out = execFileSync('bash', ['-c', 'set -f; printf "%s\\0" $V'], { env: { V: value, PATH: process.env.PATH }, encoding: 'utf8' });
  const words = out.split('\0');
  words.pop();
  // printf with no arguments still prints its format once, with an empty %s
  return words.length === 1 && words[0] === '' && !/[^ \t\n]/.test(value) ? [] : words;
}

describe('runtimeArgs: split like bash splits the alias\' unquoted expansion', () => {
  const inputs = [
    '', ' ', '\t\n ', '--net=host', '  -e A=1  --privileged ', "-v '/a b:/c'", '-e X="y z"', '-e A=\\$HOME',
    '-e X=a\u00a0--privileged', 'a\u2003b\u3000c\u2028d\u0085e', 'a\u000bb\u000cc\rd', '-e A=1 \\\n-e B=2', 'a\\ b', "a''b ''",
    '-v /tmp/*:/x -e Q=[ab]?', '$(touch /tmp/pwned) `id` ;ls', '\n\n-e\tA=1\n', 'é ü\u00a0ß', '"" \'\'', 'a\\\\ b\\',
  ];
  for (const input of inputs) {
    it(`splits ${JSON.stringify(input)} as bash does`, () => {
      assert.deepEqual(splitLikeUnquotedExpansion(input), bashWords(input));
    });
  }

  it('agrees with bash on 300 seeded random strings of separators, quotes, backslashes and Unicode spaces', () => {
    const alphabet = [' ', '\t', '\n', '\r', '\u00a0', '\u2003', '\u000b', '"', "'", '\\', 'a', '-', '=', '$', '*', 'é'];
    let seed = 0x2545f491;
    const next = () => {
      seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
      return seed;
    };
    const values = Array.from({ length: 300 }, () => Array.from({ length: next() % 24 }, () => alphabet[next() % alphabet.length]).join(''));
    // One bash for all: NUL-separated words, one line of output per value.
    const script = 'set -f; while IFS= read -r -d "" V; do printf "%s\\0" $V; printf "\\1"; done';
    const out = execFileSync('bash', ['-c', script], { input: values.map((v) => `${v}\0`).join(''), encoding: 'utf8' });
    const perValue = out.split('\u0001');
    perValue.pop();
    assert.equal(perValue.length, values.length);
    values.forEach((v, i) => {
      const words = perValue[i]!.split('\0');
      words.pop();
      const bash = words.length === 1 && words[0] === '' && !/[^ \t\n]/.test(v) ? [] : words;
      assert.deepEqual(splitLikeUnquotedExpansion(v), bash, JSON.stringify(v));
    });
  });
});
