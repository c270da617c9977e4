#!/bin/bash
# A remote cosa builder on this machine, reachable only the way another host is reached:
#   - account `cosabuilder` with its own rootless podman (own storage under its home,
#     fuse-overlayfs), /dev/kvm through the kvm group, subuids for keep-id;
#   - its podman API service on /run/user/<uid>/podman/podman.sock;
#   - an sshd of its own on 127.0.0.1:2222 that admits only that account, by key;
#   - the stand-in image loaded onto it through podman (save | podman --remote load), as a
#     real image would arrive, re-loaded only when its content-hash label changes.
# Idempotent (root; test/setup-machine.sh calls it; safe to rerun after a reboot, which
# empties /run). The client side lives in $CLIENT_DIR: id_ed25519, known_hosts, builder.env.
#
# Env: COSA_STANDIN_IMAGE (default localhost/coreos-assembler:test), COSA_BUILDER_PORT (2222).
set -euo pipefail

USER_NAME=cosabuilder
PORT=${COSA_BUILDER_PORT:-2222}
IMAGE=${COSA_STANDIN_IMAGE:-localhost/coreos-assembler:test}
HASH_LABEL=io.github.coreos-vscode.stand-in-hash
ETC=/etc/cosa-builder
CLIENT_DIR=/var/lib/coreos-vscode-test/builder-client
HOME_DIR=/var/lib/cosa-builder

log() { echo "== remote builder: $*"; }
[ "$(id -u)" = 0 ] || { echo "remote-builder/setup.sh: must run as root" >&2; exit 1; }

# ---------------------------------------------------------------- the account
if ! id "$USER_NAME" >/dev/null 2>&1; then
    useradd --system --create-home --home-dir "$HOME_DIR" --shell /bin/bash "$USER_NAME"
fi
usermod -p '*' "$USER_NAME"   # no password, but not locked: sshd (UsePAM no) refuses locked accounts
uid=$(id -u "$USER_NAME")
for f in /etc/subuid /etc/subgid; do
    grep -q "^$USER_NAME:" "$f" 2>/dev/null || echo "$USER_NAME:300000:65536" >> "$f"
done
# KVM and FUSE for a rootless user, as on a real builder (kvm group, rw device).
getent group kvm >/dev/null || groupadd --system kvm
id -nG "$USER_NAME" | tr ' ' '\n' | grep -qx kvm || usermod -aG kvm "$USER_NAME"
if [ -e /dev/kvm ]; then chgrp kvm /dev/kvm; chmod 660 /dev/kvm; fi
[ -e /dev/fuse ] && chmod 666 /dev/fuse

# Own storage: overlay through fuse-overlayfs under the account's home.
install -d -o "$USER_NAME" -g "$USER_NAME" "$HOME_DIR/.config" "$HOME_DIR/.config/containers"
cat > "$HOME_DIR/.config/containers/storage.conf" <<'EOF'
[storage]
driver = "overlay"
[storage.options.overlay]
mount_program = "/usr/bin/fuse-overlayfs"
EOF
chown "$USER_NAME:" "$HOME_DIR/.config/containers/storage.conf"

as_builder() {
    su -s /bin/bash "$USER_NAME" -c "cd ~ && export XDG_RUNTIME_DIR=/run/user/$uid && $1"
}

# ---------------------------------------------------------------- podman service
run_dir=/run/user/$uid
install -d -o "$USER_NAME" -g "$USER_NAME" -m 700 "$run_dir"
install -d -o "$USER_NAME" -g "$USER_NAME" "$run_dir/podman"
socket=$run_dir/podman/podman.sock
if ! as_builder "curl -sf --unix-socket $socket http://d/_ping" >/dev/null 2>&1; then
    rm -f "$socket"
    # No podman of the account runs now. A machine restored from a snapshot can keep the storage's
    # database but lose /dev/shm, where podman keeps its lock table: a new container then takes a lock
    # an old volume holds (secex-data) and podman fails with "deadlock due to lock mismatch" (seen on
    # such a machine). Renumbering hands every container, pod and volume its lock again.
    as_builder 'podman system renumber' || log "podman system renumber failed; continuing"
    # The service outlives this script: it must not inherit our open files (a caller's flock on fd 3 would
    # then stay held for as long as the service runs), so every descriptor above 2 is closed first.
    as_builder 'for fd in /proc/self/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done 2>/dev/null; '"(setsid podman system service --time=0 unix://$socket > ~/podman-service.log 2>&1 < /dev/null &)"
    for _ in $(seq 50); do
        as_builder "curl -sf --unix-socket $socket http://d/_ping" >/dev/null 2>&1 && break
        sleep 0.2
    done
    as_builder "curl -sf --unix-socket $socket http://d/_ping" >/dev/null || { echo "podman service did not start" >&2; exit 1; }
    log "podman service started on $socket"
