import * as assert from 'node:assert/strict';
import { checkPrerequisites, HostFacts, LOW_DISK_BYTES, renderReportMarkdown } from '../../src/cosa/prerequisites';
import { workspaceKind } from '../../src/cosa/workspaceKind';

const good: HostFacts = {
  runtime: 'podman', runtimePath: '/usr/bin/podman', runtimeVersion: '4.3.1',
  kvm: { exists: true, readable: true, writable: true },
  fuse: { exists: true, readable: true, writable: true },
  freeBytes: { workspace: 100 * 1024 ** 3, '/var/tmp': 50 * 1024 ** 3 },
};
const byId = (facts: HostFacts) => new Map(checkPrerequisites(facts).map((r) => [r.id, r]));

describe('checkPrerequisites', () => {
  it('passes a healthy host', () => {
    const results = checkPrerequisites(good);
    assert.deepEqual(results.map((r) => r.status), ['ok', 'ok', 'ok', 'ok', 'ok']);
    assert.match(results[0]!.detail, /podman 4\.3\.1 at \/usr\/bin\/podman/);
  });

  it('fails a missing runtime with the install command', () => {
    const r = byId({ ...good, runtimePath: undefined, runtimeVersion: undefined }).get('runtime')!;
    assert.equal(r.status, 'fail');
    assert.match(r.fix!, /sudo apt install podman/);
  });

  it('tells a missing /dev/kvm from an unwritable one', () => {
    const missing = byId({ ...good, kvm: { exists: false, readable: false, writable: false } }).get('kvm')!;
    assert.equal(missing.status, 'fail');
    assert.match(missing.fix!, /modprobe kvm_intel/);
    assert.match(missing.fix!, /COSA_NO_KVM=1/);
    const unwritable = byId({ ...good, kvm: { exists: true, readable: true, writable: false } }).get('kvm')!;
    assert.equal(unwritable.status, 'fail');
    assert.match(unwritable.fix!, /usermod -aG kvm/);
  });

  it('fails a missing /dev/fuse and warns about low or unknown disk space', () => {
    assert.equal(byId({ ...good, fuse: { exists: false, readable: false, writable: false } }).get('fuse')!.status, 'fail');
    const low = byId({ ...good, freeBytes: { workspace: LOW_DISK_BYTES - 1, '/var/tmp': undefined } });
    assert.equal(low.get('disk:workspace')!.status, 'warn');
    assert.match(low.get('disk:workspace')!.detail, /^20\.0 GiB free/);
    assert.equal(low.get('disk:/var/tmp')!.status, 'warn');
    assert.match(low.get('disk:/var/tmp')!.detail, /could not be measured/);
  });

  it('renders one table row per check with pipes escaped', () => {
    const md = renderReportMarkdown([{ id: 'x', title: 'a|b', status: 'fail', detail: 'd', fix: 'f' }]);
    assert.match(md, /\| ❌ \| a\\\|b \| d \| f \|/);
  });
});

describe('workspaceKind', () => {
  it('is decided by builds/builds.json first, then src/config', () => {
    assert.equal(workspaceKind({ hasBuildsJson: true, hasSrcConfig: false }), 'builds');
    assert.equal(workspaceKind({ hasBuildsJson: false, hasSrcConfig: true }), 'initialized');
    assert.equal(workspaceKind({ hasBuildsJson: false, hasSrcConfig: false }), 'uninitialized');
  });
});
