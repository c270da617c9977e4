import * as assert from 'node:assert/strict';
import {
  CHECK_IDS, checkAnchor, checkPrerequisites, CheckResult, HostFacts, LOW_DISK_BYTES, renderReportMarkdown, selinuxMode,
} from '../../src/cosa/prerequisites';
import { parseCpuFlags, parseImageCreated } from '../../src/engine/hostFacts';
import { renderReportBody } from '../../webview-ui/src/prerequisitesPage';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const DAY = 24 * 3600 * 1000;

const good: HostFacts = {
  runtime: 'podman', runtimePath: '/usr/bin/podman', runtimeVersion: '4.9.4', rootless: true, uid: 1000, groups: [1000, 36],
  userNamespace: 'auto',
  kvm: { exists: true, readable: true, writable: true, mode: 0o666, uid: 0, gid: 36, groupName: 'kvm' },
  fuse: { exists: true, readable: true, writable: true, mode: 0o666 },
  cpu: { vmx: true, svm: false, hypervisor: false },
  nested: { kvm_intel: 'Y' },
  freeBytes: { workspace: 100 * 1024 ** 3, '/var/tmp': 50 * 1024 ** 3 },
  selinux: { enforce: '1', getenforce: 'Enforcing' },
  image: { ref: 'quay.io/coreos-assembler/coreos-assembler:latest', present: true, created: NOW - 2 * DAY },
  socket: { path: '/run/user/1000/podman/podman.sock', source: '$XDG_RUNTIME_DIR/podman/podman.sock', reachable: true },
  now: NOW,
};
const byId = (facts: HostFacts) => new Map(checkPrerequisites(facts).map((r) => [r.id, r]));
const one = (facts: HostFacts, id: CheckResult['id']) => byId(facts).get(id)!;

