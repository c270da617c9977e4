// Command ids live in src/commandIds.ts only: the manifest contributes exactly
// those (but the internal ones), and no other source file spells one out.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMANDS, INTERNAL_COMMANDS } from '../../src/commandIds';

const repoRoot = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(repoRoot, dir), { withFileTypes: true }).flatMap((d) => {
    const rel = path.join(dir, d.name);
    return d.isDirectory() ? sourceFiles(rel) : /\.ts$/.test(d.name) ? [rel] : [];
  });
}

describe('command ids (src/commandIds.ts)', () => {
  it('the manifest contributes every command but the internal ones, and no other', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    const ours = Object.values(COMMANDS).filter((id) => !INTERNAL_COMMANDS.includes(id)).sort();
    assert.deepEqual(contributed, ours);
  });

  it('no other file under src/ or webview-ui/ spells a command id out', () => {
    const ids = new Set<string>(Object.values(COMMANDS));
    const found: string[] = [];
    for (const file of [...sourceFiles('src'), ...sourceFiles('webview-ui/src')]) {
      if (file === path.join('src', 'commandIds.ts')) continue;
      const text = fs.readFileSync(path.join(repoRoot, file), 'utf8');
      for (const m of text.matchAll(/['"`](coreos\.[A-Za-z]+)['"`]/g)) {
        if (ids.has(m[1]!)) found.push(`${file}: ${m[1]}`);
      }
    }
    assert.deepEqual(found, []);
  });
});
