// A stand-in workspace with one build and its qemu image, for the compress
// and buildfetch suites.

import * as assert from 'node:assert/strict';
import { ARCH, cosa, preparedWorkspace, readBuildsJson } from './helpers';

/** A workspace with one build and its qemu image (cosa osbuild qemu). */
export async function workspaceWithQemuImage(): Promise<{ ws: string; id: string; file: string }> {
  const { ws } = await preparedWorkspace(1);
  const id = readBuildsJson(ws).builds[0]!.id;
  const r = await cosa(ws, ['osbuild', 'qemu'], { runtimeArgs: ['-e', 'COSA_NO_KVM=1'] });
  assert.equal(r.code, 0, r.stderr);
  return { ws, id, file: `fedora-coreos-${id}-qemu.${ARCH}.qcow2` };
}
