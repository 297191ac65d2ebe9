#!/usr/bin/env bash
# `ipasim sweep` with the local engine (issue 30), one case per ctest:
#   sweep_local.sh CASE IPASIM SOURCE_DIR SCRATCH
# resume    a sweep killed (SIGKILL) midway resumes: the cells finished
#           before are kept, untouched, the others run once, and
#           results.csv is byte for byte an uninterrupted run's; --force
#           runs every cell again to the same results.csv
# failures  a policy fault, a run past --timeout and a policy that does
#           not compile are recorded with their reasons; the other cells
#           run; exit status 1
# axes      exclusions and zipped axes give the cells asked for, in order
# summary   --summary's groups, counts and figures (mean, min, max)
# plot      --plot with policy and param names that would run commands in
#           gnuplot if they reached it unquoted
# dryrun    --engine slurm --dry-run writes the batch script and the cell
#           list, and submits nothing
set -euo pipefail
case_=$1 ipasim=$2 src=$3 scratch=$4
inputs=$src/tests/e2e/inputs
spec=$inputs/sweep/spec.json
rm -rf "$scratch"
mkdir -p "$scratch"
cd "$scratch"

fail() {
    echo "FAIL: $*"
    exit 1
}
expect() { # REGEX TEXT
    grep -Eq -- "$1" <<<"$2" || fail "expected /$1/ in:
$2"
}
stamp() { # the reports and their inodes and times: rewritten or not
    find "$1/cells" -name '*.json' -printf '%f %i %T@\n' | sort
}

case $case_ in
resume)
    "$ipasim" sweep "$spec" -o whole -j 2 >/dev/null
    "$ipasim" sweep "$spec" -o cut -j 1 >cut.log 2>&1 &
    pid=$!
    for _ in $(seq 3000); do
        n=$(find cut/cells -name '*.json' 2>/dev/null | wc -l || true)
        [ "$n" -ge 6 ] && break
        sleep 0.02
    done
    kill -9 "$pid"
    wait "$pid" 2>/dev/null || true
    # its runs die with it (SIGKILL too), one maybe just as it finishes
    for _ in $(seq 100); do
        pgrep -f -- "$scratch/cut/cells" >/dev/null || break
        sleep 0.05
    done
    before=$(stamp cut)
    n=$(wc -l <<<"$before")
    [ "$n" -ge 6 ] && [ "$n" -lt 24 ] || fail "killed after $n cells"
    [ ! -e cut/results.csv ] || fail "a killed sweep wrote results.csv"
    out=$("$ipasim" sweep "$spec" -o cut -j 2)
    echo "$out"
    expect "^24 cells: $n finished before, $((24 - n)) to run \(-j 2\)$" "$out"
    expect "^24 cells, 0 failed: cut/results.csv$" "$out"
    after=$(stamp cut)
    [ "$(wc -l <<<"$after")" = 24 ] || fail "not 24 reports after resuming"
    # each cell finished before the kill is untouched (same inode, time)
    missing=$(comm -23 <(echo "$before") <(echo "$after"))
    [ -z "$missing" ] || fail "reports rewritten on resuming: $missing"
    cmp whole/results.csv cut/results.csv ||
        fail "resumed results.csv differs from an uninterrupted run's"
    out=$("$ipasim" sweep "$spec" -o cut)
    expect "^24 cells: 24 finished before, 0 to run" "$out"
    [ "$(stamp cut)" = "$after" ] || fail "a finished sweep ran cells again"
    out=$("$ipasim" sweep "$spec" -o cut --force)
    expect "^24 cells: 24 finished before, 24 to run \(-j [0-9]+, --force\)$" "$out"
    [ -z "$(comm -12 <(echo "$after") <(stamp cut))" ] ||
        fail "--force left reports as they were"
    cmp whole/results.csv cut/results.csv || fail "--force changed results.csv"
    ;;
