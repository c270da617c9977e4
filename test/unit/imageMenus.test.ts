import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildContextValue, imageContextValue } from '../../src/cosa/buildPresentation';

// The tree's contextValues against the `when` clauses package.json contributes: which row offers what.
interface MenuItem { readonly command: string; readonly when: string; readonly group?: string }
const menus = (JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: { menus: { 'view/item/context': MenuItem[] } };
}).contributes.menus['view/item/context'];

/** Evaluates the `viewItem` part of a when clause (the forms package.json uses: =~ /re/, ==, ||, parentheses). */
function offered(command: string, viewItem: string): boolean {
  return menus.filter((m) => m.command === command && m.group !== 'inline').some((m) => {
    const js = m.when
      .replace(/view == coreos-builds/g, 'true')
      .replace(/viewItem =~ \/((?:\\\/|[^/])+)\//g, (_, re: string) => String(new RegExp(re).test(viewItem)))
      .replace(/viewItem == ([\w.]+)/g, (_, v: string) => String(v === viewItem));
    assert.match(js, /^[\s()!|&a-z]+$/, `unevaluated when clause: ${m.when}`);
    return (new Function(`return ${js};`) as () => boolean)();
  });
}

describe('tree menus by image state and arch', () => {
  it('Build QEMU Image is offered for a host-arch build without one, never for a foreign-arch build', () => {
    assert.equal(offered('coreos.buildQemuImage', buildContextValue(true, false, false)), true);
    assert.equal(offered('coreos.buildQemuImage', buildContextValue(false, false, false)), true);
    assert.equal(offered('coreos.buildQemuImage', buildContextValue(true, false, true)), false);
    assert.equal(offered('coreos.buildQemuImage', buildContextValue(false, false, true)), false);
    assert.equal(offered('coreos.buildQemuImage', buildContextValue(false, true, false)), false);
    assert.equal(offered('coreos.runInQemu', buildContextValue(false, true, true)), true);
  });

  it('a compressed qemu image offers Run in QEMU and Decompress; an absent one Run in QEMU and Build Fetch', () => {
    const compressed = imageContextValue('qemu', { kind: 'compressed', compressor: 'xz' });
    const absent = imageContextValue('qemu', { kind: 'absent' });
    const present = imageContextValue('qemu', { kind: 'present' });
    assert.deepEqual([compressed, absent, present], ['image.qemu.compressed', 'image.qemu.absent', 'image.qemu']);
    for (const v of [compressed, absent, present]) {
      assert.equal(offered('coreos.runInQemu', v), true, v);
    }
    assert.equal(offered('coreos.decompressBuild', compressed), true);
    assert.equal(offered('coreos.decompressBuild', present), false);
    assert.equal(offered('coreos.buildFetch', absent), true);
    assert.equal(offered('coreos.buildFetch', compressed), false);
    assert.equal(offered('coreos.runInQemu', imageContextValue('metal', { kind: 'compressed', compressor: 'xz' })), false);
    assert.equal(offered('coreos.decompressBuild', imageContextValue('metal', { kind: 'compressed', compressor: 'xz' })), true);
  });
});
