#!/bin/bash
# Machine set-up for the tests (as root on a fresh Debian 12 machine, or through sudo; CI calls it).
#   1. apt packages (skipped when all are installed)
#   2. /etc/containers/containers.conf: runc + default_ulimits (merged, only if missing)
#   3. the coreos-assembler stand-in image (test/fixtures/cosa-image/build.sh; cached by content hash)
#   4. a boot check of the stand-in's VM (cached per image hash)
#   5. the remote test builder: rootless podman of its own account and storage behind an sshd
#      on 127.0.0.1:2222, with the stand-in loaded onto it (test/remote-builder/setup.sh)
# Idempotent; a rerun with nothing changed takes seconds.
# Env: SETUP_SKIP_BOOT_CHECK=1 skips step 4; COSA_STANDIN_FORCE_BOOT_CHECK=1 redoes it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
T0=$(date +%s.%N)
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }
STEP_T=$T0
step_done() { echo "== setup: $1 took $(since "$STEP_T")s (total $(since "$T0")s)"; STEP_T=$(date +%s.%N); }

if [ "$(id -u)" != 0 ]; then
    # The README's one command works as root (fresh Debian: no sudo) and as a user with sudo.
    if command -v sudo > /dev/null; then exec sudo bash "$0" "$@"; fi
    echo "setup-machine.sh: must run as root (no sudo here: run it in a root shell, e.g. su -)" >&2
    exit 1
fi

# ------------------------------------------------------------------ 1. apt
PACKAGES=(podman runc debootstrap busybox-static qemu-system-x86 qemu-utils git jq ignition chromium
          libkrb5-dev build-essential pkg-config python3 curl ca-certificates uidmap slirp4netns
          netavark aardvark-dns conmon iptables fuse-overlayfs
          openssh-server openssh-client rsync catatonit)
missing=()
for p in "${PACKAGES[@]}"; do
    st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$st" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "== setup: all ${#PACKAGES[@]} apt packages already installed"
else
    echo "== setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=900 update -q
    apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends "${PACKAGES[@]}"
fi
step_done "apt packages"

# ------------------------------------------------------------------ 2. containers.conf
# crun fails on hosts with hybrid cgroups, and root without CAP_SYS_RESOURCE cannot
# raise RLIMIT_NOFILE/NPROC to podman's defaults: use runc and capped ulimits.
conf=/etc/containers/containers.conf
mkdir -p /etc/containers
touch "$conf"
python3 - "$conf" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
want = {
    'containers': ('default_ulimits', '["nofile=20000:20000", "nproc=32768:32768"]'),
    'engine': ('runtime', '"runc"'),
}
lines = text.splitlines()
changed = False
for table, (key, value) in want.items():
    # find the table
    start = None
    for i, l in enumerate(lines):
        if re.match(r'^\s*\[\s*' + re.escape(table) + r'\s*\]\s*(#.*)?$', l):
            start = i
            break
    if start is None:
        if lines and lines[-1].strip():
            lines.append('')
        lines += ['[%s]' % table, '%s = %s' % (key, value)]
        changed = True
        continue
    end = len(lines)
    for j in range(start + 1, len(lines)):
        if re.match(r'^\s*\[', lines[j]):
            end = j
            break
    found = False
    for j in range(start + 1, end):
        if re.match(r'^\s*' + re.escape(key) + r'\s*=', lines[j]):
            found = True
            if lines[j].split('=', 1)[1].strip() != value:
                lines[j] = '%s = %s' % (key, value)
                changed = True
    if not found:
        lines.insert(start + 1, '%s = %s' % (key, value))
        changed = True
if changed:
    open(path, 'w').write('\n'.join(lines) + '\n')
    print('== setup: updated ' + path)
else:
    print('== setup: ' + path + ' already has runc and default_ulimits')
PY
step_done "containers.conf"

# ------------------------------------------------------------------ 3+4. stand-in image and VM boot check
# (the boot check result is cached per image content hash; SETUP_SKIP_BOOT_CHECK=1 skips it,
# COSA_STANDIN_FORCE_BOOT_CHECK=1 redoes it)
if [ -n "${SETUP_SKIP_BOOT_CHECK:-}" ]; then
    bash "$here/fixtures/cosa-image/build.sh"
else
    bash "$here/fixtures/cosa-image/build.sh" --check-vm
fi
step_done "cosa stand-in image + VM boot check"
# ------------------------------------------------------------------ 5. remote builder
bash "$here/remote-builder/setup.sh"
step_done "remote builder (ssh + rootless podman)"
podman images --filter reference=localhost/coreos-assembler:test --format 'image: {{.Repository}}:{{.Tag}} {{.Size}}'
echo "== setup: finished in $(since "$T0")s"
