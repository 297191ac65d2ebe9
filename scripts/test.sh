#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, then builds and
# runs every test in a normal build (build/), and again under
# AddressSanitizer + UndefinedBehaviorSanitizer (build-san/), where the
# tests' cross products of inputs run a covering sample (README.md,
# "Tests").
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
ipasim_install_deps
jobs=$(nproc)

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIPASIM_WERROR=ON >/dev/null
cmake --build build -j"$jobs" >/dev/null
(cd build && ctest --output-on-failure -j"$jobs")

cmake -S . -B build-san -DCMAKE_BUILD_TYPE=Debug -DIPASIM_SANITIZE=ON \
    -DIPASIM_WERROR=ON >/dev/null
cmake --build build-san -j"$jobs" >/dev/null
(cd build-san && ASAN_OPTIONS=detect_leaks=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --output-on-failure -j"$jobs")