failures)
    cat >spec.json <<JSON
{
  "topologies": ["4core.xml"],
  "policies": ["fifo.c", "$inputs/illegal_move.c", "$inputs/syntax_error.c"],
  "traces": ["db.json"]
}
JSON
    set +e
    out=$("$ipasim" sweep spec.json -o out 2>&1)
    code=$?
    set -e
    echo "$out"
    [ "$code" = 1 ] || fail "exit status $code, expected 1"
    expect "^FAIL illegal_move.c_db.json_4core.xml_seed1-[0-9a-f]+: fault: policy fault in illegal_move.c: illegal transition RUNNING -> MIGRATING of thread 0; event: block;" "$out"
    expect "^FAIL syntax_error.c_[^:]*: error: ipasim run exited with status 2: ipasim: error: policy '.*syntax_error.c' does not compile" "$out"
    expect "^3 cells, 2 failed: out/results.csv$" "$out"
    csv=$(cat out/results.csv)
    expect "^4core.xml,fifo.c,db.json,1,done,[0-9]+,[0-9]+,.*,$" "$csv"
    expect "^4core.xml,$inputs/illegal_move.c,db.json,1,fault,[0-9]+,.*,\"policy fault in illegal_move.c: illegal transition" "$csv"
    expect "^4core.xml,$inputs/syntax_error.c,db.json,1,error,,.*,ipasim run exited with status 2: ipasim: error: policy '.*syntax_error.c' does not compile:$" "$csv"
    # a cell without a report runs again, a fault's report is kept
    out=$("$ipasim" sweep spec.json -o out 2>&1) || true
    expect "^3 cells: 2 finished before, 1 to run" "$out"
    # a run past --timeout (a policy that spins, its watchdog off) is
    # killed and recorded
    cat >spin.json <<JSON
{
  "topologies": ["4core.xml"],
  "policies": ["$inputs/crash_spin.c"],
  "traces": ["db.json"],
  "options": {"watchdog": 0}
}
JSON
    out=$("$ipasim" sweep spin.json -o spin --timeout 2 2>&1) && fail "$out"
    expect "^FAIL crash_spin.c_[^:]*: timeout: no report after 2s \(killed; --timeout sets the limit\)$" "$out"
    expect "^4core.xml,$inputs/crash_spin.c,db.json,1,timeout,,,,,,,,,,,,,,,no report after 2s" "$(cat spin/results.csv)"
    ;;
axes)
    cat >spec.json <<'JSON'
{
  "topologies": ["4core.xml", "2socket-smt.xml"],
  "policies": ["fifo.ipa", "rr.ipa"],
  "traces": ["db.json", "make.json"],
  "seeds": [1, 2],
  "zip": [["topology", "trace"]],
  "exclude": [{"policy": "rr.ipa", "seed": 2},
              {"policy": "fifo.ipa", "trace": ["make.json"]}]
}
JSON
    "$ipasim" sweep spec.json -o out >/dev/null
    axes=$(cut -d, -f1-5 out/results.csv)
    want="topology,policy,trace,seed,exit
4core.xml,fifo.ipa,db.json,1,done
4core.xml,fifo.ipa,db.json,2,done
4core.xml,rr.ipa,db.json,1,done
2socket-smt.xml,rr.ipa,make.json,1,done"
    [ "$axes" = "$want" ] || fail "cells:
$axes
expected:
$want"
    ;;
summary)
    "$ipasim" sweep "$spec" -o out >/dev/null
    out=$("$ipasim" sweep --summary out --by policy,trace --metrics makespan_ns,events)
    echo "$out"
    # mean, min and max of each group, recomputed from results.csv
    want=$(python3 - out/results.csv <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
groups = {}
for r in rows:
    groups.setdefault((r["policy"], r["trace"]), []).append(r)
for (p, t), rs in groups.items():
    print(f"policy={p} trace={t}: {len(rs)} cells")
    for col, div in (("makespan_ns", 1e6), ("events", 1)):
        v = [float(r[col]) / div for r in rs]
        print(f"{sum(v) / len(v):.3f} {min(v):.3f} {max(v):.3f}")
PY
)
    got=$(sed -n -e 's/^\(policy=.*\)$/\1/p' -e 's/^  [a-z].* \+\([0-9.]\+\) \+\([0-9.]\+\) \+\([0-9.]\+\)$/\1 \2 \3/p' <<<"$out")
    [ "$got" = "$want" ] || fail "summary:
$got
expected (from results.csv):
$want"
    expect "^  makespan \(ms\) " "$out"
    err=$("$ipasim" sweep --summary out --by polcy 2>&1) && fail "--by polcy"
    expect "no column 'polcy' in results.csv \(did you mean 'policy'\?\)" "$err"
    ;;
