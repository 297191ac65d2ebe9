#!/usr/bin/env bash
# The lab as a student does it (issue 28.6): `ipasim lab init` copies the
# Wasted Cores lab into a new folder, without its solutions; there
# `ipasim test .` fails on the untouched policies, and passes one scenario
# more as each solution replaces the student's policy.ipa. The README's
# --plot lands in that folder, and nothing is written outside it; a copy
# that fails part-way leaves nothing.
# usage: lab.sh IPASIM SOURCE_DIR
set -euo pipefail
ipasim=$1 lab=$2/labs/wasted-cores
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "lab.sh: $*" >&2; exit 1; }
snapshot() { (cd "$lab" && find . -type f -exec cksum {} + | sort); }
before=$(snapshot)
mkdir "$tmp/cwd"
cd "$tmp/cwd"

"$ipasim" lab init wasted-cores "$tmp/lab" >/dev/null
[ ! -e "$tmp/lab/solutions" ] || fail "the solutions were copied"
for s in "$lab"/solutions/*.ipa; do
    cmp -s "$s" "$tmp/lab/$(basename "$s" .ipa)/policy.ipa" &&
        fail "$(basename "$s") ships as the student's policy"
done
# every link of the copied README leads somewhere from the copy
links=$(grep -o ']([^)#]*' "$tmp/lab/README.md" | cut -c3- | grep -v '://' || true)
[ -n "$links" ] || fail "the copied README has no links to check"
for l in $links; do
    (cd "$tmp/lab" && [ -e "$l" ]) || fail "the copied README links to $l, which is not there"
done
set +e
"$ipasim" lab init wasted-cores "$tmp/lab" 2>"$tmp/err"
rc=$?
set -e
[ $rc = 2 ] && grep -q 'exists and is not empty' "$tmp/err" ||
    fail "a non-empty folder was not refused (exit $rc)"

# a copy that fails part-way (a file of the lab cannot be read) leaves
# nothing behind: no folder, no temporary one
mkdir -p "$tmp/data/labs"
cp -r "$lab" "$tmp/data/labs/"
ln -s /nonexistent "$tmp/data/labs/wasted-cores/group-imbalance/zz.json"
if IPASIM_DATA_DIR=$tmp/data "$ipasim" lab init wasted-cores "$tmp/half" 2>/dev/null; then
    fail "a lab with an unreadable file was copied"
fi
[ -z "$(ls -A "$tmp" | grep half)" ] || fail "a failed copy left $(ls -A "$tmp")"
rm -rf "$tmp/data"

cd "$tmp/lab"
expect_test() { # EXIT SUMMARY ARGS...
    local want=$1 summary=$2 rc=0
    shift 2
    "$ipasim" test "$@" >"$tmp/out" || rc=$?
    [ $rc = "$want" ] && tail -n 1 "$tmp/out" | grep -qx "$summary" || {
        cat "$tmp/out" >&2
        fail "ipasim test $* exited $rc, expected $want and '$summary'"
    }
}
expect_test 1 "0 passed, 4 failed" .
n=0
for s in "$lab"/solutions/*.ipa; do
    bug=$(basename "$s" .ipa)
    expect_test 1 "0 passed, 1 failed" "$bug.json"
    cp "$s" "$bug/policy.ipa"
    expect_test 0 "1 passed, 0 failed" "$bug.json"
    n=$((n + 1))
    if [ $n -lt 4 ]; then
        expect_test 1 "$n passed, $((4 - n)) failed" .
    fi
done
[ $n = 4 ] || fail "expected 4 solutions, found $n"
expect_test 0 "4 passed, 0 failed" .

# the README's first run, with its figures, inside the student's folder
"$ipasim" --topo "pack:2 [numa] core:4 pu:1" --policy group-imbalance/policy.ipa \
    --trace group-imbalance/make.json --plot gi >/dev/null
[ -s gi/rqheat.png ] || fail "--plot gi did not write gi/rqheat.png"

[ -z "$(ls -A "$tmp/cwd")" ] || fail "files written in the working folder"
[ "$(ls -A "$tmp" | sort | tr '\n' ' ')" = "cwd err lab out " ] ||
    fail "files written beside the lab folder: $(ls -A "$tmp")"
[ "$(snapshot)" = "$before" ] || fail "the shipped lab changed"
echo "lab init, 4 failing scenarios, 4 solutions substituted one by one: ok"