fi

# ---------------------------------------------------------------- sshd
mkdir -p "$ETC" /run/sshd
[ -f "$ETC/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$ETC/ssh_host_ed25519_key"
install -d -m 700 "$CLIENT_DIR"
[ -f "$CLIENT_DIR/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C coreos-vscode-test -f "$CLIENT_DIR/id_ed25519"
install -d -o "$USER_NAME" -g "$USER_NAME" -m 700 "$HOME_DIR/.ssh"
install -o "$USER_NAME" -g "$USER_NAME" -m 600 "$CLIENT_DIR/id_ed25519.pub" "$HOME_DIR/.ssh/authorized_keys"
cat > "$ETC/sshd_config" <<EOF
Port $PORT
ListenAddress 127.0.0.1
HostKey $ETC/ssh_host_ed25519_key
PidFile /run/cosa-builder-sshd.pid
AllowUsers $USER_NAME
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
UsePAM no
# podman --remote dials the API socket through a direct-streamlocal channel
AllowStreamLocalForwarding yes
AllowTcpForwarding local
X11Forwarding no
EOF
/usr/sbin/sshd -t -f "$ETC/sshd_config"
if ! { [ -f /run/cosa-builder-sshd.pid ] && kill -0 "$(cat /run/cosa-builder-sshd.pid)" 2>/dev/null; }; then
    /usr/sbin/sshd -f "$ETC/sshd_config"
    log "sshd started on 127.0.0.1:$PORT"
fi
for _ in $(seq 50); do
    ssh-keyscan -p "$PORT" 127.0.0.1 > "$CLIENT_DIR/known_hosts.new" 2>/dev/null && [ -s "$CLIENT_DIR/known_hosts.new" ] && break
    sleep 0.2
done
mv "$CLIENT_DIR/known_hosts.new" "$CLIENT_DIR/known_hosts"

url="ssh://$USER_NAME@127.0.0.1:$PORT$socket"
cat > "$CLIENT_DIR/builder.env" <<EOF
CONTAINER_HOST=$url
CONTAINER_SSHKEY=$CLIENT_DIR/id_ed25519
EOF
remote() { env -u CONTAINER_HOST -u CONTAINER_SSHKEY podman --url "$url" --identity "$CLIENT_DIR/id_ed25519" "$@" 2> >(grep -v 'known_hosts' >&2); }
remote version --format '{{.Server.Version}}' >/dev/null

# ---------------------------------------------------------------- the image, through podman
want=$(env -u CONTAINER_HOST podman image inspect "$IMAGE" --format "{{index .Config.Labels \"$HASH_LABEL\"}}" 2>/dev/null || true)
[ -n "$want" ] || { echo "remote-builder/setup.sh: $IMAGE is missing locally (build it first)" >&2; exit 1; }
have=$(remote image inspect "$IMAGE" --format "{{index .Config.Labels \"$HASH_LABEL\"}}" 2>/dev/null || true)
if [ "$have" != "$want" ]; then
    log "loading $IMAGE onto the builder (podman save | podman --remote load)"
    env -u CONTAINER_HOST podman save "$IMAGE" | remote load > /dev/null
    remote image prune -f > /dev/null 2>&1 || true
fi
log "ready: $url ($(remote info --format '{{.Host.Arch}}, podman {{.Version.Version}}, rootless {{.Host.Security.Rootless}}'))"
