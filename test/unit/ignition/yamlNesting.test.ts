/**
 * yamlNesting.ts's one-pass pre-check (no lexing when no line is MAX_YAML_DEPTH long, there is no bracket and
 * the collection indicators are few) must never pass a document the lexing pass would refuse: each document
 * here is refused, and each would pass a pre-check that forgot one of its three conditions.
 */

import * as assert from 'node:assert/strict';
import { MAX_YAML_DEPTH, maxCollections, nestingProblem } from '../../../src/ignition/yamlNesting';

const HEAD = 'variant: fcos\nversion: 1.5.0\n';

describe('yamlNesting: the pre-check before the lexer', () => {
  it('flow collections nested deeper than the limit, one bracket a line (short lines, few collections)', () => {
    for (const [open, close] of [['[', ']'], ['{', '}']]) {
      // indented: flow content at the block's own column would end the flow collections
      const text = HEAD + 'x: ' + `  ${open}\n`.repeat(MAX_YAML_DEPTH + 10) + `  ${close}\n`.repeat(MAX_YAML_DEPTH + 10);
      assert.match(nestingProblem(text)?.message ?? '', /^exceeded max depth of 500/, open);
    }
  });

  it('mappings nested deeper than the limit (its lines are just as long as the limit, no bracket), the long lines inside or last', () => {
    const deep = HEAD + Array.from({ length: MAX_YAML_DEPTH + 5 }, (_, d) => `${' '.repeat(d)}k:`).join('\n') + ' x';
    assert.match(nestingProblem(deep + '\ny: 1\n')?.message ?? '', /^exceeded max depth of 500/);
    // every line shorter than the limit but the last one, which has no newline
    const below = MAX_YAML_DEPTH - 4;
    const last = HEAD + Array.from({ length: below }, (_, d) => `${' '.repeat(d)}k:`).join('\n') + `\n${' '.repeat(below)}${'- '.repeat(10)}y`;
    assert.match(nestingProblem(last)?.message ?? '', /^exceeded max depth of 500/);
  });

  it('more collections than the bound on short lines without a bracket (each indicator counted)', () => {
    for (const entry of ['- ', '? ']) {
      // 200 a line: well under the depth limit, 600 lines: over the bound of collections
      const line = `${entry.repeat(200)}y\n`;
      const text = HEAD + 'x:\n' + line.repeat(600);
      assert.ok(line.length < MAX_YAML_DEPTH && 600 * 199 > maxCollections(text.length));
      assert.match(nestingProblem(text)?.message ?? '', /^more than \d+ maps and sequences/, entry);
    }
  });

  it('passes an ordinary config without a finding', () => {
    assert.equal(nestingProblem(HEAD + 'storage:\n  files:\n' + '    - path: /etc/a\n      mode: 0644\n'.repeat(1000)), undefined);
  });
});
