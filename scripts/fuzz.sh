#!/bin/sh
# Runs one libFuzzer harness for a while: scripts/fuzz.sh NAME SECONDS
# NAME is one of tests/fuzz/seeds.txt (trace_json, rtapp, ftrace, topology,
# scenario, dsl, plot). Builds it first (clang, -DIPASIM_FUZZ=ON) in
# $IPASIM_FUZZ_BUILD (default build-fuzz/ in the checkout). New inputs go to
# BUILD/fuzz/corpus-NAME/, crashes to BUILD/fuzz/crashes-NAME/; copy a crash
# into tests/fuzz/regressions/NAME/ once fixed (docs/robustness.md).
# Extra arguments go to libFuzzer (-jobs=2, -dict=..., ...).
set -eu
if [ $# -lt 2 ]; then
    echo "usage: scripts/fuzz.sh NAME SECONDS [libFuzzer options]" >&2
    exit 2
fi
name=$1 seconds=$2
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
build=${IPASIM_FUZZ_BUILD:-$root/build-fuzz}
shared=${IPASIM_SHARED_DATA:-$root/../shared/data}

line=$(grep "^$name " "$root/tests/fuzz/seeds.txt" || true)
if [ -z "$line" ]; then
    echo "fuzz.sh: no harness '$name'; see tests/fuzz/seeds.txt" >&2
    exit 2
fi
if ! command -v clang >/dev/null; then
    echo "fuzz.sh: needs clang and libFuzzer:" \
        "apt-get install clang libclang-rt-14-dev" >&2
    exit 2
fi
if [ ! -f "$build/CMakeCache.txt" ]; then
    CC=clang cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DIPASIM_FUZZ=ON >/dev/null
fi
make -C "$build" -j2 "fuzz_$name" >/dev/null

corpus=$build/fuzz/corpus-$name
crashes=$build/fuzz/crashes-$name
mkdir -p "$corpus" "$crashes"
seeds=""
for dir in $(echo "$line" | cut -d' ' -f3-); do
    case $dir in
    @shared/*) dir=$shared/${dir#@shared/} ;;
    *) dir=$root/$dir ;;
    esac
    [ -d "$dir" ] && seeds="$seeds $dir"
done
# hwloc's own leaks are not ours to fix (tests/fuzz/lsan.supp).
LSAN_OPTIONS=suppressions=$root/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}
export LSAN_OPTIONS
# The first folder receives what libFuzzer finds; the others are read only.
# shellcheck disable=SC2086
exec "$build/fuzz/fuzz_$name" -max_total_time="$seconds" -print_final_stats=1 \
    -max_len=16384 -timeout=25 -rss_limit_mb=2048 \
    -artifact_prefix="$crashes/" "$@" "$corpus" $seeds \
    "$root/tests/fuzz/regressions/$name"