plot)
    evil="\`touch canary-file\`\$(touch canary-file2)'\\\"<b>"
    jevil=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$evil")
    cp "$src/policies/fifo.ipa" "fifo$evil.ipa"
    cp "$src/policies/ule.ipa" "ule.ipa"
    pol=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "fifo$evil.ipa")
    cat >spec.json <<JSON
{
  "topologies": ["4core.xml"],
  "policies": [$pol, "ule.ipa"],
  "traces": ["db.json"],
  "params": {"slice_ticks": [2, 8]},
  "seeds": [1, 2]
}
JSON
    "$ipasim" sweep spec.json -o out >/dev/null
    out=$("$ipasim" sweep --plot out 2>&1)
    echo "$out"
    expect "^figures in out/plots$" "$out"
    grep -qi "warning" <<<"$out" && fail "gnuplot complained"
    find . -name 'canary*' | grep -q . && fail "gnuplot ran a command from a name"
    for m in makespan_ns wasted_core_ns flagged latency_p99_ns; do
        for ext in gp dat png svg; do
            [ -s "out/plots/sweep-$m.$ext" ] || fail "no sweep-$m.$ext"
        done
        grep -q "touch canary-file" "out/plots/sweep-$m.gp" ||
            fail "the hostile name did not reach sweep-$m.gp"
        grep -q "<b>" "out/plots/sweep-$m.svg" &&
            fail "sweep-$m.svg holds a name's markup"
    done
    # a param of strings is drawn as labels, hostile ones included
    sed -i 's/"slice_ticks": \[2, 8\]/"slice_ticks": ["2", '"${jevil//\\/\\\\}"']/' spec.json
    "$ipasim" sweep spec.json -o out2 >/dev/null 2>&1 || true
    out=$("$ipasim" sweep --plot out2 --metrics events 2>&1)
    grep -qi "warning" <<<"$out" && fail "gnuplot complained: $out"
    find . -name 'canary*' | grep -q . && fail "gnuplot ran a command from a param"
    [ -s out2/plots/sweep-events.png ] || fail "no figure of a string param"
    ;;
dryrun)
    out=$("$ipasim" sweep "$spec" -o out --engine slurm --dry-run --tasks 5 \
        --cpus-per-task 2 --max-parallel 3 --partition short --time 0:10:00 \
        --timeout 60)
    echo "$out"
    dir=$(pwd)/out
    expect "^wrote $dir/slurm/sweep-1.sh \(24 cells in 5 array tasks\), not submitted: 'sbatch $dir/slurm/sweep-1.sh' submits it$" "$out"
    script=$(cat out/slurm/sweep-1.sh)
    want="#!/bin/sh
# Written by ipasim sweep: array task i runs every 5th cell of
# cells-1.txt from the i-th, into the sweep's folder.
#SBATCH --job-name=ipasim-sweep
#SBATCH --array=0-4%3
#SBATCH --output=$dir/slurm/sweep-1-%a.out
#SBATCH --partition=short
#SBATCH --time=0:10:00
#SBATCH --cpus-per-task=2
exec '$ipasim' sweep '$spec' -o '$dir' --cell-list '$dir/slurm/cells-1.txt' \\
    --array-task \"\$SLURM_ARRAY_TASK_ID\" --array-tasks 5 \\
    -j \"\${SLURM_CPUS_PER_TASK:-1}\" --timeout 60"
    [ "$script" = "$want" ] || fail "batch script:
$script
expected:
$want"
    [ "$(wc -l <out/slurm/cells-1.txt)" = 24 ] || fail "cells-1.txt"
    grep -q '"slurm_jobs":\[\]' <(tr -d ' \n' <out/sweep.json) ||
        fail "a dry run recorded a job"
    # what the script runs works: array task 2 of 5 runs cells 2, 7, ...
    (cd / && SLURM_ARRAY_TASK_ID=2 SLURM_CPUS_PER_TASK=2 sh "$dir/slurm/sweep-1.sh")
    [ "$(find out/cells -name '*.json' | wc -l)" = 5 ] ||
        fail "array task 2 of 5 did not run 5 cells"
    # results.csv waits for the submission's last task to end
    [ ! -e out/results.csv ] || fail "results.csv before the last task"
    out=$("$ipasim" sweep "$spec" -o out --engine slurm --dry-run)
    expect "sweep-2.sh \(19 cells in 19 array tasks\)" "$out"
    for i in 0 1 3 4; do
        SLURM_ARRAY_TASK_ID=$i sh "$dir/slurm/sweep-1.sh"
    done
    "$ipasim" sweep "$spec" -o whole >/dev/null
    cmp whole/results.csv out/results.csv ||
        fail "the array tasks' results.csv is not the local engine's"
    err=$("$ipasim" sweep "$spec" -o out --engine slurm --dry-run \
        --partition "a b" 2>&1) && fail "a partition with a space"
    expect "partition 'a b': Slurm reads #SBATCH lines word by word" "$err"
    ;;
*)
    fail "unknown case $case_"
    ;;
esac
echo "ok: $case_"
