#!/usr/bin/env bash
# Installs what is missing, builds ipasim into build/, installs it (as
# root into /usr/local, otherwise into ~/.local; IPASIM_PREFIX chooses
# another prefix) and runs the example simulation of the Quick start with
# the installed command.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
ipasim_install_deps
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null

prefix=${IPASIM_PREFIX:-}
if [ -z "$prefix" ]; then
    if [ "$(id -u)" -eq 0 ]; then prefix=/usr/local; else prefix=$HOME/.local; fi
fi
cmake --install build --prefix "$prefix" >/dev/null
echo "installed $prefix/bin/ipasim"
case ":$PATH:" in
*":$prefix/bin:"*) ;;
*) echo "note: $prefix/bin is not on your PATH; add it with:"
   echo "    export PATH=\"$prefix/bin:\$PATH\""
   export PATH="$prefix/bin:$PATH" ;;
esac
ipasim --topo 64core.xml --policy cfs.ipa --trace db.json
