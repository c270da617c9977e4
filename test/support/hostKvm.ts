// Whether this machine has /dev/kvm. Some CI machines have none (no vmx/svm flag, no kvm
// module); there the stand-in refuses `cosa osbuild` exactly as cosa does ("fatal: Missing
// /dev/kvm; you can set COSA_NO_KVM=1 ..."), so set-up steps that are not about KVM pass
// COSA_NO_KVM=1 on such a machine, as that message says (a workspace whose runtimeArgs carry it
// boots without the KVM question); tests about a missing /dev/kvm never add it.
import * as fs from 'node:fs';

/** /dev/kvm exists here (the alias passes it with --device; podman --privileged skips a missing one). */
export const HOST_HAS_KVM = fs.existsSync('/dev/kvm');

/** Extra runtime arguments for a cosa command that needs KVM, when this machine has none. */
export const NO_KVM_ARGS: readonly string[] = HOST_HAS_KVM ? [] : ['-e', 'COSA_NO_KVM=1'];

/** A workspace's `coreos.runtimeArgs` plus `-e COSA_NO_KVM=1` where this machine has no /dev/kvm: what a user here sets. */
export function runtimeArgsHere(args: string): string {
  return HOST_HAS_KVM ? args : `${args} -e COSA_NO_KVM=1`.trim();
}
