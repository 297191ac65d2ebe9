#!/usr/bin/env bash
# Installs what is missing, builds ipasim into build/, and runs the
# example simulation of the Quick start.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
ipasim_install_deps
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
./build/ipasim --topo 64core.xml --policy cfs.ipa --trace db.json