describe('checkPrerequisites', () => {
  it('passes a healthy host, one row per check in report order', () => {
    const results = checkPrerequisites(good);
    assert.deepEqual(results.map((r) => r.id), [...CHECK_IDS]);
    assert.deepEqual(results.filter((r) => r.status !== 'ok').map((r) => `${r.id}: ${r.detail}`), []);
    assert.match(results[1]!.detail, /podman 4\.9\.4 at \/usr\/bin\/podman/);
    assert.ok(results.every((r) => r.fix === undefined), 'no fix on a healthy host');
  });

  it('fails invalid settings with the message', () => {
    const r = one({ ...good, settingsError: 'coreos.configGit must be an absolute path (it is mounted into the container), not "x"' }, 'settings');
    assert.equal(r.status, 'fail');
    assert.match(r.detail, /coreos\.configGit must be an absolute path/);
  });

  it('fails a missing runtime with the install command, and rootless is then unknown', () => {
    const facts = { ...good, runtimePath: undefined, runtimeVersion: undefined, rootless: undefined };
    const r = one(facts, 'runtime');
    assert.equal(r.status, 'fail');
    assert.match(r.fix!, /sudo apt install podman/);
    assert.equal(one(facts, 'rootless').status, 'warn');
  });

  it('podman older than 4.3: fine with the uidmap mapping, a failure with keep-id', () => {
    const old = { ...good, runtimeVersion: '4.2.0' };
    assert.equal(one(old, 'runtime').status, 'ok');
    assert.match(one(old, 'runtime').detail, /--uidmap mapping is used/);
    const keepId = one({ ...old, userNamespace: 'keep-id' }, 'runtime');
    assert.equal(keepId.status, 'fail');
    assert.match(keepId.detail, /unrecognized namespace mode keep-id/);
    assert.match(keepId.fix!, /coreos\.userNamespace/);
  });

  it('reports rootless, rootful and a failed `podman info`', () => {
    assert.match(one(good, 'rootless').detail, /^Rootless podman/);
    assert.match(one({ ...good, rootless: false, uid: 0 }, 'rootless').detail, /^Rootful podman\.$/);
    assert.match(one({ ...good, runtime: 'docker', rootless: false, uid: 1000 }, 'rootless').detail, /^Rootful docker \(you are uid 1000/);
    const failed = one({ ...good, rootless: undefined, runtimeError: 'cannot connect to the Docker daemon' }, 'rootless');
    assert.equal(failed.status, 'warn');
    assert.match(failed.detail, /cannot connect to the Docker daemon/);
  });

  it('tells a missing /dev/kvm from an unwritable one, and names the group', () => {
    const missing = one({ ...good, kvm: { exists: false, readable: false, writable: false } }, 'kvm');
    assert.equal(missing.status, 'fail');
    assert.match(missing.detail, /fatal: Missing \/dev\/kvm/);
    assert.match(missing.fix!, /modprobe kvm_intel/);
    assert.match(missing.fix!, /COSA_NO_KVM=1/);
    const unwritable = one({ ...good, groups: [1000], kvm: { exists: true, readable: true, writable: false, mode: 0o660, uid: 0, gid: 36, groupName: 'kvm' } }, 'kvm');
    assert.equal(unwritable.status, 'fail');
    assert.match(unwritable.detail, /\/dev\/kvm \(0660, group kvm\) is not readable and writable by you: cosa fails with "running unprivileged/);
    assert.match(unwritable.fix!, /sudo usermod -aG kvm \$USER/);
    assert.match(unwritable.fix!, /--group-add keep-groups/);
    const inGroupStale = one({ ...good, kvm: { exists: true, readable: false, writable: false, mode: 0o660, uid: 0, gid: 36, groupName: 'kvm' } }, 'kvm');
    assert.match(inGroupStale.detail, /although you are in group kvm \(log out and in again\?\)/);
  });

  it('warns when rootless podman would reach /dev/kvm only through a supplementary group', () => {
    const kvm = { exists: true, readable: true, writable: true, mode: 0o660, uid: 0, gid: 36, groupName: 'kvm' };
    const r = one({ ...good, kvm }, 'kvm');
    assert.equal(r.status, 'warn');
    assert.match(r.fix!, /--group-add keep-groups/);
    assert.equal(one({ ...good, rootless: false, kvm }, 'kvm').status, 'ok');
  });

  it('CPU flags: vmx/svm ok; none on bare metal fails; none in a VM points at nested virtualisation', () => {
    assert.match(one({ ...good, cpu: { vmx: false, svm: true, hypervisor: false } }, 'cpu').detail, /svm \(AMD-V\)/);
    const noKvm = { exists: false, readable: false, writable: false };
    const bare = one({ ...good, kvm: noKvm, cpu: { vmx: false, svm: false, hypervisor: false } }, 'cpu');
    assert.equal(bare.status, 'fail');
    assert.match(bare.fix!, /firmware/);
    const vm = { ...good, kvm: noKvm, cpu: { vmx: false, svm: false, hypervisor: true }, nested: {} };
    assert.equal(one(vm, 'cpu').status, 'fail');
    assert.match(one(vm, 'cpu').detail, /nested virtualisation is off/);
    const nested = one(vm, 'nested');
    assert.equal(nested.status, 'fail');
    assert.match(nested.fix!, /kvm_intel nested=1/);
    const unknown = one({ ...good, cpu: undefined }, 'cpu');
    assert.equal(unknown.status, 'warn');
  });

  it('paravirtualised KVM (no vmx/svm, hypervisor, /dev/kvm works) warns instead of failing', () => {
    const pvm = { ...good, rootless: false, uid: 0, cpu: { vmx: false, svm: false, hypervisor: true }, nested: {} };
    assert.equal(one(pvm, 'cpu').status, 'warn');
    assert.equal(one(pvm, 'nested').status, 'warn');
    assert.equal(one(pvm, 'kvm').status, 'ok');
  });

  it('nested virtualisation is ok outside a VM and inside one that exposes vmx, and shows the module parameter', () => {
    const bare = one(good, 'nested');
    assert.equal(bare.status, 'ok');
    assert.match(bare.detail, /not a VM.*kvm_intel nested=Y/);
    const inVm = one({ ...good, cpu: { vmx: true, svm: false, hypervisor: true }, nested: { kvm_intel: 'N' } }, 'nested');
    assert.equal(inVm.status, 'ok');
    assert.match(inVm.detail, /exposes vmx.*kvm_intel nested=N/);
  });

  it('fails a missing /dev/fuse and warns an unusable one', () => {
    assert.equal(one({ ...good, fuse: { exists: false, readable: false, writable: false } }, 'fuse').status, 'fail');
    const ro = one({ ...good, fuse: { exists: true, readable: true, writable: false, mode: 0o600 } }, 'fuse');
    assert.equal(ro.status, 'warn');
    assert.match(ro.detail, /0600/);
  });

  it('warns about low or unknown disk space, with where-specific fixes; no folder is not a problem', () => {
    const low = byId({ ...good, freeBytes: { workspace: LOW_DISK_BYTES - 1, '/var/tmp': undefined } });
    assert.equal(low.get('disk-workspace')!.status, 'warn');
    assert.match(low.get('disk-workspace')!.detail, /^20\.0 GiB free.*No space left on device/);
    assert.match(low.get('disk-workspace')!.fix!, /cosa prune/);
    assert.equal(low.get('disk-var-tmp')!.status, 'warn');
    assert.match(low.get('disk-var-tmp')!.detail, /could not be measured/);
    const lowTmp = one({ ...good, freeBytes: { workspace: LOW_DISK_BYTES, '/var/tmp': 1024 ** 3 } }, 'disk-var-tmp');
    assert.match(lowTmp.fix!, /mantle-qemu/);
    assert.equal(one({ ...good, freeBytes: { '/var/tmp': LOW_DISK_BYTES } }, 'disk-workspace').status, 'ok');
  });

  it('reads the SELinux mode from getenforce, else the enforce file, else disabled', () => {
    assert.equal(selinuxMode({ getenforce: 'Permissive', enforce: '1' }), 'permissive');
    assert.equal(selinuxMode({ enforce: '1' }), 'enforcing');
    assert.equal(selinuxMode({ enforce: '0' }), 'permissive');
    assert.equal(selinuxMode({}), 'disabled');
    assert.equal(selinuxMode(undefined), undefined);
    assert.match(one(good, 'selinux').detail, /enforcing.*label=disable/);
    assert.match(one({ ...good, selinux: {} }, 'selinux').detail, /not enabled/);
    assert.equal(one({ ...good, selinux: undefined }, 'selinux').status, 'warn');
  });

  it('image: missing fails with a Pull action, older than 7 days warns, unknown warns', () => {
    const missing = one({ ...good, image: { ref: 'quay.io/x/y:latest', present: false } }, 'image');
    assert.equal(missing.status, 'fail');
    assert.match(missing.fix!, /podman pull quay\.io\/x\/y:latest/);
    assert.deepEqual(missing.action, { title: 'Pull Assembler Image', command: 'coreos.pullImage' });
    const old = one({ ...good, image: { ref: 'r', present: true, created: NOW - 8 * DAY } }, 'image');
    assert.equal(old.status, 'warn');
    assert.match(old.detail, /8 days old; the cosa alias warns after 7 days/);
    const week = one({ ...good, image: { ref: 'r', present: true, created: NOW - 7 * DAY } }, 'image');
    assert.equal(week.status, 'ok');
    assert.match(week.detail, /7 days old/);
    assert.match(one({ ...good, image: { ref: 'r', present: true, created: NOW - 3600_000 } }, 'image').detail, /created today/);
    const unknown = one({ ...good, image: { ref: 'r', present: false, error: 'podman is not installed' } }, 'image');
    assert.equal(unknown.status, 'warn');
  });

  it('API socket: answering is ok; missing or silent warns with the systemctl command for the mode', () => {
    const none = one({ ...good, socket: { reachable: false } }, 'socket');
    assert.equal(none.status, 'warn');
    assert.match(none.fix!, /systemctl --user enable --now podman\.socket/);
    assert.match(one({ ...good, rootless: false, socket: { reachable: false } }, 'socket').fix!, /sudo systemctl enable --now podman\.socket/);
    const silent = one({ ...good, socket: { path: '/run/podman/podman.sock', reachable: false } }, 'socket');
    assert.match(silent.detail, /does not answer/);
    assert.match(one({ ...good, runtime: 'docker', socket: { reachable: false } }, 'socket').fix!, /docker\.socket/);
  });

  it('renders one markdown table row per check with an anchor and pipes escaped', () => {
    const md = renderReportMarkdown([{ id: 'kvm', title: 'a|b', status: 'fail', detail: 'd', fix: 'f' }]);
    assert.match(md, /\| ❌ \| <a id="check-kvm"><\/a>a\\\|b \| d \| f \|/);
  });

  it('renders the report body: one row per check with its anchor, codicons with text, escaped text, focus', () => {
    const results = checkPrerequisites({ ...good, image: { ref: 'q/<x>:1', present: false } });
    const html = renderReportBody({ results, focus: 'image' });
    // Status as codicons with a text alternative, never emoji (empty boxes without an emoji font).
    assert.match(html, /<tr id="check-image" class="fail focus"[^>]*><td class="status" title="failed"><span class="codicon codicon-error" role="img" aria-label="failed"><\/span>/);
    assert.doesNotMatch(html, /[\u2705\u274c\u26a0]/u);
    assert.doesNotMatch(html, /https?:\/\//, 'no remote content');
    assert.equal((html.match(/<tr id="check-/g) ?? []).length, CHECK_IDS.length);
    for (const id of CHECK_IDS) {
      assert.match(html, new RegExp(`<tr id="${checkAnchor(id)}"`));
    }
    assert.match(html, /q\/&lt;x&gt;:1/);
    assert.doesNotMatch(html, /q\/<x>/);
    assert.match(html, /data-command="coreos\.pullImage"/);
    assert.doesNotMatch(html, /<script|<style|style=/, 'scripts and styles come from the page, not the body');
  });
});

describe('host fact parsers', () => {
  it('reads vmx/svm/hypervisor from the first flags line of /proc/cpuinfo', () => {
    const amdVm = 'processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu vme de pse hypervisor lahf_lm\nbugs\t\t: x\n';
    assert.deepEqual(parseCpuFlags(amdVm), { vmx: false, svm: false, hypervisor: true });
    assert.deepEqual(parseCpuFlags('flags : fpu vmx sse\n'), { vmx: true, svm: false, hypervisor: false });
    assert.deepEqual(parseCpuFlags('flags : svm hypervisor\n'), { vmx: false, svm: true, hypervisor: true });
    assert.deepEqual(parseCpuFlags(''), { vmx: false, svm: false, hypervisor: false });
  });

  it('reads the creation time of podman and docker image inspect output', () => {
    assert.equal(parseImageCreated('[{"Id":"x","Created":"2026-11-20T10:00:00.123456789Z"}]'), Date.parse('2026-11-20T10:00:00.123Z'));
    assert.equal(parseImageCreated('[{"Created":"2026-11-20T10:00:00+01:00"}]'), Date.parse('2026-11-20T09:00:00Z'));
    assert.equal(parseImageCreated('[]'), undefined);
    assert.equal(parseImageCreated('not json'), undefined);
  });
});
